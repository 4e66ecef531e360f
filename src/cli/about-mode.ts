/**
 * `--about`, shared by the oclif command and the tap executable's fast path
 * (src/cli/singer-fast.ts), which answers it without loading oclif or
 * anything a sync needs: Meltano starts the tap for it.
 */
import { about, aboutMarkdown, aboutText } from '../engine/about.js'
import { STREAMS } from '../streams/index.js'

export type AboutFormat = 'json' | 'markdown' | 'text'
export const ABOUT_FORMATS: readonly AboutFormat[] = ['json', 'markdown', 'text']

export const runAbout = (version: string, format: AboutFormat): number => {
  const info = about(version, STREAMS)
  process.stdout.write(
    format === 'json' ? `${JSON.stringify(info, null, 2)}\n` : format === 'markdown' ? aboutMarkdown(info) : aboutText(info),
  )
  return 0
}
