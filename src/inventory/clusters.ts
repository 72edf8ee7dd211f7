import { DescribeClustersCommand, ListClustersCommand, type Cluster } from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import { chunk } from '../util/pool.js'
import { listEveryPage } from './read.js'
import type { ClusterInfo, InventoryContext, InventoryResult } from './types.js'

type DescribedCluster =
  { state: 'present'; info: ClusterInfo } | Extract<InventoryResult, { state: 'absent' }>

export async function describeCluster(ctx: InventoryContext, clusterRef: string): Promise<DescribedCluster> {
  const out = await callAws(
    ctx,
    ctx.ecs,
    new DescribeClustersCommand({ clusters: [clusterRef], include: ['TAGS'] })
  )
  const cluster = out.clusters?.[0]
  if (!cluster) {
    const failure = out.failures?.[0]
    return {
      state: 'absent',
      clusterRef,
      arn: failure?.arn,
      reason: `not found (${failure?.reason ?? 'MISSING'})`
    }
  }
  if (cluster.status === 'INACTIVE') {
    return { state: 'absent', clusterRef, arn: cluster.clusterArn, reason: 'already deleted (INACTIVE)' }
  }
  return { state: 'present', info: toClusterInfo(cluster) }
}

function toClusterInfo(cluster: Cluster): ClusterInfo {
  const tags: Record<string, string> = {}
  for (const tag of cluster.tags ?? []) if (tag.key) tags[tag.key] = tag.value ?? ''
  return {
    name: cluster.clusterName ?? '',
    arn: cluster.clusterArn ?? '',
    status: cluster.status ?? 'UNKNOWN',
    tags,
    capacityProviders: cluster.capacityProviders ?? [],
    hasDefaultStrategy: (cluster.defaultCapacityProviderStrategy ?? []).length > 0,
    ...(cluster.serviceConnectDefaults?.namespace
      ? { serviceConnectNamespace: cluster.serviceConnectDefaults.namespace }
      : {}),
    containerInstanceCount: cluster.registeredContainerInstancesCount ?? 0
  }
}

/** Every cluster ARN of the account and Region: every page of ListClusters. */
export async function listClusterArns(ctx: InventoryContext): Promise<string[]> {
  return listEveryPage(
    ctx,
    page => new ListClustersCommand(page),
    out => out.clusterArns
  )
}

/** DescribeClusters in batches of 100; clusters AWS does not know are left out. */
export async function describeClusters(
  ctx: InventoryContext,
  refs: string[],
  include: 'TAGS'[] = []
): Promise<Cluster[]> {
  const outs = await Promise.all(
    chunk(refs, Limits.describeClustersBatch).map(batch =>
      callAws(
        ctx,
        ctx.ecs,
        new DescribeClustersCommand({ clusters: batch, ...(include.length > 0 ? { include } : {}) })
      )
    )
  )
  return outs.flatMap(out => out.clusters ?? [])
}

/** Every other ACTIVE cluster of the account and Region. */
export async function describeOtherClusters(ctx: InventoryContext, clusterArn: string): Promise<Cluster[]> {
  const others = (await listClusterArns(ctx)).filter(arn => arn !== clusterArn)
  return (await describeClusters(ctx, others)).filter(c => c.status !== 'INACTIVE')
}
