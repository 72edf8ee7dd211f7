import {
  DescribeCapacityProvidersCommand,
  DescribeContainerInstancesCommand,
  ListContainerInstancesCommand,
  type CapacityProvider
} from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { Limits, RESERVED_CAPACITY_PROVIDERS } from '../constants.js'
import { lastPartOfArn } from '../util/arn.js'
import { awsErrorName, errorMessage, isAwsError } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { chunk } from '../util/pool.js'
import { describeOtherClusters } from './clusters.js'
import { listEveryPage, unique } from './read.js'
import type { CapacityProviderInfo, ClusterInfo, ContainerInstanceInfo, InventoryContext } from './types.js'

/** Every registered container instance (ACTIVE and DRAINING; INACTIVE ones are already deregistered). */
export async function listContainerInstances(
  ctx: InventoryContext,
  clusterArn: string
): Promise<ContainerInstanceInfo[]> {
  const arns = await listEveryPage(
    ctx,
    page => new ListContainerInstancesCommand({ cluster: clusterArn, ...page }),
    out => out.containerInstanceArns
  )
  const batches = await Promise.all(
    chunk(unique(arns), Limits.describeContainerInstancesBatch).map(batch =>
      callAws(
        ctx,
        ctx.ecs,
        new DescribeContainerInstancesCommand({ cluster: clusterArn, containerInstances: batch })
      )
    )
  )
  return batches
    .flatMap(out => out.containerInstances ?? [])
    .filter(ci => ci.status !== 'INACTIVE')
    .map(ci => ({
      arn: ci.containerInstanceArn ?? '',
      id: lastPartOfArn(ci.containerInstanceArn ?? ''),
      ec2InstanceId: ci.ec2InstanceId,
      status: ci.status ?? 'UNKNOWN',
      runningTasksCount: (ci.runningTasksCount ?? 0) + (ci.pendingTasksCount ?? 0),
      external:
        /^mi-/.test(ci.ec2InstanceId ?? '') ||
        (ci.attributes ?? []).some(a => a.name === 'ecs.capability.external'),
      ...(ci.capacityProviderName ? { capacityProviderName: ci.capacityProviderName } : {})
    }))
}

/**
 * A Managed Instances provider's container instances are ECS's machines, launched for it and shut
 * down with it: they are not deregistered nor their EC2 instances terminated by hand, but listed
 * with their provider. The other container instances are returned.
 */
export function withManagedInstances(
  providers: CapacityProviderInfo[],
  instances: ContainerInstanceInfo[]
): ContainerInstanceInfo[] {
  const managed = new Map(providers.filter(p => p.managedInstances).map(p => [p.name, p]))
  for (const ci of instances) {
    const provider = managed.get(ci.capacityProviderName ?? '')
    if (provider) provider.instances = [...(provider.instances ?? []), ci]
  }
  return instances.filter(ci => !managed.has(ci.capacityProviderName ?? ''))
}

/**
 * The attached capacity providers, and for each Auto Scaling one, the other clusters that use it
 * (a provider can only be deleted once no cluster has it attached); and the cluster's own ECS
 * Managed Instances providers, which only DescribeCapacityProviders with `cluster` shows.
 */
export async function describeCapacityProviders(
  ctx: InventoryContext,
  cluster: ClusterInfo
): Promise<CapacityProviderInfo[]> {
  const [attached, managed] = await Promise.all([
    describeAttachedProviders(ctx, cluster),
    listManagedInstancesProviders(ctx, cluster)
  ])
  const known = new Set(attached.map(p => p.name))
  for (const p of attached) {
    const m = managed.find(x => x.name === p.name)
    if (m) Object.assign(p, { ...m, attached: true })
  }
  return [...attached, ...managed.filter(m => !known.has(m.name))]
}

/**
 * The cluster's ECS Managed Instances providers: DescribeCapacityProviders with `cluster` returns
 * "only capacity providers associated with this cluster ..., including Amazon ECS Managed Instances
 * capacity providers", in pages of at most 10 (API model). Only those that name this cluster as
 * theirs (`cluster`, "required for Managed instances") are taken. An endpoint that does not answer
 * the call at all (an emulator without it; a Region without the feature) leaves them unknown: said
 * in the log, and DeleteCluster would then name them.
 */
export async function listManagedInstancesProviders(
  ctx: InventoryContext,
  cluster: ClusterInfo
): Promise<CapacityProviderInfo[]> {
  let providers: CapacityProvider[]
  try {
    providers = await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        ctx.ecs,
        new DescribeCapacityProvidersCommand({
          cluster: cluster.arn,
          maxResults: Limits.describeCapacityProvidersBatch,
          nextToken
        })
      )
      return { items: out.capacityProviders ?? [], nextToken: out.nextToken }
    })
  } catch (error) {
    if (!isAwsError(error, 'UnsupportedFeatureException', 'SyntaxError') && awsErrorName(error) !== '')
      throw error
    ctx.log.info(
      `DescribeCapacityProviders with cluster was not answered (${errorMessage(error)}): ECS Managed Instances providers of ${cluster.name}, if any, are not known`
    )
    return []
  }
  return providers
    .filter(
      cp =>
        (cp.type === 'MANAGED_INSTANCES' || cp.managedInstancesProvider !== undefined) &&
        (cp.cluster === cluster.name || cp.cluster === cluster.arn)
    )
    .map(cp => ({
      name: cp.name ?? '',
      ...(cp.capacityProviderArn ? { arn: cp.capacityProviderArn } : {}),
      reserved: false,
      status: cp.status ?? 'UNKNOWN',
      otherClusters: [],
      managedInstances: true as const,
      attached: cluster.capacityProviders.includes(cp.name ?? '')
    }))
}

async function describeAttachedProviders(
  ctx: InventoryContext,
  cluster: ClusterInfo
): Promise<CapacityProviderInfo[]> {
  const names = cluster.capacityProviders
  if (names.length === 0) return []
  const own = names.filter(name => !RESERVED_CAPACITY_PROVIDERS.has(name))
  const described = new Map<string, { arn?: string; status: string; autoScalingGroupArn?: string }>()
  for (const batch of chunk(own, Limits.describeCapacityProvidersBatch)) {
    const out = await callAws(
      ctx,
      ctx.ecs,
      new DescribeCapacityProvidersCommand({ capacityProviders: batch })
    )
    for (const cp of out.capacityProviders ?? []) {
      described.set(cp.name ?? '', {
        arn: cp.capacityProviderArn,
        status: cp.status ?? 'UNKNOWN',
        autoScalingGroupArn: cp.autoScalingGroupProvider?.autoScalingGroupArn
      })
    }
  }
  const usedElsewhere = own.length > 0 ? await otherClustersUsing(ctx, cluster.arn, new Set(own)) : new Map()
  return names.map(name => {
    const d = described.get(name)
    return {
      name,
      arn: d?.arn,
      reserved: RESERVED_CAPACITY_PROVIDERS.has(name),
      autoScalingGroupArn: d?.autoScalingGroupArn,
      status: d?.status ?? (RESERVED_CAPACITY_PROVIDERS.has(name) ? 'ACTIVE' : 'MISSING'),
      otherClusters: usedElsewhere.get(name) ?? [],
      attached: true
    }
  })
}

async function otherClustersUsing(
  ctx: InventoryContext,
  clusterArn: string,
  providers: Set<string>
): Promise<Map<string, string[]>> {
  const usage = new Map<string, string[]>()
  for (const cluster of await describeOtherClusters(ctx, clusterArn)) {
    for (const name of cluster.capacityProviders ?? []) {
      if (providers.has(name)) usage.set(name, [...(usage.get(name) ?? []), cluster.clusterName ?? ''])
    }
  }
  return usage
}
