import { Command, Flags } from '@oclif/core'
import { settle } from '../cli/edge.js'
import { logFormatFlag, logLevelFlag } from '../cli/flags.js'
import { login } from '../cli/login.js'
import { edgeLines, stderrLogger } from '../cli/logger.js'
import { realEnv } from '../cli/real-env.js'
import type { Logger } from '../engine/env.js'
import { logFormatOf } from '../cli/structured-log.js'

/** The logger with `secrets` scrubbed too (the new tokens and the client secret are not in the config it was made for). */
const scrubbing = (log: Logger, secrets: readonly string[]): Logger => {
  const scrub = (message: string) => secrets.reduce((text, secret) => (secret.length >= 4 ? text.split(secret).join('***') : text), message)
  return {
    debug: (m) => log.debug(scrub(m)),
    info: (m) => log.info(scrub(m)),
    warn: (m) => log.warn(scrub(m)),
    error: (m) => log.error(scrub(m)),
    // Metrics are for pipelines' logs; a person logging in reads the answer.
    metric: () => undefined,
  }
}

export default class Login extends Command {
  static override summary = 'Get an access token in the browser (OAuth) and store it in the config file.'
  static override description =
    'Prints the authorization URL (and opens it in a browser when it can), waits on http://localhost:PORT for the redirect, gets the token (authorization-code grant with --client-secret, implicit grant without), checks it with one request as `zchat check` does, and writes access_token and subdomain into the config file (created with mode 0600, other settings kept), with refresh_token, client_id and client_secret when the API gives a refresh token. Register http://localhost:PORT as a redirect URL of the OAuth client first (Chat dashboard: Settings > Account > API & SDKs). The token is never printed.'
  static override examples = [
    '<%= config.bin %> login --subdomain acme --client-id ID',
    'ZCHAT_CLIENT_SECRET=... <%= config.bin %> login --subdomain acme --client-id ID --port 8080 --config config.json',
    '<%= config.bin %> login --base-url http://127.0.0.1:PORT/api/v2/chat --client-id zchat-sandbox --client-secret sandbox-secret',
  ]
  static override flags = {
    subdomain: Flags.string({ description: 'Your Zendesk subdomain (acme for acme.zendesk.com).' }),
    'client-id': Flags.string({ required: true, description: 'Identifier of the Zendesk Chat OAuth client.' }),
    'client-secret': Flags.string({
      env: 'ZCHAT_CLIENT_SECRET',
      description:
        'Secret of the OAuth client: the authorization-code grant (and a refresh token, if the API gives one). Without it, the implicit grant. Prefer the variable to the flag: command lines are visible to other users.',
    }),
    port: Flags.integer({
      default: 8080,
      min: 1,
      max: 65535,
      description: 'Port of the redirect URL http://localhost:PORT, as registered in the OAuth client.',
    }),
    config: Flags.string({
      default: 'config.json',
      description: 'Config file to write the token into (created when missing; other settings are kept).',
    }),
    legacy: Flags.boolean({
      default: false,
      description: 'Use the legacy Chat-only endpoints on www.zopim.com instead of https://{subdomain}.zendesk.com/oauth2/chat/.',
    }),
    'base-url': Flags.string({
      description:
        "API root as the base_url setting (e.g. the sandbox's http://127.0.0.1:PORT/api/v2/chat); the OAuth endpoints are on its host. Plain http:// only for loopback hosts.",
    }),
    scope: Flags.string({ default: 'read chat', description: 'Scopes to ask for, separated by spaces.' }),
    timeout: Flags.integer({ default: 300, min: 1, description: 'Seconds to wait for the redirect.' }),
    open: Flags.boolean({
      default: true,
      allowNo: true,
      description: 'Open the URL in a browser when the terminal is interactive (--no-open: only print it).',
    }),
    'log-level': logLevelFlag,
    'log-format': logFormatFlag,
  }

  async run(): Promise<void> {
    const { flags } = await this.parse(Login)
    const logFormat = logFormatOf(flags['log-format'])
    const program = async () =>
      login(
        {
          ...(flags.subdomain === undefined ? {} : { subdomain: flags.subdomain }),
          clientId: flags['client-id'],
          ...(flags['client-secret'] === undefined || flags['client-secret'] === '' ? {} : { clientSecret: flags['client-secret'] }),
          port: flags.port,
          configFile: flags.config,
          legacy: flags.legacy,
          ...(flags['base-url'] === undefined ? {} : { baseUrl: flags['base-url'] }),
          scope: flags.scope,
          timeoutMs: flags.timeout * 1000,
          open: flags.open && process.stdout.isTTY === true,
        },
        {
          fetch: (url, init) => globalThis.fetch(url, init),
          say: (line) => process.stdout.write(`${line}\n`),
          warn: stderrLogger(flags['log-level'], [], (line) => process.stderr.write(line), logFormat).warn,
          checkEnv: (config, secrets) => {
            const real = realEnv(config, this.config.version, flags['log-level'], logFormat)
            return { ...real, log: scrubbing(real.log, secrets) }
          },
          version: this.config.version,
        },
      )
    process.exitCode = await settle(
      program,
      (lines) => {
        process.stdout.write(lines.map((l) => `${l}\n`).join(''))
      },
      edgeLines(logFormat, (line) => process.stderr.write(line)),
    )
  }
}
