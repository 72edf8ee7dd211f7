import { DeregisterContainerInstanceCommand } from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { removeWithRetry } from '../aws/remove.js'
import type { ContainerInstanceInfo } from '../inventory/index.js'
import type { ApplyContext } from './context.js'
import { stopStragglers } from './tasks.js'

/** When an instance may go: once the tasks known on it are down, and once no task is left at all. */
export interface InstanceGates {
  tasksOn(instance: ContainerInstanceInfo): Promise<unknown>
  /** Every known task down and the last look for tasks started since the inventory done. */
  allTasksDown: Promise<unknown>
}

/**
 * Deregisters every container instance, each as soon as it may go. `force` only in the forced
 * mode, and then only once no task is left in the cluster: a forced deregistration orphans tasks
 * still on the instance, which keep running and billing out of ECS's sight. In the graceful mode an
 * instance goes as soon as the tasks the inventory saw on it are down, while other instances' tasks
 * may still drain: without force ECS refuses while a task runs on it, so nothing is orphaned, and a
 * refusal means a task appeared since the inventory: it is tried again once every task is down and
 * the stragglers are stopped. Deregistering never terminates the EC2 instance: what becomes of the
 * machine behind each one is decided in hosts.ts.
 */
export async function deregisterInstances(
  ctx: ApplyContext,
  instances: ContainerInstanceInfo[],
  gates: InstanceGates
): Promise<void> {
  await Promise.all(
    instances.map(async instance => {
      await (ctx.mode === 'force' ? gates.allTasksDown : gates.tasksOn(instance))
      await deregister(ctx, instance, gates)
    })
  )
}

async function deregister(
  ctx: ApplyContext,
  instance: ContainerInstanceInfo,
  gates: InstanceGates
): Promise<void> {
  const force = ctx.mode === 'force'
  let waitedForAll = false
  const result = await removeWithRetry(ctx, {
    what: `container instance ${instance.id}`,
    waitingFor: `container instance ${instance.id} to be deregistered`,
    call: () =>
      callAws(
        ctx,
        ctx.ecs,
        new DeregisterContainerInstanceCommand({
          cluster: ctx.clusterArn,
          containerInstance: instance.arn,
          force
        })
      ),
    gone: [
      {
        codes: ['InvalidParameterException', 'ClientException'],
        message: /not found|does not exist|inactive/i
      }
    ],
    // A task the inventory did not see on it (refused only without force).
    notYet: force ? [] : [{ codes: ['InvalidParameterException', 'ClientException'], message: /task/i }],
    onNotYet: async () => {
      // Wait for every known task first (stopping a draining service's task here would cut its
      // drain short), then stop what is left.
      if (!waitedForAll) {
        waitedForAll = true
        await gates.allTasksDown
      } else {
        await stopStragglers(ctx)
      }
    },
    deadline: ctx.deadline,
    onDeadline: reason =>
      `container instance ${instance.id} could not be deregistered before the deadline: ${reason}`
  })
  if (result.outcome === 'gone') {
    ctx.log.info(`Container instance ${instance.id} is already deregistered`)
    return
  }
  ctx.report.containerInstances.push({
    id: instance.id,
    arn: instance.arn,
    ec2InstanceId: instance.ec2InstanceId
  })
  ctx.log.info(
    `Deregistered container instance ${instance.id}${instance.ec2InstanceId ? ` (${instance.ec2InstanceId})` : ''}`
  )
}
