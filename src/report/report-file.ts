import { randomBytes } from 'node:crypto'
import { writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * Where the whole report goes: RUNNER_TEMP on a runner (emptied after the job, and on the same disk as
 * the workspace), else the system's temporary directory. The run id and attempt say which run wrote
 * it; the random part keeps two steps of one job, or two local runs, from overwriting each other.
 */
export function reportFilePath(
  env: NodeJS.ProcessEnv,
  random: string,
  systemTemp: string = tmpdir()
): string {
  const directory = env.RUNNER_TEMP || systemTemp
  const run = `${env.GITHUB_RUN_ID || 'local'}-${env.GITHUB_RUN_ATTEMPT || '1'}`
  return join(directory, `ecs-teardown-report-${run}-${random}.json`)
}

/** Writes the report's JSON to a new file (never over an existing one) and returns its path. */
export async function writeReportFile(env: NodeJS.ProcessEnv, json: string): Promise<string> {
  const path = reportFilePath(env, randomBytes(4).toString('hex'))
  await writeFile(path, json, { encoding: 'utf8', flag: 'wx' })
  return path
}
