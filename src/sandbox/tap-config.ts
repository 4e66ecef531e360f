/**
 * The tap config that points at a sandbox. Its data is dated (the three years
 * before REFERENCE_NOW, so runs are reproducible), which can be older than the
 * tap's default start_date of two years back: the config starts before it.
 */
import { REFERENCE_NOW } from './data/sandbox-data.js'
import type { Sandbox } from './server.js'

const FOUR_YEARS_SECONDS = 4 * 366 * 24 * 3600

/** A start_date before every record a sandbox serves. */
export const SANDBOX_START_DATE = new Date((REFERENCE_NOW - FOUR_YEARS_SECONDS) * 1000).toISOString().slice(0, 10)

export const sandboxTapConfig = (sandbox: Pick<Sandbox, 'token' | 'baseUrl'>): Record<string, unknown> => ({
  access_token: sandbox.token,
  base_url: sandbox.baseUrl,
  start_date: SANDBOX_START_DATE,
})
