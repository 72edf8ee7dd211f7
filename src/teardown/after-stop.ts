import type { AcceptedRequests } from '../apply/context.js'
import { round } from '../apply/index.js'
import { recordStopped } from '../apply/tasks.js'
import {
  describeServices,
  isDeletedAlready,
  takeInventory,
  type ClusterInventory,
  type InventoryContext,
  type ServiceInfo,
  type ServiceSelection
} from '../inventory/index.js'
import { unfinishedKinds } from '../kinds/index.js'
import type { TeardownPlan } from '../plan.js'
import { describeLeftovers, leftoversFromInventory, leftoversFromPlan } from '../report/leftovers.js'
import { recordGoneBefore, type ClusterReport, type Leftover } from '../report/report.js'
import {
  DeadlineError,
  errorMessage,
  explainAwsError,
  isAccessDenied,
  isCancellation,
  RefusedError
} from '../util/errors.js'
import type { TeardownDeps } from './deps.js'
import type { ClusterRun } from './state.js'

/**
 * After a run that stopped early (failed, timed out, cancelled): its outcome, and a second, bounded
 * look at the cluster so that the report says what AWS holds rather than what the plan expected.
 */

const SEEN_BY_INVENTORY = new Set(['service', 'task', 'container-instance', 'cluster'])

/** How long a failed run may spend looking at what is left, for a true report. */
const FINAL_LOOK_MS = 30_000
/**
 * How long a cancelled run may spend looking at what is left: the runner sends SIGINT, SIGTERM 7.5 s
 * later and kills the process 2.5 s after that, and the summary and outputs still have to be written.
 */
export const CANCEL_LOOK_MS = 5_000

/** The outcome of a run that stopped on `error`, with what is left. */
export async function recordStop(run: ClusterRun, error: unknown): Promise<void> {
  // When one chain failed and halted the others, the error that surfaced here may be another
  // chain's cancellation: the halt's reason is the real cause.
  const { controller, deps } = run
  const halted =
    controller.signal.aborted && !deps.signal.aborted ? (controller.signal.reason as unknown) : undefined
  await recordFailure(run, halted ?? error)
}

async function recordFailure(run: ClusterRun, error: unknown): Promise<void> {
  const { deps, settings, report, plan, blockers, accepted, selection } = run
  if (deps.signal.aborted && isCancellation(error, deps.signal)) {
    report.outcome = 'cancelled'
    const still = plan
      ? await reportWhatIsLeft(
          deps,
          report,
          plan,
          accepted,
          (run.cancelled.at ?? deps.clock()) + CANCEL_LOOK_MS,
          selection
        )
      : ''
    report.message = `Cancelled before the teardown finished.${still ? ` ${still}` : ''}`
    return
  }
  if (error instanceof RefusedError) {
    report.outcome = 'failed'
    report.message = `${error.message} Nothing was removed.`
    return
  }
  if (settings.dryRun && isAccessDenied(error)) {
    // A dry run that cannot even read the cluster still answers the question it was asked.
    report.outcome = 'dry-run'
    blockers.push(`missing permission: ${errorMessage(error)}`)
    report.plan = { steps: plan?.steps ?? [], blockers }
    report.message = `Dry run: the cluster could not be read. ${blockers.length} known blocker(s).`
    return
  }
  report.outcome = error instanceof DeadlineError ? 'timed-out' : 'failed'
  const cause =
    error instanceof DeadlineError
      ? `The ${settings.timeoutMs / 60_000}-minute deadline (timeout-minutes) passed: ${errorMessage(error)}`
      : explainAwsError(error)
  const still = plan
    ? await reportWhatIsLeft(deps, report, plan, accepted, deps.clock() + FINAL_LOOK_MS, selection)
    : ''
  report.message = `${cause}${still ? `. ${still}` : ''}`
}

/**
 * After a run that stopped early: one fresh, bounded look at the cluster (until `until`), so the
 * leftovers and the counts say what AWS holds rather than what the plan expected. What the look
 * cannot see, or everything when it cannot finish, comes from the plan and is marked `fromPlan`.
 * Returns the sentence for the message.
 */
async function reportWhatIsLeft(
  deps: TeardownDeps,
  report: ClusterReport,
  plan: TeardownPlan,
  accepted: AcceptedRequests,
  until: number,
  selection?: ServiceSelection
): Promise<string> {
  const look = await lookAgain(
    deps,
    report.arn || report.name,
    plan.services.map(sp => sp.service.arn),
    until,
    selection
  )
  const fromPlan = (leftovers: Leftover[]): Leftover[] => leftovers.map(l => ({ ...l, fromPlan: true }))
  // A fresh look sees services, tasks, instances and the cluster; the rest was recorded as it happened.
  const recorded = report.leftovers.filter(l => !SEEN_BY_INVENTORY.has(l.kind))
  if ('inventory' in look) {
    settleServices(report, plan, look.services)
    settleTasks(report, plan, accepted, look.inventory)
    if (!look.inventory && accepted.deleteCluster) report.clusterDeleted = true
    // A service still DRAINING is being deleted, and AWS finishes it: this run's (report.services),
    // or one already DRAINING when the run found it (goneBefore, with its reason) is not left.
    const ours = new Set(report.services.map(s => s.arn))
    const deletedBefore = new Set((report.goneBefore ?? []).filter(g => g.kind === 'service').map(g => g.id))
    const beingDeleted = (s: ServiceInfo): boolean =>
      ours.has(s.arn) || (isDeletedAlready(s) && deletedBefore.has(s.name))
    report.leftovers = [
      ...recorded,
      ...(look.inventory ? leftoversFromInventory(look.inventory) : []).filter(
        l => l.kind !== 'service' || !look.inventory?.services.some(s => s.name === l.id && beingDeleted(s))
      ),
      // The stack is not part of the look.
      ...fromPlan(leftoversFromPlan(plan, report).filter(l => !SEEN_BY_INVENTORY.has(l.kind)))
    ]
  } else {
    report.leftovers = [...recorded, ...fromPlan(leftoversFromPlan(plan, report))]
  }
  report.leftovers.push(...fromPlan(unfinishedAroundTheCluster(plan, report)))
  const seen = describeLeftovers(report.leftovers.filter(l => !l.fromPlan))
  const planned = describeLeftovers(report.leftovers.filter(l => l.fromPlan))
  const parts: string[] = []
  if ('inventory' in look) {
    if (seen) parts.push(`Still there (AWS read again after the run stopped): ${seen}`)
    else parts.push('AWS read again after the run stopped: nothing of the cluster is left')
    if (planned) parts.push(`From the plan, not read again: ${planned}`)
  } else if (planned) {
    parts.push(`Still there according to the plan (${look.why}, so this is not read from AWS): ${planned}`)
  }
  return parts.join('. ')
}

/**
 * What the fresh look says about the plan's services: one this run deleted is INACTIVE now, or still
 * DRAINING (deleted all the same); one that is gone and that this run never deleted was removed by
 * someone else.
 */
function settleServices(report: ClusterReport, plan: TeardownPlan, statuses: Map<string, string>): void {
  for (const { service } of plan.services) {
    const ours = report.services.find(s => s.arn === service.arn)
    const status = statuses.get(service.arn) ?? 'INACTIVE'
    if (ours) {
      if (status === 'INACTIVE') delete ours.draining
      continue
    }
    if (status !== 'ACTIVE' && !report.goneBefore?.some(g => g.kind === 'service' && g.id === service.name))
      recordGoneBefore(report, {
        kind: 'service',
        id: service.name,
        reason: 'gone when the run looked again, and this run had not seen its DeleteService accepted'
      })
  }
}

/**
 * What the fresh look says about the plan's tasks: one no longer up was stopped by this run when it
 * sent its StopTask or deleted its service; otherwise by someone else.
 */
function settleTasks(
  report: ClusterReport,
  plan: TeardownPlan,
  accepted: AcceptedRequests,
  inventory: ClusterInventory | undefined
): void {
  const up = new Set((inventory?.tasks ?? []).map(t => t.arn))
  const deletedServices = new Set(report.services.map(s => s.arn))
  const planned = [
    ...plan.services.flatMap(sp => sp.tasks.map(task => ({ task, service: sp.service.arn }))),
    ...plan.standaloneTasks.map(task => ({ task, service: undefined }))
  ]
  for (const { task, service } of planned) {
    if (up.has(task.arn) || report.tasks.some(t => t.arn === task.arn)) continue
    if (report.goneBefore?.some(g => g.kind === 'task' && g.id === task.id)) continue
    if (accepted.stopTask.has(task.arn)) recordStopped({ report }, task, 'stopped')
    else if (service && deletedServices.has(service)) recordStopped({ report }, task, 'drained')
    else
      recordGoneBefore(report, {
        kind: 'task',
        id: task.id,
        reason: 'stopped when the run looked again, not by this run'
      })
  }
}

/**
 * A fresh inventory with its own budget (until `until`, enforced by a timer as well as the deadline,
 * so a call in flight cannot outlast it). `inventory` is undefined when the cluster is gone.
 */
async function lookAgain(
  deps: TeardownDeps,
  clusterRef: string,
  serviceArns: string[],
  until: number,
  /** Services mode: the look reads the selected services and their tasks only. */
  selection?: ServiceSelection
): Promise<{ inventory: ClusterInventory | undefined; services: Map<string, string> } | { why: string }> {
  const stop = new AbortController()
  const timer = new AbortController()
  const budgetMs = Math.max(0, until - deps.clock())
  deps.sleep(budgetMs, timer.signal).then(
    () => stop.abort(),
    () => undefined
  )
  const ctx: InventoryContext = { ...deps, deadline: until, signal: stop.signal }
  try {
    const result = await takeInventory(ctx, clusterRef, selection)
    if (result.state === 'absent') return { inventory: undefined, services: new Map() }
    // ListServices leaves DRAINING services out: describe the planned ones it did not list.
    const services = new Map(result.inventory.services.map(s => [s.arn, s.status]))
    const unlisted = serviceArns.filter(arn => !services.has(arn))
    const described = await describeServices(ctx, result.inventory.cluster.arn, unlisted)
    for (const s of described.present) services.set(s.arn, s.status)
    return { inventory: result.inventory, services }
  } catch (error) {
    const why = stop.signal.aborted
      ? `AWS could not be read again within ${round(budgetMs / 1000)} s`
      : `AWS could not be read again: ${errorMessage(error)}`
    deps.log.warning(`Could not look at what is left in ${clusterRef}: ${why}`)
    return { why }
  } finally {
    timer.abort()
  }
}

/**
 * What the kinds meant to do around the cluster and the report does not show done, for a run that
 * stopped early (failure or cancellation). Anything already reported as a leftover is not repeated.
 */
function unfinishedAroundTheCluster(plan: TeardownPlan, report: ClusterReport): Leftover[] {
  const reported = new Set(report.leftovers.map(l => `${l.kind}:${l.id}`))
  return unfinishedKinds(plan.kinds, report).filter(l => {
    const key = `${l.kind}:${l.id}`
    if (reported.has(key)) return false
    reported.add(key)
    return true
  })
}
