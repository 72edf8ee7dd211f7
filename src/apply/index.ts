import type { TeardownPlan } from '../plan.js'
import type { ApplyContext } from './context.js'
import { removeCapacityProviders } from './capacity.js'
import { deleteCluster } from './cluster.js'
import { deregisterInstances } from './instances.js'
import { teardownService } from './services.js'
import { stopAndWait, stopStragglers } from './tasks.js'

/**
 * Carries out a plan. Independent work overlaps: every service runs its own scale → drain → delete
 * → INACTIVE chain, standalone tasks stop meanwhile, and container instances are deregistered as
 * soon as no task runs, while services may still be draining behind their load balancers. Steps
 * that depend on each other keep their order: nothing is deregistered before its tasks are down,
 * capacity providers are detached once no service is left to use them, the cluster goes last.
 */
export async function applyPlan(ctx: ApplyContext, plan: TeardownPlan): Promise<void> {
  const timed = phaseTimer(ctx)
  const services = plan.services.map(sp => teardownService(ctx, sp))
  const everyServiceDone = settleAll(
    ctx,
    services.map(s => s.done)
  )

  await timed('stop tasks', async () => {
    await settleAll(ctx, [...services.map(s => s.tasksDown), stopAndWait(ctx, plan.standaloneTasks)])
    await stopStragglers(ctx)
  }).catch(async error => {
    // Keep the services' chains from running on unobserved after a failure.
    await everyServiceDone.catch(() => undefined)
    throw error
  })

  const instances = timed('deregister container instances', () =>
    deregisterInstances(ctx, plan.containerInstances)
  )
  await settleAll(ctx, [timed('delete services', () => everyServiceDone), instances])

  if (plan.detachCapacityProviders) {
    await timed('capacity providers', () => removeCapacityProviders(ctx, plan.capacityProviders))
  }
  await timed('delete cluster', () => deleteCluster(ctx))
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

function phaseTimer(ctx: ApplyContext) {
  return async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const started = ctx.clock()
    try {
      return await work()
    } finally {
      ctx.report.phases.push({ name, seconds: round((ctx.clock() - started) / 1000) })
    }
  }
}

export function round(seconds: number): number {
  return Math.round(seconds * 10) / 10
}
