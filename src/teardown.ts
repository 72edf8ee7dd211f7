import {
  createPollers,
  newAcceptedRequests,
  type AcceptedRequests,
  type ApplyContext
} from './apply/context.js'
import { recordStopped } from './apply/tasks.js'
import { applyPlan, Phase, round } from './apply/index.js'
import type { SendPort } from './aws/call.js'
import { relatedPorts, type RelatedPorts } from './aws/clients.js'
import {
  describeServices,
  isDeletedAlready,
  nameFromArn,
  takeInventory,
  type ClusterInventory,
  type InventoryContext,
  type ServiceInfo,
  type ServiceSelection
} from './inventory.js'
import { count } from './plan.js'
import { sharedWithNeighbours } from './kinds/other-users/index.js'
import type { Logger } from './log.js'
import { planTeardown, type TeardownPlan } from './plan.js'
import {
  findKinds,
  KINDS,
  kindNotes,
  recordKindsFound,
  servicesScope,
  unfinishedKinds,
  wholeClusterScope,
  type AnyKind
} from './kinds/index.js'
import type { FindContext, TeardownScope } from './kinds/kind.js'
import { releaseStackGroups } from './kinds/scale-in-protection.js'
import { OtherUsersLookup } from './kinds/other-users/index.js'
import { stackDeleteToken } from './stack/find.js'
import { lookUpStack, stackOfAbsentCluster } from './stack/step.js'
import type { SweepNeighbours } from './kinds/other-users/index.js'
import { lastPartOfArn } from './util/arn.js'
import { describeLeftovers, leftoversFromInventory, leftoversFromPlan } from './report/leftovers.js'
import { PhaseLog } from './report/phase-log.js'
import {
  newClusterReport,
  recordGoneBefore,
  SUCCESSFUL_OUTCOMES,
  type ClusterReport,
  type Leftover
} from './report/report.js'
import type { Settings } from './settings.js'
import {
  CancelledError,
  DeadlineError,
  errorMessage,
  explainAwsError,
  isAccessDenied,
  isCancellation,
  RefusedError
} from './util/errors.js'
import type { Pool } from './util/pool.js'
import type { Clock, Sleep } from './util/time.js'

/**
 * What tearing down one cluster needs; all of it injected. The services around the cluster may be
 * left out by a caller that drives ECS alone: what needs them is then skipped, and said.
 */
export interface TeardownDeps extends Partial<RelatedPorts> {
  ecs: SendPort
  cloudformation: SendPort
  /** The run's identity, for the DeleteStack request token. */
  run: { runId?: string; runAttempt?: string; startedAt: number }
  clock: Clock
  sleep: Sleep
  /** The run's signal: aborted when the job is cancelled. */
  signal: AbortSignal
  pool: Pool
  log: Logger
  /** The run's deadline, epoch milliseconds. */
  deadline: number
  /** Every cluster the run removes (a sweep's targets): not read by the look at the other clusters. */
  runClusters?: readonly string[]
  /** A sweep's clusters, users of one another's until they are gone (src/kinds/other-users/sweep.ts). */
  sweep?: SweepNeighbours
  /** The kinds of resource around the cluster to look at and act on; default: every one, KINDS. */
  kinds?: readonly AnyKind[]
}

/**
 * Starts loading the code of every client the settings say this run will call, once the cluster is
 * known to exist: the loading then overlaps the ECS inventory instead of delaying the first call of
 * each. A run that finds its cluster absent loads none of them.
 */
function warmClients(deps: TeardownDeps, settings: Settings): void {
  const needed = [
    settings.triggers !== 'keep' ? deps.events : undefined,
    settings.triggers !== 'keep' ? deps.scheduler : undefined,
    // The EC2 instances behind the container instances are looked up on every run that has some,
    // and the services' scalable targets on every run that has services.
    deps.ec2,
    deps.autoscaling,
    settings.deleteStack ? deps.cloudformation : undefined,
    settings.deleteLogGroups ? deps.logs : undefined,
    settings.deregisterSsmInstances ? deps.ssm : undefined,
    settings.deleteNamespace ? deps.servicediscovery : undefined
  ]
  for (const port of needed) port?.warm?.()
}

/**
 * The clients the services' surroundings need, started loading as soon as the services are
 * described: the load-balancer kind reads their target groups, the Cloud Map kind their registries,
 * the CodeDeploy kind their deployments, right after the inventory.
 */
function warmServiceClients(deps: TeardownDeps, services: ServiceInfo[]): void {
  if (services.some(s => (s.loadBalancers ?? []).length > 0)) deps.elbv2?.warm?.()
  if (services.some(s => (s.serviceRegistries ?? []).length > 0)) deps.servicediscovery?.warm?.()
  // A blue/green service's task sets name its CodeDeploy deployments, read right after the inventory.
  if (services.some(s => s.taskSets.some(t => t.externalId))) deps.codedeploy?.warm?.()
}

const SEEN_BY_INVENTORY = new Set(['service', 'task', 'container-instance', 'cluster'])

/** How long a failed run may spend looking at what is left, for a true report. */
const FINAL_LOOK_MS = 30_000
/**
 * How long a cancelled run may spend looking at what is left: the runner sends SIGINT, SIGTERM 7.5 s
 * later and kills the process 2.5 s after that, and the summary and outputs still have to be written.
 */
export const CANCEL_LOOK_MS = 5_000

/**
 * inventory → plan → apply for one cluster; a dry run stops after the plan. Always returns a true
 * report, never throws.
 */
export async function teardownCluster(
  deps: TeardownDeps,
  settings: Settings,
  clusterRef: string,
  /** Services mode: the services to remove (undefined there when the cluster was not found). */
  selection?: ServiceSelection
): Promise<ClusterReport> {
  const report = newClusterReport(nameFromArn(clusterRef), settings.region)
  const started = deps.clock()
  report.startedAt = new Date(started).toISOString()
  // The cluster's own signal: aborted by the run's (cancellation) or by a failure in one of its
  // parallel chains, so the others stop instead of running on unobserved.
  const controller = new AbortController()
  // The live log; its heartbeat tells the waits on the run's clock until the cluster's work stops.
  const phases = new PhaseLog(deps.log, report, deps.clock, { sleep: deps.sleep, signal: controller.signal })
  let cancelledAt: number | undefined
  const onRunAbort = (): void => {
    cancelledAt = deps.clock()
    controller.abort(new CancelledError())
  }
  if (deps.signal.aborted) onRunAbort()
  else deps.signal.addEventListener('abort', onRunAbort, { once: true })
  const blockers: string[] = []
  const accepted = newAcceptedRequests()
  const ctx: FindContext = {
    ...deps,
    ...relatedPorts(deps),
    signal: controller.signal,
    waits: phases,
    log: phases.phase(Phase.inventory),
    onClusterFound: () => warmClients(deps, settings),
    onServicesFound: services => warmServiceClients(deps, services),
    ...(settings.dryRun
      ? { onDenied: (error: unknown) => blockers.push(`missing permission: ${errorMessage(error)}`) }
      : {})
  }
  let plan: TeardownPlan | undefined
  try {
    phases.start(Phase.inventory)
    const servicesMode = settings.services !== undefined
    const result = await takeInventory(ctx, clusterRef, selection)
    deps.sweep?.inventoried(clusterRef, result.state === 'absent' ? undefined : result.inventory)
    if (result.state === 'absent') {
      report.outcome = 'absent'
      if (result.arn) report.arn = result.arn
      report.message = servicesMode
        ? `Cluster ${report.name} is ${result.reason}, and its services with it: nothing to remove.`
        : `Cluster ${report.name} is ${result.reason}: nothing to remove.`
      ctx.log.info(report.message)
      // A re-run after a stack deletion failed finds the cluster gone but the stack still there.
      if (settings.deleteStack && !servicesMode)
        // What an earlier run may have left protected from scale-in in the stack's groups.
        await stackOfAbsentCluster(deps, settings, report, phases, ctx, stack =>
          releaseStackGroups(
            { ...ctx, ec2AutoScaling: relatedPorts(deps).ec2AutoScaling, report },
            stack,
            settings.dryRun
          )
        )
      return report
    }
    const inventory = result.inventory
    const nothingLeft = (): ClusterReport => {
      recordScope(report, inventory, selection)
      report.arn = inventory.cluster.arn
      report.outcome =
        inventory.scope!.skipped.length > 0 && inventory.scope!.absent.length === 0 ? 'skipped' : 'absent'
      report.message = nothingSelected(inventory)
      ctx.log.info(report.message)
      return report
    }
    const noServiceLeft = inventory.services.length === 0 && inventory.tasks.length === 0
    // Named services already gone may have left what was around them (a re-run after an
    // interrupted one): the kinds look before the run says there is nothing to do.
    if (inventory.scope && noServiceLeft && !goneServicesToLookAround(inventory.scope)) return nothingLeft()
    const scope = inventory.scope ? servicesScope(inventory) : wholeClusterScope(inventory)
    // Who outside the clusters this run removes uses what the kinds may remove: asked only by the
    // kinds whose input is on (a lazy look), shared by them. In services mode the cluster's own
    // other services are the scope's neighbours (kinds/other-users/neighbours.ts).
    const otherUsers = new OtherUsersLookup({
      clusterArn: inventory.cluster.arn,
      runClusters: deps.runClusters ?? [],
      logGroups: settings.deleteLogGroups,
      region: settings.region,
      ...(deps.sweep ? { sweep: deps.sweep } : {})
    })
    const found = await findKinds({ ...ctx, otherUsers }, scope, settings, deps.kinds ?? KINDS)
    recordInventory(report, inventory, ctx.log)
    recordKindsFound(found, report, ctx.log)
    if (inventory.scope) recordScope(report, inventory, selection, scope)
    const stack = settings.deleteStack
      ? await lookUpStack(deps, settings, report, ctx, { ...inventory.cluster }, blockers, inventory, scope)
      : undefined
    await phases.finish(Phase.inventory)

    const planLog = phases.phase(Phase.plan)
    plan = planTeardown(inventory, settings.force ? 'force' : 'graceful', stack, {
      found,
      settings,
      scope
    })
    if (inventory.scope && noServiceLeft && plan.steps.length === 0) return nothingLeft()
    blockers.push(...knownBlockers(plan))
    planLog.info(`${settings.dryRun ? 'DRY RUN: would' : 'Will'} take these steps (${plan.mode} mode):`)
    plan.steps.forEach((step, i) => planLog.info(`${i + 1}. ${step.description}`))
    for (const blocker of blockers) planLog.warning(`${report.name}: ${blocker}`)
    await phases.finish(Phase.plan)

    if (settings.dryRun) {
      report.outcome = 'dry-run'
      report.plan = {
        steps: plan.steps.map(s => ({ description: s.description, resources: s.resources })),
        blockers
      }
      report.message = `Dry run: ${plan.steps.length} step(s) planned, nothing changed.${blockers.length ? ` ${blockers.length} known blocker(s).` : ''}`
      return report
    }

    const applyCtx: ApplyContext = {
      ...ctx,
      clusterArn: plan.clusterArn,
      clusterName: plan.clusterName,
      mode: plan.mode,
      drainDeadline: Math.min(started + settings.drainTimeoutMs, deps.deadline),
      pollIntervalMs: settings.pollIntervalMs,
      report,
      ...createPollers(ctx, plan.clusterArn, settings.pollIntervalMs),
      ...(stack
        ? { cloudformation: deps.cloudformation, stackToken: (id: string) => stackDeleteToken(id, deps.run) }
        : {}),
      halt: reason => controller.abort(reason),
      accepted,
      ...(deps.sweep ? { onClusterGone: () => deps.sweep?.gone(clusterRef) } : {})
    }
    await applyPlan(applyCtx, plan, phases)
    if (plan.scope) {
      report.outcome = 'services-removed'
      report.message =
        plan.services.length > 0
          ? `Services ${plan.services.map(s => s.service.name).join(', ')} and what belonged only to them were removed; cluster ${report.name} kept, with its ${count(plan.scope.neighbours.length, 'other service')}.`
          : `Services ${plan.scope.absent.join(', ')} were already gone; what was left around them was looked after; cluster ${report.name} kept, with its ${count(plan.scope.neighbours.length, 'other service')}.`
    } else {
      report.outcome = 'deleted'
      report.message = `Cluster ${report.name} and everything in it were removed.`
    }
  } catch (error) {
    // When one chain failed and halted the others, the error that surfaced here may be another
    // chain's cancellation: the halt's reason is the real cause.
    const halted =
      controller.signal.aborted && !deps.signal.aborted ? (controller.signal.reason as unknown) : undefined
    await recordFailure(deps, settings, report, plan, halted ?? error, blockers, {
      cancelledAt,
      accepted,
      selection
    })
  } finally {
    deps.sweep?.ended(clusterRef, report.message ?? report.outcome)
    deps.signal.removeEventListener('abort', onRunAbort)
    await phases.finishAll()
    report.seconds = round((deps.clock() - started) / 1000)
    tellOutcome(deps.log, report)
  }
  return report
}

function recordInventory(report: ClusterReport, inventory: ClusterInventory, log: Logger): void {
  report.name = inventory.cluster.name
  report.arn = inventory.cluster.arn
  report.found = {
    services: inventory.services.length,
    tasks: inventory.tasks.length,
    containerInstances: inventory.containerInstances.length,
    capacityProviders: inventory.capacityProviders.length
  }
  log.info(
    `Found ${inventory.services.length} service(s), ${inventory.tasks.length} task(s) not yet stopped, ` +
      `${inventory.containerInstances.length} container instance(s), ${inventory.capacityProviders.length} capacity provider(s)`
  )
}

/** Services mode: what was selected, and what is kept because it is shared. */
function recordScope(
  report: ClusterReport,
  inventory: ClusterInventory,
  selection?: ServiceSelection,
  scope?: TeardownScope
): void {
  const shared = scope ? sharedWithNeighbours(scope).taskDefinitions : new Map<string, string[]>()
  const selected = inventory.scope!
  const others = selected.neighbourTasks.length
  report.scope = {
    selected: (selection?.selected ?? inventory.services).map(s => s.name),
    absent: selected.absent,
    skipped: selected.skipped,
    kept: [
      {
        kind: 'cluster',
        id: inventory.cluster.name,
        reason: `kept (services mode): its ${count(selected.neighbours.length, 'other service')}, ${count(others, 'other task')} (of other services or standalone), ${count(inventory.cluster.containerInstanceCount ?? 0, 'container instance')} and ${count(inventory.cluster.capacityProviders.length, 'capacity provider')} are not touched`
      },
      ...selected.neighbours.map(s => ({
        kind: 'service' as const,
        id: s.name,
        reason: 'not selected: never touched'
      })),
      ...[...shared].map(([arn, users]) => ({
        kind: 'task-definition' as const,
        id: lastPartOfArn(arn),
        reason: `shared: ${users.join(', ')} also use(s) it`
      }))
    ]
  }
}

/** Services mode: named services already gone, whose surroundings may still be there. */
function goneServicesToLookAround(scope: NonNullable<ClusterInventory['scope']>): boolean {
  return (scope.inactive?.length ?? 0) > 0 || (scope.purged?.length ?? 0) > 0
}

function nothingSelected(inventory: ClusterInventory): string {
  const scope = inventory.scope!
  const parts = [
    ...(scope.absent.length > 0 ? [`already gone: ${scope.absent.join(', ')}`] : []),
    ...(scope.skipped.length > 0
      ? [`skipped: ${scope.skipped.map(s => `${s.name} (${s.reason})`).join('; ')}`]
      : [])
  ]
  return `No service of cluster ${inventory.cluster.name} to remove${parts.length ? ` (${parts.join('; ')})` : ': no service matches'}; cluster kept.`
}

/** What the plan already knows will not go as a person might expect. */
function knownBlockers(plan: TeardownPlan): string[] {
  return [
    ...plan.capacityProviders
      .filter(d => !d.delete && !d.provider.reserved)
      .map(d => `capacity provider ${d.provider.name} will be detached but not deleted: ${d.keepReason}`),
    ...kindNotes(plan.kinds)
  ]
}

/** One line per cluster outcome, plus a warning annotation for everything left behind. */
function tellOutcome(log: Logger, report: ClusterReport): void {
  const line = `Cluster ${report.name}: ${report.outcome}. ${report.message ?? ''}`.trim()
  if (SUCCESSFUL_OUTCOMES.has(report.outcome)) log.info(line)
  for (const left of report.leftovers) {
    if (left.kind === 'cluster') continue
    log.warning(`${report.name}: ${left.kind} ${left.id} left behind: ${left.reason}`)
  }
}

async function recordFailure(
  deps: TeardownDeps,
  settings: Settings,
  report: ClusterReport,
  plan: TeardownPlan | undefined,
  error: unknown,
  blockers: string[],
  run: { cancelledAt: number | undefined; accepted: AcceptedRequests; selection?: ServiceSelection }
): Promise<void> {
  if (deps.signal.aborted && isCancellation(error, deps.signal)) {
    report.outcome = 'cancelled'
    const still = plan
      ? await reportWhatIsLeft(
          deps,
          report,
          plan,
          run.accepted,
          (run.cancelledAt ?? deps.clock()) + CANCEL_LOOK_MS,
          run.selection
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
    ? await reportWhatIsLeft(deps, report, plan, run.accepted, deps.clock() + FINAL_LOOK_MS, run.selection)
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
