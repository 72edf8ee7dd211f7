import * as core from '@actions/core'
import type { Logger } from './log.js'
import { run } from './main.js'
import { realSleep, systemClock } from './util/time.js'

// The runner cancels a job with SIGINT, then SIGTERM 7.5 s later, then kills it 2.5 s after that.
// Aborting on the first signal lets every wait stop at once and the report be written in time.
const controller = new AbortController()
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    core.warning(`Received ${signal}: stopping and reporting what was and was not removed.`)
    controller.abort()
  })
}

const log: Logger = {
  info: message => core.info(message),
  warning: message => core.warning(message),
  error: message => core.error(message),
  debug: message => core.debug(message),
  group: (name, work) => core.group(name, work)
}

await run({
  readInput: name => core.getInput(name),
  env: process.env,
  clock: systemClock,
  sleep: realSleep,
  signal: controller.signal,
  log,
  setOutput: (name, value) => core.setOutput(name, value),
  setFailed: message => core.setFailed(message),
  getIDToken: audience => core.getIDToken(audience),
  setSecret: value => core.setSecret(value),
  writeSummary: async markdown => {
    await core.summary.addRaw(markdown).write({ overwrite: true })
  }
})
