import { DeregisterContainerInstanceCommand } from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import type { ContainerInstanceInfo } from '../inventory.js'
import { DeadlineError, errorMessage, isAwsError } from '../util/errors.js'
import { retryUntil } from '../util/poll.js'
import type { ApplyContext } from './context.js'
import { stopStragglers } from './tasks.js'

/**
 * Deregisters every container instance, once no task is left in the cluster. `force` only in the
 * forced mode: a forced deregistration orphans tasks still on the instance, which keep running and
 * billing out of ECS's sight. In the graceful mode a refusal means a task appeared since the last
 * look: stop it and try again. Deregistering never terminates the EC2 instance: what becomes of the
 * machine behind each one is decided in hosts.ts.
 */
export async function deregisterInstances(
  ctx: ApplyContext,
  instances: ContainerInstanceInfo[]
): Promise<void> {
  await Promise.all(instances.map(instance => deregister(ctx, instance)))
}

async function deregister(ctx: ApplyContext, instance: ContainerInstanceInfo): Promise<void> {
  const force = ctx.mode === 'force'
  const result = await retryUntil(
    ctx,
    { deadline: ctx.deadline, minDelayMs: 2_000, maxDelayMs: 15_000 },
    async () => {
      try {
        await callAws(
          ctx,
          ctx.ecs,
          new DeregisterContainerInstanceCommand({
            cluster: ctx.clusterArn,
            containerInstance: instance.arn,
            force
          })
        )
        return { done: true, value: 'deregistered' as const }
      } catch (error) {
        const message = errorMessage(error)
        if (
          isAwsError(error, 'InvalidParameterException', 'ClientException') &&
          /not found|does not exist|inactive/i.test(message)
        ) {
          return { done: true, value: 'gone' as const }
        }
        if (
          !force &&
          isAwsError(error, 'InvalidParameterException', 'ClientException') &&
          /task/i.test(message)
        ) {
          await stopStragglers(ctx)
          return { done: false, reason: message }
        }
        throw error
      }
    }
  )
  if (!result.done)
    throw new DeadlineError(
      `container instance ${instance.id} could not be deregistered before the deadline: ${result.reason}`
    )
  if (result.value === 'gone') {
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
