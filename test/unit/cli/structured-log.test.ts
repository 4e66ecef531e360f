import { expect } from 'chai'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { edgeLines, stderrLogger } from '../../../src/cli/logger.js'
import { asksForStructuredLogs, logFormatOf, logLevelOf } from '../../../src/cli/structured-log.js'
import { LEVEL, meltanoLogRecords, parseSdkLogLine, PARSER_FACTS } from '../../support/meltano-logs.js'
import { ROOT } from '../../support/cli.js'

// meltano/sdk singer_sdk/schemas/logs.schema.json: the event schema of the SDK's structured logs.
const sdkLogSchema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'sdk-logs.schema.json'), 'utf8')) as object

const AT = new Date('2024-05-31T20:58:16.590Z')

const jsonLogger = (lines: string[]) =>
  stderrLogger(
    'debug',
    ['secret-token-123'],
    (l) => lines.push(l),
    'json',
    () => AT,
  )

describe('structured logs, as Meltano parses them', () => {
  const validate = new Ajv2020({ strict: false, allErrors: true }).compile(sdkLogSchema)

  it("each level comes out as a Meltano SDK line that Meltano's parser logs at that level", () => {
    const lines: string[] = []
    const log = jsonLogger(lines)
    log.debug('a debug line')
    log.info('an info line')
    log.warn('agents: a field the API added, left out')
    log.error('chats: HTTP 401')
    expect(lines.every((l) => l.endsWith('\n'))).to.equal(true)
    const records = lines.map((l) => parseSdkLogLine(l))
    expect(records.map((r) => r?.level)).to.deep.equal([LEVEL.DEBUG, LEVEL.INFO, LEVEL.WARNING, LEVEL.ERROR])
    expect(records.map((r) => r?.message)).to.deep.equal([
      'a debug line',
      'an info line',
      'agents: a field the API added, left out',
      'chats: HTTP 401',
    ])
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>
      expect(Object.keys(entry), line).to.include.members([...PARSER_FACTS.required_fields])
      expect(validate(entry), `${line} ${JSON.stringify(validate.errors)}`).to.equal(true)
      expect(entry.ts).to.equal(AT.getTime() / 1000)
      expect(entry.pid).to.equal(process.pid)
      expect(entry.logger_name).to.equal('tap-zendesk-chat')
      // `meltano config test` reads json.loads(line)["type"] from the merged output: a log line must not look like a message.
      expect(entry, line).to.not.have.property('type')
    }
  })

  it('a metric is message METRIC with the point in metric_info, its stream as stream_name', () => {
    const lines: string[] = []
    const point = { type: 'counter', metric: 'record_count', value: 42, tags: { stream: 'chats', endpoint: 'incremental/chats' } } as const
    jsonLogger(lines).metric(point)
    const record = parseSdkLogLine(lines[0]!)!
    expect(record.level).to.equal(LEVEL.INFO)
    expect(record.message).to.equal('METRIC')
    expect(record.extra.metric_info).to.deep.equal(point)
    expect(record.extra.stream_name).to.equal('chats')
    expect(JSON.parse(lines[0]!), 'no top-level type (config test reads it)').to.not.have.property('type')
    expect(validate(JSON.parse(lines[0]!)), JSON.stringify(validate.errors)).to.equal(true)
  })

  it('the access token is scrubbed from structured lines too', () => {
    const lines: string[] = []
    jsonLogger(lines).warn('sent secret-token-123 by mistake')
    expect(lines.join('')).to.not.include('secret-token-123')
    expect(parseSdkLogLine(lines[0]!)?.level).to.equal(LEVEL.WARNING)
  })

  it("the command edge's last word is a structured line: error: at ERROR, a stop at WARNING", () => {
    const lines: string[] = []
    const edge = edgeLines(
      'json',
      (l) => lines.push(l),
      () => AT,
    )
    edge('error: chats: HTTP 401 Unauthorized\n')
    edge('stopped by SIGTERM: the last STATE was written again\n')
    const records = meltanoLogRecords(lines.join(''), true)
    expect(records.map((r) => [r.parser, r.level, r.message])).to.deep.equal([
      ['singer-sdk', LEVEL.ERROR, 'chats: HTTP 401 Unauthorized'],
      ['singer-sdk', LEVEL.WARNING, 'stopped by SIGTERM: the last STATE was written again'],
    ])
  })

  it('text lines (and the old {time, level, message} lines) are not structured: Meltano logs them at INFO', () => {
    const lines: string[] = []
    stderrLogger('info', [], (l) => lines.push(l), 'text').error('chats: HTTP 401')
    lines.push(`${JSON.stringify({ time: AT.toISOString(), level: 'error', message: 'chats: HTTP 401' })}\n`)
    expect(meltanoLogRecords(lines.join(''), true).map((r) => [r.parser, r.level])).to.deep.equal([
      ['passthrough', LEVEL.INFO],
      ['passthrough', LEVEL.INFO],
    ])
  })
})

describe('which log format a run uses', () => {
  const configs: Record<string, string> = {
    '/structured.json': JSON.stringify({
      version: 1,
      formatters: { singer_formatter: PARSER_FACTS.structured_formatter },
      root: { level: 'INFO' },
    }),
    '/plain.json': JSON.stringify({ version: 1, formatters: { singer_formatter: PARSER_FACTS.plain_formatter }, root: { level: 'INFO' } }),
    '/broken.json': '{"formatters": ',
    '/array.json': '[]',
  }
  const read = (path: string): string => {
    const text = configs[path]
    if (text === undefined) throw new Error(`ENOENT: ${path}`)
    return text
  }

  it("json when Meltano's SINGER_SDK_LOG_CONFIG names the SDK's StructuredFormatter, text when it names a plain format", () => {
    expect(logFormatOf(undefined, { SINGER_SDK_LOG_CONFIG: '/structured.json' }, read)).to.equal('json')
    expect(logFormatOf(undefined, { SINGER_SDK_LOG_CONFIG: '/plain.json' }, read)).to.equal('text')
  })

  it('text without the variable, or with a file that is missing or not a logging config', () => {
    expect(logFormatOf(undefined, {}, read)).to.equal('text')
    for (const path of ['/missing.json', '/broken.json', '/array.json', '']) {
      expect(logFormatOf(undefined, { SINGER_SDK_LOG_CONFIG: path }, read), path).to.equal('text')
      expect(asksForStructuredLogs(path, read), path).to.equal(false)
    }
  })

  it("the log level: Meltano's root level when --log-level (or ZCHAT_LOG_LEVEL) is not given, in Python's names", () => {
    const at = (level: unknown) => {
      configs['/level.json'] = JSON.stringify({ version: 1, formatters: {}, root: { level } })
      return logLevelOf('info', true, { SINGER_SDK_LOG_CONFIG: '/level.json' }, read)
    }
    expect([at('DEBUG'), at('INFO'), at('WARNING'), at('ERROR'), at('CRITICAL'), at('debug')]).to.deep.equal([
      'debug',
      'info',
      'warn',
      'error',
      'error',
      'debug',
    ])
    expect([at('NOTSET'), at(10), at(undefined)], 'what it cannot read keeps the default').to.deep.equal(['info', 'info', 'info'])
    expect(logLevelOf('info', true, { SINGER_SDK_LOG_CONFIG: '/missing.json' }, read)).to.equal('info')
    expect(logLevelOf('info', true, {}, read)).to.equal('info')
    configs['/level.json'] = JSON.stringify({ root: { level: 'DEBUG' } })
    expect(logLevelOf('warn', false, { SINGER_SDK_LOG_CONFIG: '/level.json' }, read), 'a level given wins').to.equal('warn')
  })

  it('--log-format (or ZCHAT_LOG_FORMAT) wins over the variable', () => {
    expect(logFormatOf('text', { SINGER_SDK_LOG_CONFIG: '/structured.json' }, read)).to.equal('text')
    expect(logFormatOf('json', { SINGER_SDK_LOG_CONFIG: '/plain.json' }, read)).to.equal('json')
  })
})
