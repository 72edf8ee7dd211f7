import { createAwsClients, type AwsClients } from './aws/clients.js'
import { paced, RateLimiter } from './aws/rate-limit.js'
import { createRoleCredentials } from './aws/credentials.js'
import { loadGitHub, type GitHubLoader } from './github.js'
import { checkInputNames } from './input-names.js'
import { KINDS, SweepNeighbours, type AnyKind } from './kinds/index.js'
import type { Logger } from './log.js'
import { reportOutputs } from './report/outputs.js'
import { commentOnPullRequest } from './report/pr-comment.js'
import { SUCCESSFUL_OUTCOMES, type ClusterReport, type Report } from './report/report.js'
import { renderSummary } from './report/summary.js'
import { readSettings, type InputReader, type Settings } from './settings.js'
import { selectClusters, selectServices } from './select.js'
import { teardownCluster, type TeardownDeps } from './teardown/index.js'
import { errorMessage, explainAwsError, InputError } from './util/errors.js'
import { Pool } from './util/pool.js'
import type { Clock, Sleep } from './util/time.js'

/** Everything the run touches outside itself; index.ts wires the real ones, tests their own. */
export interface RunDeps {
  readInput: InputReader
  env: NodeJS.ProcessEnv
  clock: Clock
  sleep: Sleep
  signal: AbortSignal
  log: Logger
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  /** Writes the job summary; throws when there is nowhere to write it (a local run). */
  writeSummary(markdown: string): Promise<void>
  /** Writes the whole report's JSON to a new file and returns its path (the `report-file` output). */
  writeReportFile(json: string): Promise<string>
  /** `core.getIDToken` on the runner: the OIDC token for role-to-assume. */
  getIDToken(audience: string): Promise<string>
  /** `core.setSecret`: masks a value in every later log line. */
  setSecret(value: string): void
  /** Credentials → clients. Default: the role from role-to-assume, else the SDK's default chain. */
  createClients?: (settings: Settings) => Promise<AwsClients> | AwsClients
  /** Overrides for tests and the benchmark. */
  tune?: (settings: Settings) => Settings
  /** The kinds of resource around the cluster; default: every one, KINDS (src/kinds/index.ts). */
  kinds?: readonly AnyKind[]
  /** `@actions/github` (pr-comment, the role's session name); default: imported on first use only. */
  github?: GitHubLoader
}

/**
 * settings → credentials → which clusters → per cluster, concurrently: inventory → plan → apply →
 * report (src/teardown/). One pool bounds the AWS calls in flight across all clusters, and one
 * deadline covers all.
 */
export async function run(deps: RunDeps): Promise<Report | undefined> {
  const settings = runSettings(deps)
  if (!settings) return undefined
  // Masked before anything can print it (pr-comment's token; the runner masks its own GITHUB_TOKEN too).
  if (settings.prComment) deps.setSecret(settings.prComment.token)
  const report: Report = { dryRun: settings.dryRun, clusters: [] }
  let setupError: string | undefined
  try {
    const teardownDeps = await connect(deps, settings)
    report.clusters.push(...(await teardownClusters(deps, settings, teardownDeps)))
  } catch (error) {
    // Only set-up and selection can land here; say it in one line.
    setupError = explainSetupError(error)
    deps.setFailed(setupError)
    return report
  } finally {
    await publish(deps, settings, report, setupError)
  }
  const failed = report.clusters.filter(c => !SUCCESSFUL_OUTCOMES.has(c.outcome))
  if (failed.length > 0) deps.setFailed(failed.map(failureLine).join(' | '))
  return report
}

/** The inputs, read and checked once; undefined (the run failed, in one line) when one is wrong. */
function runSettings(deps: RunDeps): Settings | undefined {
  try {
    // Before anything else: a mistyped input would otherwise be ignored and the default (delete) done.
    checkInputNames(deps.env)
    const settings = readSettings(deps.readInput, deps.env)
    return deps.tune ? deps.tune(settings) : settings
  } catch (error) {
    deps.setFailed(errorMessage(error))
    return undefined
  }
}

/** Credentials → clients → what every cluster's teardown shares (src/teardown/state.ts). */
async function connect(deps: RunDeps, settings: Settings): Promise<TeardownDeps> {
  const clients = await (deps.createClients ?? (s => defaultClients(s, deps)))(settings)
  return {
    ...clients,
    // One limiter for the run: ECS's rate limits are per account and Region, so every cluster of a
    // sweep draws from the same buckets.
    ecs: paced(clients.ecs, new RateLimiter(deps.clock, deps.sleep)),
    run: {
      runId: deps.env.GITHUB_RUN_ID,
      runAttempt: deps.env.GITHUB_RUN_ATTEMPT,
      startedAt: deps.clock()
    },
    clock: deps.clock,
    sleep: deps.sleep,
    signal: deps.signal,
    pool: new Pool(settings.maxConcurrency),
    log: deps.log,
    deadline: deps.clock() + settings.timeoutMs,
    kinds: deps.kinds ?? KINDS
  }
}

/**
 * Which clusters (or, in services mode, which services of the one cluster), then each one's
 * teardown; each returns a report and never throws: one cluster failing does not stop the others.
 */
async function teardownClusters(
  deps: RunDeps,
  settings: Settings,
  shared: TeardownDeps
): Promise<ClusterReport[]> {
  if (settings.services) {
    // Services mode: one cluster, kept; the selection fails the run before anything is removed.
    const services = await selectServices(shared, settings, settings.services)
    const cluster = settings.clusters[0]!
    return [await teardownCluster({ ...shared, runClusters: [cluster] }, settings, cluster, services)]
  }
  const selection = await selectClusters(shared, settings)
  if (selection.targets.length === 0 && selection.skipped.length > 0) {
    deps.log.info('No cluster qualifies: every match was skipped.')
  }
  // A sweep's clusters are users of one another's revisions, log groups… until they are gone.
  const sweep =
    selection.targets.length > 1
      ? new SweepNeighbours(selection.targets, settings.region, deps.signal)
      : undefined
  const done = await Promise.all(
    selection.targets.map(ref =>
      teardownCluster(
        { ...shared, runClusters: selection.targets, ...(sweep ? { sweep } : {}) },
        settings,
        ref
      )
    )
  )
  return [...done, ...selection.skipped]
}

/** The report, however the run ended: its file, the outputs, the job summary, the PR comment. */
async function publish(
  deps: RunDeps,
  settings: Settings,
  report: Report,
  setupError: string | undefined
): Promise<void> {
  const reportFile = await saveReportFile(deps, report)
  for (const [name, value] of Object.entries(reportOutputs(report, reportFile))) deps.setOutput(name, value)
  await writeSummary(deps, report)
  // Last, once the report is final (failed and cancelled runs too): the comment tells what happened.
  await commentOnPullRequest(report, settings, setupError ? { setupError } : {}, {
    github: deps.github ?? loadGitHub,
    log: deps.log,
    signal: deps.signal
  })
}

function defaultClients(settings: Settings, deps: RunDeps): AwsClients {
  const credentials = settings.role
    ? createRoleCredentials(settings.role, settings.region, {
        getIDToken: audience => deps.getIDToken(audience),
        setSecret: value => deps.setSecret(value),
        clock: deps.clock,
        sleep: deps.sleep,
        signal: deps.signal,
        log: deps.log,
        github: deps.github ?? loadGitHub
      })
    : undefined
  return createAwsClients(settings.region, credentials)
}

function failureLine(c: ClusterReport): string {
  return `${c.name}: ${c.outcome}: ${c.message ?? 'no details'}`
}

/** The whole report, always, to a file: the `report` output may hold only a shortened one. */
async function saveReportFile(deps: RunDeps, report: Report): Promise<string | undefined> {
  try {
    return await deps.writeReportFile(JSON.stringify(report))
  } catch (error) {
    deps.log.warning(`Could not write the report file: ${errorMessage(error)}`)
    return undefined
  }
}

async function writeSummary(deps: RunDeps, report: Report): Promise<void> {
  if (report.clusters.length === 0) return
  const markdown = renderSummary(report, deps.kinds)
  try {
    await deps.writeSummary(markdown)
  } catch (error) {
    if (!deps.env.GITHUB_STEP_SUMMARY) {
      // A local run: there is no summary file, so the summary goes to the log.
      deps.log.info(markdown)
    } else {
      deps.log.warning(`Could not write the job summary: ${errorMessage(error)}`)
    }
  }
}

export function explainSetupError(error: unknown): string {
  return error instanceof InputError ? error.message : explainAwsError(error)
}
