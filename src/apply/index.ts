import type { ContainerInstanceInfo, TaskInfo } from '../inventory/index.js'
import { runKindStage } from '../kinds/index.js'
import type { TeardownPlan } from '../plan.js'
import type { PhaseLog } from '../report/phase-log.js'
import type { ApplyContext } from './context.js'
import { removeCapacityProviders } from './capacity.js'
import { deleteCluster } from './cluster.js'
import { deregisterInstances } from './instances.js'
import { teardownService } from './services.js'
import { removeStacks } from '../stack/delete.js'
import type { StackTarget } from '../stack/find.js'
import { stopAndWait, stopStragglers } from './tasks.js'

/** The core phases of a teardown (each kind names its own, src/kinds/), in the words the log, the report and the summary use. */
export const Phase = {
  inventory: 'inventory',
  plan: 'plan',
  stopTasks: 'stop tasks',
  deleteServices: 'delete services',
  deregisterInstances: 'deregister container instances',
  capacityProviders: 'capacity providers',
  deleteCluster: 'delete cluster',
  deleteStack: 'delete stack'
} as const

/**
 * Carries out a plan. Independent work overlaps: every service runs its own delete → drain →
 * INACTIVE chain (one DeleteService each, right away), standalone tasks stop meanwhile, each
 * container instance is deregistered as soon as the tasks known to run on it are down (while
 * services may still be draining behind their load balancers), and the cluster goes as soon as the
 * last thing blocking it is gone. Steps that depend on each other keep their order: nothing is
 * deregistered before its tasks are down, capacity providers are detached once no service is left
 * to use them, the cluster goes last; what becomes of the machines behind the container instances
 * (the kinds' after-instances stage) runs alongside the cluster's deletion, which does not wait for it.
 */
export async function applyPlan(ctx: ApplyContext, plan: TeardownPlan, phases: PhaseLog): Promise<void> {
  const inPhase = (name: string): ApplyContext => ({ ...ctx, log: phases.phase(name) })
  // What would hold the stack's deletion up (the kinds' before-stack stage), then the stacks.
  const deleteStacks = async (stack: StackTarget): Promise<void> => {
    await runKindStage(ctx, plan.kinds, 'before-stack', phases)
    phases.start(Phase.deleteStack)
    await removeStacks(inPhase(Phase.deleteStack), stack)
    await phases.finish(Phase.deleteStack)
  }
  // Before the first service is touched: a rule firing mid-teardown would start tasks again.
  await runKindStage(ctx, plan.kinds, 'before-services', phases)
  const stopCtx = inPhase(Phase.stopTasks)
  const deleteCtx = inPhase(Phase.deleteServices)

  if (plan.services.length > 0) phases.start(Phase.deleteServices)
  phases.start(Phase.stopTasks)
  const services = plan.services.map(sp => ({ plan: sp, ...teardownService(stopCtx, deleteCtx, sp) }))
  const standalone = stopAndWait(stopCtx, plan.standaloneTasks)
  const everyServiceDone = settleAll(
    ctx,
    services.map(s => s.done)
  )
    .then(() => phases.finish(Phase.deleteServices))
    .then(() => runKindStage(ctx, plan.kinds, 'after-services', phases))
  // Every known task down, then one more look for tasks started since the inventory.
  const allTasksDown = settleAll(ctx, [...services.map(s => s.tasksDown), standalone])
    .then(() => stopStragglers(stopCtx, plan.scope ? inServices(plan) : undefined))
    .then(() => phases.finish(Phase.stopTasks))

  if (plan.scope) {
    // Services mode: the cluster, its instances and capacity providers stay as they are; a stack
    // that owns the services goes once they are drained; then what only they used.
    await settleAll(ctx, [everyServiceDone, allTasksDown])
    if (plan.stack) {
      await deleteStacks(plan.stack)
    }
    await runKindStage(ctx, plan.kinds, 'after-cluster', phases)
    return
  }

  /** Resolves once every task the inventory saw on `instance` is down. */
  const tasksOn = (instance: ContainerInstanceInfo): Promise<unknown> =>
    Promise.all([
      ...services
        .filter(s => s.plan.tasks.some(t => t.containerInstanceArn === instance.arn))
        .map(s => s.tasksDown),
      ...(plan.standaloneTasks.some(t => t.containerInstanceArn === instance.arn) ? [standalone] : [])
    ])
  const instances = deregisterInstances(inPhase(Phase.deregisterInstances), plan.containerInstances, {
    tasksOn,
    allTasksDown
  }).then(() => phases.finish(Phase.deregisterInstances))
  const afterInstances = instances.then(() => runKindStage(ctx, plan.kinds, 'after-instances', phases))
  // Awaited below with the cluster's deletion; observed now so that a failure is never unhandled.
  afterInstances.catch(() => undefined)
  await settleAll(ctx, [everyServiceDone, allTasksDown, instances])

  const removeCluster = async (): Promise<void> => {
    if (plan.detachCapacityProviders || plan.capacityProviders.some(d => d.delete)) {
      phases.start(Phase.capacityProviders)
      await removeCapacityProviders(inPhase(Phase.capacityProviders), plan.capacityProviders, {
        detach: plan.detachCapacityProviders
      })
      await phases.finish(Phase.capacityProviders)
    }
    const stack = plan.stack
    if (stack?.ownsCluster) {
      // The stack owns the cluster: CloudFormation deletes it, then the cluster is checked (and
      // deleted directly if the stack left it, as some tools and emulators do).
      await deleteStacks(stack)
      phases.start(Phase.deleteCluster)
      await deleteCluster(inPhase(Phase.deleteCluster), { mayBeGone: true })
      await phases.finish(Phase.deleteCluster)
    } else {
      phases.start(Phase.deleteCluster)
      await deleteCluster(inPhase(Phase.deleteCluster))
      await phases.finish(Phase.deleteCluster)
      if (stack) {
        await deleteStacks(stack)
      }
    }
  }
  await settleAll(ctx, [removeCluster(), afterInstances])
  ctx.onClusterGone?.()
  // Once nothing of the cluster is left: what ECS leaves behind.
  await runKindStage(ctx, plan.kinds, 'after-cluster', phases)
}

/** Services mode: a task is in scope when it belongs to one of the selected services. */
function inServices(plan: TeardownPlan): (task: TaskInfo) => boolean {
  const names = new Set(plan.services.map(s => s.service.name))
  return task => task.serviceName !== undefined && names.has(task.serviceName)
}

/**
 * Waits for all and throws the first failure. At the first failure the cluster's work is halted, so
 * the other chains stop at their next call or wait instead of going on unobserved.
 */
async function settleAll(ctx: ApplyContext, promises: Promise<unknown>[]): Promise<void> {
  let first: { error: unknown } | undefined
  await Promise.all(
    promises.map(p =>
      p.catch(error => {
        if (!first) {
          first = { error }
          ctx.halt(error)
        }
      })
    )
  )
  if (first) throw first.error
}

export function round(seconds: number): number {
  return Math.round(seconds * 10) / 10
}
