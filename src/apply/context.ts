import type { SendPort } from '../aws/call.js'
import type { RelatedPorts } from '../aws/clients.js'
import { Limits } from '../constants.js'
import {
  describeServices,
  describeTasks,
  type InventoryContext,
  type ServiceInfo,
  type TaskInfo
} from '../inventory/index.js'
import type { ClusterReport } from '../report/report.js'
import { count } from '../util/text.js'
import { BatchPoller, type PollSchedule, type WaitView } from '../util/poll.js'
import { formatDuration } from '../util/time.js'

/** `graceful`: let the scheduler drain the services first; `force`: stop everything at once. */
export type StopMode = 'graceful' | 'force'

/** What every apply phase gets: the AWS ports, time, the signal, the deadlines and the report to fill. */
export interface ApplyContext extends InventoryContext, RelatedPorts {
  clusterArn: string
  clusterName: string
  mode: StopMode
  /** When the graceful mode stops waiting for the scheduler and stops what is left itself. */
  drainDeadline: number
  /** The longest a wait goes between two looks at AWS (the polls' ceiling). */
  pollIntervalMs: number
  report: ClusterReport
  /** One polling loop per cluster for all task waits, one for all service waits. */
  tasks: BatchPoller<TaskInfo>
  services: BatchPoller<ServiceInfo>
  /** CloudFormation, and the DeleteStack token of this run for a stack (by StackId) (delete-stack). */
  cloudformation?: SendPort
  stackToken?: (stackId: string) => string
  /** Stops this cluster's other work after a failure (aborts the cluster's own signal). */
  halt(reason: unknown): void
  /** What AWS accepted from this run, for the report of a run that ends before it sees the result. */
  accepted?: AcceptedRequests
  /** Told once the cluster (and its stack, with delete-stack) is gone: a sweep's other clusters learn it. */
  onClusterGone?: () => void
}

/**
 * Requests AWS accepted from this run whose outcome the run may not live to see (a cancel, a
 * deadline): a fresh look then tells what they did, and this tells whose doing it was.
 */
export interface AcceptedRequests {
  /** Tasks this run sent StopTask for. */
  stopTask: Set<string>
  /** DeleteCluster was accepted. */
  deleteCluster: boolean
}

export function newAcceptedRequests(): AcceptedRequests {
  return { stopTask: new Set(), deleteCluster: false }
}

/**
 * The schedules of the two waits, from what the action knows. A task asked to stop (by StopTask, or
 * by the scheduler about a second after its service's deletion) gets SIGTERM, and SIGKILL at its
 * stop timeout (ECS's default, 30 s): tasks that exit on SIGTERM are STOPPED within a few seconds,
 * the others just after the timeout. So the first look comes after 1 s, later ones double, and one
 * comes at the stop timeout plus the scheduler's second and deprovisioning's (32 s), where most
 * waits end; a task with a longer stop timeout is then looked at every ceiling. A task behind a load
 * balancer is first deregistered from its target groups and stays DEACTIVATING for their
 * deregistration delay (300 s by default, often set lower) before SIGTERM: when the load-balancer
 * kind read that delay (ServicePlan.drainDelayMs), the task is not looked at before it, the 32 s
 * count from it, and its looks come a quarter of the time already waited after it and apart, never
 * past those 32 s (BatchPoller.waitUntil); else the looks back off into it. A service's wait begins once its tasks are down, when ECS is
 * about to mark it INACTIVE: its first look comes at once.
 */
/** ECS's default stop timeout (30 s), the scheduler's second and a second of deprovisioning. */
const TASK_SETTLE_BY_MS = 32_000
/**
 * After a known drain, looks a quarter of the time already waited after it and apart: behind a 60 s
 * delay, a task that exits on SIGTERM is seen 15 s after the drain, one that waits out its stop
 * timeout at the 32 s mark: two looks.
 */
const TASK_RESUME_FRACTION = 0.25

export function pollSchedules(ceilingMs: number): { tasks: PollSchedule; services: PollSchedule } {
  const ceiling = Math.max(1_000, ceilingMs)
  return {
    tasks: {
      firstMs: 1_000,
      stepMs: 1_000,
      factor: 2,
      ceilingMs: ceiling,
      settleByMs: TASK_SETTLE_BY_MS,
      resumeFraction: TASK_RESUME_FRACTION
    },
    services: { firstMs: 0, stepMs: 1_000, factor: 2, ceilingMs: ceiling }
  }
}

export function createPollers(
  ctx: InventoryContext,
  clusterArn: string,
  ceilingMs: number
): { tasks: BatchPoller<TaskInfo>; services: BatchPoller<ServiceInfo> } {
  const schedules = pollSchedules(ceilingMs)
  /** A poller that looks by ARN with `describe` (batched DescribeTasks or DescribeServices). */
  const poller = <T extends { arn: string }>(
    schedule: PollSchedule,
    batchSize: number,
    tell: (views: WaitView<T>[], now: number) => string | undefined,
    describe: (ctx: InventoryContext, clusterArn: string, arns: string[]) => Promise<{ present: T[] }>
  ): BatchPoller<T> =>
    new BatchPoller<T>(ctx, {
      schedule,
      batchSize,
      tell,
      describe: async arns => new Map((await describe(ctx, clusterArn, arns)).present.map(x => [x.arn, x]))
    })
  const tasks = poller(schedules.tasks, Limits.describeTasksBatch, tellTasks, describeTasks)
  const services = poller(schedules.services, Limits.describeServicesBatch, tellServices, describeServices)
  return { tasks, services }
}

/** A task past its deregistration delay not looked at since: ECS is stopping it. */
const PAST_DELAY = Symbol('past the deregistration delay')

/**
 * What the task waits are waiting for, from their last look (the inventory's, until the first):
 * "Waiting for 3 services to drain: 2 tasks DEACTIVATING (deregistration delay 300 s, 4 min 10 s
 * left), 1 task STOPPING". A task told to stop behind a load balancer is DEACTIVATING while it is
 * deregistered from its target groups, for their deregistration delay (ECS developer guide, task
 * lifecycle: "the target group deregistration occurs during" DEACTIVATING): the run does not look
 * at it before that delay is over, and says how much of it is left.
 */
function tellTasks(waits: WaitView<TaskInfo>[], now: number): string {
  const services = new Set(waits.filter(w => w.state?.serviceName).map(w => w.state!.serviceName!))
  const standalone = waits.filter(w => !w.state?.serviceName).length
  const subject = [
    ...(services.size > 0 ? [`${count(services.size, 'service')} to drain`] : []),
    ...(standalone > 0
      ? [`${count(standalone, services.size > 0 ? 'standalone task' : 'task')} to stop`]
      : [])
  ].join(' and ')
  const draining = waits.filter(w => w.canEndFrom > now)
  const parts: string[] = []
  if (draining.length > 0) {
    const delayMs = Math.max(...draining.map(w => w.canEndFrom - w.since))
    const leftMs = Math.max(...draining.map(w => w.canEndFrom)) - now
    parts.push(
      `${count(draining.length, 'task')} DEACTIVATING (deregistration delay ${Math.round(delayMs / 1000)} s, ${formatDuration(leftMs)} left)`
    )
  }
  const byStatus = new Map<string | typeof PAST_DELAY, number>()
  for (const w of waits.filter(w => w.canEndFrom <= now)) {
    // Past its delay and not looked at yet: ECS is stopping it (SIGTERM, then SIGKILL at the stop
    // timeout); its status before the wait (RUNNING) would be stale.
    const status = !w.looked && w.canEndFrom > w.since ? PAST_DELAY : (w.state?.lastStatus ?? 'not yet seen')
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
  }
  for (const [status, n] of byStatus)
    parts.push(
      `${count(n, 'task')} ${status === PAST_DELAY ? `past ${n === 1 ? 'its' : 'their'} deregistration delay, stopping` : status}`
    )
  return `Waiting for ${subject}: ${parts.join(', ')}`
}

/** What the service waits are waiting for: INACTIVE, by the status their last look saw. */
function tellServices(waits: WaitView<ServiceInfo>[]): string {
  const byStatus = new Map<string, number>()
  for (const w of waits) {
    const status = w.state?.status ?? 'DRAINING'
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1)
  }
  const names = waits.slice(0, 5).map(w => w.state?.name ?? w.id.slice(w.id.lastIndexOf('/') + 1))
  const more = waits.length > names.length ? ` and ${waits.length - names.length} more` : ''
  return `Waiting for ${count(waits.length, 'service')} to become INACTIVE (${names.join(', ')}${more}): ${[
    ...byStatus
  ]
    .map(([status, n]) => `${n} ${status}`)
    .join(', ')}`
}
