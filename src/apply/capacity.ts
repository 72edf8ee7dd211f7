import {
  DeleteCapacityProviderCommand,
  DescribeCapacityProvidersCommand,
  PutClusterCapacityProvidersCommand
} from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import type { CapacityProviderDecision } from '../plan.js'
import { DeadlineError, errorMessage, isAwsError } from '../util/errors.js'
import { pollUntil, retryUntil } from '../util/poll.js'
import type { ApplyContext } from './context.js'

/** Refusals that only mean "an earlier change is still settling". */
function isTransientRefusal(error: unknown): boolean {
  return (
    isAwsError(error, 'ResourceInUseException', 'UpdateInProgressException') ||
    (isAwsError(error, 'ClientException', 'InvalidParameterException') &&
      /not ACTIVE|in use|in progress/i.test(errorMessage(error)))
  )
}

/** Detach every provider (both lists are required, both empty), then delete the ones no other cluster uses. */
export async function removeCapacityProviders(
  ctx: ApplyContext,
  decisions: CapacityProviderDecision[]
): Promise<void> {
  const detached = await retryUntil(
    ctx,
    { deadline: ctx.deadline, minDelayMs: 2_000, maxDelayMs: 15_000 },
    async () => {
      try {
        await callAws(
          ctx,
          ctx.ecs,
          new PutClusterCapacityProvidersCommand({
            cluster: ctx.clusterArn,
            capacityProviders: [],
            defaultCapacityProviderStrategy: []
          })
        )
        return { done: true, value: undefined }
      } catch (error) {
        if (isTransientRefusal(error)) return { done: false, reason: errorMessage(error) }
        throw error
      }
    }
  )
  if (!detached.done)
    throw new DeadlineError(
      `capacity providers could not be detached before the deadline: ${detached.reason}`
    )
  for (const d of decisions) {
    ctx.report.capacityProviders.push({ name: d.provider.name, action: 'detached' })
    ctx.log.info(`Detached capacity provider ${d.provider.name}`)
  }
  await Promise.all(decisions.filter(d => d.delete).map(d => deleteProvider(ctx, d)))
  for (const d of decisions.filter(d => !d.delete && !d.provider.reserved)) {
    ctx.report.leftovers.push({
      kind: 'capacity-provider',
      id: d.provider.name,
      reason: `kept: ${d.keepReason}`
    })
  }
}

async function deleteProvider(ctx: ApplyContext, decision: CapacityProviderDecision): Promise<void> {
  const name = decision.provider.name
  const started = await retryUntil(
    ctx,
    { deadline: ctx.deadline, minDelayMs: 2_000, maxDelayMs: 15_000 },
    async () => {
      try {
        await callAws(ctx, ctx.ecs, new DeleteCapacityProviderCommand({ capacityProvider: name }))
        return { done: true, value: undefined }
      } catch (error) {
        if (isTransientRefusal(error)) return { done: false, reason: errorMessage(error) }
        throw error
      }
    }
  )
  if (!started.done)
    throw new DeadlineError(
      `capacity provider ${name} could not be deleted before the deadline: ${started.reason}`
    )
  ctx.log.info(`Deleting capacity provider ${name}`)
  const finished = await pollUntil(
    ctx,
    {
      deadline: ctx.deadline,
      schedule: { firstMs: 1_000, stepMs: 1_000, factor: 2, ceilingMs: ctx.pollIntervalMs }
    },
    async () => {
      const out = await callAws(
        ctx,
        ctx.ecs,
        new DescribeCapacityProvidersCommand({ capacityProviders: [name] })
      )
      const cp = out.capacityProviders?.[0]
      if (!cp || cp.status === 'INACTIVE') return { done: true, value: 'deleted' as const }
      if (cp.updateStatus === 'DELETE_FAILED')
        return { done: true, value: `DELETE_FAILED: ${cp.updateStatusReason ?? 'no reason given'}` }
      return { done: false, reason: `still ${cp.status} (${cp.updateStatus ?? 'no update status'})` }
    }
  )
  if (!finished.done)
    throw new DeadlineError(
      `capacity provider ${name} was not deleted before the deadline: ${finished.reason}`
    )
  if (finished.value === 'deleted') {
    const entry = ctx.report.capacityProviders.find(e => e.name === name)
    if (entry) entry.action = 'deleted'
    ctx.log.info(`Capacity provider ${name} is deleted`)
  } else {
    ctx.report.leftovers.push({ kind: 'capacity-provider', id: name, reason: finished.value })
    throw new Error(`capacity provider ${name} could not be deleted: ${finished.value}`)
  }
}
