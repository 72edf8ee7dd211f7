import {
  DeleteCapacityProviderCommand,
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  PutClusterCapacityProvidersCommand,
  type CapacityProvider
} from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { isAnswer, removeWithRetry, type AwsAnswer } from '../aws/remove.js'
import type { CapacityProviderDecision } from '../plan.js'
import { DeadlineError, errorMessage } from '../util/errors.js'
import { pollUntil, retryUntil } from '../util/poll.js'
import type { ApplyContext } from './context.js'

/** Refusals that only mean "an earlier change is still settling". */
const SETTLING: AwsAnswer[] = [
  { codes: ['ResourceInUseException', 'UpdateInProgressException'] },
  { codes: ['ClientException', 'InvalidParameterException'], message: /not ACTIVE|in use|in progress/i }
]

/**
 * A daemon still pins the provider: "Cannot delete capacity provider. Daemon services are still
 * associated with this capacity provider" (ekristen/aws-nuke#990). The daemons go before their
 * providers (src/kinds/daemons.ts), so this only lasts until their deletion is over.
 */
const PINNED_BY_DAEMONS: AwsAnswer = {
  codes: ['ClientException'],
  message: /Daemon services are still associated/i
}

/**
 * DELETE_FAILED because the provider is still associated with this cluster: right after a detach,
 * which is asynchronous, AWS answers DeleteCapacityProvider with 200 and "…associated with cluster:
 * X…" (ekristen/aws-nuke#542, hashicorp/terraform-provider-aws#48156), and deletes nothing; sent
 * again once the detach has settled, it deletes. A reason naming another cluster does not pass with
 * time (that cluster uses the provider): it is final.
 */
function isStillAssociated(reason: string | undefined, clusterName: string): boolean {
  // The name, or an ARN ending in cluster/<name>; the sentence's full stop is not part of it.
  const named = /associated with (?:the )?cluster:?\s*(\S+?)\.?(?:\s|$)/i.exec(reason ?? '')?.[1]
  return named !== undefined && (named === clusterName || named.endsWith(`:cluster/${clusterName}`))
}

/**
 * Detaches the cluster's providers (both lists are required; Managed Instances ones cannot be
 * detached and stay listed), waits until the detach has settled, then deletes the providers the
 * plan deletes: Auto Scaling ones no other cluster uses, and the cluster's own Managed Instances
 * ones (with `cluster`), each awaited until INACTIVE.
 */
export async function removeCapacityProviders(
  ctx: ApplyContext,
  decisions: CapacityProviderDecision[],
  opts: { detach: boolean }
): Promise<void> {
  if (opts.detach) await detach(ctx, decisions)
  await Promise.all(decisions.filter(d => d.delete).map(d => deleteProvider(ctx, d)))
  for (const d of decisions.filter(d => !d.delete && !d.provider.reserved)) {
    ctx.report.leftovers.push({
      kind: 'capacity-provider',
      id: d.provider.name,
      reason: `kept: ${d.keepReason}`
    })
  }
}

async function detach(ctx: ApplyContext, decisions: CapacityProviderDecision[]): Promise<void> {
  // "Amazon ECS Managed Instances doesn't support this" (PutClusterCapacityProviders, API model):
  // one the cluster lists stays in the list; it goes with DeleteCapacityProvider and `cluster`.
  const kept = decisions
    .filter(d => d.provider.managedInstances && d.provider.attached)
    .map(d => d.provider.name)
  await removeWithRetry(ctx, {
    what: `the capacity providers of cluster ${ctx.clusterName}`,
    // Told by AWS's last refusal alone.
    waitingFor: false,
    call: () =>
      callAws(
        ctx,
        ctx.ecs,
        new PutClusterCapacityProvidersCommand({
          cluster: ctx.clusterArn,
          capacityProviders: kept,
          defaultCapacityProviderStrategy: []
        })
      ),
    notYet: SETTLING,
    deadline: ctx.deadline,
    onDeadline: reason => `capacity providers could not be detached before the deadline: ${reason}`
  })
  for (const d of decisions.filter(d => !d.provider.managedInstances)) {
    ctx.report.capacityProviders.push({ name: d.provider.name, action: 'detached' })
    ctx.log.info(`Detached capacity provider ${d.provider.name}`)
  }
  await attachmentsSettled(ctx)
}

/**
 * The detach is asynchronous: the cluster's `attachmentsStatus` (DescribeClusters with
 * ATTACHMENTS) is UPDATE_IN_PROGRESS until it settles, and until then a provider cannot be deleted
 * and neither can the cluster (hashicorp/terraform-provider-aws#45794). An answer without the field
 * (an emulator) counts as settled; UPDATE_FAILED is logged, and the deletions then say what stands.
 */
async function attachmentsSettled(ctx: ApplyContext): Promise<void> {
  const settled = await pollUntil(
    ctx,
    {
      deadline: ctx.deadline,
      schedule: { firstMs: 0, stepMs: 1_000, factor: 2, ceilingMs: ctx.pollIntervalMs }
    },
    async () => {
      const out = await callAws(
        ctx,
        ctx.ecs,
        new DescribeClustersCommand({ clusters: [ctx.clusterArn], include: ['ATTACHMENTS'] })
      )
      const status = out.clusters?.[0]?.attachmentsStatus
      if (status === 'UPDATE_IN_PROGRESS')
        return { done: false, reason: 'attachmentsStatus UPDATE_IN_PROGRESS' }
      return { done: true, value: status }
    }
  )
  if (!settled.done)
    throw new DeadlineError(
      `the cluster's capacity providers were still being detached at the deadline (${settled.reason})`
    )
  if (settled.value === 'UPDATE_FAILED')
    ctx.log.warning(`The cluster's capacity provider update ended UPDATE_FAILED; deleting what it can`)
  else
    ctx.log.info(
      settled.value
        ? `The detach has settled (attachmentsStatus ${settled.value})`
        : 'The detach is taken as settled: DescribeClusters gave no attachmentsStatus'
    )
}

type Outcome = { deleted: true } | { deleted: false; reason: string }

async function deleteProvider(ctx: ApplyContext, decision: CapacityProviderDecision): Promise<void> {
  const { name, managedInstances } = decision.provider
  // Managed Instances providers "are cluster-scoped and can only be deleted from their associated
  // cluster" (DeleteCapacityProvider, API model); DescribeCapacityProviders finds them with it too.
  const scope = managedInstances ? { cluster: ctx.clusterArn } : {}
  // Already being deleted (DEPROVISIONING, an earlier run's request): only waited for.
  let requested = decision.provider.status === 'DEPROVISIONING'
  let told = false
  let waited = false
  /** Sends DeleteCapacityProvider: done when AWS answers with the end, else looked at again. */
  const request = async (): Promise<{ done: true; value: Outcome } | { done: false; reason: string }> => {
    let cp: CapacityProvider | undefined
    try {
      cp = (
        await callAws(ctx, ctx.ecs, new DeleteCapacityProviderCommand({ capacityProvider: name, ...scope }))
      ).capacityProvider
    } catch (error) {
      if (isAnswer(error, [PINNED_BY_DAEMONS, ...SETTLING]))
        return { done: false, reason: errorMessage(error) }
      throw error
    }
    if (cp?.updateStatus === 'DELETE_FAILED') return failed(cp)
    requested = true
    if (!told) ctx.log.info(`Deleting capacity provider ${name}`)
    told = true
    return cp?.status === 'INACTIVE'
      ? { done: true, value: { deleted: true } }
      : { done: false, reason: 'DELETE_IN_PROGRESS' }
  }
  const failed = (cp: CapacityProvider): { done: true; value: Outcome } | { done: false; reason: string } => {
    const reason = cp.updateStatusReason ?? 'no reason given'
    if (isStillAssociated(reason, ctx.clusterName)) {
      // Nothing was deleted: send it again once the detach has settled.
      if (!waited)
        ctx.log.info(
          `Capacity provider ${name}: DELETE_FAILED (${reason}): the detach is still settling; trying again`
        )
      waited = true
      requested = false
      return { done: false, reason: `DELETE_FAILED: ${reason}` }
    }
    return { done: true, value: { deleted: false, reason } }
  }
  const finished = await retryUntil<Outcome>(
    ctx,
    {
      deadline: ctx.deadline,
      minDelayMs: 1_000,
      maxDelayMs: Math.max(1_000, Math.min(15_000, ctx.pollIntervalMs))
    },
    async () => {
      if (!requested) return request()
      const out = await callAws(
        ctx,
        ctx.ecs,
        new DescribeCapacityProvidersCommand({ capacityProviders: [name], ...scope })
      )
      const cp = out.capacityProviders?.[0]
      if (!cp || cp.status === 'INACTIVE') return { done: true, value: { deleted: true } }
      if (cp.updateStatus === 'DELETE_FAILED') return failed(cp)
      return { done: false, reason: `still ${cp.status} (${cp.updateStatus ?? 'no update status'})` }
    }
  )
  if (!finished.done)
    throw new DeadlineError(
      `capacity provider ${name} was not deleted before the deadline: ${finished.reason}`
    )
  if (finished.value.deleted) {
    const entry = ctx.report.capacityProviders.find(e => e.name === name)
    if (entry) entry.action = 'deleted'
    else ctx.report.capacityProviders.push({ name, action: 'deleted' })
    const instances = decision.provider.instances ?? []
    if (managedInstances) {
      // Its instances are ECS's, launched for it; they are shut down with it.
      const record = ctx.report.capacityProviders.find(e => e.name === name)!
      record.managedInstances = instances.map(i => i.ec2InstanceId ?? i.id)
    }
    ctx.log.info(
      `Capacity provider ${name} is deleted` +
        (instances.length > 0 ? ` (with the ${instances.length} Managed Instances ECS ran for it)` : '')
    )
    return
  }
  const reason = finished.value.reason
  ctx.report.leftovers.push({
    kind: 'capacity-provider',
    id: name,
    billing: managedInstances === true,
    reason: `DELETE_FAILED: ${reason} Remove what the reason names, then run the teardown again or run aws ecs delete-capacity-provider --capacity-provider ${name}${managedInstances ? ` --cluster ${ctx.clusterName}` : ''}`
  })
  throw new Error(`capacity provider ${name} could not be deleted: DELETE_FAILED: ${reason}`)
}
