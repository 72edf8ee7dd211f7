import type { SendPort } from '../../src/aws/call.js'
import { CancelledError } from '../../src/util/errors.js'
import { ecsError, throttlingError } from './errors.js'
import { VirtualTime } from './virtual-time.js'

/**
 * A strict, in-memory model of the parts of Amazon ECS a teardown touches. It enforces the rules of
 * shared/reference/aws-teardown-rules.md: page sizes and nextToken, batch limits, the service
 * lifecycle ACTIVE → DRAINING → INACTIVE → purged, tasks that take their stop timeout to stop (behind a
 * load balancer, after DEACTIVATING for its deregistration delay), a
 * scheduler that replaces tasks of services still scaled above 0, the ClusterContains* refusals,
 * attachment updates in progress, throttling and access denial. Where it refuses a call, it
 * refuses with the SDK's own exception classes and AWS's messages, so the code under test sees what
 * it would see from AWS. Each rule has a test in __tests__/sim/ecs-sim.test.ts.
 *
 * Time is virtual (VirtualTime): the model computes every status from the clock, so waits are real
 * waits in model time and cost nothing in test time.
 */

export const ACCOUNT = '123456789012'

/** DeleteCluster's refusal while cluster-scoped providers are attached (terraform-provider-aws#45794, aws-nuke#990). */
const CLUSTER_SCOPED_PROVIDERS_ATTACHED =
  'The Cluster cannot be deleted while Cluster Scoped Capacity Providers are attached to the cluster'

export interface SimOptions {
  region?: string
  /** Virtual milliseconds each call takes; with it, calls overlap and peak concurrency is measurable. */
  latencyMs?: number
  /** Fraction of calls answered with ThrottlingException (seeded, reproducible). */
  throttleRate?: number
  /**
   * ECS's token buckets (see TokenBuckets): a call finding its bucket empty gets ThrottlingException.
   * Pass one instance to several simulators on one VirtualTime to model clusters in one account.
   */
  tokenBuckets?: TokenBuckets
  seed?: number
  /** Delay before the scheduler acts on a scale-down or a deletion. */
  schedulerDelayMs?: number
  /** Delay before the scheduler replaces a task of a service still scaled above 0. */
  replaceDelayMs?: number
  /** How long an INACTIVE service stays describable before it is purged (then MISSING). */
  purgeInactiveAfterMs?: number
  /** How long a capacity-provider attachment update keeps the cluster busy. */
  attachmentUpdateMs?: number
  /** How long DeleteCapacityProvider takes to reach INACTIVE. */
  capacityProviderDeleteMs?: number
  /** How long a deleted ECS Managed Daemon stays DELETE_IN_PROGRESS before it is gone. */
  daemonDeleteMs?: number
}

export interface SimTask {
  arn: string
  id: string
  clusterArn: string
  group: string
  startedBy?: string
  taskDefinitionArn: string
  containerInstanceArn?: string
  launchType: 'EC2' | 'FARGATE'
  createdAt: number
  /** When a stop was requested (StopTask, or the scheduler's scale-down or service deletion). */
  stopRequestedAt?: number
  /**
   * How long it is DEACTIVATING from then (its service's deregistration delay, as it was when the
   * stop was asked: deleting the group later does not shorten a deregistration under way). Set
   * with `stopRequestedAt`.
   */
  drainMs?: number
  /**
   * Time from SIGTERM to STOPPED: the stop timeout, then deprovisioning. A service's task behind a
   * load balancer gets SIGTERM only after its deregistration delay (SimService.drainDelayMs).
   */
  stopTimeMs: number
  /** A task stuck in STOPPING (a hung container on a broken agent). */
  neverStops?: boolean
  serviceArn?: string
  taskSetArn?: string
  /** Deregistered with force from under it: out of ECS's sight, still running and billing. */
  orphaned?: boolean
  /** Task scale-in protection (UpdateTaskProtection) until then: the scheduler's scale-in leaves it. */
  protectedUntil?: number
  /** When the scheduler wanted it stopped (a scale-in or its service's deletion) while it was protected. */
  scaleInAt?: number
  purged?: boolean
  /** awsvpc: its elastic network interface (the Ec2Sim's), named in the task's attachments. */
  networkInterfaceId?: string
}

export interface SimService {
  arn: string
  name: string
  clusterArn: string
  seq: number
  schedulingStrategy: 'REPLICA' | 'DAEMON'
  deploymentController: 'ECS' | 'CODE_DEPLOY' | 'EXTERNAL'
  desiredCount: number
  taskDefinitionArn: string
  launchType: 'EC2' | 'FARGATE'
  createdAt: number
  deletedAt?: number
  /** DeleteService answers "deployments are active" until then. */
  deploymentsActiveUntil?: number
  /**
   * Load-balancer deregistration delay set on the service itself (a scenario without an ElbV2Sim).
   * A task of the service told to stop is DEACTIVATING (deregistered from the load balancer) for the
   * longest of it and its target groups' delays (`targetGroupDelayMs`), and only then stops: ECS's
   * order (task lifecycle: RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED; the ECS
   * developer guide's task-lifecycle page: for a service's task with target groups, "the target group
   * deregistration occurs during" DEACTIVATING), however the stop was asked (StopTask too).
   */
  drainDelayMs: number
  stopTimeMs: number
  capacityProviders: string[]
  /**
   * An EXTERNAL or CODE_DEPLOY service's task sets; `serviceRegistries`: the Cloud Map services their
   * tasks register in; `externalId`: the CodeDeploy deployment that created it (startedBy CODE_DEPLOY).
   */
  taskSets: {
    arn: string
    id: string
    deletedAt?: number
    serviceRegistries?: string[]
    externalId?: string
    startedBy?: string
  }[]
  /**
   * An Express service (CreateExpressGatewayService; `resourceManagementType: ECS`): its current
   * service revision and what ECS made for it (the revision's `ecsManagedResources`), which ECS
   * removes once the service is INACTIVE after DeleteExpressGatewayService (`infrastructureRemoved`).
   */
  express?: {
    revisionArn: string
    managed: Record<string, unknown>
    deletedByExpressCall?: boolean
    infrastructureRemoved?: boolean
  }
  purged?: boolean
  /** Service Connect: the namespace its deployment uses. */
  serviceConnectNamespace?: string
  /** Its tags: DescribeServices shows them only with include: ['TAGS']. */
  tags: Record<string, string>
  /** Cloud Map service ARNs its tasks register in (`serviceRegistries`). */
  serviceRegistries: string[]
  /** `loadBalancers` as CreateService takes them (ECS's LoadBalancer shape, blue/green included). */
  loadBalancers: SimLoadBalancerRef[]
  /** VPC Lattice target groups its deployment registers tasks in. */
  vpcLatticeTargetGroups: string[]
}

export interface SimLoadBalancerRef {
  targetGroupArn: string
  containerName: string
  containerPort: number
  advancedConfiguration?: {
    alternateTargetGroupArn: string
    productionListenerRule: string
    testListenerRule?: string
    roleArn: string
  }
}

export interface SimContainerInstance {
  arn: string
  id: string
  clusterArn: string
  seq: number
  /** i-… for an EC2 instance; mi-… (a Systems Manager managed instance) for an external one. */
  ec2InstanceId: string
  status: 'ACTIVE' | 'DRAINING' | 'INACTIVE'
  /** ECS Anywhere: an on-premises machine registered through Systems Manager. */
  external?: boolean
  /** The capacity provider that launched it (a Managed Instances provider's instances). */
  capacityProviderName?: string
}

/** One task definition revision. */
export interface SimTaskDefinition {
  arn: string
  family: string
  revision: number
  status: 'ACTIVE' | 'INACTIVE'
  /** The awslogs log group of its one container, if it logs to CloudWatch. */
  logGroup?: string
  /** `awslogs-region`, when given. */
  logRegion?: string
}

export interface SimCluster {
  arn: string
  name: string
  seq: number
  deletedAt?: number
  tags: Record<string, string>
  capacityProviders: string[]
  defaultStrategy: { capacityProvider: string; weight?: number; base?: number }[]
  attachmentsBusyUntil: number
  /**
   * Providers the last PutClusterCapacityProviders disassociated: until `attachmentsBusyUntil` the
   * detach is still under way (asynchronous on AWS) and they are still associated with the cluster.
   */
  detaching?: string[]
  /** The Service Connect namespace (ARN) new services use by default. */
  serviceConnectNamespace?: string
}

export interface SimCapacityProvider {
  name: string
  arn: string
  autoScalingGroupArn?: string
  deleteRequestedAt?: number
  /** Set to make deletion end in DELETE_FAILED with this reason. */
  deleteFailsWith?: string
  /**
   * An ECS Managed Instances provider (`managedInstancesProvider`): cluster-scoped, made in and for
   * this cluster's ARN; its describe and delete calls take `cluster`.
   */
  managedInstancesCluster?: string
  /** The reason of a DeleteCapacityProvider answered with DELETE_FAILED (nothing was deleted). */
  deleteFailedReason?: string
}

/** An ECS Managed Daemon (CreateDaemon): runs on Managed Instances providers only. */
export interface SimDaemon {
  arn: string
  name: string
  clusterArn: string
  capacityProviderArns: string[]
  createdAt: number
  deleteRequestedAt?: number
}

/** Calls that change something; a dry run must make none of them. */
export const MUTATING_OPERATIONS = new Set([
  'UpdateService',
  'DeleteService',
  'DeleteTaskSet',
  'StopTask',
  'RunTask',
  'DeregisterContainerInstance',
  'PutClusterCapacityProviders',
  'DeleteCapacityProvider',
  'DeleteCluster',
  'DeregisterTaskDefinition',
  'DeleteDaemon',
  'DeleteExpressGatewayService',
  'DisassociateGatewayFromCluster',
  'DeleteGateway',
  'UpdateTaskProtection'
])

/** A gateway associated with a cluster (AssociateGatewayWithCluster). */
export interface SimGatewayAssociation {
  gatewayArn: string
  clusterArn: string
  status: 'ACTIVE' | 'DISASSOCIATING' | 'INACTIVE'
  /** Services of the cluster with gateway routes: a disassociation waits until none is ACTIVE. */
  routeServices: string[]
}

const DEFAULTS = {
  region: 'us-east-1',
  latencyMs: 0,
  throttleRate: 0,
  tokenBuckets: undefined as TokenBuckets | undefined,
  seed: 42,
  schedulerDelayMs: 1_000,
  replaceDelayMs: 5_000,
  purgeInactiveAfterMs: 60 * 60_000,
  attachmentUpdateMs: 3_000,
  capacityProviderDeleteMs: 20_000,
  daemonDeleteMs: 60_000
}

const STOPPED_TASK_RETENTION_MS = 60 * 60_000

/** One of ECS's throttling categories: the operations that share a token bucket. */
export interface TokenBucketSpec {
  /** The category, as AWS's table names it. */
  category: string
  operations: readonly string[]
  /** Bucket maximum capacity: the burst. */
  burst: number
  /** Tokens added back per second: the sustained rate. */
  refillPerSecond: number
}

/**
 * The categories a teardown touches, with the capacities and refill rates of AWS's table "Request
 * token bucket sizes and refill rates" (Amazon ECS API Reference, "Request throttling for the Amazon
 * ECS API", https://docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html), the
 * same for all Regions, per account and Region. Not verified, and assumed here: that a bucket starts
 * full; that it refills continuously (the page says tokens are added every second, not whether in
 * one step or smoothly); that a throttled call takes no token. The task-set operations are in no
 * category of the table, so DeleteTaskSet is never throttled by this model. Accounts can have raised
 * quotas; these are the defaults.
 */
export const ECS_TOKEN_BUCKETS: readonly TokenBucketSpec[] = [
  {
    category: 'Cluster read',
    operations: ['DescribeClusters', 'ListClusters'],
    burst: 50,
    refillPerSecond: 20
  },
  {
    category: 'Cluster modify',
    operations: ['CreateCluster', 'DeleteCluster', 'PutClusterCapacityProviders', 'UpdateCluster'],
    burst: 20,
    refillPerSecond: 1
  },
  {
    category: 'Capacity provider modify',
    operations: ['CreateCapacityProvider', 'DeleteCapacityProvider', 'UpdateCapacityProvider'],
    burst: 10,
    refillPerSecond: 1
  },
  {
    category: 'Capacity provider read',
    operations: ['DescribeCapacityProviders'],
    burst: 50,
    refillPerSecond: 20
  },
  {
    category: 'Cluster resource modify',
    operations: ['DeregisterContainerInstance', 'RunTask', 'StartTask', 'StopTask'],
    burst: 100,
    refillPerSecond: 40
  },
  {
    category: 'Cluster resource read',
    operations: ['DescribeContainerInstances', 'DescribeTasks', 'ListContainerInstances', 'ListTasks'],
    burst: 100,
    refillPerSecond: 20
  },
  {
    category: 'Service modify',
    operations: ['CreateService', 'DeleteService', 'UpdateService'],
    burst: 50,
    refillPerSecond: 5
  },
  {
    category: 'Service read',
    operations: ['DescribeServices', 'ListServices'],
    burst: 100,
    refillPerSecond: 20
  },
  {
    category: 'Task definition read',
    operations: ['DescribeTaskDefinition', 'ListTaskDefinitionFamilies', 'ListTaskDefinitions'],
    burst: 50,
    refillPerSecond: 20
  },
  {
    category: 'Task definition modify',
    operations: ['DeregisterTaskDefinition'],
    burst: 20,
    refillPerSecond: 1
  }
]

/**
 * Token buckets for an account and Region, on the simulator's clock: every call takes a token from
 * its category's bucket, and a call that finds the bucket empty is throttled. Operations in no
 * category are never throttled.
 */
export class TokenBuckets {
  private readonly byOperation = new Map<string, TokenBucketSpec>()
  private readonly state = new Map<string, { tokens: number; at: number }>()
  /** Calls throttled, by category. */
  readonly throttled = new Map<string, number>()

  constructor(readonly specs: readonly TokenBucketSpec[] = ECS_TOKEN_BUCKETS) {
    for (const spec of specs) for (const op of spec.operations) this.byOperation.set(op, spec)
  }

  specFor(operation: string): TokenBucketSpec | undefined {
    return this.byOperation.get(operation)
  }

  /** Takes a token for `operation` at `now` (epoch ms); false when its bucket is empty. */
  take(operation: string, now: number): boolean {
    const spec = this.byOperation.get(operation)
    if (!spec) return true
    const bucket = this.state.get(spec.category) ?? { tokens: spec.burst, at: now }
    bucket.tokens = Math.min(spec.burst, bucket.tokens + ((now - bucket.at) / 1000) * spec.refillPerSecond)
    bucket.at = now
    this.state.set(spec.category, bucket)
    if (bucket.tokens < 1) {
      this.throttled.set(spec.category, (this.throttled.get(spec.category) ?? 0) + 1)
      return false
    }
    bucket.tokens -= 1
    return true
  }
}

export class EcsSim {
  readonly time: VirtualTime
  readonly options: typeof DEFAULTS
  readonly clusters = new Map<string, SimCluster>()
  readonly services = new Map<string, SimService>()
  readonly tasks = new Map<string, SimTask>()
  readonly containerInstances = new Map<string, SimContainerInstance>()
  /**
   * A target group's deregistration delay, from the ElbV2Sim that holds it (its attribute
   * `deregistration_delay.timeout_seconds`); undefined for a group it does not hold.
   */
  targetGroupDelayMs: (targetGroupArn: string) => number | undefined = () => undefined
  readonly capacityProviders = new Map<string, SimCapacityProvider>()
  /** ECS Managed Daemons by ARN. */
  readonly daemons = new Map<string, SimDaemon>()
  /** Task definition revisions by ARN. */
  readonly taskDefinitions = new Map<string, SimTaskDefinition>()
  /**
   * Models of other services that act on ECS by themselves as time passes (an EventBridge schedule
   * starting tasks): each runs before every ECS call is answered, with the current virtual time.
   */
  readonly observers: ((now: number) => void)[] = []
  /** Other models that react to a task's start (the Ec2Sim gives an awsvpc task its network interface). */
  readonly onTaskStarted: ((task: SimTask) => void)[] = []
  /** Every call that reached the model, in order. */
  readonly calls: { operation: string; at: number; input: Record<string, unknown>; error?: string }[] = []
  inFlight = 0
  peakInFlight = 0
  /** Operations answered with AccessDeniedException. */
  readonly denied = new Set<string>()
  /** Calls answered with AccessDeniedException besides `denied`: a policy scoped to some clusters. */
  denyWhen?: (operation: string, input: Record<string, unknown>) => boolean
  /** Runs before each call is answered: a scenario's hook for events during a run. */
  beforeCall?: (operation: string, input: Record<string, unknown>) => void
  /** Gateways (CreateGateway) by ARN, and their cluster associations. */
  readonly gateways = new Map<string, { name: string; deleted?: boolean }>()
  readonly gatewayAssociations: SimGatewayAssociation[] = []
  /**
   * Whether CodeDeploy has a deployment of the CODE_DEPLOY service that is not finished (the
   * CodeDeploySim sets it): ECS then refuses DeleteService ("deployments are active").
   */
  codeDeployActive?: (service: SimService) => boolean
  /** What ECS removes with an Express service once it is INACTIVE (the world wires the ELB and scaling simulators). */
  onExpressInfrastructureRemoved?: (service: SimService) => void
  private seq = 0
  private rng: number

  /** Pass this to the code under test as its ECS client. */
  readonly client: SendPort

  constructor(options: SimOptions = {}, time = new VirtualTime()) {
    this.options = { ...DEFAULTS, ...options }
    this.time = time
    this.rng = this.options.seed
    this.client = {
      send: (command: object, opts?: { abortSignal?: AbortSignal }) => this.send(command, opts)
    }
  }

  get now(): number {
    return this.time.clock()
  }

  private get region(): string {
    return this.options.region
  }

  // ---------------------------------------------------------------- building a scenario

  createCluster(
    name: string,
    opts: {
      tags?: Record<string, string>
      capacityProviders?: string[]
      serviceConnectNamespace?: string
    } = {}
  ): SimCluster {
    const cluster: SimCluster = {
      arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:cluster/${name}`,
      name,
      seq: this.seq++,
      tags: opts.tags ?? {},
      capacityProviders: opts.capacityProviders ?? [],
      defaultStrategy: (opts.capacityProviders ?? []).map(cp => ({ capacityProvider: cp, weight: 1 })),
      attachmentsBusyUntil: 0,
      ...(opts.serviceConnectNamespace ? { serviceConnectNamespace: opts.serviceConnectNamespace } : {})
    }
    this.clusters.set(cluster.arn, cluster)
    return cluster
  }

  createCapacityProvider(name: string, opts: { deleteFailsWith?: string } = {}): SimCapacityProvider {
    const cp: SimCapacityProvider = {
      name,
      arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:capacity-provider/${name}`,
      autoScalingGroupArn: `arn:aws:autoscaling:${this.region}:${ACCOUNT}:autoScalingGroup:0000:autoScalingGroupName/${name}-asg`,
      ...opts
    }
    this.capacityProviders.set(name, cp)
    return cp
  }

  /**
   * An ECS Managed Instances provider of `cluster` (CreateCapacityProvider with `cluster` and
   * `managedInstancesProvider`): it is not in the cluster's `capacityProviders` list here, only
   * DescribeCapacityProviders with `cluster` shows it. `instances` registers that many container
   * instances ECS launched for it (`capacityProviderName`).
   */
  createManagedInstancesProvider(
    cluster: string,
    name: string,
    opts: { instances?: number } = {}
  ): { provider: SimCapacityProvider; instances: SimContainerInstance[] } {
    const c = this.requireCluster(cluster)
    const provider: SimCapacityProvider = {
      name,
      arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:capacity-provider/${name}`,
      managedInstancesCluster: c.arn
    }
    this.capacityProviders.set(name, provider)
    const instances = Array.from({ length: opts.instances ?? 0 }, () =>
      this.registerContainerInstance(cluster, { capacityProviderName: name })
    )
    return { provider, instances }
  }

  /** An ECS Managed Daemon (CreateDaemon): its capacity providers must be Managed Instances ones. */
  createDaemon(cluster: string, name: string, capacityProviders: string[]): SimDaemon {
    const c = this.requireCluster(cluster)
    const arns = capacityProviders.map(p => {
      const cp = this.capacityProviders.get(p)
      // "ECS Managed Daemons is only supported for Amazon ECS Managed Instances Capacity Providers" (model).
      if (!cp?.managedInstancesCluster) throw new Error(`${p} is not a Managed Instances capacity provider`)
      return cp.arn
    })
    const daemon: SimDaemon = {
      arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:daemon/${c.name}/${name}`,
      name,
      clusterArn: c.arn,
      capacityProviderArns: arns,
      createdAt: this.now + this.seq++
    }
    this.daemons.set(daemon.arn, daemon)
    return daemon
  }

  /** ACTIVE, DELETE_IN_PROGRESS (DaemonStatus in the model), or gone once its deletion is over. */
  daemonStatus(d: SimDaemon): 'ACTIVE' | 'DELETE_IN_PROGRESS' | 'GONE' {
    if (d.deleteRequestedAt === undefined) return 'ACTIVE'
    return this.now < d.deleteRequestedAt + this.options.daemonDeleteMs ? 'DELETE_IN_PROGRESS' : 'GONE'
  }

  /**
   * A container instance: an EC2 instance (`ec2InstanceId`, or a made-up one), or with `external`
   * an ECS Anywhere machine, whose id is its Systems Manager managed instance ID.
   */
  registerContainerInstance(
    cluster: string,
    opts: { ec2InstanceId?: string; external?: boolean; capacityProviderName?: string } = {}
  ): SimContainerInstance {
    const c = this.requireCluster(cluster)
    const id = this.hexId()
    const ci: SimContainerInstance = {
      arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:container-instance/${c.name}/${id}`,
      id,
      clusterArn: c.arn,
      seq: this.seq++,
      ec2InstanceId: opts.ec2InstanceId ?? `${opts.external ? 'mi' : 'i'}-${id.slice(0, 17)}`,
      status: 'ACTIVE',
      ...(opts.external ? { external: true } : {}),
      ...(opts.capacityProviderName ? { capacityProviderName: opts.capacityProviderName } : {})
    }
    this.containerInstances.set(ci.arn, ci)
    return ci
  }

  createService(
    cluster: string,
    name: string,
    opts: Partial<
      Pick<
        SimService,
        | 'schedulingStrategy'
        | 'deploymentController'
        | 'desiredCount'
        | 'launchType'
        | 'drainDelayMs'
        | 'stopTimeMs'
        | 'deploymentsActiveUntil'
        | 'capacityProviders'
        | 'serviceConnectNamespace'
        | 'loadBalancers'
        | 'vpcLatticeTargetGroups'
      >
    > & {
      taskSets?: number
      /** Cloud Map service ARNs the tasks of each task set register in (an EXTERNAL service's own). */
      taskSetRegistries?: string[]
      /** A registered revision (ARN or family:revision), or a family; default a family named as the service. */
      taskDefinition?: string
      tags?: Record<string, string>
      /** Cloud Map service ARNs its tasks register in. */
      serviceRegistries?: string[]
      /** When it was created, in virtual time; default now. */
      createdAt?: number
    } = {}
  ): SimService {
    const c = this.requireCluster(cluster)
    const taskDefinitionArn = this.taskDefinitionFor(opts.taskDefinition ?? name)
    const service: SimService = {
      arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:service/${c.name}/${name}`,
      name,
      clusterArn: c.arn,
      seq: this.seq++,
      schedulingStrategy: opts.schedulingStrategy ?? 'REPLICA',
      deploymentController: opts.deploymentController ?? 'ECS',
      desiredCount: opts.schedulingStrategy === 'DAEMON' ? 0 : (opts.desiredCount ?? 1),
      taskDefinitionArn,
      launchType: opts.launchType ?? 'EC2',
      createdAt: opts.createdAt ?? this.now,
      deploymentsActiveUntil: opts.deploymentsActiveUntil,
      drainDelayMs: opts.drainDelayMs ?? 0,
      stopTimeMs: opts.stopTimeMs ?? 30_000,
      capacityProviders: opts.capacityProviders ?? [],
      taskSets: [],
      ...(opts.serviceConnectNamespace ? { serviceConnectNamespace: opts.serviceConnectNamespace } : {}),
      tags: { ...opts.tags },
      serviceRegistries: [...(opts.serviceRegistries ?? [])],
      loadBalancers: opts.loadBalancers ?? [],
      vpcLatticeTargetGroups: opts.vpcLatticeTargetGroups ?? []
    }
    this.services.set(service.arn, service)
    for (let i = 0; i < (opts.taskSets ?? 0); i++) {
      const id = `ecs-svc/${this.hexId().slice(0, 19)}`
      service.taskSets.push({
        arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:task-set/${c.name}/${name}/${id}`,
        id,
        ...(opts.taskSetRegistries ? { serviceRegistries: [...opts.taskSetRegistries] } : {})
      })
    }
    // Start the tasks the scheduler would have started.
    this.reconcile()
    return service
  }

  /**
   * An Express service, as CreateExpressGatewayService makes one: a REPLICA Fargate service whose
   * `resourceManagementType` is ECS, with one current service revision whose `ecsManagedResources`
   * are `managed` (the ECS API model's ECSManagedResources shape).
   */
  createExpressService(
    cluster: string,
    name: string,
    opts: {
      desiredCount?: number
      managed: Record<string, unknown>
      loadBalancers?: SimLoadBalancerRef[]
    }
  ): SimService {
    const s = this.createService(cluster, name, {
      desiredCount: opts.desiredCount ?? 1,
      launchType: 'FARGATE',
      loadBalancers: opts.loadBalancers ?? []
    })
    s.express = {
      revisionArn: `arn:aws:ecs:${this.region}:${ACCOUNT}:service-revision/${cluster}/${name}/${s.seq}${s.seq}`,
      managed: opts.managed
    }
    return s
  }

  /** A CodeDeploy deployment's replacement task set (startedBy CODE_DEPLOY, externalId its ID). */
  addCodeDeployTaskSet(s: SimService, deploymentId: string): void {
    const c = this.clusters.get(s.clusterArn)!
    const id = `ecs-svc/${this.hexId().slice(0, 19)}`
    s.taskSets.push({
      arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:task-set/${c.name}/${s.name}/${id}`,
      id,
      externalId: deploymentId,
      startedBy: 'CODE_DEPLOY'
    })
  }

  /** A gateway (CreateGateway), associated with the clusters named (AssociateGatewayWithCluster). */
  createGateway(name: string, associations: { cluster: string; routeServices?: string[] }[] = []): string {
    const arn = `arn:aws:ecs:${this.region}:${ACCOUNT}:gateway/${name}`
    this.gateways.set(arn, { name })
    for (const a of associations) {
      const c = this.requireCluster(a.cluster)
      this.gatewayAssociations.push({
        gatewayArn: arn,
        clusterArn: c.arn,
        status: 'ACTIVE',
        routeServices: (a.routeServices ?? []).map(n => this.findService(c, n)!.arn)
      })
    }
    return arn
  }

  /** Task scale-in protection on a task, as UpdateTaskProtection sets it (default 2 hours). */
  protectTask(t: SimTask, minutes = 120): void {
    t.protectedUntil = this.now + minutes * 60_000
  }

  /** The association's status now: DISASSOCIATING ends once no service with routes is ACTIVE. */
  associationStatus(a: SimGatewayAssociation): SimGatewayAssociation['status'] {
    if (a.status !== 'DISASSOCIATING') return a.status
    const routed = a.routeServices.some(arn => {
      const s = this.services.get(arn)
      return s !== undefined && this.serviceStatus(s) === 'ACTIVE'
    })
    return routed ? 'DISASSOCIATING' : 'INACTIVE'
  }

  /** A standalone task, as RunTask starts one. */
  runTask(
    cluster: string,
    opts: {
      family?: string
      startedBy?: string
      containerInstanceArn?: string
      stopTimeMs?: number
      neverStops?: boolean
      /** A registered revision (ARN or family:revision); default the latest of `family`. */
      taskDefinition?: string
    } = {}
  ): SimTask {
    const c = this.requireCluster(cluster)
    const taskDefinitionArn = this.taskDefinitionFor(opts.taskDefinition ?? opts.family ?? 'job')
    const family = this.taskDefinitions.get(taskDefinitionArn)!.family
    return this.startTask(c, {
      group: `family:${family}`,
      startedBy: opts.startedBy,
      taskDefinitionArn,
      containerInstanceArn: opts.containerInstanceArn ?? this.pickInstance(c.arn),
      launchType: opts.containerInstanceArn || this.pickInstance(c.arn) ? 'EC2' : 'FARGATE',
      stopTimeMs: opts.stopTimeMs ?? 30_000,
      neverStops: opts.neverStops
    })
  }

  /** A new ACTIVE revision of `family` (revisions count from 1), as RegisterTaskDefinition makes one. */
  registerTaskDefinition(
    family: string,
    opts: { logGroup?: string; logRegion?: string } = {}
  ): SimTaskDefinition {
    const revision = [...this.taskDefinitions.values()].filter(td => td.family === family).length + 1
    const td: SimTaskDefinition = {
      arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:task-definition/${family}:${revision}`,
      family,
      revision,
      status: 'ACTIVE',
      ...(opts.logGroup ? { logGroup: opts.logGroup } : {}),
      ...(opts.logRegion ? { logRegion: opts.logRegion } : {})
    }
    this.taskDefinitions.set(td.arn, td)
    return td
  }

  /** The revision a ref names (ARN, family:revision, or a family's latest ACTIVE one, registered if none). */
  private taskDefinitionFor(ref: string): string {
    const found = this.findTaskDefinition(ref)
    if (found) return found.arn
    if (ref.includes(':')) throw new Error(`no task definition ${ref} in the simulator`)
    return this.registerTaskDefinition(ref).arn
  }

  private findTaskDefinition(ref: string): SimTaskDefinition | undefined {
    const name = ref.slice(ref.lastIndexOf('/') + 1)
    if (name.includes(':')) {
      return [...this.taskDefinitions.values()].find(td => `${td.family}:${td.revision}` === name)
    }
    return [...this.taskDefinitions.values()]
      .filter(td => td.family === name && td.status === 'ACTIVE')
      .sort((a, b) => b.revision - a.revision)[0]
  }

  /**
   * What CloudFormation's handler does to an AWS::ECS::Service it deletes: scale to 0 and delete
   * (its tasks then drain as after DeleteService). A service already deleted is left as it is.
   */
  deleteServiceFromStack(arn: string, at: number): void {
    const s = this.services.get(arn)
    if (!s || s.deletedAt !== undefined) return
    s.deletedAt = at
    if (s.schedulingStrategy === 'REPLICA') s.desiredCount = 0
    for (const t of this.tasksOf(s)) this.scaleIn(t, at + this.options.schedulerDelayMs)
  }

  /** The tasks of a service that are not STOPPED: the instances ECS keeps registered in Cloud Map. */
  liveTasksOf(s: SimService): SimTask[] {
    return this.tasksOf(s).filter(t => !t.orphaned && this.taskStatus(t) !== 'STOPPED')
  }

  /** Removes a service from AWS's memory entirely, as the purge of INACTIVE services does. */
  purgeService(name: string): void {
    for (const s of this.services.values()) if (s.name === name) s.purged = true
  }

  purgeTask(arn: string): void {
    const t = this.tasks.get(arn)
    if (t) t.purged = true
  }

  // ---------------------------------------------------------------- what a test reads

  serviceStatus(s: SimService): 'ACTIVE' | 'DRAINING' | 'INACTIVE' {
    if (s.deletedAt === undefined) return 'ACTIVE'
    // Its tasks were deregistered from its target groups before they stopped: once the last one is
    // STOPPED, ECS marks the service INACTIVE.
    return this.tasksOf(s).some(t => this.taskStatus(t) !== 'STOPPED') ? 'DRAINING' : 'INACTIVE'
  }

  /** How long a task of the service stays DEACTIVATING when told to stop: its target groups' delay. */
  drainDelayOf(s: SimService): number {
    const groups = s.loadBalancers.flatMap(lb => [
      lb.targetGroupArn,
      ...(lb.advancedConfiguration ? [lb.advancedConfiguration.alternateTargetGroupArn] : [])
    ])
    return Math.max(s.drainDelayMs, ...groups.map(arn => this.targetGroupDelayMs(arn) ?? 0))
  }

  /** When a task told to stop is STOPPED (undefined: not told to stop, or it never stops). */
  stopsAt(t: SimTask): number | undefined {
    if (t.stopRequestedAt === undefined || t.neverStops) return undefined
    return t.stopRequestedAt + (t.drainMs ?? 0) + t.stopTimeMs
  }

  taskStatus(t: SimTask): 'PENDING' | 'RUNNING' | 'DEACTIVATING' | 'STOPPING' | 'DEPROVISIONING' | 'STOPPED' {
    const now = this.now
    if (t.stopRequestedAt === undefined || now < t.stopRequestedAt)
      return now - t.createdAt < 2_000 ? 'PENDING' : 'RUNNING'
    if (t.neverStops) return 'STOPPING'
    // Deregistering from the load balancer, then the stop timeout (a short DEACTIVATING without one).
    const elapsed = now - t.stopRequestedAt - (t.drainMs ?? 0)
    if (elapsed >= t.stopTimeMs) return 'STOPPED'
    if (elapsed < t.stopTimeMs * 0.1) return 'DEACTIVATING'
    if (elapsed < t.stopTimeMs * 0.8) return 'STOPPING'
    return 'DEPROVISIONING'
  }

  desiredStatus(t: SimTask): 'RUNNING' | 'STOPPED' {
    return t.stopRequestedAt !== undefined && this.now >= t.stopRequestedAt ? 'STOPPED' : 'RUNNING'
  }

  clusterStatus(c: SimCluster): 'ACTIVE' | 'INACTIVE' {
    return c.deletedAt === undefined ? 'ACTIVE' : 'INACTIVE'
  }

  /** Everything still in a cluster that a teardown should have removed. */
  remaining(clusterName: string): {
    cluster: 'ACTIVE' | 'INACTIVE' | 'MISSING'
    services: string[]
    tasks: string[]
    containerInstances: string[]
    orphanedTasks: string[]
  } {
    const c = [...this.clusters.values()].find(x => x.name === clusterName)
    if (!c) return { cluster: 'MISSING', services: [], tasks: [], containerInstances: [], orphanedTasks: [] }
    return {
      cluster: this.clusterStatus(c),
      services: [...this.services.values()]
        .filter(s => s.clusterArn === c.arn && !s.purged && this.serviceStatus(s) !== 'INACTIVE')
        .map(s => `${s.name}:${this.serviceStatus(s)}`),
      tasks: [...this.tasks.values()]
        .filter(t => t.clusterArn === c.arn && !t.orphaned && this.taskStatus(t) !== 'STOPPED')
        .map(t => t.id),
      containerInstances: [...this.containerInstances.values()]
        .filter(ci => ci.clusterArn === c.arn && ci.status !== 'INACTIVE')
        .map(ci => ci.id),
      orphanedTasks: [...this.tasks.values()].filter(t => t.clusterArn === c.arn && t.orphaned).map(t => t.id)
    }
  }

  countCalls(operation?: string): number {
    return operation
      ? this.calls.filter(c => c.operation === operation && !c.error).length
      : this.calls.length
  }

  mutatingCalls(): string[] {
    return this.calls.filter(c => MUTATING_OPERATIONS.has(c.operation)).map(c => c.operation)
  }

  // ---------------------------------------------------------------- the API

  async send(command: object, opts?: { abortSignal?: AbortSignal }): Promise<unknown> {
    const operation = command.constructor.name.replace(/Command$/, '')
    const input = ((command as { input?: unknown }).input ?? {}) as Record<string, unknown>
    if (opts?.abortSignal?.aborted) throw new CancelledError()
    this.inFlight++
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight)
    try {
      if (this.options.latencyMs > 0) await this.time.sleep(this.options.latencyMs, opts?.abortSignal)
      const record: (typeof this.calls)[number] = { operation, at: this.now, input }
      this.calls.push(record)
      try {
        this.beforeCall?.(operation, input)
        if (this.options.throttleRate > 0 && this.random() < this.options.throttleRate)
          throw throttlingError(operation)
        if (this.options.tokenBuckets && !this.options.tokenBuckets.take(operation, this.now))
          throw throttlingError(operation)
        for (const observe of this.observers) observe(this.now)
        if (this.denied.has(operation) || this.denyWhen?.(operation, input)) {
          throw ecsError(
            'AccessDeniedException',
            `User: arn:aws:sts::${ACCOUNT}:assumed-role/teardown/session is not authorized to perform: ecs:${operation} on resource: ${String(input.cluster ?? '*')} because no identity-based policy allows the ecs:${operation} action`
          )
        }
        this.reconcile()
        const handler = (this as unknown as Record<string, (i: Record<string, unknown>) => unknown>)[
          `op${operation}`
        ]
        if (!handler) throw new Error(`the ECS simulator does not model ${operation}`)
        const out = handler.call(this, input)
        this.reconcile()
        return structuredClone(out)
      } catch (error) {
        record.error = (error as Error).name
        throw error
      }
    } finally {
      this.inFlight--
    }
  }

  // Clusters

  protected opDescribeClusters(input: Record<string, unknown>): unknown {
    const refs = (input.clusters as string[] | undefined) ?? ['default']
    if (refs.length > 100) throw ecsError('InvalidParameterException', 'clusters can have at most 100 items.')
    const include = (input.include as string[] | undefined) ?? []
    const clusters: unknown[] = []
    const failures: unknown[] = []
    for (const ref of refs) {
      const c = this.findCluster(ref)
      if (!c) {
        failures.push({ arn: this.clusterArn(ref), reason: 'MISSING' })
        continue
      }
      const services = [...this.services.values()].filter(s => s.clusterArn === c.arn && !s.purged)
      const tasks = [...this.tasks.values()].filter(t => t.clusterArn === c.arn && !t.orphaned && !t.purged)
      clusters.push({
        clusterArn: c.arn,
        clusterName: c.name,
        status: this.clusterStatus(c),
        activeServicesCount: services.filter(s => this.serviceStatus(s) === 'ACTIVE').length,
        runningTasksCount: tasks.filter(t => this.taskStatus(t) === 'RUNNING').length,
        pendingTasksCount: tasks.filter(t => this.taskStatus(t) === 'PENDING').length,
        registeredContainerInstancesCount: [...this.containerInstances.values()].filter(
          ci => ci.clusterArn === c.arn && ci.status !== 'INACTIVE'
        ).length,
        capacityProviders: [...c.capacityProviders],
        defaultCapacityProviderStrategy: [...c.defaultStrategy],
        attachmentsStatus: this.now < c.attachmentsBusyUntil ? 'UPDATE_IN_PROGRESS' : 'UPDATE_COMPLETE',
        ...(c.serviceConnectNamespace
          ? { serviceConnectDefaults: { namespace: c.serviceConnectNamespace } }
          : {}),
        ...(include.includes('TAGS')
          ? { tags: Object.entries(c.tags).map(([key, value]) => ({ key, value })) }
          : {})
      })
    }
    return { clusters, failures }
  }

  protected opListClusters(input: Record<string, unknown>): unknown {
    const items = [...this.clusters.values()].filter(c => this.clusterStatus(c) === 'ACTIVE')
    const page = this.page(items, input, 100, 100, 'clusters')
    return { clusterArns: page.items.map(c => c.arn), nextToken: page.nextToken }
  }

  protected opDeleteCluster(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    if (this.now < c.attachmentsBusyUntil) {
      // A detach is asynchronous: until it settles the providers are still attached, and AWS says
      // so with a ClientException (hashicorp/terraform-provider-aws#45794).
      if ((c.detaching ?? []).length > 0) throw ecsError('ClientException', CLUSTER_SCOPED_PROVIDERS_ATTACHED)
      throw ecsError('UpdateInProgressException', 'The cluster has an update in progress. Try again later.')
    }
    const services = [...this.services.values()].filter(
      s => s.clusterArn === c.arn && !s.purged && this.serviceStatus(s) !== 'INACTIVE'
    )
    if (services.length > 0) {
      throw ecsError(
        'ClusterContainsServicesException',
        'The Cluster cannot be deleted while Services are active.'
      )
    }
    const tasks = [...this.tasks.values()].filter(
      t => t.clusterArn === c.arn && !t.orphaned && !t.purged && this.taskStatus(t) !== 'STOPPED'
    )
    if (tasks.length > 0) {
      throw ecsError('ClusterContainsTasksException', 'The Cluster cannot be deleted while Tasks are active.')
    }
    if (
      [...this.containerInstances.values()].some(ci => ci.clusterArn === c.arn && ci.status !== 'INACTIVE')
    ) {
      throw ecsError(
        'ClusterContainsContainerInstancesException',
        'The Cluster cannot be deleted while Container Instances are active or draining.'
      )
    }
    // A Managed Instances provider lives in its cluster until it is deleted (with `cluster`): the
    // cluster refuses to go before it, in these words (ekristen/aws-nuke#990).
    if (
      [...this.capacityProviders.values()].some(
        cp => cp.managedInstancesCluster === c.arn && this.capacityProviderState(cp).status !== 'INACTIVE'
      )
    ) {
      throw ecsError('ClientException', CLUSTER_SCOPED_PROVIDERS_ATTACHED)
    }
    if (c.capacityProviders.some(cp => cp !== 'FARGATE' && cp !== 'FARGATE_SPOT')) {
      throw ecsError(
        'ClusterContainsCapacityProviderException',
        'The cluster contains one or more capacity providers. Remove the capacity providers and try again.'
      )
    }
    c.deletedAt = this.now
    return { cluster: { clusterArn: c.arn, clusterName: c.name, status: 'INACTIVE' } }
  }

  protected opPutClusterCapacityProviders(input: Record<string, unknown>): unknown {
    if (!Array.isArray(input.capacityProviders) || !Array.isArray(input.defaultCapacityProviderStrategy)) {
      throw ecsError(
        'InvalidParameterException',
        'capacityProviders and defaultCapacityProviderStrategy are both required (give empty lists to remove all).'
      )
    }
    const c = this.findCluster(String(input.cluster))
    if (!c) throw ecsError('ClusterNotFoundException', 'Cluster not found.')
    if (this.clusterStatus(c) !== 'ACTIVE') throw ecsError('ClientException', 'Cluster was not ACTIVE')
    if (this.now < c.attachmentsBusyUntil) {
      throw ecsError('UpdateInProgressException', 'The cluster has an update in progress. Try again later.')
    }
    const wanted = input.capacityProviders as string[]
    for (const cp of wanted) {
      if (cp !== 'FARGATE' && cp !== 'FARGATE_SPOT' && !this.capacityProviders.has(cp)) {
        throw ecsError('InvalidParameterException', `The specified capacity provider ${cp} does not exist.`)
      }
      // "Amazon ECS Managed Instances doesn't support this" (PutClusterCapacityProviders, API model).
      if (this.capacityProviders.get(cp)?.managedInstancesCluster) {
        throw ecsError(
          'InvalidParameterException',
          `The specified capacity provider ${cp} is an Amazon ECS Managed Instances capacity provider: it is available only within its cluster and cannot be put with PutClusterCapacityProviders.`
        )
      }
    }
    const removed = c.capacityProviders.filter(cp => !wanted.includes(cp))
    for (const cp of removed) {
      const users = [...this.services.values()].filter(
        s =>
          s.clusterArn === c.arn &&
          !s.purged &&
          this.serviceStatus(s) !== 'INACTIVE' &&
          s.capacityProviders.includes(cp)
      )
      if (users.length > 0) {
        throw ecsError(
          'ResourceInUseException',
          `The specified capacity provider ${cp} is in use by service ${users[0]!.name} and cannot be removed.`
        )
      }
    }
    c.capacityProviders = [...wanted]
    c.defaultStrategy = [...(input.defaultCapacityProviderStrategy as SimCluster['defaultStrategy'])]
    c.attachmentsBusyUntil = this.now + this.options.attachmentUpdateMs
    c.detaching = removed.filter(cp => cp !== 'FARGATE' && cp !== 'FARGATE_SPOT')
    return {
      cluster: {
        clusterArn: c.arn,
        clusterName: c.name,
        status: 'ACTIVE',
        capacityProviders: c.capacityProviders
      }
    }
  }

  // Capacity providers

  /** The providers associated with a cluster: attached, still detaching, and its Managed Instances ones. */
  private associatedProviders(c: SimCluster): string[] {
    const detaching = this.now < c.attachmentsBusyUntil ? (c.detaching ?? []) : []
    const managed = [...this.capacityProviders.values()]
      .filter(cp => cp.managedInstancesCluster === c.arn)
      .map(cp => cp.name)
    return [...new Set([...c.capacityProviders, ...detaching, ...managed])]
  }

  /** The clusters a provider is still associated with (its detach may still be under way). */
  private clustersAssociatedWith(name: string): SimCluster[] {
    return [...this.clusters.values()].filter(
      c =>
        this.clusterStatus(c) === 'ACTIVE' &&
        (c.capacityProviders.includes(name) ||
          (this.now < c.attachmentsBusyUntil && (c.detaching ?? []).includes(name)))
    )
  }

  private describeProvider(name: string): unknown {
    if (name === 'FARGATE' || name === 'FARGATE_SPOT') {
      return {
        name,
        status: 'ACTIVE',
        type: name,
        capacityProviderArn: `arn:aws:ecs:${this.region}:${ACCOUNT}:capacity-provider/${name}`
      }
    }
    const cp = this.capacityProviders.get(name)!
    const state = this.capacityProviderState(cp)
    return {
      name: cp.name,
      capacityProviderArn: cp.arn,
      status: state.status,
      updateStatus: state.updateStatus,
      updateStatusReason: state.reason,
      ...(cp.managedInstancesCluster
        ? {
            type: 'MANAGED_INSTANCES',
            cluster: this.clusters.get(cp.managedInstancesCluster)?.name,
            managedInstancesProvider: {
              infrastructureRoleArn: `arn:aws:iam::${ACCOUNT}:role/ecsInfrastructureRole`
            }
          }
        : {
            type: 'EC2_AUTOSCALING',
            autoScalingGroupProvider: { autoScalingGroupArn: cp.autoScalingGroupArn }
          })
    }
  }

  /**
   * With `cluster`: "only capacity providers associated with this cluster are returned, including
   * Amazon ECS Managed Instances capacity providers", in pages of `maxResults` (1–10, default 10)
   * (API model). Without it, a Managed Instances provider is not found: it is cluster-scoped.
   */
  protected opDescribeCapacityProviders(input: Record<string, unknown>): unknown {
    const given = input.capacityProviders as string[] | undefined
    if (given && given.length > 100)
      throw ecsError('InvalidParameterException', 'capacityProviders can have at most 100 items.')
    const nameOf = (ref: string): string => ref.slice(ref.lastIndexOf('/') + 1)
    if (input.cluster !== undefined) {
      const c = this.findCluster(String(input.cluster))
      if (!c) throw ecsError('ClusterNotFoundException', 'Cluster not found.')
      const associated = this.associatedProviders(c)
      if (given) {
        const capacityProviders: unknown[] = []
        const failures: unknown[] = []
        for (const ref of given) {
          if (associated.includes(nameOf(ref))) capacityProviders.push(this.describeProvider(nameOf(ref)))
          else failures.push({ arn: ref, reason: 'MISSING' })
        }
        return { capacityProviders, failures }
      }
      const items = associated.map((name, seq) => ({
        name,
        seq,
        arn: this.capacityProviders.get(name)?.arn ?? name
      }))
      const page = this.page(items, input, 10, 10, `capacity-providers:${c.arn}`)
      return {
        capacityProviders: page.items.map(p => this.describeProvider(p.name)),
        failures: [],
        nextToken: page.nextToken
      }
    }
    const names =
      given ??
      [...this.capacityProviders.values()].filter(cp => !cp.managedInstancesCluster).map(cp => cp.name)
    const capacityProviders: unknown[] = []
    const failures: unknown[] = []
    for (const ref of names) {
      const name = nameOf(ref)
      const cp = this.capacityProviders.get(name)
      if (name !== 'FARGATE' && name !== 'FARGATE_SPOT' && (!cp || cp.managedInstancesCluster)) {
        failures.push({ arn: ref, reason: 'MISSING' })
        continue
      }
      capacityProviders.push(this.describeProvider(name))
    }
    return { capacityProviders, failures }
  }

  protected opDeleteCapacityProvider(input: Record<string, unknown>): unknown {
    const ref = String(input.capacityProvider)
    const name = ref.slice(ref.lastIndexOf('/') + 1)
    if (name === 'FARGATE' || name === 'FARGATE_SPOT') {
      throw ecsError(
        'InvalidParameterException',
        `The ${name} capacity provider is reserved and cannot be deleted.`
      )
    }
    const cp = this.capacityProviders.get(name)
    if (!cp || this.capacityProviderState(cp).status === 'INACTIVE') {
      throw ecsError('InvalidParameterException', `The specified capacity provider ${name} does not exist.`)
    }
    if (cp.managedInstancesCluster) {
      const c = input.cluster === undefined ? undefined : this.findCluster(String(input.cluster))
      if (c?.arn !== cp.managedInstancesCluster) {
        throw ecsError(
          'ClientException',
          'Managed instances capacity providers are cluster-scoped and can only be deleted from their associated cluster.'
        )
      }
      // A daemon pins its provider (ekristen/aws-nuke#990), until its deletion is over.
      if (
        [...this.daemons.values()].some(
          d => d.capacityProviderArns.includes(cp.arn) && this.daemonStatus(d) !== 'GONE'
        )
      ) {
        throw ecsError(
          'ClientException',
          'Cannot delete capacity provider. Daemon services are still associated with this capacity provider.'
        )
      }
      cp.deleteRequestedAt ??= this.now
      return { capacityProvider: this.describeProvider(name) }
    }
    const associated = this.clustersAssociatedWith(name)
    if (associated.length > 0) {
      // Answered 200 with DELETE_FAILED, nothing deleted, ACTIVE as before (ekristen/aws-nuke#542,
      // hashicorp/terraform-provider-aws#48156): also while a detach from the cluster is under way.
      cp.deleteFailedReason = `The capacity provider cannot be deleted because it is associated with cluster: ${associated[0]!.name}. Remove the capacity provider from the cluster and try again.`
      return { capacityProvider: this.describeProvider(name) }
    }
    delete cp.deleteFailedReason
    cp.deleteRequestedAt ??= this.now
    return {
      capacityProvider: {
        name,
        capacityProviderArn: cp.arn,
        status: 'ACTIVE',
        updateStatus: 'DELETE_IN_PROGRESS'
      }
    }
  }

  capacityProviderState(cp: SimCapacityProvider): {
    status: 'ACTIVE' | 'DEPROVISIONING' | 'INACTIVE'
    updateStatus?: string
    reason?: string
  } {
    if (cp.deleteRequestedAt === undefined)
      return cp.deleteFailedReason
        ? { status: 'ACTIVE', updateStatus: 'DELETE_FAILED', reason: cp.deleteFailedReason }
        : { status: 'ACTIVE' }
    if (this.now < cp.deleteRequestedAt + this.options.capacityProviderDeleteMs) {
      // A Managed Instances provider's instances are being shut down (CapacityProviderStatus).
      return {
        status: cp.managedInstancesCluster ? 'DEPROVISIONING' : 'ACTIVE',
        updateStatus: 'DELETE_IN_PROGRESS'
      }
    }
    if (cp.deleteFailsWith)
      return { status: 'ACTIVE', updateStatus: 'DELETE_FAILED', reason: cp.deleteFailsWith }
    return { status: 'INACTIVE', updateStatus: 'DELETE_COMPLETE' }
  }

  // ECS Managed Daemons (ListDaemons, DescribeDaemon, DeleteDaemon in the API model)

  protected opListDaemons(input: Record<string, unknown>): unknown {
    const c = this.findCluster(String(input.clusterArn ?? 'default'))
    if (!c) throw ecsError('ClusterNotFoundException', 'Cluster not found.')
    const byProvider = input.capacityProviderArns as string[] | undefined
    const items = [...this.daemons.values()].filter(
      d =>
        d.clusterArn === c.arn &&
        this.daemonStatus(d) !== 'GONE' &&
        (!byProvider || d.capacityProviderArns.some(arn => byProvider.includes(arn)))
    )
    const page = this.page(items, input, 100, 100, `daemons:${c.arn}`)
    return {
      daemonSummariesList: page.items.map(d => ({
        daemonArn: d.arn,
        status: this.daemonStatus(d),
        createdAt: new Date(d.createdAt),
        updatedAt: new Date(d.deleteRequestedAt ?? d.createdAt)
      })),
      nextToken: page.nextToken
    }
  }

  private requireDaemon(input: Record<string, unknown>): SimDaemon {
    const d = this.daemons.get(String(input.daemonArn))
    if (!d || this.daemonStatus(d) === 'GONE')
      throw ecsError('DaemonNotFoundException', 'The specified daemon was not found.')
    return d
  }

  protected opDescribeDaemon(input: Record<string, unknown>): unknown {
    const d = this.requireDaemon(input)
    return {
      daemon: {
        daemonArn: d.arn,
        clusterArn: d.clusterArn,
        status: this.daemonStatus(d),
        currentRevisions: [
          {
            arn: `${d.arn}/revision/1`,
            capacityProviders: d.capacityProviderArns.map(arn => ({ arn, runningCount: 0 })),
            totalRunningCount: 0
          }
        ],
        createdAt: new Date(d.createdAt)
      }
    }
  }

  /** "The daemon must be in an ACTIVE state to be deleted" (API model). */
  protected opDeleteDaemon(input: Record<string, unknown>): unknown {
    const d = this.requireDaemon(input)
    if (this.daemonStatus(d) !== 'ACTIVE')
      throw ecsError('DaemonNotActiveException', 'The specified daemon is not active.')
    d.deleteRequestedAt = this.now
    return {
      daemonArn: d.arn,
      status: 'DELETE_IN_PROGRESS',
      createdAt: new Date(d.createdAt),
      updatedAt: new Date(this.now),
      deploymentArn: `${d.arn}/deployment/delete`
    }
  }

  // Services

  protected opListServices(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    // DRAINING and INACTIVE services are not listed: only DescribeServices still shows them.
    const items = [...this.services.values()].filter(
      s => s.clusterArn === c.arn && !s.purged && this.serviceStatus(s) === 'ACTIVE'
    )
    const page = this.page(items, input, 10, 100, 'services')
    return { serviceArns: page.items.map(s => s.arn), nextToken: page.nextToken }
  }

  protected opDescribeServices(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const refs = (input.services as string[] | undefined) ?? []
    if (refs.length === 0) throw ecsError('InvalidParameterException', 'Services cannot be empty.')
    if (refs.length > 10) throw ecsError('InvalidParameterException', 'services can have at most 10 items.')
    const include = (input.include as string[] | undefined) ?? []
    const services: unknown[] = []
    const failures: unknown[] = []
    for (const ref of refs) {
      const s = this.findService(c, ref)
      if (!s) {
        failures.push({
          arn: ref.startsWith('arn:') ? ref : `${c.arn.replace(':cluster/', ':service/')}/${ref}`,
          reason: 'MISSING'
        })
        continue
      }
      const tasks = this.tasksOf(s)
      services.push({
        serviceArn: s.arn,
        serviceName: s.name,
        clusterArn: s.clusterArn,
        status: this.serviceStatus(s),
        desiredCount: s.desiredCount,
        runningCount: tasks.filter(t => this.taskStatus(t) === 'RUNNING').length,
        pendingCount: tasks.filter(t => this.taskStatus(t) === 'PENDING').length,
        launchType: s.launchType,
        schedulingStrategy: s.schedulingStrategy,
        deploymentController: { type: s.deploymentController },
        taskDefinition: s.taskDefinitionArn,
        createdAt: new Date(s.createdAt),
        loadBalancers: s.loadBalancers,
        deployments: [
          {
            id: `ecs-svc/${s.seq.toString().padStart(19, '0')}`,
            status: 'PRIMARY',
            taskDefinition: s.taskDefinitionArn,
            desiredCount: s.desiredCount,
            createdAt: new Date(s.createdAt),
            ...(s.serviceConnectNamespace
              ? { serviceConnectConfiguration: { enabled: true, namespace: s.serviceConnectNamespace } }
              : {}),
            ...(s.vpcLatticeTargetGroups.length > 0
              ? {
                  vpcLatticeConfigurations: s.vpcLatticeTargetGroups.map(targetGroupArn => ({
                    roleArn: `arn:aws:iam::${ACCOUNT}:role/ecsInfrastructureRole`,
                    targetGroupArn,
                    portName: 'http'
                  }))
                }
              : {})
          }
        ],
        capacityProviderStrategy: s.capacityProviders.map(cp => ({ capacityProvider: cp, weight: 1 })),
        serviceRegistries: s.serviceRegistries.map(registryArn => ({ registryArn })),
        ...(include.includes('TAGS')
          ? { tags: Object.entries(s.tags).map(([key, value]) => ({ key, value })) }
          : {}),
        ...(s.express
          ? { resourceManagementType: 'ECS', currentServiceRevisions: [{ arn: s.express.revisionArn }] }
          : {}),
        ...(s.deploymentController === 'EXTERNAL' || s.deploymentController === 'CODE_DEPLOY'
          ? {
              taskSets: s.taskSets
                .filter(
                  ts =>
                    ts.deletedAt === undefined ||
                    this.tasksOf(s).some(t => t.taskSetArn === ts.arn && this.taskStatus(t) !== 'STOPPED')
                )
                .map(ts => ({
                  taskSetArn: ts.arn,
                  id: ts.id,
                  status: ts.deletedAt === undefined ? 'ACTIVE' : 'DRAINING',
                  ...(ts.externalId ? { externalId: ts.externalId } : {}),
                  ...(ts.startedBy ? { startedBy: ts.startedBy } : {}),
                  ...(ts.serviceRegistries
                    ? { serviceRegistries: ts.serviceRegistries.map(registryArn => ({ registryArn })) }
                    : {})
                }))
            }
          : {})
      })
    }
    return { services, failures }
  }

  /**
   * UpdateService as another AWS service sends it (Application Auto Scaling setting a desired
   * count): the same rules as the API, without being recorded as a call of the code under test.
   */
  updateServiceFromAws(input: { cluster: string; service: string; desiredCount: number }): void {
    this.opUpdateService(input)
    this.reconcile()
  }

  protected opUpdateService(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const s = this.requireService(c, input.service)
    if (this.serviceStatus(s) !== 'ACTIVE')
      throw ecsError('ServiceNotActiveException', 'Service was not ACTIVE.')
    if (input.desiredCount !== undefined) {
      if (s.schedulingStrategy === 'DAEMON') {
        throw ecsError(
          'InvalidParameterException',
          'The daemon scheduling strategy does not support a desired count for services.'
        )
      }
      const n = Number(input.desiredCount)
      if (!Number.isInteger(n) || n < 0)
        throw ecsError('InvalidParameterException', 'desiredCount must be a non-negative integer.')
      s.desiredCount = n
    }
    return {
      service: { serviceArn: s.arn, serviceName: s.name, status: 'ACTIVE', desiredCount: s.desiredCount }
    }
  }

  protected opDeleteService(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const s = this.requireService(c, input.service)
    if (this.serviceStatus(s) !== 'ACTIVE')
      throw ecsError('ServiceNotActiveException', 'Service was not ACTIVE.')
    if (
      (s.deploymentsActiveUntil !== undefined && this.now < s.deploymentsActiveUntil) ||
      (s.deploymentController === 'CODE_DEPLOY' && this.codeDeployActive?.(s))
    ) {
      throw ecsError(
        'InvalidParameterException',
        'The service cannot be stopped while deployments are active.'
      )
    }
    if (!input.force && s.schedulingStrategy === 'REPLICA' && s.desiredCount > 0) {
      throw ecsError('InvalidParameterException', 'The service cannot be stopped while it is scaled above 0.')
    }
    // Assumption, not documented by AWS: the model refuses to delete an EXTERNAL service whose
    // task sets are still there, the stricter of the two possible behaviours.
    if (s.deploymentController === 'EXTERNAL' && s.taskSets.some(ts => ts.deletedAt === undefined)) {
      throw ecsError(
        'InvalidParameterException',
        'The service cannot be deleted while it has task sets. Delete the task sets first.'
      )
    }
    s.deletedAt = this.now
    if (s.schedulingStrategy === 'REPLICA') s.desiredCount = 0
    for (const t of this.tasksOf(s)) this.scaleIn(t, this.now + this.options.schedulerDelayMs)
    return { service: { serviceArn: s.arn, serviceName: s.name, status: 'DRAINING' } }
  }

  /**
   * DeleteExpressGatewayService (ECS API model): by ARN alone; the service goes DRAINING, its tasks
   * stop, and once they have, ECS removes the service and what it made for it (load balancer, target
   * groups, security groups, scaling). ServiceNotFoundException for an unknown service,
   * ServiceNotActiveException for one not ACTIVE (both in the model's errors). The model refuses a
   * service that is not an Express service with InvalidParameterException (an assumption: AWS text
   * does not say what it answers).
   */
  protected opDeleteExpressGatewayService(input: Record<string, unknown>): unknown {
    const arn = String(input.serviceArn ?? '')
    if (!arn) throw ecsError('InvalidParameterException', 'serviceArn is required.')
    const s = [...this.services.values()].find(x => x.arn === arn && !x.purged)
    const c = s ? this.clusters.get(s.clusterArn) : undefined
    if (!s || !c || this.clusterStatus(c) !== 'ACTIVE')
      throw ecsError('ServiceNotFoundException', 'Service not found.')
    if (!s.express) throw ecsError('InvalidParameterException', 'The service is not an Express service.')
    if (this.serviceStatus(s) !== 'ACTIVE')
      throw ecsError('ServiceNotActiveException', 'Service was not ACTIVE.')
    s.deletedAt = this.now
    s.desiredCount = 0
    s.express.deletedByExpressCall = true
    for (const t of this.tasksOf(s)) this.scaleIn(t, this.now + this.options.schedulerDelayMs)
    return {
      service: {
        cluster: c.arn,
        serviceName: s.name,
        serviceArn: s.arn,
        status: { statusCode: 'DRAINING' },
        createdAt: new Date(s.createdAt)
      }
    }
  }

  /** DescribeServiceRevisions (ECS API model): 1 to 20 ARNs; unknown ones are failures (MISSING). */
  protected opDescribeServiceRevisions(input: Record<string, unknown>): unknown {
    const arns = (input.serviceRevisionArns as string[] | undefined) ?? []
    if (arns.length === 0) throw ecsError('InvalidParameterException', 'serviceRevisionArns cannot be empty.')
    if (arns.length > 20) throw ecsError('InvalidParameterException', 'You can specify a maximum of 20 ARNs.')
    const serviceRevisions: unknown[] = []
    const failures: unknown[] = []
    for (const arn of arns) {
      const s = [...this.services.values()].find(x => x.express?.revisionArn === arn && !x.purged)
      if (!s) {
        failures.push({ arn, reason: 'MISSING' })
        continue
      }
      serviceRevisions.push({
        serviceRevisionArn: arn,
        serviceArn: s.arn,
        clusterArn: s.clusterArn,
        taskDefinition: s.taskDefinitionArn,
        launchType: s.launchType,
        loadBalancers: s.loadBalancers,
        createdAt: new Date(s.createdAt),
        ecsManagedResources: s.express!.managed
      })
    }
    return { serviceRevisions, failures }
  }

  // Gateways

  /** ListGatewayClusterAssociations (ECS API model): filters by gateway, cluster and status (0–3 values); pages of at most 100. */
  protected opListGatewayClusterAssociations(input: Record<string, unknown>): unknown {
    const statuses = input.status as string[] | undefined
    if (statuses && statuses.length > 3)
      throw ecsError('InvalidParameterException', 'status can have at most 3 items.')
    const cluster = input.cluster !== undefined ? this.findCluster(String(input.cluster)) : undefined
    if (input.cluster !== undefined && !cluster) return { gatewayClusterAssociations: [] }
    const gateway = input.gateway !== undefined ? String(input.gateway) : undefined
    const items = this.gatewayAssociations
      .map((a, seq) => ({
        a,
        seq,
        arn: `${a.gatewayArn}|${a.clusterArn}`,
        status: this.associationStatus(a)
      }))
      .filter(
        x =>
          (!cluster || x.a.clusterArn === cluster.arn) &&
          (!gateway || x.a.gatewayArn === gateway || x.a.gatewayArn.endsWith(`/${gateway}`)) &&
          (statuses ? statuses.includes(x.status) : x.status !== 'INACTIVE')
      )
    const page = this.page(items, input, 100, 100, 'gateway-associations')
    return {
      gatewayClusterAssociations: page.items.map(x => ({
        gatewayArn: x.a.gatewayArn,
        clusterArn: x.a.clusterArn,
        status: x.status
      })),
      nextToken: page.nextToken
    }
  }

  /**
   * DisassociateGatewayFromCluster (ECS API model): the association is DISASSOCIATING "until you
   * remove all of the gateway routes for the cluster by updating the associated services" (here:
   * until no service with routes is ACTIVE), then it is gone. GatewayNotFoundException for an
   * unknown gateway, ResourceNotFoundException when the two are not associated.
   */
  protected opDisassociateGatewayFromCluster(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const ref = String(input.gateway ?? '')
    const gatewayArn = [...this.gateways.keys()].find(arn => arn === ref || arn.endsWith(`/${ref}`))
    if (!gatewayArn || this.gateways.get(gatewayArn)!.deleted)
      throw ecsError('GatewayNotFoundException', `Gateway ${ref} not found.`)
    const a = this.gatewayAssociations.find(
      x => x.gatewayArn === gatewayArn && x.clusterArn === c.arn && this.associationStatus(x) !== 'INACTIVE'
    )
    if (!a)
      throw ecsError('ResourceNotFoundException', `Gateway ${ref} is not associated with cluster ${c.name}.`)
    if (a.status === 'ACTIVE') a.status = 'DISASSOCIATING'
    return { gatewayArn, clusterArn: c.arn, status: this.associationStatus(a) }
  }

  /**
   * DeleteGateway (ECS API model): refused while any cluster association is ACTIVE or
   * DISASSOCIATING ("If associations exist, the operation fails; disassociate all clusters first").
   */
  protected opDeleteGateway(input: Record<string, unknown>): unknown {
    const ref = String(input.gateway ?? '')
    const gatewayArn = [...this.gateways.keys()].find(arn => arn === ref || arn.endsWith(`/${ref}`))
    if (!gatewayArn || this.gateways.get(gatewayArn)!.deleted)
      throw ecsError('GatewayNotFoundException', `Gateway ${ref} not found.`)
    const live = this.gatewayAssociations.filter(
      a => a.gatewayArn === gatewayArn && this.associationStatus(a) !== 'INACTIVE'
    )
    if (live.length > 0)
      throw ecsError(
        'ClientException',
        `The gateway cannot be deleted while it has cluster associations in the ACTIVE or DISASSOCIATING state (${live.length}). Disassociate all clusters first.`
      )
    this.gateways.get(gatewayArn)!.deleted = true
    return { gatewayArn, name: this.gateways.get(gatewayArn)!.name, status: 'DELETED' }
  }

  // Task scale-in protection

  /**
   * UpdateTaskProtection (ECS API model): 1 to 10 tasks; `expiresInMinutes` 1 to 2,880 (default
   * 120); a standalone task is a TASK_NOT_VALID failure ("only supported for tasks belonging to an
   * Amazon ECS service"), an unknown one MISSING. Clearing it lets a scale-in the scheduler wanted
   * meanwhile go ahead.
   */
  protected opUpdateTaskProtection(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const refs = (input.tasks as string[] | undefined) ?? []
    if (refs.length === 0) throw ecsError('InvalidParameterException', 'Tasks cannot be empty.')
    if (refs.length > 10) throw ecsError('InvalidParameterException', 'tasks can have at most 10 items.')
    const minutes = input.expiresInMinutes === undefined ? 120 : Number(input.expiresInMinutes)
    if (!Number.isInteger(minutes) || minutes < 1 || minutes > 2880)
      throw ecsError('InvalidParameterException', 'expiresInMinutes must be between 1 and 2880.')
    const protectedTasks: unknown[] = []
    const failures: unknown[] = []
    for (const ref of refs) {
      const t = this.findTask(c, ref)
      if (!t || this.taskStatus(t) === 'STOPPED') {
        failures.push({ arn: ref, reason: 'MISSING' })
        continue
      }
      if (!t.serviceArn) {
        failures.push({ arn: t.arn, reason: 'TASK_NOT_VALID', detail: 'The task is not part of a service.' })
        continue
      }
      if (input.protectionEnabled === true) {
        this.protectTask(t, minutes)
      } else {
        t.protectedUntil = undefined
        if (t.scaleInAt !== undefined) this.requestStop(t, Math.max(this.now, t.scaleInAt))
      }
      protectedTasks.push(this.protection(t))
    }
    return { protectedTasks, failures }
  }

  /** GetTaskProtection (ECS API model): up to 100 tasks; unknown ones are MISSING failures. */
  protected opGetTaskProtection(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const refs = (input.tasks as string[] | undefined) ?? []
    if (refs.length > 100) throw ecsError('InvalidParameterException', 'tasks can have at most 100 items.')
    const protectedTasks: unknown[] = []
    const failures: unknown[] = []
    for (const ref of refs) {
      const t = this.findTask(c, ref)
      if (!t) failures.push({ arn: ref, reason: 'MISSING' })
      else if (!t.serviceArn)
        failures.push({ arn: t.arn, reason: 'TASK_NOT_VALID', detail: 'The task is not part of a service.' })
      else protectedTasks.push(this.protection(t))
    }
    return { protectedTasks, failures }
  }

  private protection(t: SimTask): unknown {
    const on = t.protectedUntil !== undefined && this.now < t.protectedUntil
    return {
      taskArn: t.arn,
      protectionEnabled: on,
      ...(on ? { expirationDate: new Date(t.protectedUntil!) } : {})
    }
  }

  protected opDeleteTaskSet(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const s = this.requireService(c, input.service)
    if (s.deploymentController !== 'EXTERNAL') {
      throw ecsError(
        'InvalidParameterException',
        'Task sets are only supported for services that use the EXTERNAL deployment controller.'
      )
    }
    const ref = String(input.taskSet)
    const ts = s.taskSets.find(x => x.arn === ref || x.id === ref)
    if (!ts || ts.deletedAt !== undefined)
      throw ecsError('TaskSetNotFoundException', 'The specified task set was not found.')
    ts.deletedAt = this.now
    for (const t of this.tasksOf(s).filter(t => t.taskSetArn === ts.arn))
      this.requestStop(t, this.now + this.options.schedulerDelayMs)
    return { taskSet: { taskSetArn: ts.arn, id: ts.id, status: 'DRAINING' } }
  }

  // Task definitions

  protected opDescribeTaskDefinition(input: Record<string, unknown>): unknown {
    const td = this.findTaskDefinition(String(input.taskDefinition ?? ''))
    if (!td) throw ecsError('ClientException', 'Unable to describe task definition.')
    return {
      taskDefinition: {
        taskDefinitionArn: td.arn,
        family: td.family,
        revision: td.revision,
        status: td.status,
        containerDefinitions: [
          {
            name: 'app',
            image: 'public.ecr.aws/nginx/nginx:stable',
            ...(td.logGroup
              ? {
                  logConfiguration: {
                    logDriver: 'awslogs',
                    options: {
                      'awslogs-group': td.logGroup,
                      'awslogs-stream-prefix': td.family,
                      ...(td.logRegion ? { 'awslogs-region': td.logRegion } : {})
                    }
                  }
                }
              : {})
          }
        ]
      }
    }
  }

  /** ACTIVE: families with an ACTIVE revision; INACTIVE: families with none; ALL: both. Pages of ≤100. */
  protected opListTaskDefinitionFamilies(input: Record<string, unknown>): unknown {
    const status = (input.status as string | undefined) ?? 'ACTIVE'
    if (!['ACTIVE', 'INACTIVE', 'ALL'].includes(status))
      throw ecsError('InvalidParameterException', `Invalid status: ${status}.`)
    const families = [...new Set([...this.taskDefinitions.values()].map(td => td.family))]
      .filter(f => !input.familyPrefix || f.startsWith(String(input.familyPrefix)))
      .filter(f => {
        const active = [...this.taskDefinitions.values()].some(
          td => td.family === f && td.status === 'ACTIVE'
        )
        return status === 'ALL' || (status === 'ACTIVE') === active
      })
      .sort()
      .map((family, i) => ({ arn: family, seq: i }))
    const page = this.page(families, input, 100, 100, 'families')
    return { families: page.items.map(f => f.arn), nextToken: page.nextToken }
  }

  /**
   * A revision must be named; it becomes INACTIVE (still describable). Assumed, not verified: a
   * revision already INACTIVE is answered like an ACTIVE one (moto does so).
   */
  protected opDeregisterTaskDefinition(input: Record<string, unknown>): unknown {
    const ref = String(input.taskDefinition ?? '')
    if (!ref.slice(ref.lastIndexOf('/') + 1).includes(':'))
      throw ecsError('ClientException', 'The specified task definition does not exist. Specify a revision.')
    const td = this.findTaskDefinition(ref)
    if (!td) throw ecsError('ClientException', 'The specified task definition does not exist.')
    td.status = 'INACTIVE'
    return {
      taskDefinition: {
        taskDefinitionArn: td.arn,
        family: td.family,
        revision: td.revision,
        status: td.status
      }
    }
  }

  // Tasks

  protected opListTasks(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    if (
      input.startedBy !== undefined &&
      (input.serviceName !== undefined || input.family !== undefined || input.containerInstance !== undefined)
    ) {
      throw ecsError('InvalidParameterException', 'startedBy cannot be combined with other filters.')
    }
    const desired = (input.desiredStatus as string | undefined) ?? 'RUNNING'
    const items = [...this.tasks.values()].filter(t => {
      if (t.clusterArn !== c.arn || t.orphaned || t.purged) return false
      if (this.desiredStatus(t) !== desired) return false
      if (
        input.serviceName !== undefined &&
        t.group !== `service:${String(input.serviceName).split('/').pop()}`
      )
        return false
      if (input.startedBy !== undefined && t.startedBy !== input.startedBy) return false
      if (
        input.containerInstance !== undefined &&
        t.containerInstanceArn !== this.findInstanceArn(c, String(input.containerInstance))
      )
        return false
      return true
    })
    const page = this.page(items, input, 100, 100, 'tasks')
    return { taskArns: page.items.map(t => t.arn), nextToken: page.nextToken }
  }

  protected opDescribeTasks(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const refs = (input.tasks as string[] | undefined) ?? []
    if (refs.length === 0) throw ecsError('InvalidParameterException', 'Tasks cannot be empty.')
    if (refs.length > 100) throw ecsError('InvalidParameterException', 'tasks can have at most 100 items.')
    const tasks: unknown[] = []
    const failures: unknown[] = []
    for (const ref of refs) {
      const t = this.findTask(c, ref)
      if (!t) {
        failures.push({ arn: ref, reason: 'MISSING' })
        continue
      }
      tasks.push(this.describeTask(t))
    }
    return { tasks, failures }
  }

  protected opStopTask(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    if (typeof input.reason === 'string' && input.reason.length > 255) {
      throw ecsError('InvalidParameterException', 'Reason should not be longer than 255 characters.')
    }
    const t = this.findTask(c, String(input.task))
    if (!t) throw ecsError('InvalidParameterException', 'The referenced task was not found.')
    this.requestStop(t, this.now)
    return { task: this.describeTask(t) }
  }

  // Container instances

  protected opListContainerInstances(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const status = input.status as string | undefined
    const items = [...this.containerInstances.values()].filter(
      ci => ci.clusterArn === c.arn && (status ? ci.status === status : ci.status !== 'INACTIVE')
    )
    const page = this.page(items, input, 100, 100, 'container-instances')
    return { containerInstanceArns: page.items.map(ci => ci.arn), nextToken: page.nextToken }
  }

  protected opDescribeContainerInstances(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const refs = (input.containerInstances as string[] | undefined) ?? []
    if (refs.length === 0) throw ecsError('InvalidParameterException', 'ContainerInstances cannot be empty.')
    if (refs.length > 100)
      throw ecsError('InvalidParameterException', 'containerInstances can have at most 100 items.')
    const containerInstances: unknown[] = []
    const failures: unknown[] = []
    for (const ref of refs) {
      const ci = this.containerInstances.get(this.findInstanceArn(c, ref) ?? '')
      if (!ci) {
        failures.push({ arn: ref, reason: 'MISSING' })
        continue
      }
      const tasks = this.tasksOn(ci)
      containerInstances.push({
        containerInstanceArn: ci.arn,
        ec2InstanceId: ci.ec2InstanceId,
        status: ci.status,
        agentConnected: ci.status !== 'INACTIVE',
        attributes: ci.external ? [{ name: 'ecs.capability.external' }] : [],
        ...(ci.capacityProviderName ? { capacityProviderName: ci.capacityProviderName } : {}),
        runningTasksCount: tasks.filter(t => this.taskStatus(t) === 'RUNNING').length,
        pendingTasksCount: tasks.filter(t => this.taskStatus(t) === 'PENDING').length
      })
    }
    return { containerInstances, failures }
  }

  protected opDeregisterContainerInstance(input: Record<string, unknown>): unknown {
    const c = this.requireActiveCluster(input.cluster)
    const ci = this.containerInstances.get(this.findInstanceArn(c, String(input.containerInstance)) ?? '')
    if (!ci || ci.status === 'INACTIVE') {
      throw ecsError('InvalidParameterException', 'The referenced container instance was not found.')
    }
    const running = this.tasksOn(ci).filter(t => this.taskStatus(t) !== 'STOPPED')
    if (running.length > 0 && !input.force) {
      throw ecsError(
        'InvalidParameterException',
        'Found running tasks on the instance. Stop the tasks or use force to deregister the container instance.'
      )
    }
    // Forced: the tasks are orphaned. They keep running on the EC2 instance, out of ECS's sight.
    for (const t of running) t.orphaned = true
    ci.status = 'INACTIVE'
    return {
      containerInstance: { containerInstanceArn: ci.arn, ec2InstanceId: ci.ec2InstanceId, status: 'INACTIVE' }
    }
  }

  // ---------------------------------------------------------------- the scheduler

  /**
   * What the ECS scheduler does between calls: for every ACTIVE service it stops tasks above the
   * desired count and starts replacements below it (so a task stopped while its service is still
   * scaled above 0 comes back); daemon services keep one task per active container instance.
   */
  private reconcile(): void {
    for (const s of this.services.values()) {
      if (s.purged || s.deletedAt !== undefined) continue
      const c = this.clusters.get(s.clusterArn)
      if (!c || this.clusterStatus(c) !== 'ACTIVE') continue
      const live = this.tasksOf(s).filter(
        t => this.desiredStatus(t) === 'RUNNING' && t.stopRequestedAt === undefined
      )
      if (s.schedulingStrategy === 'DAEMON') {
        for (const ci of [...this.containerInstances.values()].filter(
          x => x.clusterArn === c.arn && x.status === 'ACTIVE'
        )) {
          if (!live.some(t => t.containerInstanceArn === ci.arn) && this.replacementDue(s, ci.arn)) {
            this.startServiceTask(c, s, ci.arn)
          }
        }
        continue
      }
      const activeSets = s.taskSets.filter(ts => ts.deletedAt === undefined)
      if (s.deploymentController === 'EXTERNAL' && activeSets.length === 0 && s.taskSets.length > 0) continue
      if (live.length > s.desiredCount) {
        for (const t of live.slice(s.desiredCount)) this.scaleIn(t, this.now + this.options.schedulerDelayMs)
      } else if (live.length < s.desiredCount && this.replacementDue(s)) {
        for (let i = live.length; i < s.desiredCount; i++)
          this.startServiceTask(c, s, this.pickInstance(c.arn), activeSets[0]?.arn)
      }
    }
    // ECS removes what it made for an Express service once the service is INACTIVE.
    for (const s of this.services.values()) {
      if (
        s.express?.deletedByExpressCall &&
        !s.express.infrastructureRemoved &&
        this.serviceStatus(s) === 'INACTIVE'
      ) {
        s.express.infrastructureRemoved = true
        this.onExpressInfrastructureRemoved?.(s)
      }
    }
    for (const t of this.tasks.values()) {
      const stoppedAt = this.stoppedAt(t)
      if (stoppedAt !== undefined && this.now - stoppedAt > STOPPED_TASK_RETENTION_MS) t.purged = true
    }
    // A deleted Managed Instances provider's instances are shut down with it.
    for (const ci of this.containerInstances.values()) {
      const cp = ci.capacityProviderName ? this.capacityProviders.get(ci.capacityProviderName) : undefined
      if (cp?.managedInstancesCluster && this.capacityProviderState(cp).status === 'INACTIVE')
        ci.status = 'INACTIVE'
    }
    for (const s of this.services.values()) {
      if (s.deletedAt !== undefined && !s.purged && this.serviceStatus(s) === 'INACTIVE') {
        const lastStop = Math.max(s.deletedAt, ...this.tasksOf(s).map(t => this.stoppedAt(t) ?? 0))
        if (this.now - lastStop > this.options.purgeInactiveAfterMs) s.purged = true
      }
    }
  }

  /** A replacement starts only once the last stop of the service is replaceDelayMs old. */
  private replacementDue(s: SimService, instanceArn?: string): boolean {
    const stops = this.tasksOf(s)
      .filter(t => instanceArn === undefined || t.containerInstanceArn === instanceArn)
      .map(t => t.stopRequestedAt)
      .filter((x): x is number => x !== undefined)
    if (stops.length === 0) return true
    return this.now - Math.max(...stops) >= this.options.replaceDelayMs
  }

  private startServiceTask(
    c: SimCluster,
    s: SimService,
    containerInstanceArn?: string,
    taskSetArn?: string
  ): SimTask {
    return this.startTask(c, {
      group: `service:${s.name}`,
      startedBy: taskSetArn ? taskSetArn.split('/').pop() : `ecs-svc/${s.seq.toString().padStart(19, '0')}`,
      taskDefinitionArn: s.taskDefinitionArn,
      containerInstanceArn: s.launchType === 'FARGATE' ? undefined : containerInstanceArn,
      launchType: s.launchType,
      stopTimeMs: s.stopTimeMs,
      serviceArn: s.arn,
      taskSetArn
    })
  }

  private startTask(c: SimCluster, t: Omit<SimTask, 'arn' | 'id' | 'clusterArn' | 'createdAt'>): SimTask {
    const id = this.hexId()
    const task: SimTask = {
      ...t,
      arn: `arn:aws:ecs:${this.region}:${ACCOUNT}:task/${c.name}/${id}`,
      id,
      clusterArn: c.arn,
      createdAt: this.now
    }
    this.tasks.set(task.arn, task)
    for (const react of this.onTaskStarted) react(task)
    return task
  }

  /**
   * The scheduler's stop of a service task (a scale-in, or its service's deletion): a task with
   * scale-in protection is left until the protection expires ("will not be terminated by scale-in
   * events from Service Auto Scaling or deployments", ECS API model, UpdateTaskProtection; the model
   * counts a deletion's scale-in to 0 as one). StopTask is no scale-in and stops it at once.
   */
  private scaleIn(t: SimTask, at: number): void {
    if (t.protectedUntil !== undefined && t.protectedUntil > at) {
      t.scaleInAt = at
      this.requestStop(t, t.protectedUntil)
      return
    }
    this.requestStop(t, at)
  }

  private requestStop(t: SimTask, at: number): void {
    if (t.stopRequestedAt === undefined || t.stopRequestedAt > at) {
      t.stopRequestedAt = at
      // A service's task is deregistered from its load balancer first (0 for the others).
      const service = t.serviceArn ? this.services.get(t.serviceArn) : undefined
      t.drainMs = service ? this.drainDelayOf(service) : 0
    }
  }

  private stoppedAt(t: SimTask): number | undefined {
    const at = this.stopsAt(t)
    return at !== undefined && this.now >= at ? at : undefined
  }

  private describeTask(t: SimTask): unknown {
    const svc = t.serviceArn ? this.services.get(t.serviceArn) : undefined
    return {
      taskArn: t.arn,
      clusterArn: t.clusterArn,
      group: t.group,
      startedBy: t.startedBy,
      taskDefinitionArn: t.taskDefinitionArn,
      containerInstanceArn: t.containerInstanceArn,
      launchType: t.launchType,
      lastStatus: this.taskStatus(t),
      desiredStatus: this.desiredStatus(t),
      createdAt: new Date(t.createdAt),
      ...(svc && t.taskSetArn ? { taskSetArn: t.taskSetArn } : {}),
      // awsvpc: the task's ElasticNetworkInterface attachment (ECS model: Attachment.details holds
      // networkInterfaceId, subnetId…); not modelled further than its id and a status.
      ...(t.networkInterfaceId
        ? {
            attachments: [
              {
                id: `${t.id.slice(0, 8)}-0000-4000-8000-${t.id.slice(-12)}`,
                type: 'ElasticNetworkInterface',
                status: this.taskStatus(t) === 'STOPPED' ? 'DETACHED' : 'ATTACHED',
                details: [{ name: 'networkInterfaceId', value: t.networkInterfaceId }]
              }
            ]
          }
        : {})
    }
  }

  // ---------------------------------------------------------------- lookups

  tasksOf(s: SimService): SimTask[] {
    return [...this.tasks.values()].filter(t => t.serviceArn === s.arn && !t.orphaned)
  }

  private tasksOn(ci: SimContainerInstance): SimTask[] {
    return [...this.tasks.values()].filter(t => t.containerInstanceArn === ci.arn && !t.orphaned && !t.purged)
  }

  private pickInstance(clusterArn: string): string | undefined {
    const instances = [...this.containerInstances.values()].filter(
      ci => ci.clusterArn === clusterArn && ci.status === 'ACTIVE'
    )
    if (instances.length === 0) return undefined
    return instances[this.tasks.size % instances.length]!.arn
  }

  private clusterArn(ref: string): string {
    return ref.startsWith('arn:') ? ref : `arn:aws:ecs:${this.region}:${ACCOUNT}:cluster/${ref}`
  }

  private findCluster(ref: string): SimCluster | undefined {
    return this.clusters.get(this.clusterArn(ref))
  }

  private requireCluster(ref: string): SimCluster {
    const c = this.findCluster(ref)
    if (!c) throw new Error(`no cluster ${ref} in the simulator`)
    return c
  }

  /** Calls on a missing or deleted cluster get ClusterNotFoundException, as from AWS. */
  private requireActiveCluster(ref: unknown): SimCluster {
    const c = this.findCluster(String(ref ?? 'default'))
    if (!c || this.clusterStatus(c) !== 'ACTIVE')
      throw ecsError('ClusterNotFoundException', 'Cluster not found.')
    return c
  }

  private findService(c: SimCluster, ref: string): SimService | undefined {
    const name = ref.split('/').pop()
    return [...this.services.values()].find(
      s => s.clusterArn === c.arn && !s.purged && (s.arn === ref || s.name === name)
    )
  }

  private requireService(c: SimCluster, ref: unknown): SimService {
    const s = this.findService(c, String(ref))
    if (!s) throw ecsError('ServiceNotFoundException', 'Service not found.')
    return s
  }

  private findTask(c: SimCluster, ref: string): SimTask | undefined {
    const id = ref.split('/').pop()
    const t = [...this.tasks.values()].find(x => x.clusterArn === c.arn && (x.arn === ref || x.id === id))
    return t && !t.purged && !t.orphaned ? t : undefined
  }

  private findInstanceArn(c: SimCluster, ref: string): string | undefined {
    const id = ref.split('/').pop()
    return [...this.containerInstances.values()].find(
      ci => ci.clusterArn === c.arn && (ci.arn === ref || ci.id === id)
    )?.arn
  }

  /**
   * One page of a list call. The token is a cursor on creation order, so items removed between
   * pages never shift later items out of sight. `maxResults` above the API maximum is refused.
   */
  private page<T extends { seq?: number; createdAt?: number; arn: string }>(
    items: T[],
    input: Record<string, unknown>,
    defaultSize: number,
    maxSize: number,
    kind: string
  ): { items: T[]; nextToken?: string } {
    const size = input.maxResults === undefined ? defaultSize : Number(input.maxResults)
    if (!Number.isInteger(size) || size < 1 || size > maxSize) {
      throw ecsError('InvalidParameterException', `maxResults must be between 1 and ${maxSize}.`)
    }
    const order = (x: T): number => x.seq ?? x.createdAt ?? 0
    const sorted = [...items].sort((a, b) => order(a) - order(b) || a.arn.localeCompare(b.arn))
    let start = 0
    if (input.nextToken !== undefined) {
      let cursor: { kind: string; after: string; order: number }
      try {
        cursor = JSON.parse(Buffer.from(String(input.nextToken), 'base64url').toString()) as typeof cursor
      } catch {
        throw ecsError('InvalidParameterException', 'The nextToken is invalid.')
      }
      if (cursor?.kind !== kind || typeof cursor.order !== 'number') {
        throw ecsError('InvalidParameterException', 'The nextToken is invalid.')
      }
      start = sorted.findIndex(
        x => order(x) > cursor.order || (order(x) === cursor.order && x.arn > cursor.after)
      )
      if (start < 0) start = sorted.length
    }
    const pageItems = sorted.slice(start, start + size)
    const more = start + size < sorted.length
    const last = pageItems[pageItems.length - 1]
    return {
      items: pageItems,
      nextToken:
        more && last
          ? Buffer.from(JSON.stringify({ kind, after: last.arn, order: order(last) })).toString('base64url')
          : undefined
    }
  }

  private hexId(): string {
    let out = ''
    for (let i = 0; i < 32; i++) out += Math.floor(this.random() * 16).toString(16)
    return out
  }

  /** mulberry32: small, seeded, reproducible. */
  private random(): number {
    this.rng |= 0
    this.rng = (this.rng + 0x6d2b79f5) | 0
    let t = Math.imul(this.rng ^ (this.rng >>> 15), 1 | this.rng)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}
