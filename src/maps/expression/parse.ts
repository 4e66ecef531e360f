/**
 * The stream-map expression language: the subset of Python's expression
 * grammar that the Meltano SDK's evaluator (simpleeval) accepts, parsed here
 * into a small syntax tree. Nothing is handed to JavaScript's own evaluator
 * (no eval, Function or vm): a text can only be what this grammar builds, and
 * every node is one the evaluator implements with its own rules.
 */

export type Node =
  | { readonly kind: 'const'; readonly value: null | boolean | number | string }
  | { readonly kind: 'name'; readonly id: string }
  | { readonly kind: 'list'; readonly items: readonly Node[] }
  | { readonly kind: 'tuple'; readonly items: readonly Node[] }
  | { readonly kind: 'dict'; readonly entries: readonly (readonly [Node, Node])[] }
  | { readonly kind: 'attr'; readonly target: Node; readonly name: string }
  | { readonly kind: 'index'; readonly target: Node; readonly index: Node }
  | { readonly kind: 'slice'; readonly target: Node; readonly lower?: Node; readonly upper?: Node; readonly step?: Node }
  | { readonly kind: 'call'; readonly fn: Node; readonly args: readonly Node[]; readonly kwargs: readonly (readonly [string, Node])[] }
  | { readonly kind: 'unary'; readonly op: '-' | '+' | 'not'; readonly operand: Node }
  | { readonly kind: 'binary'; readonly op: BinaryOp; readonly left: Node; readonly right: Node }
  | { readonly kind: 'bool'; readonly op: 'and' | 'or'; readonly left: Node; readonly right: Node }
  | { readonly kind: 'compare'; readonly first: Node; readonly rest: readonly (readonly [CompareOp, Node])[] }
  | { readonly kind: 'ifexp'; readonly test: Node; readonly body: Node; readonly orelse: Node }
  | {
      readonly kind: 'comp'
      readonly shape: 'list' | 'dict'
      readonly element: Node
      readonly value?: Node
      readonly targets: readonly string[]
      readonly iter: Node
      readonly conditions: readonly Node[]
    }

export type BinaryOp = '+' | '-' | '*' | '/' | '//' | '%' | '**'
export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | 'in' | 'not in' | 'is' | 'is not'

/** A text that is not an expression of the language, with where and why. */
export class SyntaxProblem extends Error {}

type Token =
  | { readonly t: 'name'; readonly v: string; readonly at: number }
  | { readonly t: 'num'; readonly v: number; readonly at: number }
  | { readonly t: 'str'; readonly v: string; readonly at: number }
  | { readonly t: 'op'; readonly v: string; readonly at: number }
  | { readonly t: 'end'; readonly at: number }

const KEYWORDS_REFUSED = new Set([
  'lambda',
  'yield',
  'await',
  'import',
  'from',
  'def',
  'class',
  'global',
  'nonlocal',
  'del',
  'assert',
  'with',
  'as',
  'raise',
  'return',
  'pass',
  'while',
  'try',
  'except',
  'finally',
  'elif',
  'async',
])
const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '+', '-', '*', '/', '%', '<', '>', '(', ')', '[', ']', '{', '}', ',', ':', '.', '=']
const ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\n': '',
}

const tokenize = (text: string): Token[] => {
  const tokens: Token[] = []
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (/\s/.test(c)) {
      i++
      continue
    }
    const at = i
    const prefix = /^([rRuU]?)(['"])/.exec(text.slice(i, i + 2))
    if (prefix !== null) {
      const raw = prefix[1]!.toLowerCase() === 'r'
      i += prefix[1]!.length
      const quote = text.slice(i, i + 3) === prefix[2]!.repeat(3) ? prefix[2]!.repeat(3) : prefix[2]!
      i += quote.length
      let value = ''
      for (;;) {
        if (i >= text.length) throw new SyntaxProblem(`unterminated string starting at character ${at + 1}`)
        if (text.startsWith(quote, i)) {
          i += quote.length
          break
        }
        const ch = text[i]!
        if (ch === '\\' && !raw) {
          const next = text[i + 1] ?? ''
          if (next === 'x' || next === 'u' || next === 'U') {
            const width = next === 'x' ? 2 : next === 'u' ? 4 : 8
            const hex = text.slice(i + 2, i + 2 + width)
            if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) throw new SyntaxProblem(`bad \\${next} escape at character ${i + 1}`)
            value += String.fromCodePoint(parseInt(hex, 16))
            i += 2 + width
          } else if (next in ESCAPES) {
            value += ESCAPES[next]
            i += 2
          } else {
            value += ch
            i++
          }
          continue
        }
        if (ch === '\n' && quote.length === 1) throw new SyntaxProblem(`unterminated string starting at character ${at + 1}`)
        value += ch
        i++
      }
      tokens.push({ t: 'str', v: value, at })
      continue
    }
    if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i))!
      if (/^[bBfF][rR]?$|^[rR][bBfF]$/.test(m[0]) && (text[i + m[0].length] === "'" || text[i + m[0].length] === '"')) {
        throw new SyntaxProblem(`${m[0]}-strings are not supported (character ${at + 1})`)
      }
      tokens.push({ t: 'name', v: m[0], at })
      i += m[0].length
      continue
    }
    if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const m = /^(0[xX][0-9a-fA-F_]+|(\d[\d_]*)?\.?\d[\d_]*([eE][+-]?\d+)?|\d[\d_]*\.)/.exec(text.slice(i))!
      const digits = m[0].replace(/_/g, '')
      tokens.push({ t: 'num', v: /^0[xX]/.test(digits) ? parseInt(digits.slice(2), 16) : Number(digits), at })
      i += m[0].length
      continue
    }
    const op = OPERATORS.find((o) => text.startsWith(o, i))
    if (op === undefined) throw new SyntaxProblem(`unexpected ${JSON.stringify(c)} at character ${at + 1}`)
    tokens.push({ t: 'op', v: op, at })
    i += op.length
  }
  tokens.push({ t: 'end', at: text.length })
  return tokens
}

const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>='])

class Parser {
  private pos = 0
  constructor(private readonly tokens: Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)]!
  }
  private next(): Token {
    return this.tokens[this.pos++]!
  }
  private isOp(v: string, offset = 0): boolean {
    const tok = this.peek(offset)
    return tok.t === 'op' && tok.v === v
  }
  private isWord(v: string, offset = 0): boolean {
    const tok = this.peek(offset)
    return tok.t === 'name' && tok.v === v
  }
  private expectOp(v: string): void {
    if (!this.isOp(v)) throw this.unexpected(`expected ${JSON.stringify(v)}`)
    this.pos++
  }
  private unexpected(why?: string): SyntaxProblem {
    const tok = this.peek()
    const what =
      tok.t === 'end'
        ? 'the end of the expression'
        : `${JSON.stringify(tok.t === 'num' ? String(tok.v) : tok.v)} at character ${tok.at + 1}`
    return new SyntaxProblem(why === undefined ? `${what} was not expected` : `${why}, found ${what}`)
  }

  whole(): Node {
    const node = this.expression()
    if (this.peek().t !== 'end') throw this.unexpected(this.isOp('=') ? 'assignments are not expressions' : undefined)
    return node
  }

  /** A comma list at the top is a tuple, as in Python (`a, b`). */
  private expression(): Node {
    const first = this.test()
    if (!this.isOp(',')) return first
    const items = [first]
    while (this.isOp(',')) {
      this.pos++
      if (this.endsGroup()) break
      items.push(this.test())
    }
    return { kind: 'tuple', items }
  }

  private endsGroup(): boolean {
    const tok = this.peek()
    return tok.t === 'end' || (tok.t === 'op' && (tok.v === ')' || tok.v === ']' || tok.v === '}'))
  }

  private test(): Node {
    if (this.isWord('lambda')) throw new SyntaxProblem('lambda is not supported')
    const body = this.or()
    if (!this.isWord('if')) return body
    this.pos++
    const cond = this.or()
    if (!this.isWord('else')) throw this.unexpected('expected "else"')
    this.pos++
    return { kind: 'ifexp', test: cond, body, orelse: this.test() }
  }

  private or(): Node {
    let left = this.and()
    while (this.isWord('or')) {
      this.pos++
      left = { kind: 'bool', op: 'or', left, right: this.and() }
    }
    return left
  }

  private and(): Node {
    let left = this.not()
    while (this.isWord('and')) {
      this.pos++
      left = { kind: 'bool', op: 'and', left, right: this.not() }
    }
    return left
  }

  private not(): Node {
    if (this.isWord('not')) {
      this.pos++
      return { kind: 'unary', op: 'not', operand: this.not() }
    }
    return this.comparison()
  }

  private comparison(): Node {
    const first = this.arith()
    const rest: [CompareOp, Node][] = []
    for (;;) {
      const tok = this.peek()
      let op: CompareOp | undefined
      if (tok.t === 'op' && COMPARE_OPS.has(tok.v)) {
        op = tok.v as CompareOp
        this.pos++
      } else if (this.isWord('in')) {
        op = 'in'
        this.pos++
      } else if (this.isWord('not') && this.isWord('in', 1)) {
        op = 'not in'
        this.pos += 2
      } else if (this.isWord('is')) {
        this.pos++
        op = this.isWord('not') ? 'is not' : 'is'
        if (op === 'is not') this.pos++
      }
      if (op === undefined) break
      rest.push([op, this.arith()])
    }
    return rest.length === 0 ? first : { kind: 'compare', first, rest }
  }

  private arith(): Node {
    let left = this.term()
    while (this.isOp('+') || this.isOp('-')) {
      const op = (this.next() as { v: string }).v
      left = { kind: 'binary', op: op as BinaryOp, left, right: this.term() }
    }
    return left
  }

  private term(): Node {
    let left = this.factor()
    while (this.isOp('*') || this.isOp('/') || this.isOp('//') || this.isOp('%')) {
      const op = (this.next() as { v: string }).v
      left = { kind: 'binary', op: op as BinaryOp, left, right: this.factor() }
    }
    return left
  }

  private factor(): Node {
    if (this.isOp('-') || this.isOp('+')) {
      const op = (this.next() as { v: string }).v as '-' | '+'
      return { kind: 'unary', op, operand: this.factor() }
    }
    return this.power()
  }

  private power(): Node {
    const base = this.primary()
    if (!this.isOp('**')) return base
    this.pos++
    return { kind: 'binary', op: '**', left: base, right: this.factor() }
  }

  private primary(): Node {
    let node = this.atom()
    for (;;) {
      if (this.isOp('.')) {
        this.pos++
        const name = this.next()
        if (name.t !== 'name') throw new SyntaxProblem(`expected a name after "." at character ${name.at + 1}`)
        node = { kind: 'attr', target: node, name: name.v }
      } else if (this.isOp('(')) {
        this.pos++
        node = this.call(node)
      } else if (this.isOp('[')) {
        this.pos++
        node = this.subscript(node)
      } else return node
    }
  }

  private call(fn: Node): Node {
    const args: Node[] = []
    const kwargs: [string, Node][] = []
    while (!this.isOp(')')) {
      if (this.isOp('*') || this.isOp('**')) throw new SyntaxProblem('* and ** arguments are not supported')
      const tok = this.peek()
      if (tok.t === 'name' && this.isOp('=', 1)) {
        this.pos += 2
        kwargs.push([tok.v, this.test()])
      } else {
        if (kwargs.length > 0) throw this.unexpected('a positional argument follows a keyword argument')
        args.push(this.test())
      }
      if (!this.isOp(',')) break
      this.pos++
    }
    this.expectOp(')')
    return { kind: 'call', fn, args, kwargs }
  }

  private subscript(target: Node): Node {
    const part = (): Node | undefined => (this.isOp(':') || this.isOp(']') ? undefined : this.test())
    const lower = part()
    if (!this.isOp(':')) {
      if (lower === undefined) throw this.unexpected()
      const index = this.isOp(',') ? this.tupleRest(lower, ']') : lower
      this.expectOp(']')
      return { kind: 'index', target, index }
    }
    this.pos++
    const upper = part()
    let step: Node | undefined
    if (this.isOp(':')) {
      this.pos++
      step = part()
    }
    this.expectOp(']')
    return {
      kind: 'slice',
      target,
      ...(lower === undefined ? {} : { lower }),
      ...(upper === undefined ? {} : { upper }),
      ...(step === undefined ? {} : { step }),
    }
  }

  private tupleRest(first: Node, close: string): Node {
    const items = [first]
    while (this.isOp(',')) {
      this.pos++
      if (this.isOp(close)) break
      items.push(this.test())
    }
    return { kind: 'tuple', items }
  }

  private comprehension(shape: 'list' | 'dict', element: Node, value?: Node): Node {
    this.pos++ // for
    const targets: string[] = []
    for (;;) {
      const tok = this.next()
      if (tok.t !== 'name' || tok.v === 'in') throw new SyntaxProblem(`expected a name after "for" at character ${tok.at + 1}`)
      targets.push(tok.v)
      if (!this.isOp(',')) break
      this.pos++
    }
    if (!this.isWord('in')) throw this.unexpected('expected "in"')
    this.pos++
    const iter = this.or()
    const conditions: Node[] = []
    while (this.isWord('if')) {
      this.pos++
      conditions.push(this.or())
    }
    if (this.isWord('for')) throw new SyntaxProblem('nested "for" in a comprehension is not supported')
    return { kind: 'comp', shape, element, ...(value === undefined ? {} : { value }), targets, iter, conditions }
  }

  private atom(): Node {
    const tok = this.next()
    switch (tok.t) {
      case 'num':
        return { kind: 'const', value: tok.v }
      case 'str': {
        let value = tok.v
        while (this.peek().t === 'str') value += (this.next() as { v: string }).v
        return { kind: 'const', value }
      }
      case 'name':
        if (tok.v === 'None') return { kind: 'const', value: null }
        if (tok.v === 'True') return { kind: 'const', value: true }
        if (tok.v === 'False') return { kind: 'const', value: false }
        if (KEYWORDS_REFUSED.has(tok.v)) throw new SyntaxProblem(`"${tok.v}" is not supported in an expression`)
        if (['and', 'or', 'not', 'in', 'is', 'if', 'else', 'for'].includes(tok.v)) {
          this.pos--
          throw this.unexpected()
        }
        return { kind: 'name', id: tok.v }
      case 'op':
        if (tok.v === '(') {
          if (this.isOp(')')) {
            this.pos++
            return { kind: 'tuple', items: [] }
          }
          const first = this.test()
          if (this.isWord('for')) throw new SyntaxProblem('generator expressions are not supported; use a list comprehension [...]')
          const node = this.isOp(',') ? this.tupleRest(first, ')') : first
          this.expectOp(')')
          return node
        }
        if (tok.v === '[') {
          const items: Node[] = []
          if (!this.isOp(']')) {
            const first = this.test()
            if (this.isWord('for')) {
              const comp = this.comprehension('list', first)
              this.expectOp(']')
              return comp
            }
            items.push(first)
            while (this.isOp(',')) {
              this.pos++
              if (this.isOp(']')) break
              items.push(this.test())
            }
          }
          this.expectOp(']')
          return { kind: 'list', items }
        }
        if (tok.v === '{') {
          const entries: [Node, Node][] = []
          if (!this.isOp('}')) {
            const key = this.test()
            if (!this.isOp(':')) throw new SyntaxProblem('sets are not supported; use a list [...]')
            this.pos++
            const value = this.test()
            if (this.isWord('for')) {
              const comp = this.comprehension('dict', key, value)
              this.expectOp('}')
              return comp
            }
            entries.push([key, value])
            while (this.isOp(',')) {
              this.pos++
              if (this.isOp('}')) break
              const k = this.test()
              this.expectOp(':')
              entries.push([k, this.test()])
            }
          }
          this.expectOp('}')
          return { kind: 'dict', entries }
        }
        this.pos--
        throw this.unexpected()
      case 'end':
        this.pos--
        throw this.unexpected()
    }
  }
}

/** The syntax tree of `text`; throws SyntaxProblem naming what is wrong and where. */
export const parse = (text: string): Node => {
  if (text.trim() === '') throw new SyntaxProblem('the expression is empty')
  return new Parser(tokenize(text)).whole()
}
