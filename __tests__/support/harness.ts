import type { SendPort } from '../../src/aws/call.js'
import type { GitHubLoader } from '../../src/github.js'
import type { AnyKind } from '../../src/kinds/index.js'
import { MemoryLogger } from '../../src/log.js'
import { run } from '../../src/main.js'
import type { Report } from '../../src/report/report.js'
import type { Settings } from '../../src/settings.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { SimWorld } from '../sim/world.js'

export interface RunResult {
  report: Report | undefined
  outputs: Record<string, string>
  failed: string | undefined
  summary: string | undefined
  /** What the run wrote as its report file (the whole report's JSON). */
  reportFile: string | undefined
  log: MemoryLogger
  /** Virtual milliseconds the run took. */
  elapsedMs: number
  /** What the run masked (core.setSecret). */
  secrets: string[]
}

/** The services around an EcsSim, made once per EcsSim for the scenarios that do not bring their own. */
const worlds = new WeakMap<EcsSim, SimWorld>()

/**
 * Runs the action's real pipeline (settings → inventory → plan → apply → report) against the
 * simulator, on its virtual clock. Inputs are given as on the runner, by name. The services around
 * ECS come from `world`; without it, from empty simulators of them (EC2 then knows the container
 * instances' EC2 instances, running and untagged), and CloudFormation from `cloudformation` or not
 * at all.
 */
export async function runOnSim(
  sim: EcsSim,
  inputs: Record<string, string>,
  opts: {
    signal?: AbortSignal
    tune?: Partial<Settings>
    cloudformation?: SendPort
    world?: SimWorld
    /** The kinds around the cluster, instead of every registered one (KINDS). */
    kinds?: readonly AnyKind[]
    /** `@actions/github` as the run sees it (pr-comment); default: none, a load fails the test. */
    github?: GitHubLoader
  } = {}
): Promise<RunResult> {
  const world = opts.world ?? worlds.get(sim) ?? new SimWorld(sim)
  worlds.set(sim, world)
  const outputs: Record<string, string> = {}
  // Each line with the virtual time it was written at (log.at).
  const log = new MemoryLogger(sim.time.clock)
  let failed: string | undefined
  let summary: string | undefined
  let reportFile: string | undefined
  const secrets: string[] = []
  const started = sim.time.clock()
  const report = await run({
    readInput: name => inputs[name] ?? '',
    env: { AWS_REGION: sim.options.region, GITHUB_STEP_SUMMARY: '/dev/null' },
    clock: sim.time.clock,
    sleep: sim.time.sleep,
    signal: opts.signal ?? new AbortController().signal,
    log,
    setOutput: (name, value) => {
      outputs[name] = value
    },
    setFailed: message => {
      failed = message
    },
    writeSummary: async markdown => {
      summary = markdown
    },
    writeReportFile: async json => {
      reportFile = json
      return '/report-file/in-memory.json'
    },
    getIDToken: async () => Promise.reject(new Error('no OIDC in the simulator')),
    setSecret: value => void secrets.push(value),
    github:
      opts.github ??
      (() => Promise.reject(new Error('@actions/github was loaded, but this scenario has none'))),
    createClients: () => ({
      ...world.clients(),
      cloudformation: opts.cloudformation ?? (opts.world ? world.cfn.client : rejectingPort('CloudFormation'))
    }),
    tune: settings => ({ ...settings, pollIntervalMs: 5_000, ...opts.tune }),
    ...(opts.kinds ? { kinds: opts.kinds } : {})
  })
  return { report, outputs, failed, summary, reportFile, log, elapsedMs: sim.time.clock() - started, secrets }
}

/** A client for a service the scenario does not model: any call fails the test loudly. */
function rejectingPort(service: string): SendPort {
  return {
    send: async (command: object) => {
      throw new Error(
        `${service} was called (${command.constructor.name}) but this scenario has no ${service} simulator`
      )
    }
  }
}
