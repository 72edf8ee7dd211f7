import { describeCapacityProviders, listContainerInstances, withManagedInstances } from './capacity.js'
import { describeCluster } from './clusters.js'
import { tolerateDenied } from './read.js'
import { describeServices, describeUnlistedServices, listServices } from './services.js'
import { listLiveTasks } from './tasks.js'
import type {
  ClusterInfo,
  ClusterInventory,
  InventoryContext,
  InventoryResult,
  ServiceSelection,
  TaskInfo
} from './types.js'

/**
 * What a cluster holds (its services, tasks, container instances and capacity providers), read from
 * ECS with paged lists and batched describes; makes no change. One file a part of the cluster
 * (clusters, services, tasks, capacity.ts: container instances and capacity providers), their
 * shapes in types.ts, the shared paging in read.ts.
 */
export * from './types.js'
export { describeCluster, describeClusters, describeOtherClusters, listClusterArns } from './clusters.js'
export {
  describeServices,
  describeUnlistedServices,
  isDeletedAlready,
  listServices,
  toServiceInfo
} from './services.js'
export { describeTasks, isTaskDown, listLiveTasks, toTaskInfo } from './tasks.js'
export { listContainerInstances, listManagedInstancesProviders } from './capacity.js'
export { tolerateDenied } from './read.js'

/** What a cluster holds, read with paged lists and batched describes. Makes no change. */
export async function takeInventory(
  ctx: InventoryContext,
  clusterRef: string,
  selection?: ServiceSelection
): Promise<InventoryResult> {
  const cluster = await describeCluster(ctx, clusterRef)
  if (cluster.state === 'absent') return cluster
  ctx.onClusterFound?.()
  const info = cluster.info
  if (selection) return { state: 'present', inventory: await takeServiceInventory(ctx, info, selection) }
  const [listed, tasks, registered, capacityProviders] = await Promise.all([
    tolerateDenied(
      ctx,
      listServices(ctx, info.arn).then(services => {
        ctx.onServicesFound?.(services)
        return services
      }),
      []
    ),
    tolerateDenied(ctx, listLiveTasks(ctx, info.arn), []),
    tolerateDenied(ctx, listContainerInstances(ctx, info.arn), []),
    tolerateDenied(ctx, describeCapacityProviders(ctx, info), [])
  ])
  const unlisted = await tolerateDenied(ctx, describeUnlistedServices(ctx, info.arn, listed, tasks), [])
  const containerInstances = withManagedInstances(capacityProviders, registered)
  return {
    state: 'present',
    inventory: {
      cluster: info,
      services: [...listed, ...unlisted],
      tasks,
      containerInstances,
      capacityProviders
    }
  }
}

/**
 * Services mode: the selected services, read again (one may have gone since the selection), and
 * their tasks (group `service:<name>`); every other task is the neighbours', never touched.
 */
async function takeServiceInventory(
  ctx: InventoryContext,
  cluster: ClusterInfo,
  selection: ServiceSelection
): Promise<ClusterInventory> {
  // The selection described them already: what they use is known before they are read again.
  ctx.onServicesFound?.([...selection.selected, ...(selection.inactive ?? [])])
  const [described, tasks] = await Promise.all([
    describeServices(
      ctx,
      cluster.arn,
      selection.selected.map(s => s.arn),
      ['TAGS']
    ),
    listLiveTasks(ctx, cluster.arn)
  ])
  const services = described.present.filter(s => s.status !== 'INACTIVE')
  const gone = selection.selected.filter(s => !services.some(p => p.arn === s.arn)).map(s => s.name)
  // Gone INACTIVE since the selection: still described, so what was around it is looked at too.
  const inactive = [...(selection.inactive ?? []), ...described.present.filter(s => s.status === 'INACTIVE')]
  const names = new Set(selection.selected.map(s => s.name))
  const mine = (t: TaskInfo): boolean => t.serviceName !== undefined && names.has(t.serviceName)
  return {
    cluster,
    services,
    tasks: tasks.filter(mine),
    containerInstances: [],
    capacityProviders: [],
    scope: {
      absent: [...selection.absent, ...gone],
      ...(inactive.length > 0 ? { inactive } : {}),
      ...(selection.purged?.length ? { purged: selection.purged } : {}),
      skipped: selection.skipped,
      neighbours: selection.neighbours,
      neighbourTasks: tasks.filter(t => !mine(t))
    }
  }
}
