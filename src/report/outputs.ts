import { Outputs } from '../constants.js'
import { countRemoved, type ClusterReport, type RelatedReport, type Report } from './report.js'

/**
 * The most bytes the `report` output holds. GitHub allows 1 MB of outputs per job in all; half of it
 * leaves room for the other outputs and for the job's other steps.
 */
export const REPORT_OUTPUT_MAX_BYTES = 500_000

/** Leftovers and phases a shortened report keeps per cluster, when emptying the long lists was not enough. */
const KEPT_WHEN_CUT = 20

/** Why the `report` output is not the whole report, at the top of the shortened report. */
export interface Truncation {
  reason: string
  /** The whole report's size in bytes (UTF-8). */
  bytes: number
  limit: number
  /** Where the whole report is; absent when it could not be written. */
  file?: string
  /** Clusters left out of the output altogether (the last ones), 0 when every cluster is in it. */
  clustersOmitted: number
}

/** A cluster of a shortened report: the lists emptied, their lengths under `omitted`. */
export type ShortenedCluster = ClusterReport & { omitted?: Record<string, number> }

export interface ShortenedReport {
  dryRun: boolean
  truncated: Truncation
  clusters: ShortenedCluster[]
}

/**
 * Report → step outputs; complete for every outcome, failures and cancellation included. `reportFile`
 * is where the whole report was written (undefined when that failed); the `report` output is the whole
 * report when it fits in `maxBytes`, else a shortened one that says so and points at the file.
 */
export function reportOutputs(
  report: Report,
  reportFile: string | undefined,
  maxBytes = REPORT_OUTPUT_MAX_BYTES
): Record<string, string> {
  const counts = countRemoved(report)
  return {
    [Outputs.servicesDeleted]: String(counts.servicesDeleted),
    [Outputs.tasksStopped]: String(counts.tasksStopped),
    [Outputs.containerInstancesDeregistered]: String(counts.containerInstancesDeregistered),
    [Outputs.clustersDeleted]: String(counts.clustersDeleted),
    [Outputs.stacksDeleted]: String(counts.stacksDeleted),
    [Outputs.report]: reportForOutput(report, reportFile, maxBytes),
    [Outputs.reportFile]: reportFile ?? ''
  }
}

const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8')

/**
 * The `report` output: the whole report as JSON when it fits in `maxBytes`; otherwise, in this order
 * until it fits, the per-resource lists emptied (their lengths kept in `omitted`), leftovers and phases
 * cut to their first entries, and the last clusters left out. Counts such as `found` stay whole.
 */
export function reportForOutput(report: Report, reportFile: string | undefined, maxBytes: number): string {
  const whole = JSON.stringify(report)
  const bytes = bytesOf(whole)
  if (bytes <= maxBytes) return whole

  const truncated: Truncation = {
    reason: `The whole report is ${bytes} bytes, more than the ${maxBytes} the report output holds: ${
      reportFile ? 'see report-file' : 'the report file could not be written either, see the log'
    }.`,
    bytes,
    limit: maxBytes,
    ...(reportFile ? { file: reportFile } : {}),
    clustersOmitted: 0
  }
  const render = (clusters: ShortenedCluster[]): string =>
    JSON.stringify({ dryRun: report.dryRun, truncated, clusters } satisfies ShortenedReport)

  const withoutLists = report.clusters.map(withoutResourceLists)
  let text = render(withoutLists)
  if (bytesOf(text) <= maxBytes) return text
  const cut = withoutLists.map(cutLeftoversAndPhases)
  text = render(cut)
  if (bytesOf(text) <= maxBytes) return text

  // Keep the first clusters that fit; the others are only in the file (and in the summary).
  const kept: ShortenedCluster[] = []
  truncated.clustersOmitted = cut.length
  let size = bytesOf(render([]))
  for (const cluster of cut) {
    const next = bytesOf(JSON.stringify(cluster)) + (kept.length > 0 ? 1 : 0)
    // The count of omitted clusters can lose a digit as clusters are kept: a few bytes of margin.
    if (size + next + 8 > maxBytes) break
    kept.push(cluster)
    size += next
    truncated.clustersOmitted = cut.length - kept.length
  }
  return render(kept)
}

/** A cluster's report with every per-resource list emptied and its length recorded in `omitted`. */
function withoutResourceLists(cluster: ClusterReport): ShortenedCluster {
  const omitted: Record<string, number> = {}
  const empty = <T>(name: string, list: T[] | undefined): T[] => {
    if (list && list.length > 0) omitted[name] = list.length
    return []
  }
  const shortened: ShortenedCluster = {
    ...cluster,
    services: empty('services', cluster.services),
    tasks: empty('tasks', cluster.tasks),
    containerInstances: empty('containerInstances', cluster.containerInstances),
    capacityProviders: empty('capacityProviders', cluster.capacityProviders),
    ...(cluster.goneBefore ? { goneBefore: empty('goneBefore', cluster.goneBefore) } : {}),
    phases: cluster.phases.map(({ name, start, seconds }) => ({ name, start, seconds }))
  }
  if (cluster.related) {
    // Every list of every kind around the cluster (src/kinds/); `found` keeps its counts.
    const related: Record<string, unknown> = { ...cluster.related }
    for (const [key, value] of Object.entries(related))
      if (Array.isArray(value)) related[key] = empty(`related.${key}`, value as unknown[])
    shortened.related = related as unknown as RelatedReport
  }
  if (cluster.scope) {
    shortened.scope = {
      ...cluster.scope,
      selected: empty('scope.selected', cluster.scope.selected),
      skipped: empty('scope.skipped', cluster.scope.skipped),
      kept: empty('scope.kept', cluster.scope.kept)
    }
  }
  if (cluster.stack) {
    shortened.stack = {
      ...cluster.stack,
      failedResources: empty('stack.failedResources', cluster.stack.failedResources)
    }
  }
  if (cluster.plan) {
    shortened.plan = {
      steps: cluster.plan.steps.map(step => ({
        description: step.description,
        resources: []
      })),
      blockers: cluster.plan.blockers
    }
    // Each step's resources: the count recorded is the total over the steps.
    const total = cluster.plan.steps.reduce((n, step) => n + step.resources.length, 0)
    if (total > 0) omitted['plan.resources'] = total
  }
  if (Object.keys(omitted).length > 0) shortened.omitted = omitted
  return shortened
}

/** Leftovers, plan blockers and phases cut to their first entries, the rest counted in `omitted`. */
function cutLeftoversAndPhases(cluster: ShortenedCluster): ShortenedCluster {
  const omitted = { ...cluster.omitted }
  const first = <T>(name: string, list: T[]): T[] => {
    if (list.length > KEPT_WHEN_CUT) omitted[name] = list.length - KEPT_WHEN_CUT
    return list.slice(0, KEPT_WHEN_CUT)
  }
  const shortened: ShortenedCluster = {
    ...cluster,
    leftovers: first('leftovers', cluster.leftovers),
    phases: first('phases', cluster.phases)
  }
  if (cluster.plan)
    shortened.plan = { ...cluster.plan, blockers: first('plan.blockers', cluster.plan.blockers) }
  if (Object.keys(omitted).length > 0) shortened.omitted = omitted
  return shortened
}
