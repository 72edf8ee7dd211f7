// The entry point for @github/local-action (scripts/local-action.sh). local-action imports a module and
// calls its exported no-argument run(), after replacing @actions/core with its own stubs; main.ts's
// run(deps) needs its dependencies, and index.ts runs at import time, so this wires them with
// runnerDeps, as index.ts does, and runs nothing until called. Not part of the bundle: ncc starts from index.ts.
import * as core from '@actions/core'
import { randomUUID } from 'node:crypto'
import { appendFileSync } from 'node:fs'
import { run as teardown } from './main.js'
import { cancellation, runnerDeps } from './runner.js'

export async function run(): Promise<void> {
  // Ctrl-C cancels the run as the runner's SIGINT would: waits stop, the report is still written.
  const { signal, release } = cancellation(['SIGINT'])
  const deps = runnerDeps(signal)
  try {
    // local-action keeps outputs in memory and prints them as a table; with GITHUB_OUTPUT set they also go
    // to that file as the runner writes it, so a script can check them (scripts/self-test.mjs local).
    const outputFile = process.env.GITHUB_OUTPUT
    await teardown({
      ...deps,
      setOutput: (name, value) => {
        deps.setOutput(name, value)
        if (outputFile) {
          const delimiter = `ghadelimiter_${randomUUID()}`
          appendFileSync(outputFile, `${name}<<${delimiter}\n${value}\n${delimiter}\n`)
        }
      },
      // local-action's setFailed only records the failure; exit non-zero as the runner's step would fail.
      setFailed: message => {
        process.exitCode = 1
        core.setFailed(message)
      }
    })
  } finally {
    release()
  }
}
