import type { ApplyContext } from '../apply/context.js'
import type { RelatedPorts } from '../aws/clients.js'
import type { StackTarget } from '../stack/find.js'
import type {
  CapacityProviderInfo,
  ClusterInfo,
  ContainerInstanceInfo,
  InventoryContext,
  ServiceInfo,
  TaskInfo
} from '../inventory/index.js'
import type { Logger } from '../log.js'
import type { OtherUsersLookup } from './other-users/index.js'
import type { ClusterReport, Leftover, LeftoverKind, RelatedFound, RelatedReport } from '../report/report.js'
import type { Settings } from '../settings.js'

/**
 * A kind of resource around the cluster (EventBridge rules, the hosts behind container instances,
 * log groups…): everything about it in one module, src/kinds/<kind>.ts, registered once in
 * src/kinds/index.ts. The pipeline (inventory → plan → apply → report) loops over the registered
 * kinds and knows nothing of any one of them. Its part of the report is declared in its module too
 * (see `ReportPart`), and its inputs are read from `Settings` (src/settings.ts reads every input).
 */

/**
 * When in the apply order a kind acts. The cluster's own contents (services, tasks, container
 * instances, capacity providers, the cluster, its stack) are the core phases between these.
 */
export type KindStage =
  /** Before any service is touched: nothing may start or scale tasks while the cluster empties. */
  | 'before-services'
  /** Once every service being removed is INACTIVE (runs alongside the container instances). */
  | 'after-services'
  /** Once the container instances are deregistered: the machines behind them. */
  | 'after-instances'
  /**
   * With delete-stack: once the cluster's contents are gone, right before DeleteStack: what would
   * hold up CloudFormation's deletion of the stack's own resources.
   */
  | 'before-stack'
  /** Once the cluster (and its stack, with delete-stack) is gone: what ECS leaves behind. */
  | 'after-cluster'

/**
 * What is being removed, which is what the kinds are asked about. A kind must not assume the whole
 * cluster goes: a teardown of a few services of a shared cluster passes just those services (and
 * `wholeCluster: false`), and a kind then acts on what only they use.
 */
export interface TeardownScope {
  cluster: ClusterInfo
  /**
   * The services being removed: ACTIVE ones, ones already DRAINING (deleted by an earlier run that
   * stopped before they were INACTIVE), and, in services mode, named ones already INACTIVE whose
   * surroundings may remain. A kind treats them all alike (`status` says which is which).
   */
  services: ServiceInfo[]
  /**
   * Services mode: named services AWS no longer describes at all. Only what a kind finds by the
   * service's name alone (a scalable target's `service/<cluster>/<name>`) is looked at for them.
   */
  purgedServices?: string[]
  /** Their tasks (and, for the whole cluster, the standalone ones) that are not STOPPED yet. */
  tasks: TaskInfo[]
  /**
   * The Express services being removed (`resourceManagementType: ECS`), kept out of `services`:
   * what ECS made for them goes with them (DeleteExpressGatewayService), and no kind but the
   * Express one touches it. `expressTasks`: their tasks, likewise kept out of `tasks`.
   */
  expressServices?: ServiceInfo[]
  expressTasks?: TaskInfo[]
  /** The container instances being deregistered (none when the cluster stays). */
  containerInstances: ContainerInstanceInfo[]
  /** The cluster's capacity providers, being detached (none when the cluster stays). */
  capacityProviders?: CapacityProviderInfo[]
  /** Task definition ARNs those services (every deployment) and tasks use. */
  taskDefinitions: string[]
  /** The cluster itself goes too: what only the cluster uses (its Service Connect default…) may go. */
  wholeCluster: boolean
  /**
   * The cluster's ECS Managed Instances capacity providers, as the inventory found them (whole
   * cluster only; services mode reads none).
   */
  managedInstancesProviders?: string[]
  /**
   * When the cluster stays (services mode): its other services and their tasks, and its standalone
   * tasks. Never touched; what the other services use is kept (see kinds/other-users/neighbours.ts).
   */
  neighbours?: { services: ServiceInfo[]; tasks: TaskInfo[] }
}

/**
 * What a kind may call while it looks (read only). `otherUsers`: who outside the clusters this run
 * removes uses the task definitions, shared by the kinds that must not remove what others use.
 */
export type FindContext = InventoryContext & RelatedPorts & { otherUsers?: OtherUsersLookup }

/** What a kind knows when it decides. */
export interface DecideContext {
  settings: Settings
  scope: TeardownScope
  /** The stack delete-stack deletes in this run, if any: what it owns goes with it. */
  stack?: StackTarget
}

/**
 * What the core needs to know of a kind's plan (`hints`), so that it names no kind: every field
 * optional, the registry merges them (src/kinds/index.ts, `kindHints`).
 */
export interface KindHints {
  /**
   * Service name → how long its tasks stay DEACTIVATING (deregistered from its target groups) before
   * ECS stops them: the plan's `drainDelayMs` of that service.
   */
  drainDelayMs?: Record<string, number>
  /** The kind does something about the machines behind the container instances (else they keep running). */
  handlesHosts?: boolean
}

/** What a kind may call on a stack whose cluster is already gone (`beforeAbsentClusterStack`). */
export type AbsentClusterContext = FindContext & { report: ClusterReport }

/** One step of the plan, in the words the log, the dry run and the summary use. */
export interface KindStep {
  stage: KindStage
  /** A short machine name for the step, e.g. `delete-log-groups`. */
  phase: string
  description: string
  resources: string[]
}

/** What a kind does at one stage of the apply order. */
export interface KindAction<Plan> {
  /** The phase's name in the log, the report and the summary (`log groups`). */
  phase: string
  /** Whether the phase runs at all (a phase with nothing to do is not shown). */
  needed(plan: Plan): boolean
  /** Removes, disables or reports; fills `ctx.report`. Gone-already counts as done. */
  run(ctx: ApplyContext, plan: Plan): Promise<void>
}

/** One row of the summary's Found / Removed / Left table. */
export interface KindCountRow {
  label: string
  found: number
  removed: number
  /** The leftovers of this kind are counted in the row's Left column. */
  leftoverKind: LeftoverKind
}

/**
 * A kind's own part of `report.related`: its lists (`Lists`) and its counts in `found` (`Counts`),
 * which the kind declares in its module by declaration merging:
 *
 *     declare module '../report/report.js' {
 *       interface RelatedReport { logGroups: { name: string; action: 'deleted' }[] }
 *       interface RelatedFound { logGroups: number }
 *       interface KindLeftovers { 'log-group': true }
 *     }
 */
export type ReportPart<
  Lists extends Exclude<keyof RelatedReport, 'found'> = never,
  Counts extends keyof RelatedFound = never
> = Pick<RelatedReport, Lists> & { found: Pick<RelatedFound, Counts> }

/** Any kind's part, as the kinds layer puts them together into one `report.related`. */
export type AnyReportPart = Partial<Omit<RelatedReport, 'found'>> & { found: Partial<RelatedFound> }

export interface ResourceKind<Found, Plan> {
  /** Its name in the log and in errors, e.g. `log groups`. */
  readonly name: string
  /**
   * Its part of `report.related`, empty: every list it declared, empty, and its counts at 0 (a
   * part it declared optional may be left out until it has something to say).
   */
  emptyReport(): AnyReportPart
  /**
   * Read only, so a dry run shows it all. A read AWS denies goes to `ctx.onDenied` on a dry run
   * (a blocker) and fails a real run, unless the kind can do without it (then it says so).
   */
  find(ctx: FindContext, scope: TeardownScope, settings: Settings): Promise<Found>
  /** Its counts in `report.related.found`, and what the inventory's log says about it. */
  recordFound(found: Found, report: RelatedReport, log: Logger): void
  /** Kept, removed or reported, and why: pure, no AWS call. */
  decide(found: Found, ctx: DecideContext): Plan
  /** What the core's own steps need to know of the plan (a drain delay, the hosts handled). */
  hints?(plan: Plan): KindHints
  /**
   * A re-run that finds the cluster gone and its stack still there: what must be done before
   * DeleteStack, done at once unless `dryRun`; returns the dry run's steps.
   */
  beforeAbsentClusterStack?(
    ctx: AbsentClusterContext,
    stack: StackTarget,
    dryRun: boolean
  ): Promise<{ description: string; resources: string[] }[]>
  /** Its steps in the plan (a dry run shows them), each at the stage it runs in. */
  steps(plan: Plan): KindStep[]
  /** What is kept although an input asked for it, and why (the dry run's known blockers). */
  notes(plan: Plan): string[]
  /** What it does, by stage. */
  readonly actions: Partial<Record<KindStage, KindAction<Plan>>>
  /** For a run that stopped early: what the plan meant to do and the report does not show done. */
  unfinished(plan: Plan, report: ClusterReport): Leftover[]
  /** Its rows in the summary's table (only those worth showing). */
  countRows(report: RelatedReport, left: (kind: LeftoverKind) => number): KindCountRow[]
  /** Its lists of what was done, as summary HTML (escape what came from AWS with report/html.ts). */
  doneLists(report: RelatedReport): { title: string; items: string[] }[]
  /** Console links for its leftovers, by leftover kind. */
  readonly links?: Partial<Record<LeftoverKind, (region: string, id: string) => string | undefined>>
}

/**
 * The summary's row and list of a kind whose part of the report is one optional list of what it
 * removed and one optional count of what it found.
 */
export function removedListSummary<T>(spec: {
  label: string
  title: string
  leftoverKind: LeftoverKind
  found: (r: RelatedReport) => number | undefined
  removed: (r: RelatedReport) => T[] | undefined
  item: (entry: T) => string
}): Pick<ResourceKind<unknown, unknown>, 'countRows' | 'doneLists'> {
  return {
    countRows: (r, left) =>
      rowWhenAny(
        {
          label: spec.label,
          found: spec.found(r) ?? 0,
          removed: spec.removed(r)?.length ?? 0,
          leftoverKind: spec.leftoverKind
        },
        left
      ),
    doneLists: r => [{ title: spec.title, items: (spec.removed(r) ?? []).map(spec.item) }]
  }
}

/** A kind's one row of the summary's table, shown only when something was found, removed or left. */
export function rowWhenAny(row: KindCountRow, left: (kind: LeftoverKind) => number): KindCountRow[] {
  return shownRows([row], left)
}

export { count } from '../util/text.js'

/** One row of the summary's table. */
export function countRow(
  label: string,
  found: number,
  removed: number,
  leftoverKind: LeftoverKind
): KindCountRow {
  return { label, found, removed, leftoverKind }
}

/** The rows worth a line in the summary's table: something found, removed or left. */
export function shownRows(rows: KindCountRow[], left: (kind: LeftoverKind) => number): KindCountRow[] {
  return rows.filter(row => row.found > 0 || row.removed > 0 || left(row.leftoverKind) > 0)
}

/**
 * The part of the report the kinds fill. It is there before any kind acts: recordKindsFound
 * (src/kinds/index.ts) creates it from every kind's `emptyReport` when the kinds have looked.
 */
export function relatedReport(report: ClusterReport): RelatedReport {
  if (!report.related)
    throw new Error('report.related is created when the kinds have looked, before any of them acts')
  return report.related
}
