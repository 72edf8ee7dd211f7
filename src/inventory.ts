import {
  DescribeCapacityProvidersCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListClustersCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  type CapacityProvider,
  type Cluster,
  type LoadBalancer,
  type Service,
  type Task
} from '@aws-sdk/client-ecs'
import { callAws, type CallContext, type SendPort } from './aws/call.js'
import { Limits, RESERVED_CAPACITY_PROVIDERS } from './constants.js'
import { awsErrorName, errorMessage, isAccessDenied, isAwsError } from './util/errors.js'
import { chunk } from './util/pool.js'
import { paginate } from './util/paginate.js'

export interface ClusterInfo {
  name: string
  arn: string
  status: string
  tags: Record<string, string>
  /** Capacity providers attached to the cluster. */
  capacityProviders: string[]
  hasDefaultStrategy: boolean
  /** The Service Connect namespace (name or ARN) new services of the cluster use by default. */
  serviceConnectNamespace?: string
  /** Container instances registered (ACTIVE or DRAINING), as DescribeClusters counts them. */
  containerInstanceCount?: number
}

export interface ServiceInfo {
  name: string
  arn: string
  status: string
  schedulingStrategy: 'REPLICA' | 'DAEMON'
  deploymentController: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL'
  desiredCount: number
  runningCount: number
  /**
   * Task sets that are not yet gone (EXTERNAL and CODE_DEPLOY services). `externalId`: for a task set
   * a CodeDeploy deployment created, that deployment's ID (ECS API model, TaskSet.externalId).
   */
  taskSets: { arn: string; id: string; status: string; externalId?: string; startedBy?: string }[]
  /**
   * An Express service (`resourceManagementType: ECS`): ECS made its load balancer, target groups,
   * security groups and scaling, and DeleteExpressGatewayService removes them with it (ECS API model).
   */
  express?: true
  /** Its current service revisions (ARNs): an Express service's name what ECS manages for it. */
  serviceRevisions?: string[]
  createdAt?: Date
  /** The newest of its creation and its deployments' creation and updates. */
  lastActivity?: Date
  /** Task definition ARNs of the service and of each of its deployments. */
  taskDefinitions?: string[]
  /** Service Connect namespaces (names or ARNs) its deployments use. */
  serviceConnectNamespaces?: string[]
  /** Its tags, when they were asked for (DescribeServices include TAGS). */
  tags?: Record<string, string>
  /** Cloud Map service registry ARNs (`serviceRegistries`, the task sets' too): ECS leaves these when it deletes the service. */
  serviceRegistries?: string[]
  /** Its load balancers: target groups, and the blue/green alternate group and listener rules. */
  loadBalancers?: LoadBalancer[]
  /** VPC Lattice target groups of its deployments. */
  vpcLatticeTargetGroups?: string[]
}

export interface TaskInfo {
  arn: string
  id: string
  clusterArn?: string
  /** `service:<name>` for a service's tasks, `family:<name>` for standalone ones. */
  group: string
  startedBy?: string
  lastStatus: string
  desiredStatus: string
  containerInstanceArn?: string
  launchType?: string
  /** The service that runs it, when there is one. */
  serviceName?: string
  createdAt?: Date
  taskDefinitionArn?: string
  /**
   * awsvpc: the ids of its elastic network interfaces (its ElasticNetworkInterface attachments'
   * `networkInterfaceId` detail, ECS model: Attachment.details). EC2 releases them some time after
   * the task is STOPPED.
   */
  networkInterfaceIds?: string[]
}

export interface ContainerInstanceInfo {
  arn: string
  id: string
  ec2InstanceId?: string
  status: string
  runningTasksCount: number
  /**
   * An external (ECS Anywhere) instance: `ec2InstanceId` is then a Systems Manager managed instance
   * ID (mi-…), not an EC2 instance, and it has the `ecs.capability.external` attribute.
   */
  external?: boolean
  /** The capacity provider that launched it, when one did (`capacityProviderName`). */
  capacityProviderName?: string
}

export interface CapacityProviderInfo {
  name: string
  arn?: string
  /** FARGATE and FARGATE_SPOT belong to AWS. */
  reserved: boolean
  autoScalingGroupArn?: string
  status: string
  /** Other clusters that have it attached; it is deleted only when there are none. */
  otherClusters: string[]
  /**
   * An ECS Managed Instances provider (`managedInstancesProvider`): cluster-scoped, made for this
   * cluster alone; described and deleted with `cluster`, never detached (API model).
   */
  managedInstances?: true
  /** In the cluster's `capacityProviders` list (what PutClusterCapacityProviders detaches). */
  attached?: boolean
  /** A Managed Instances provider's container instances: ECS's machines, which go with it. */
  instances?: ContainerInstanceInfo[]
}

export interface ClusterInventory {
  cluster: ClusterInfo
  /**
   * The services being removed: those ListServices lists (ACTIVE) and, after an interrupted run,
   * those it no longer lists that are still DRAINING (found by their tasks' group, or, in services
   * mode, by name): the teardown waits for them, and the kinds look at what is around them.
   */
  services: ServiceInfo[]
  /** Tasks that are not STOPPED yet (running, pending, or on their way down). */
  tasks: TaskInfo[]
  containerInstances: ContainerInstanceInfo[]
  capacityProviders: CapacityProviderInfo[]
  /**
   * Services mode: `services` are the selected services and `tasks` theirs; the cluster, its
   * instances, capacity providers and everything here are kept (and not read into the lists above).
   */
  scope?: ServiceScope
}

/** The services input, resolved: which services of the kept cluster go, and what stays. */
export interface ServiceScope {
  /** Named services already gone or INACTIVE. */
  absent: string[]
  /**
   * Of `absent`, those DescribeServices still describes (INACTIVE, with the required tags): what was
   * around them (target groups, scalable targets…) is looked at as for the services being removed.
   */
  inactive?: ServiceInfo[]
  /**
   * Of `absent`, those AWS no longer describes at all (purged), when no tags are required: only
   * what is found by the service's name alone (its scalable target) is looked at.
   */
  purged?: string[]
  /** Services a pattern matched that are not touched, each with the reason. */
  skipped: { name: string; reason: string }[]
  /** The cluster's other services: never touched, and what they use is kept. */
  neighbours: ServiceInfo[]
  /** Tasks of the other services and standalone tasks, not yet stopped: never touched. */
  neighbourTasks: TaskInfo[]
}

/** Which services a services-mode run removes (select.ts), as the inventory takes it. */
export interface ServiceSelection extends Omit<ServiceScope, 'neighbourTasks'> {
  selected: ServiceInfo[]
}

export type InventoryResult =
  | { state: 'absent'; clusterRef: string; arn?: string; reason: string }
  | { state: 'present'; inventory: ClusterInventory }

export interface InventoryContext extends CallContext {
  ecs: SendPort
  /**
   * A dry run passes this: a read that AWS denies is recorded as a blocker and the inventory goes on
   * without it, so the plan can say which permission is missing. A real run lets the denial fail it.
   */
  onDenied?: (error: unknown) => void
  /** Called as soon as the cluster is known to exist, before the rest of the inventory is read. */
  onClusterFound?: () => void
  /**
   * Called as soon as the services are described, while the rest of the inventory is still being
   * read: what they use (load balancers, Cloud Map) says which other clients the plan will need.
   */
  onServicesFound?: (services: ServiceInfo[]) => void
}

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
 * A Managed Instances provider's container instances are ECS's machines, launched for it and shut
 * down with it: they are not deregistered nor their EC2 instances terminated by hand, but listed
 * with their provider. The other container instances are returned.
 */
function withManagedInstances(
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

/** A dry run records a denied read as a blocker and goes on with `fallback`; a real run fails on it. */
export async function tolerateDenied<T, F>(
  ctx: InventoryContext,
  read: Promise<T>,
  fallback: F
): Promise<T | F> {
  if (!ctx.onDenied) return read
  try {
    return await read
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    ctx.onDenied(error)
    return fallback
  }
}

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
  const arns = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.ecs,
      new ListServicesCommand({ cluster: clusterArn, maxResults: Limits.listPageSize, nextToken })
    )
    return { items: out.serviceArns ?? [], nextToken: out.nextToken }
  })
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
  const batches = await Promise.all(
    chunk(arns, Limits.describeServicesBatch).map(batch =>
      callAws(
        ctx,
        ctx.ecs,
        new DescribeServicesCommand({
          cluster: clusterArn,
          services: batch,
          ...(include.length > 0 ? { include } : {})
        })
      )
    )
  )
  const present: ServiceInfo[] = []
  const missing: string[] = []
  for (const out of batches) {
    present.push(...(out.services ?? []).map(toServiceInfo))
    missing.push(...(out.failures ?? []).map(f => f.arn ?? '').filter(Boolean))
  }
  return { present, missing }
}

export function toServiceInfo(service: Service): ServiceInfo {
  return {
    name: service.serviceName ?? nameFromArn(service.serviceArn ?? ''),
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

/**
 * Every task that has not reached STOPPED: those desired RUNNING (this includes PENDING ones) and
 * those already told to stop but still on their way down, which DeleteCluster also counts.
 */
export async function listLiveTasks(
  ctx: InventoryContext,
  clusterArn: string,
  desiredStatuses: readonly ('RUNNING' | 'STOPPED')[] = ['RUNNING', 'STOPPED']
): Promise<TaskInfo[]> {
  const lists = await Promise.all(
    desiredStatuses.map(desiredStatus =>
      paginate(async nextToken => {
        const out = await callAws(
          ctx,
          ctx.ecs,
          new ListTasksCommand({
            cluster: clusterArn,
            desiredStatus,
            maxResults: Limits.listPageSize,
            nextToken
          })
        )
        return { items: out.taskArns ?? [], nextToken: out.nextToken }
      })
    )
  )
  const described = await describeTasks(ctx, clusterArn, unique(lists.flat()))
  // Only this cluster's tasks: a list filter that matched more than it should must not make the
  // teardown touch another cluster.
  return described.present.filter(
    task => (!task.clusterArn || task.clusterArn === clusterArn) && !isTaskDown(task)
  )
}

/**
 * A task is down when it is STOPPED and nothing wants it running any more. A task that reads
 * STOPPED but is still desired RUNNING is not trusted as down (emulators report that; on AWS it is
 * at most a passing state): it still gets a StopTask, which is harmless on a stopped task.
 */
export function isTaskDown(task: TaskInfo | undefined): boolean {
  return !task || (task.lastStatus === 'STOPPED' && task.desiredStatus !== 'RUNNING')
}

export async function describeTasks(
  ctx: InventoryContext,
  clusterArn: string,
  arns: string[]
): Promise<{ present: TaskInfo[]; missing: string[] }> {
  const batches = await Promise.all(
    chunk(arns, Limits.describeTasksBatch).map(batch =>
      callAws(ctx, ctx.ecs, new DescribeTasksCommand({ cluster: clusterArn, tasks: batch }))
    )
  )
  const present: TaskInfo[] = []
  const missing: string[] = []
  for (const out of batches) {
    present.push(...(out.tasks ?? []).map(toTaskInfo))
    missing.push(...(out.failures ?? []).map(f => f.arn ?? '').filter(Boolean))
  }
  return { present, missing }
}

export function toTaskInfo(task: Task): TaskInfo {
  const group = task.group ?? ''
  const serviceName = group.startsWith('service:') ? group.slice('service:'.length) : undefined
  return {
    arn: task.taskArn ?? '',
    id: nameFromArn(task.taskArn ?? ''),
    clusterArn: task.clusterArn,
    group,
    startedBy: task.startedBy,
    lastStatus: task.lastStatus ?? 'UNKNOWN',
    desiredStatus: task.desiredStatus ?? 'UNKNOWN',
    containerInstanceArn: task.containerInstanceArn,
    launchType: task.launchType,
    serviceName,
    createdAt: task.createdAt,
    taskDefinitionArn: task.taskDefinitionArn,
    ...networkInterfacesOf(task)
  }
}

function networkInterfacesOf(task: Task): Pick<TaskInfo, 'networkInterfaceIds'> {
  const ids = (task.attachments ?? [])
    .filter(a => a.type === 'ElasticNetworkInterface')
    .flatMap(a => (a.details ?? []).filter(d => d.name === 'networkInterfaceId' && d.value))
    .map(d => d.value!)
  return ids.length > 0 ? { networkInterfaceIds: ids } : {}
}

/** Every registered container instance (ACTIVE and DRAINING; INACTIVE ones are already deregistered). */
export async function listContainerInstances(
  ctx: InventoryContext,
  clusterArn: string
): Promise<ContainerInstanceInfo[]> {
  const arns = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.ecs,
      new ListContainerInstancesCommand({ cluster: clusterArn, maxResults: Limits.listPageSize, nextToken })
    )
    return { items: out.containerInstanceArns ?? [], nextToken: out.nextToken }
  })
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
      id: nameFromArn(ci.containerInstanceArn ?? ''),
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
 * The attached capacity providers, and for each Auto Scaling one, the other clusters that use it
 * (a provider can only be deleted once no cluster has it attached); and the cluster's own ECS
 * Managed Instances providers, which only DescribeCapacityProviders with `cluster` shows.
 */
async function describeCapacityProviders(
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

/** Every cluster ARN of the account and Region: every page of ListClusters. */
export async function listClusterArns(ctx: InventoryContext): Promise<string[]> {
  return paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.ecs,
      new ListClustersCommand({ maxResults: Limits.listPageSize, nextToken })
    )
    return { items: out.clusterArns ?? [], nextToken: out.nextToken }
  })
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

export function nameFromArn(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1)
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)]
}
