import type { LoadBalancer } from '@aws-sdk/client-ecs'
import type { CallContext, SendPort } from '../aws/call.js'

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
