import { expect } from 'chai'
import { createHash } from 'node:crypto'
import { CheckProblem, compileExpression, type CompileContext } from '../../../src/maps/expression/compile.js'
import { toJson } from '../../../src/maps/expression/builtins.js'
import { infer } from '../../../src/maps/expression/infer.js'
import { EvalProblem } from '../../../src/maps/expression/values.js'

const SCHEMA = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    n: { type: ['integer', 'null'] },
    message: { type: ['string', 'null'] },
    ts: { type: ['string', 'null'], format: 'date-time' },
    tags: { type: ['array', 'null'], items: { type: 'string' } },
    visitor: { type: ['object', 'null'], properties: { email: { type: ['string', 'null'] }, phone: { type: ['string', 'null'] } } },
    history: { type: ['array', 'null'], items: { type: 'object', properties: { msg: { type: ['string', 'null'] } } } },
    hidden: { type: ['string', 'null'] },
  },
}
const SELECTED = { ...SCHEMA, properties: Object.fromEntries(Object.entries(SCHEMA.properties).filter(([k]) => k !== 'hidden')) }

const context = (selfPath?: string[]): CompileContext => ({
  schema: SELECTED,
  fullSchema: SCHEMA,
  streamName: 'chats_v2',
  originalStreamName: 'chats',
  config: { salt: 'pepper', n: 3 },
  ...(selfPath === undefined ? {} : { selfPath }),
})

const RECORD = {
  id: 'c1',
  n: 7,
  message: 'Hello there',
  ts: '2024-01-02T03:04:05Z',
  tags: ['vip', 'returns'],
  visitor: { email: 'Ann@Example.com', phone: null },
  history: [{ msg: 'hi' }, { msg: 'bye' }],
}

const evaluate = (text: string, self?: unknown, selfPath = ['visitor', 'email']): unknown =>
  compileExpression(text, context(selfPath)).run({ record: RECORD, self: self === undefined ? (RECORD.visitor.email as unknown) : self })

const refusal = (text: string): string => {
  try {
    compileExpression(text, context(['visitor', 'email']))
  } catch (error) {
    expect(error).to.be.instanceOf(CheckProblem)
    return (error as Error).message
  }
  throw new Error(`${text} was accepted`)
}

const failure = (text: string): string => {
  try {
    evaluate(text)
  } catch (error) {
    expect(error).to.be.instanceOf(EvalProblem)
    return (error as Error).message
  }
  throw new Error(`${text} did not fail`)
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex')

describe('stream map expressions', () => {
  describe('evaluate as Python (the Meltano SDK) would', () => {
    const cases: [string, unknown][] = [
      ["md5(config['salt'] + self)", md5('pepperAnn@Example.com')],
      ["sha256('x')", createHash('sha256').update('x').digest('hex')],
      ["record['visitor']['email'].lower().split('@')[-1]", 'example.com'],
      ["_['visitor']['email'].upper()", 'ANN@EXAMPLE.COM'],
      ['message.lower().replace("there", "you").strip()', 'hello you'],
      ["message.startswith(('Hi', 'Hello')) and not message.endswith('!')", true],
      ["visitor['phone'] if visitor['phone'] else 'none'", 'none'],
      ["visitor.get('phone') or visitor.get('email')", 'Ann@Example.com'],
      ['n // 2 + n % 3 * 2 - -1', 6],
      ['-7 // 2', -4],
      ['-7 % 3', 2],
      ['n / 2', 3.5],
      ['2 ** 10', 1024],
      ['1 < n <= 7 != 8', true],
      ["'vip' in tags and 'x' not in tags", true],
      ["len(tags) + len('héllo') + len(visitor)", 9],
      ["int('42') + int(3.9) + int(True)", 46],
      ["float('1.5') * 2", 3],
      ['str(None) + str(True) + str(n) + str([1, "a", None]) + str({"k": False})', "NoneTrue7[1, 'a', None]{'k': False}"],
      ['bool([]) or bool("x")', true],
      ['None is None and n is not None', true],
      ["', '.join(tags)", 'vip, returns'],
      ["[t.upper() for t in tags if t != 'returns']", ['VIP']],
      ["[h['msg'] for h in history]", ['hi', 'bye']],
      ['{k: v for k, v in visitor.items() if v}', { email: 'Ann@Example.com' }],
      ["'abcdef'[1:4] + 'abc'[::-1] + tags[-1]", 'bcdcbareturns'],
      ['json.dumps(visitor)', '{"email": "Ann@Example.com", "phone": null}'],
      ["json.dumps({'b': 1, 'a': [1, 2]}, sort_keys=True, separators=(',', ':'))", '{"a":[1,2],"b":1}'],
      ['json.dumps("é")', '"\\u00e9"'],
      ["json.loads('{\"a\": [1]}')['a'][0]", 1],
      ['datetime.datetime.fromisoformat(ts).timestamp()', 1704164645],
      ['datetime.datetime.fromisoformat(ts).year', 2024],
      ['(datetime.datetime.fromisoformat(ts) + datetime.timedelta(days=1, hours=1)).isoformat()', '2024-01-03T04:04:05+00:00'],
      ["datetime.datetime.fromisoformat(ts).strftime('%Y/%m/%d %H:%M %a')", '2024/01/02 03:04 Tue'],
      ["str(datetime.date.fromisoformat('2024-02-29'))", '2024-02-29'],
      ["(datetime.datetime.fromisoformat('2024-01-02T00:00:00+02:00') - datetime.datetime.fromisoformat(ts)).total_seconds()", -18245],
      ['__stream_name__ + "/" + __original_stream_name__', 'chats_v2/chats'],
      ["config['n'] * 'ab'", 'ababab'],
      ['[1, 2] + [3] == [1, 2, 3]', true],
      ['1 == 1.0 == True', true],
      ["json.dumps({'__proto__': 1, 'k': 2})", '{"__proto__": 1, "k": 2}'],
      ["dict([('__proto__', 1)])['__proto__']", 1],
    ]
    for (const [text, expected] of cases) {
      it(text, () => {
        expect(evaluate(text)).to.deep.equal(expected)
      })
    }

    it('a datetime a map computes is written as ISO text in the record', () => {
      expect(toJson(evaluate('datetime.datetime.fromisoformat(ts)'))).to.equal('2024-01-02T03:04:05+00:00')
    })
  })

  describe('fail on a record with Python’s error', () => {
    const cases: [string, RegExp][] = [
      ["md5(visitor['phone'])", /AttributeError: 'NoneType' object has no attribute 'encode'/],
      ["visitor['phone'].lower()", /AttributeError: 'NoneType' object has no attribute 'lower'/],
      ["'n=' + n", /TypeError: can only concatenate str \(not "int"\) to str/],
      ['n / 0', /ZeroDivisionError/],
      ["int('x1')", /ValueError: invalid literal for int\(\) with base 10: 'x1'/],
      ['tags[5]', /IndexError: list index out of range/],
      ["[visitor['phone']][0]['x']", /TypeError: 'NoneType' object is not subscriptable/],
      ['n[0]', /TypeError: 'int' object is not subscriptable/],
      ["n < 'a'", /TypeError: '<' not supported between instances of 'int' and 'str'/],
      ["'ab' * 100000", /MemoryError/],
      ['9 ** 9999999', /NumberTooHigh/],
      ["('a' * 1000).replace('a', 'b' * 1000)", /MemoryError/],
    ]
    for (const [text, expected] of cases) {
      it(text, () => {
        expect(failure(text)).to.match(expected)
      })
    }

    it('self of a field the record lacks is a NameError', () => {
      expect(() => compileExpression('self', context(['visitor', 'phone'])).run({ record: RECORD, self: undefined })).to.throw(
        EvalProblem,
        /NameError/,
      )
    })
  })

  describe('are refused before any record is read', () => {
    const cases: [string, RegExp][] = [
      ['md5(', /does not parse/],
      ['x = 1', /assignments are not expressions/],
      ["record['visitor']['emial']", /stream chats has no field visitor\.emial/],
      ['nope + 1', /name nope is not defined: not a field of stream chats/],
      ["hidden + 'x'", /field hidden of stream chats is not selected in the catalog/],
      ['visitor.email', /no value has an attribute email; read a field as visitor\['email'\]/],
      ["f'{id}'", /f-strings are not supported/],
    ]
    for (const [text, expected] of cases) {
      it(text, () => {
        expect(refusal(text)).to.match(expected)
      })
    }
    it('self in a filter', () => {
      expect(() => compileExpression('self', context())).to.throw(CheckProblem, /self is only there in a property expression/)
    })
  })

  describe('cannot reach anything beyond the record, config and the built-ins', () => {
    const escapes = [
      "__import__('os').system('touch /tmp/pwned')",
      "open('/etc/passwd').read()",
      'record.__class__.__mro__[1].__subclasses__()',
      "''.__class__.__base__",
      'config.__init__.__globals__',
      'json.__dict__',
      'datetime.sys.modules',
      "md5.__call__('x')",
      '(lambda: 1)()',
      'import os',
      "exec('1')",
      "eval('1 + 1')",
      "getattr(record, 'x')",
      "globals()['__builtins__']",
      'globalThis.process.exit(1)',
      'process.mainModule',
      "require('child_process')",
      'constructor.constructor("return process")()',
      "record['constructor']['constructor']('return process')()",
      "record['__proto__']",
      "''.constructor",
      'tags.constructor',
      'tags.map',
      "visitor.hasOwnProperty('email')",
      'json.loads.call',
      'str.__self__',
      '[c for c in ().__class__.__bases__]',
      '(1).real',
      'datetime.datetime.now.__self__',
      'type(record)',
      'vars()',
      'dir()',
      "compile('1', 'x', 'eval')",
    ]
    for (const text of escapes) {
      it(`refuses ${text}`, () => {
        let refused = false
        try {
          const { run } = compileExpression(text, context(['visitor', 'email']))
          run({ record: RECORD, self: 'x' })
        } catch (error) {
          refused = error instanceof CheckProblem || error instanceof EvalProblem
          if (!refused) throw error
        }
        expect(refused, text).to.equal(true)
      })
    }
  })

  describe('say the JSON Schema of what they compute', () => {
    const cases: [string, unknown][] = [
      ["md5(config['salt'] + self)", { type: 'string' }],
      ['md5(self) if self else None', { type: ['string', 'null'] }],
      ["record['visitor']['email']", { type: ['string', 'null'] }],
      ["visitor.get('email')", { type: ['string', 'null'] }],
      ['int(n) + 1', { type: 'integer' }],
      ['n / 2', { type: 'number' }],
      ['len(tags) > 1', { type: 'boolean' }],
      ["self.split('@')", { type: 'array', items: { type: 'string' } }],
      ["self.split('@')[-1]", { type: 'string' }],
      ['datetime.datetime.fromisoformat(ts)', { type: 'string', format: 'date-time' }],
      ["datetime.date.fromisoformat('2024-01-01')", { type: 'string', format: 'date' }],
      ['json.dumps(visitor)', { type: 'string' }],
      ["'client-123'", { type: 'string' }],
      ['tags', SCHEMA.properties.tags],
    ]
    for (const [text, expected] of cases) {
      it(text, () => {
        const ctx = context(['visitor', 'email'])
        expect(infer(compileExpression(text, ctx).tree, ctx)).to.deep.equal(expected)
      })
    }
    it('json.loads() does not say (the SDK rule then applies)', () => {
      const ctx = context(['visitor', 'email'])
      expect(infer(compileExpression("json.loads('{}')", ctx).tree, ctx)).to.equal(undefined)
    })
  })
})
