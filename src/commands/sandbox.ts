import { Command, Flags } from '@oclif/core'
import {
  CONTROL_PREFIX,
  parseUnavailable,
  type Unavailable,
  FAULT_SPEC_EXAMPLE,
  parseFaultSpec,
  SANDBOX_CLIENT,
  SANDBOX_HOST,
  sandboxTapConfig,
  startSandbox,
  type FaultPlan,
  type QuirkLevel,
} from '../sandbox/index.js'

/** The port of the README's example config. */
const DEFAULT_PORT = 8080

export default class Sandbox extends Command {
  static override summary = 'Serve a simulated Zendesk Chat account on 127.0.0.1.'
  static override description =
    'A deterministic stand-in for the Zendesk Chat API (same paths, shapes, paging rules, limits and auth) to try zchat without an account. It prints its base URL and a config to use with it, and serves until interrupted.'
  static override examples = [
    '<%= config.bin %> sandbox --port 8080 --seed 7',
    '<%= config.bin %> sandbox --faults rate-limit=200/60000,server-errors=50x2,reset-every=37',
  ]
  static override flags = {
    'clock-offset': Flags.integer({
      default: 0,
      helpValue: 'MS',
      description:
        "Run the sandbox's clock this many milliseconds ahead of this machine's (negative: behind). Its Date header and the export's five-minute rule follow it. Change it while serving with PUT /_sandbox/clock {\"offsetMs\": N}.",
    }),
    unavailable: Flags.custom<Unavailable>({
      helpValue: 'PATH[=403|404],...',
      parse: async (spec) => parseUnavailable(spec),
      description:
        'Resources this account does not have, answering 404 (or the status given), e.g. skills,goals=403,routing_settings. Change them while serving with PUT /_sandbox/unavailable (a JSON map).',
    })(),
    port: Flags.integer({
      min: 0,
      max: 65535,
      description: `Port on 127.0.0.1 (0: any free port). Default ${DEFAULT_PORT}, the README's example config, or any free port when ${DEFAULT_PORT} is taken.`,
    }),
    seed: Flags.integer({ default: 1, description: 'Seed of the generated account: the same seed serves the same data.' }),
    token: Flags.string({ default: 'sandbox-token', description: 'Access token the sandbox accepts.' }),
    agents: Flags.integer({ default: 250, min: 0, description: 'Number of agents.' }),
    departments: Flags.integer({ default: 8, min: 0, description: 'Number of departments.' }),
    chats: Flags.integer({ default: 3000, min: 0, description: 'Number of chats and offline messages, over three years.' }),
    bans: Flags.integer({ default: 120, min: 0, description: 'Number of IP and visitor bans.' }),
    timeline: Flags.integer({ default: 2000, min: 0, description: 'Number of agent timeline entries.' }),
    quirks: Flags.string({
      options: ['rare', 'often'],
      default: 'rare',
      description:
        'How often the rare shapes of real payloads come (webpath entries as lists, null items, numeric strings, bans without type...): rare, as the real API, or often, every quirk on many records. Change it while serving with PUT /_sandbox/quirks {"quirks":"often"}.',
    }),
    faults: Flags.custom<FaultPlan>({
      helpValue: 'SPEC',
      // The parser's RangeError is already one line naming the bad setting.
      parse: async (spec) => parseFaultSpec(spec),
      description: `Faults to inject, as comma-separated settings, e.g. ${FAULT_SPEC_EXAMPLE}. Change them while serving with PUT /_sandbox/faults (a JSON plan); GET /_sandbox/stats counts them.`,
    })(),
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Sandbox)
    const { 'clock-offset': clockOffsetMs, ...rest } = flags
    const options = { ...rest, clockOffsetMs, quirks: flags.quirks as QuirkLevel }
    let sandbox: Awaited<ReturnType<typeof startSandbox>>
    try {
      sandbox = await startSandbox({ ...options, port: flags.port ?? DEFAULT_PORT })
    } catch (error) {
      if ((error as { code?: string }).code !== 'EADDRINUSE') throw error
      if (flags.port !== undefined) {
        process.stderr.write(
          `error: port ${flags.port} on ${SANDBOX_HOST} is in use (another sandbox?): choose another with --port, or --port 0 for any free port\n`,
        )
        process.exitCode = 2
        return
      }
      sandbox = await startSandbox({ ...options, port: 0 })
      process.stderr.write(`Port ${DEFAULT_PORT} is in use: serving on port ${sandbox.port} instead (set it with --port).\n`)
    }
    const config = sandboxTapConfig(sandbox)
    process.stdout.write(`${sandbox.baseUrl}\n`)
    process.stderr.write(`Zendesk Chat sandbox serving on ${sandbox.baseUrl}\nconfig: ${JSON.stringify(config)}\n`)
    process.stderr.write(
      `OAuth client: id ${SANDBOX_CLIENT.id}, secret ${SANDBOX_CLIENT.secret}, redirect URLs ${SANDBOX_CLIENT.redirectUris.join(' ')}` +
        ` (zchat login --base-url ${sandbox.baseUrl} --client-id ${SANDBOX_CLIENT.id} --client-secret ${SANDBOX_CLIENT.secret} --port 8080)\n`,
    )
    if (flags.faults !== undefined) {
      const control = `http://${SANDBOX_HOST}:${sandbox.port}${CONTROL_PREFIX}`
      process.stderr.write(`faults: ${JSON.stringify(flags.faults)} (change: PUT ${control}faults, counts: GET ${control}stats)\n`)
    }
    const control = `http://${SANDBOX_HOST}:${sandbox.port}${CONTROL_PREFIX}`
    if (clockOffsetMs !== 0) process.stderr.write(`clock: ${clockOffsetMs} ms off this machine's (change: PUT ${control}clock)\n`)
    if (flags.unavailable !== undefined)
      process.stderr.write(`unavailable: ${JSON.stringify(flags.unavailable)} (change: PUT ${control}unavailable)\n`)
    process.stderr.write('Ctrl-C to stop.\n')
    const interrupted = new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    // A sandbox that vanished (vanish-after) serves nothing more: end, rather than wait for a signal.
    await Promise.race([interrupted, sandbox.closed])
    if (sandbox.faultStats().vanished) process.stderr.write('The sandbox vanished (vanish-after): stopped.\n')
    await sandbox.close()
  }
}
