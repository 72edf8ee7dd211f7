import { DescribeServicesCommand, ListServicesCommand, type Service } from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import { lastPartOfArn } from '../util/arn.js'
import { describeInBatches, listEveryPage, unique } from './read.js'
import type { InventoryContext, ServiceInfo, TaskInfo } from './types.js'

/**
 * A service whose deletion an earlier run (or someone else) already started: DRAINING, which
 * ListServices no longer lists. It is not deleted again (ECS would answer ServiceNotActive); the
 * teardown waits until it is INACTIVE, like the ones it deletes.
 */
export function isDeletedAlready(service: ServiceInfo): boolean {
  return service.status === 'DRAINING'
}

/** Every ACTIVE service: all pages of 100, then descriptions in batches of 10. */
export async function listServices(
  ctx: InventoryContext,
  clusterArn: string,
  include: 'TAGS'[] = []
): Promise<ServiceInfo[]> {
  const arns = await listEveryPage(
    ctx,
    page => new ListServicesCommand({ cluster: clusterArn, ...page }),
    out => out.serviceArns
  )
  // INACTIVE services are already deleted (AWS does not list them; some emulators do).
  return (await describeServices(ctx, clusterArn, unique(arns), include)).present.filter(
    s => s.status !== 'INACTIVE'
  )
}

export async function describeServices(
  ctx: InventoryContext,
  clusterArn: string,
  arns: string[],
  include: 'TAGS'[] = []
): Promise<{ present: ServiceInfo[]; missing: string[] }> {
  return describeInBatches(
    arns,
    Limits.describeServicesBatch,
    batch =>
      callAws(
        ctx,
        ctx.ecs,
        new DescribeServicesCommand({
          cluster: clusterArn,
          services: batch,
          ...(include.length > 0 ? { include } : {})
        })
      ),
    out => (out.services ?? []).map(toServiceInfo)
  )
}

/**
 * The services whose tasks are still up but that ListServices does not list: DRAINING after a run
 * that deleted them and stopped before they were INACTIVE (or listed since the list was read). Each
 * task's group names its service. No call at all when every task's service was listed.
 */
export async function describeUnlistedServices(
  ctx: InventoryContext,
  clusterArn: string,
  listed: ServiceInfo[],
  tasks: TaskInfo[]
): Promise<ServiceInfo[]> {
  const known = new Set(listed.map(s => s.name))
  const names = unique(tasks.map(t => t.serviceName ?? '').filter(name => name && !known.has(name)))
  if (names.length === 0) return []
  const { present } = await describeServices(ctx, clusterArn, names)
  return present.filter(s => s.status !== 'INACTIVE' && !known.has(s.name))
}

export function toServiceInfo(service: Service): ServiceInfo {
  return {
    name: service.serviceName ?? lastPartOfArn(service.serviceArn ?? ''),
    arn: service.serviceArn ?? '',
    status: service.status ?? 'UNKNOWN',
    schedulingStrategy: service.schedulingStrategy === 'DAEMON' ? 'DAEMON' : 'REPLICA',
    deploymentController:
      service.deploymentController?.type === 'EXTERNAL'
        ? 'EXTERNAL'
        : service.deploymentController?.type === 'CODE_DEPLOY'
          ? 'CODE_DEPLOY'
          : 'ECS',
    desiredCount: service.desiredCount ?? 0,
    runningCount: service.runningCount ?? 0,
    taskSets: (service.taskSets ?? [])
      .filter(set => set.taskSetArn && set.status !== 'INACTIVE')
      .map(set => ({
        arn: set.taskSetArn ?? '',
        id: set.id ?? '',
        status: set.status ?? '',
        ...(set.externalId ? { externalId: set.externalId } : {}),
        ...(set.startedBy ? { startedBy: set.startedBy } : {})
      })),
    ...(service.resourceManagementType === 'ECS' ? { express: true as const } : {}),
    ...((service.currentServiceRevisions ?? []).length > 0
      ? {
          serviceRevisions: (service.currentServiceRevisions ?? [])
            .map(r => r.arn)
            .filter((arn): arn is string => Boolean(arn))
        }
      : {}),
    createdAt: service.createdAt,
    lastActivity: newest([
      service.createdAt,
      ...(service.deployments ?? []).flatMap(d => [d.createdAt, d.updatedAt])
    ]),
    taskDefinitions: unique(
      [
        service.taskDefinition,
        ...(service.deployments ?? []).map(d => d.taskDefinition),
        // EXTERNAL and CODE_DEPLOY services run their revisions in task sets.
        ...(service.taskSets ?? []).filter(set => set.status !== 'INACTIVE').map(set => set.taskDefinition)
      ].filter((arn): arn is string => Boolean(arn))
    ),
    serviceConnectNamespaces: unique(
      (service.deployments ?? [])
        .filter(d => d.serviceConnectConfiguration?.enabled !== false)
        .map(d => d.serviceConnectConfiguration?.namespace)
        .filter((ns): ns is string => Boolean(ns))
    ),
    ...(service.tags
      ? { tags: Object.fromEntries(service.tags.filter(t => t.key).map(t => [t.key!, t.value ?? ''])) }
      : {}),
    // An EXTERNAL service names its registries in its task sets.
    serviceRegistries: unique(
      [
        ...(service.serviceRegistries ?? []),
        ...(service.taskSets ?? [])
          .filter(set => set.status !== 'INACTIVE')
          .flatMap(set => set.serviceRegistries ?? [])
      ]
        .map(r => r.registryArn)
        .filter((arn): arn is string => Boolean(arn))
    ),

    loadBalancers: service.loadBalancers ?? [],
    vpcLatticeTargetGroups: unique(
      (service.deployments ?? [])
        .flatMap(d => d.vpcLatticeConfigurations ?? [])
        .map(c => c.targetGroupArn)
        .filter((arn): arn is string => Boolean(arn))
    )
  }
}

function newest(dates: (Date | undefined)[]): Date | undefined {
  // Not `instanceof Date`: a Date made in another realm (a test's VM context) is a Date all the same.
  const times = dates.filter((d): d is Date => typeof d?.getTime === 'function').map(d => d.getTime())
  return times.length > 0 ? new Date(Math.max(...times)) : undefined
}
