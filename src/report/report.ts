/**
 * The Report: what was found, removed and left, filled in as the run goes so that a failure or a
 * cancellation at any point still leaves a true record to render. The `report` output is this
 * object as JSON (shortened when too large, see outputs.ts); its schema is documented in docs/report.md.
 */

/** `services-removed`: services mode, the selected services went and the cluster was kept. */
export type ClusterOutcome =
  'deleted' | 'services-removed' | 'absent' | 'failed' | 'cancelled' | 'timed-out' | 'dry-run' | 'skipped'

export interface RemovedService {
  name: string
  arn: string
  /** DeleteService accepted it, but the run ended before it was seen INACTIVE (AWS finishes that by itself). */
  draining?: true
  /**
   * An Express service, deleted with DeleteExpressGatewayService: ECS removes what it made for it
   * (listed under `related.expressServices`) with it.
   */
  express?: true
}

/** Something the run meant to remove that someone else removed first: not counted as this run's. */
export interface GoneBefore {
  kind: LeftoverKind
  id: string
  /** How the run learnt it, e.g. `ServiceNotActiveException on this run's DeleteService`. */
  reason: string
}

export interface StoppedTask {
  id: string
  arn: string
  /** `service:<name>` or `family:<name>`. */
  group: string
  startedBy?: string
  /** `drained`: the ECS scheduler stopped it after this run deleted its service with force; `stopped`: StopTask. */
  how: 'drained' | 'stopped'
}

export interface DeregisteredInstance {
  id: string
  arn: string
  ec2InstanceId?: string
}

export interface CapacityProviderEntry {
  name: string
  action: 'detached' | 'deleted'
  /**
   * An ECS Managed Instances provider: the EC2 instances ECS ran for it (its container instances),
   * shut down by ECS with the provider, never by this action.
   */
  managedInstances?: string[]
}

/** The leftovers of the cluster's own contents, the core phases'. */
export type CoreLeftoverKind =
  'service' | 'task' | 'container-instance' | 'capacity-provider' | 'cluster' | 'stack' | 'stack-resource'

/**
 * The leftover kinds of the kinds around the cluster, each declared by its own module in
 * src/kinds/ (`declare module '../report/report.js' { interface KindLeftovers { 'log-group': true } }`):
 * only the names count.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the kinds' declarations
export interface KindLeftovers {}

export type LeftoverKind = CoreLeftoverKind | keyof KindLeftovers

export interface Leftover {
  kind: LeftoverKind
  id: string
  /** Why it is still there, in words a person can act on. */
  reason: string
  /** It keeps costing money until someone removes it. */
  billing?: boolean
  /**
   * The run ended (cancelled, timed out, failed) and AWS could not be read again in time: this entry
   * is what the plan meant to remove and the run did not see removed, not what AWS was seen to hold.
   */
  fromPlan?: true
}

/** The CloudFormation stack that created the cluster (delete-stack). */
export interface StackReport {
  /** Empty when no stack was found. */
  name: string
  /** The StackId (ARN): a deleted stack can only be described by it. */
  id?: string
  /** How the stack was identified. */
  foundBy?:
    | 'stack-name'
    | 'tag'
    | 'console-wizard-name'
    | 'ecs-cli-name'
    | 'console-name'
    /** DescribeStackResources named the stack that holds the cluster (or the services). */
    | 'stack-resource'
    /** It imports an export of the stack to delete (an entry of `importers`). */
    | 'imports'
  /** The names that were looked for, when none was found. */
  searched?: string[]
  /** The last status seen: DELETE_COMPLETE, DELETE_FAILED, CREATE_COMPLETE (not deleted), or NOT_FOUND. */
  status: string
  /** The stack has an AWS::ECS::Cluster resource for this cluster, so deleting the stack deletes the cluster. */
  ownsCluster: boolean
  deleted: boolean
  /** Resources that failed to delete, from the stack events. */
  failedResources: { logicalId: string; type: string; reason: string }[]
  /** CloudFormation's StackStatusReason when the deletion did not finish. */
  statusReason?: string
  /** After DELETE_FAILED: the command a person would run next (never run by this action). */
  nextCommand?: string
  /**
   * The stacks that import this stack's exports (and theirs), in the order they are deleted, all
   * before this one: CloudFormation does not delete a stack whose export a live stack imports.
   */
  importers?: (StackReport & { imports: string[]; from: string[] })[]
}

/**
 * What was done around the cluster: what started its tasks, and what would have kept billing. Each
 * kind (src/kinds/) declares its own part in its module, by declaration merging
 * (`declare module '../report/report.js' { interface RelatedReport { logGroups: … } }`), its
 * counts in RelatedFound, and creates it empty (`emptyReport`); src/kinds/index.ts puts the parts
 * together, so that this module knows none of the kinds. docs/report.md documents the whole.
 */
export interface RelatedReport {
  /** What each kind found, counted. */
  found: RelatedFound
}

/** What the kinds found, one count (or a few) per kind, each declared by its kind. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by the kinds' declarations
export interface RelatedFound {}

export interface PhaseTiming {
  name: string
  /** When the phase began, in seconds after the cluster's teardown began (`startedAt`). */
  start?: number
  seconds: number
  /** What the phase did, in the words of the log (the first lines, when there are many). */
  log?: string[]
}

/** A dry run's answer: the steps in order, and what is known to stand in their way. */
export interface PlannedTeardown {
  steps: { description: string; resources: string[] }[]
  blockers: string[]
}

/** The outcomes that do not fail the run. */
export const SUCCESSFUL_OUTCOMES: ReadonlySet<ClusterOutcome> = new Set<ClusterOutcome>([
  'deleted',
  'services-removed',
  'absent',
  'dry-run',
  'skipped'
])

/** Services mode: what the `services` input selected, and what was kept because it is shared. */
export interface ServiceScopeReport {
  /** The services selected for removal. */
  selected: string[]
  /** Named services already gone or INACTIVE. */
  absent: string[]
  /** Services a pattern matched that were not touched, each with the reason. */
  skipped: { name: string; reason: string }[]
  /** Kept because it is shared: the cluster, its other services, what they use too. */
  kept: Leftover[]
}

export interface ClusterReport {
  name: string
  arn: string
  region: string
  outcome: ClusterOutcome
  /** Why the outcome is not `deleted`, in one line. */
  message?: string
  found: { services: number; tasks: number; containerInstances: number; capacityProviders: number }
  services: RemovedService[]
  tasks: StoppedTask[]
  containerInstances: DeregisteredInstance[]
  capacityProviders: CapacityProviderEntry[]
  /** Present when delete-stack is on. */
  stack?: StackReport
  /** What is around the cluster; present once the cluster was read. */
  related?: RelatedReport
  /** The plan; present on a dry run. */
  plan?: PlannedTeardown
  /** Present in services mode (the `services` input): the cluster is kept. */
  scope?: ServiceScopeReport
  leftovers: Leftover[]
  /**
   * The run ended early (cancelled, timed out, failed) after AWS accepted its DeleteCluster, and a
   * fresh look found the cluster gone: counted in `clusters-deleted`. Absent otherwise.
   */
  clusterDeleted?: true
  /** What was removed by someone else before this run removed it; present when there is any. */
  goneBefore?: GoneBefore[]
  phases: PhaseTiming[]
  /** When the cluster's teardown began (ISO 8601): the summary's timeline counts from here. */
  startedAt?: string
  seconds: number
}

export interface Report {
  dryRun: boolean
  clusters: ClusterReport[]
}

export function newClusterReport(name: string, region: string): ClusterReport {
  return {
    name,
    arn: '',
    region,
    outcome: 'failed',
    found: { services: 0, tasks: 0, containerInstances: 0, capacityProviders: 0 },
    services: [],
    tasks: [],
    containerInstances: [],
    capacityProviders: [],
    leftovers: [],
    phases: [],
    seconds: 0
  }
}

export function recordGoneBefore(report: ClusterReport, entry: GoneBefore): void {
  const list = (report.goneBefore ??= [])
  if (!list.some(g => g.kind === entry.kind && g.id === entry.id)) list.push(entry)
}

export interface ReportCounts {
  servicesDeleted: number
  tasksStopped: number
  containerInstancesDeregistered: number
  clustersDeleted: number
  stacksDeleted: number
}

export function countRemoved(report: Report): ReportCounts {
  return {
    servicesDeleted: sum(report.clusters.map(c => c.services.length)),
    tasksStopped: sum(report.clusters.map(c => c.tasks.length)),
    containerInstancesDeregistered: sum(report.clusters.map(c => c.containerInstances.length)),
    clustersDeleted: report.clusters.filter(c => c.outcome === 'deleted' || c.clusterDeleted).length,
    stacksDeleted: sum(
      report.clusters.map(
        c => (c.stack?.deleted ? 1 : 0) + (c.stack?.importers ?? []).filter(i => i.deleted).length
      )
    )
  }
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0)
}
