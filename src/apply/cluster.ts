import { DeleteClusterCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { removeWithRetry } from '../aws/remove.js'
import { DeadlineError } from '../util/errors.js'
import { retryUntil } from '../util/poll.js'
import type { ApplyContext } from './context.js'

/**
 * Right after draining, DeleteCluster is often refused for what is still settling: DRAINING
 * services, STOPPING tasks, instances on their way out, an attachment update. Those refusals are
 * retried with backoff until the deadline; at the deadline the last refusal says what is left.
 */
const NOT_YET = [
  {
    codes: [
      'ClusterContainsServicesException',
      'ClusterContainsTasksException',
      'ClusterContainsContainerInstancesException',
      'ClusterContainsCapacityProviderException',
      'UpdateInProgressException'
    ]
  },
  /**
   * Right after a detach (asynchronous) or while a Managed Instances provider is still being deleted,
   * DeleteCluster answers ClientException "The Cluster cannot be deleted while Cluster Scoped
   * Capacity Providers are attached to the cluster" (hashicorp/terraform-provider-aws#45794,
   * ekristen/aws-nuke#990): like the ClusterContains* refusals, it passes once they are gone.
   */
  { codes: ['ClientException'], message: /Capacity Providers are attached/i }
]

export async function deleteCluster(ctx: ApplyContext, opts: { mayBeGone?: boolean } = {}): Promise<void> {
  if (opts.mayBeGone) {
    const current = await callAws(ctx, ctx.ecs, new DescribeClustersCommand({ clusters: [ctx.clusterArn] }))
    const status = current.clusters?.[0]?.status
    if (!status || status === 'INACTIVE') {
      ctx.log.info(`Cluster ${ctx.clusterName} was deleted with its stack`)
      return
    }
    ctx.log.info(
      `Cluster ${ctx.clusterName} is still ${status} after its stack was deleted: deleting it directly`
    )
  }
  const deleted = await removeWithRetry(ctx, {
    what: `cluster ${ctx.clusterName}`,
    waitingFor: `AWS to accept the deletion of cluster ${ctx.clusterName}`,
    call: () => callAws(ctx, ctx.ecs, new DeleteClusterCommand({ cluster: ctx.clusterArn })),
    gone: [{ codes: ['ClusterNotFoundException'] }],
    notYet: NOT_YET,
    onNotYet: reason => ctx.log.info(`DeleteCluster refused for now (${reason}); trying again`),
    deadline: ctx.deadline,
    maxDelayMs: 20_000,
    onDeadline: reason => `AWS still refused to delete the cluster at the deadline: ${reason}`
  })
  if (deleted.outcome === 'removed' && ctx.accepted) ctx.accepted.deleteCluster = true
  ctx.log.info(`Deleting cluster ${ctx.clusterName}`)
  const inactive = await retryUntil(
    ctx,
    {
      deadline: ctx.deadline,
      minDelayMs: 1_000,
      maxDelayMs: ctx.pollIntervalMs,
      what: `cluster ${ctx.clusterName} to become INACTIVE`
    },
    async () => {
      const out = await callAws(ctx, ctx.ecs, new DescribeClustersCommand({ clusters: [ctx.clusterArn] }))
      const cluster = out.clusters?.[0]
      if (!cluster || cluster.status === 'INACTIVE') return { done: true, value: undefined }
      return { done: false, reason: `cluster is still ${cluster.status}` }
    }
  )
  if (!inactive.done)
    throw new DeadlineError(`the cluster was not INACTIVE at the deadline: ${inactive.reason}`)
  ctx.log.info(`Cluster ${ctx.clusterName} is deleted`)
}
