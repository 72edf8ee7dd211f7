import { createPollers, type ApplyContext } from '../apply/context.js'
import { applyPlan, Phase } from '../apply/index.js'
import {
  takeInventory,
  type ClusterInventory,
  type InventoryResult,
  type ServiceSelection
} from '../inventory/index.js'
import {
  beforeAbsentClusterStack,
  findKinds,
  KINDS,
  OtherUsersLookup,
  recordKindsFound,
  servicesScope,
  wholeClusterScope,
  type FoundKind
} from '../kinds/index.js'
import type { TeardownScope } from '../kinds/kind.js'
import { planTeardown, type TeardownPlan } from '../plan.js'
import type { ClusterReport } from '../report/report.js'
import type { Settings } from '../settings.js'
import { stackDeleteToken, type StackTarget } from '../stack/find.js'
import { lookUpStack, stackOfAbsentCluster } from '../stack/step.js'
import { recordStop } from './after-stop.js'
import {
  knownBlockers,
  recordAbsent,
  recordDryRun,
  recordInventory,
  recordNothingSelected,
  recordRemoved,
  recordScope
} from './record.js'
import type { TeardownDeps } from './deps.js'
import { closeRun, openRun, type ClusterRun } from './state.js'

export type { TeardownDeps }

/**
 * One cluster's teardown: look (inventory, the kinds around it, its stack) → decide (the plan) → a dry
 * run's result, or act (apply). A failure or cancellation anywhere gets a second look at what is left
 * (after-stop.ts). Always returns a true report, never throws.
 */
export async function teardownCluster(
  deps: TeardownDeps,
  settings: Settings,
  clusterRef: string,
  /** Services mode: the services to remove (undefined there when the cluster was not found). */
  selection?: ServiceSelection
): Promise<ClusterReport> {
  const run = openRun(deps, settings, clusterRef, selection)
  try {
    const looked = await look(run)
    const plan = looked && (await decide(run, looked))
    if (plan && settings.dryRun) recordDryRun(run.report, plan, run.blockers)
    else if (plan) await act(run, plan)
  } catch (error) {
    await recordStop(run, error)
  } finally {
    await closeRun(run)
  }
  return run.report
}

/** What the look found, for the plan. */
interface Looked {
  inventory: ClusterInventory
  scope: TeardownScope
  found: FoundKind[]
  stack: StackTarget | undefined
  /** Services mode: no selected service and no task of theirs is left. */
  noServiceLeft: boolean
}

/**
 * Read only: the cluster's contents, the kinds around them, its stack (delete-stack). Undefined when
 * there is nothing to plan: the cluster is gone (its stack may still be deleted), or in services
 * mode nothing selected is left.
 */
async function look(run: ClusterRun): Promise<Looked | undefined> {
  const { deps, settings, report, ctx, phases, selection } = run
  phases.start(Phase.inventory)
  const result = await takeInventory(ctx, run.clusterRef, selection)
  deps.sweep?.inventoried(run.clusterRef, result.state === 'absent' ? undefined : result.inventory)
  if (result.state === 'absent') {
    await absentCluster(run, result)
    return undefined
  }
  const inventory = result.inventory
  const noServiceLeft = inventory.services.length === 0 && inventory.tasks.length === 0
  // Named services already gone may have left what was around them (a re-run after an
  // interrupted one): the kinds look before the run says there is nothing to do.
  if (inventory.scope && noServiceLeft && !goneServicesToLookAround(inventory.scope)) {
    recordNothingSelected(report, inventory, selection, ctx.log)
    return undefined
  }
  const scope = inventory.scope ? servicesScope(inventory) : wholeClusterScope(inventory)
  const otherUsers = otherUsersOf(run, inventory)
  const found = await findKinds({ ...ctx, otherUsers }, scope, settings, deps.kinds ?? KINDS)
  recordInventory(report, inventory, ctx.log)
  recordKindsFound(found, report, ctx.log)
  if (inventory.scope) recordScope(report, inventory, selection, scope)
  const stack = settings.deleteStack
    ? await lookUpStack(
        deps,
        settings,
        report,
        ctx,
        { ...inventory.cluster },
        run.blockers,
        inventory,
        scope,
        otherUsers
      )
    : undefined
  await phases.finish(Phase.inventory)
  return { inventory, scope, found, stack, noServiceLeft }
}

/** The cluster is gone; a re-run after a stack deletion failed finds its stack still there. */
async function absentCluster(
  run: ClusterRun,
  result: Extract<InventoryResult, { state: 'absent' }>
): Promise<void> {
  const { deps, settings, report, ctx } = run
  const servicesMode = settings.services !== undefined
  recordAbsent(report, result, servicesMode)
  ctx.log.info(report.message!)
  if (!settings.deleteStack || servicesMode) return
  // What the kinds must do first (what an earlier run may have left protected from scale-in in the
  // stack's groups).
  await stackOfAbsentCluster(deps, settings, report, run.phases, ctx, stack =>
    beforeAbsentClusterStack(deps.kinds ?? KINDS, { ...ctx, report }, stack, settings.dryRun)
  )
}

/** Services mode: named services already gone, whose surroundings may still be there. */
function goneServicesToLookAround(scope: NonNullable<ClusterInventory['scope']>): boolean {
  return (scope.inactive?.length ?? 0) > 0 || (scope.purged?.length ?? 0) > 0
}

/**
 * Who outside the clusters this run removes uses what the kinds may remove: asked only by the kinds
 * whose input is on (a lazy look), shared by them. In services mode the cluster's own other services
 * are the scope's neighbours (kinds/shared.ts).
 */
function otherUsersOf(run: ClusterRun, inventory: ClusterInventory): OtherUsersLookup {
  return new OtherUsersLookup({
    clusterArn: inventory.cluster.arn,
    runClusters: run.deps.runClusters ?? [],
    logGroups: run.settings.deleteLogGroups,
    region: run.settings.region,
    ...(run.deps.sweep ? { sweep: run.deps.sweep } : {})
  })
}

/** The plan, logged with its known blockers; undefined when services mode finds nothing to do. */
async function decide(run: ClusterRun, looked: Looked): Promise<TeardownPlan | undefined> {
  const { settings, report, phases, blockers } = run
  const { inventory, found, scope, stack } = looked
  const planLog = phases.phase(Phase.plan)
  const mode = settings.force ? 'force' : 'graceful'
  const plan = (run.plan = planTeardown(inventory, mode, stack, { found, settings, scope }))
  if (inventory.scope && looked.noServiceLeft && plan.steps.length === 0) {
    recordNothingSelected(report, inventory, run.selection, run.ctx.log)
    return undefined
  }
  blockers.push(...knownBlockers(plan))
  planLog.info(`${settings.dryRun ? 'DRY RUN: would' : 'Will'} take these steps (${plan.mode} mode):`)
  plan.steps.forEach((step, i) => planLog.info(`${i + 1}. ${step.description}`))
  for (const blocker of blockers) planLog.warning(`${report.name}: ${blocker}`)
  await phases.finish(Phase.plan)
  return plan
}

/** Carries the plan out (src/apply/), then says what was removed. */
async function act(run: ClusterRun, plan: TeardownPlan): Promise<void> {
  const { deps, settings, ctx, report } = run
  const applyCtx: ApplyContext = {
    ...ctx,
    clusterArn: plan.clusterArn,
    clusterName: plan.clusterName,
    mode: plan.mode,
    drainDeadline: Math.min(run.started + settings.drainTimeoutMs, deps.deadline),
    pollIntervalMs: settings.pollIntervalMs,
    report,
    ...createPollers(ctx, plan.clusterArn, settings.pollIntervalMs),
    ...(plan.stack
      ? { cloudformation: deps.cloudformation, stackToken: (id: string) => stackDeleteToken(id, deps.run) }
      : {}),
    halt: reason => run.controller.abort(reason),
    accepted: run.accepted,
    ...(deps.sweep ? { onClusterGone: () => deps.sweep?.gone(run.clusterRef) } : {})
  }
  await applyPlan(applyCtx, plan, run.phases)
  recordRemoved(report, plan)
}
