import { createPollers, type ApplyContext } from './apply/context.js'
import { applyPlan, round } from './apply/index.js'
import type { SendPort } from './aws/call.js'
import { nameFromArn, takeInventory, type InventoryContext } from './inventory.js'
import type { Logger } from './log.js'
import { planTeardown, type TeardownPlan } from './plan.js'
import { describeLeftovers, leftoversFromInventory, leftoversFromPlan } from './report/leftovers.js'
import { newClusterReport, type ClusterReport } from './report/report.js'
import type { Settings } from './settings.js'
import { CancelledError, DeadlineError, errorMessage, explainAwsError, isCancellation } from './util/errors.js'
import type { Pool } from './util/pool.js'
import type { Clock, Sleep } from './util/time.js'

/** What tearing down one cluster needs; all of it injected. */
export interface TeardownDeps {
  ecs: SendPort
  clock: Clock
  sleep: Sleep
  /** The run's signal: aborted when the job is cancelled. */
  signal: AbortSignal
  pool: Pool
  log: Logger
  /** The run's deadline, epoch milliseconds. */
  deadline: number
}

/** How long a failed run may spend looking at what is left, for a true report. */
const FINAL_LOOK_MS = 30_000

/** inventory → plan → apply for one cluster; always returns a true report, never throws. */
export async function teardownCluster(
  deps: TeardownDeps,
  settings: Settings,
  clusterRef: string
): Promise<ClusterReport> {
  const report = newClusterReport(nameFromArn(clusterRef), settings.region)
  const started = deps.clock()
  // The cluster's own signal: aborted by the run's (cancellation) or by a failure in one of its
  // parallel chains, so the others stop instead of running on unobserved.
  const controller = new AbortController()
  const onRunAbort = (): void => controller.abort(new CancelledError())
  deps.signal.addEventListener('abort', onRunAbort, { once: true })
  const ctx: InventoryContext = { ...deps, signal: controller.signal }
  let plan: TeardownPlan | undefined
  try {
    const inventoryStarted = deps.clock()
    const result = await takeInventory(ctx, clusterRef)
    report.phases.push({ name: 'inventory', seconds: round((deps.clock() - inventoryStarted) / 1000) })
    if (result.state === 'absent') {
      report.outcome = 'absent'
      if (result.arn) report.arn = result.arn
      report.message = `Cluster ${report.name} is ${result.reason}: nothing to remove.`
      deps.log.info(report.message)
      return report
    }
    const inventory = result.inventory
    report.name = inventory.cluster.name
    report.arn = inventory.cluster.arn
    report.found = {
      services: inventory.services.length,
      tasks: inventory.tasks.length,
      containerInstances: inventory.containerInstances.length,
      capacityProviders: inventory.capacityProviders.length
    }
    plan = planTeardown(inventory, settings.force ? 'force' : 'graceful')
    deps.log.info(`Plan for cluster ${plan.clusterName} (${plan.mode}):`)
    plan.steps.forEach((step, i) => deps.log.info(`  ${i + 1}. ${step.description}`))

    const applyCtx: ApplyContext = {
      ...ctx,
      clusterArn: plan.clusterArn,
      clusterName: plan.clusterName,
      mode: plan.mode,
      drainDeadline: Math.min(started + settings.drainTimeoutMs, deps.deadline),
      pollIntervalMs: settings.pollIntervalMs,
      report,
      ...createPollers(ctx, plan.clusterArn, settings.pollIntervalMs),
      halt: reason => controller.abort(reason)
    }
    await applyPlan(applyCtx, plan)
    report.outcome = 'deleted'
    report.message = `Cluster ${report.name} and everything in it were removed.`
    deps.log.info(report.message)
  } catch (error) {
    // When one chain failed and halted the others, the error that surfaced here may be another
    // chain's cancellation: the halt's reason is the real cause.
    const halted =
      controller.signal.aborted && !deps.signal.aborted ? (controller.signal.reason as unknown) : undefined
    await recordFailure(deps, settings, report, plan, halted ?? error)
  } finally {
    deps.signal.removeEventListener('abort', onRunAbort)
    report.seconds = round((deps.clock() - started) / 1000)
  }
  return report
}

async function recordFailure(
  deps: TeardownDeps,
  settings: Settings,
  report: ClusterReport,
  plan: TeardownPlan | undefined,
  error: unknown
): Promise<void> {
  if (deps.signal.aborted && isCancellation(error, deps.signal)) {
    // The runner kills the job 10 s after the first signal: no time for a fresh look, so what is
    // left is what the plan meant to remove and the report does not show removed.
    report.outcome = 'cancelled'
    if (plan) report.leftovers.push(...leftoversFromPlan(plan, report))
    report.message = `Cancelled before the teardown finished.${plan ? ` Still there: ${describeLeftovers(report.leftovers)}.` : ''}`
    deps.log.warning(`Cluster ${report.name}: ${report.message}`)
    return
  }
  report.outcome = error instanceof DeadlineError ? 'timed-out' : 'failed'
  const cause =
    error instanceof DeadlineError
      ? `The ${settings.timeoutMs / 60_000}-minute deadline (timeout-minutes) passed: ${errorMessage(error)}`
      : explainAwsError(error)
  if (plan) {
    const found = await lookAgain(deps, report.arn || report.name)
    report.leftovers = [
      ...report.leftovers.filter(l => l.kind === 'ec2-instance' || l.kind === 'capacity-provider'),
      ...(found ?? leftoversFromPlan(plan, report))
    ]
  }
  const still = describeLeftovers(report.leftovers)
  report.message = `${cause}${still ? `. Still there: ${still}` : ''}`
  deps.log.info(`Cluster ${report.name}: ${report.message}`)
}

/** A fresh inventory after a failure, with its own short budget, so the report says what is really left. */
async function lookAgain(
  deps: TeardownDeps,
  clusterRef: string
): Promise<ReturnType<typeof leftoversFromInventory> | undefined> {
  const ctx: InventoryContext = { ...deps, deadline: deps.clock() + FINAL_LOOK_MS, signal: deps.signal }
  try {
    const result = await takeInventory(ctx, clusterRef)
    return result.state === 'absent' ? [] : leftoversFromInventory(result.inventory)
  } catch (error) {
    deps.log.warning(`Could not look at what is left in ${clusterRef}: ${errorMessage(error)}`)
    return undefined
  }
}
