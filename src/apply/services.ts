import {
  DeleteExpressGatewayServiceCommand,
  DeleteServiceCommand,
  DeleteTaskSetCommand
} from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { isAnswer, removeWithRetry } from '../aws/remove.js'
import { isDeletedAlready } from '../inventory/index.js'
import type { ServicePlan } from '../plan.js'
import { recordGoneBefore } from '../report/report.js'
import { lastPartOfArn } from '../util/arn.js'
import { DeadlineError } from '../util/errors.js'
import type { ApplyContext } from './context.js'
import { drainThenStop } from './tasks.js'

/** ServiceNotFound / ServiceNotActive: the service is already deleted (or being deleted). */
const SERVICE_GONE = { codes: ['ServiceNotFoundException', 'ServiceNotActiveException'] }

export function isServiceGone(error: unknown): boolean {
  return isAnswer(error, [SERVICE_GONE])
}

/**
 * One service from start to end, with one service-modify call: DeleteService with force. For a
 * REPLICA service ECS sets the desired count to 0 itself and the scheduler drains its tasks as on a
 * scale-down (the service is DRAINING meanwhile, and ECS refuses UpdateService on it, so nothing,
 * service auto scaling included, can scale it back up); a DAEMON service's tasks drain once it is
 * deleted; an EXTERNAL one loses its task sets first. Then its tasks are drained (graceful) or
 * stopped at once (force), and it is watched until INACTIVE.
 *
 * Resolves `tasksDown` once none of its tasks runs (so container instances can go while the service
 * itself still drains behind its load balancer), and `done` once it is INACTIVE or gone. `stopCtx`
 * and `deleteCtx` differ only in the phase their log lines belong to.
 */
export function teardownService(
  stopCtx: ApplyContext,
  deleteCtx: ApplyContext,
  plan: ServicePlan
): { tasksDown: Promise<void>; done: Promise<void> } {
  const tasksDown = (async () => {
    if (isDeletedAlready(plan.service)) recordDeletedEarlier(deleteCtx, plan)
    else {
      for (const taskSet of plan.taskSets) await deleteTaskSet(deleteCtx, plan, taskSet)
      await deleteService(deleteCtx, plan)
    }
    await drainThenStop(stopCtx, plan.tasks, plan.drainDelayMs)
  })()
  const done = tasksDown.then(() => waitServiceInactive(deleteCtx, plan))
  return { tasksDown, done }
}

/** DRAINING when the run found it: not this run's deletion, and not sent again. */
function recordDeletedEarlier(ctx: ApplyContext, plan: ServicePlan): void {
  ctx.log.info(
    `Service ${plan.service.name} is already DRAINING (deleted before this run): waiting until INACTIVE`
  )
  recordGoneBefore(ctx.report, {
    kind: 'service',
    id: plan.service.name,
    reason:
      'already DRAINING when this run found it (deleted by an earlier run or someone else); this run waited until it was INACTIVE'
  })
}

async function deleteTaskSet(ctx: ApplyContext, plan: ServicePlan, taskSet: string): Promise<void> {
  const removed = await removeWithRetry(ctx, {
    what: `task set ${lastPartOfArn(taskSet)} of service ${plan.service.name}`,
    call: () =>
      callAws(
        ctx,
        ctx.ecs,
        new DeleteTaskSetCommand({ cluster: ctx.clusterArn, service: plan.service.arn, taskSet, force: true })
      ),
    gone: [SERVICE_GONE, { codes: ['TaskSetNotFoundException'] }],
    deadline: ctx.deadline
  })
  if (removed.outcome === 'removed')
    ctx.log.info(`Deleted task set ${lastPartOfArn(taskSet)} of service ${plan.service.name}`)
}

/**
 * DeleteService with force: no UpdateService desiredCount 0 first, force scales the service down
 * itself. "Deployments are active" is transient (a deployment in flight); try again until it settles.
 * An Express service (`resourceManagementType: ECS`) is deleted with DeleteExpressGatewayService,
 * which "removes all associated AWS resources" (the load balancer, target groups, security groups
 * and scaling ECS made for it) once its tasks stop; DeleteService would leave them (ECS API model).
 */
export async function deleteService(ctx: ApplyContext, plan: ServicePlan): Promise<void> {
  const result = await removeWithRetry(ctx, {
    what: `service ${plan.service.name}`,
    waitingFor: `AWS to accept the deletion of service ${plan.service.name}`,
    call: async () => {
      if (plan.service.express) {
        await callAws(ctx, ctx.ecs, new DeleteExpressGatewayServiceCommand({ serviceArn: plan.service.arn }))
        ctx.log.info(
          `Deleting Express service ${plan.service.name} (ECS removes what it made for it with it)`
        )
      } else {
        await callAws(
          ctx,
          ctx.ecs,
          new DeleteServiceCommand({ cluster: ctx.clusterArn, service: plan.service.arn, force: true })
        )
        ctx.log.info(`Deleting service ${plan.service.name}`)
      }
    },
    gone: [SERVICE_GONE],
    notYet: [{ codes: ['InvalidParameterException'], message: /deployments are active|in progress/i }],
    deadline: ctx.deadline,
    onDeadline: reason => `service ${plan.service.name} could not be deleted before the deadline: ${reason}`
  })
  // Ours from the moment DeleteService accepts it: DRAINING until INACTIVE, which AWS finishes by itself.
  if (result.outcome === 'removed') {
    if (!ctx.report.services.some(s => s.arn === plan.service.arn))
      ctx.report.services.push({
        name: plan.service.name,
        arn: plan.service.arn,
        draining: true,
        ...(plan.service.express ? { express: true as const } : {})
      })
  } else {
    recordGoneBefore(ctx.report, {
      kind: 'service',
      id: plan.service.name,
      reason: `${result.code} on this run's DeleteService: deleted by someone else`
    })
  }
}

/**
 * DRAINING is not done: the service still counts against DeleteCluster until INACTIVE. Its tasks
 * are down when this starts (behind a load balancer, they were deregistered from its target groups
 * before they stopped), so ECS is about to mark it INACTIVE: the first look comes at once.
 */
export async function waitServiceInactive(ctx: ApplyContext, plan: ServicePlan): Promise<void> {
  const outcome = await ctx.services.waitUntil(
    plan.service.arn,
    s => !s || s.status === 'INACTIVE',
    ctx.deadline
  )
  if (!outcome.done) {
    throw new DeadlineError(
      `service ${plan.service.name} was still ${outcome.state?.status ?? 'DRAINING'} at the deadline`
    )
  }
  const ours = ctx.report.services.find(s => s.arn === plan.service.arn)
  if (!ours) {
    ctx.log.info(`Service ${plan.service.name} is deleted (not by this run)`)
    return
  }
  delete ours.draining
  ctx.log.info(`Service ${plan.service.name} is deleted`)
}
