import * as core from '@actions/core'
import type { Logger } from './log.js'
import type { RunDeps } from './main.js'
import { writeReportFile } from './report/report-file.js'
import { realSleep, systemClock } from './util/time.js'

/** The run's dependencies on a GitHub runner: inputs, outputs, log and summary through @actions/core. */
export function runnerDeps(signal: AbortSignal): RunDeps {
  const log: Logger = {
    info: message => core.info(message),
    warning: message => core.warning(message),
    error: message => core.error(message),
    debug: message => core.debug(message),
    group: (name, work) => core.group(name, work)
  }
  return {
    readInput: name => core.getInput(name),
    env: process.env,
    clock: systemClock,
    sleep: realSleep,
    signal,
    log,
    setOutput: (name, value) => core.setOutput(name, value),
    setFailed: message => core.setFailed(message),
    getIDToken: audience => core.getIDToken(audience),
    setSecret: value => core.setSecret(value),
    writeSummary: async markdown => {
      await core.summary.addRaw(markdown).write({ overwrite: true })
    },
    writeReportFile: json => writeReportFile(process.env, json)
  }
}

/**
 * An AbortController fed by the signals that cancel a job: the runner sends SIGINT, then SIGTERM
 * 7.5 s later, then kills the process 2.5 s after that. Aborting on the first lets every wait stop at
 * once and the report be written in time. `release` removes the handlers.
 */
export function cancellation(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM']): {
  signal: AbortSignal
  release: () => void
} {
  const controller = new AbortController()
  const handlers = signals.map(name => {
    const handler = (): void => {
      core.warning(`Received ${name}: stopping and reporting what was and was not removed.`)
      controller.abort()
    }
    process.on(name, handler)
    return [name, handler] as const
  })
  return {
    signal: controller.signal,
    release: () => handlers.forEach(([name, handler]) => process.off(name, handler))
  }
}
