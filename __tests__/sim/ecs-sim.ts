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
  /** An EXTERNAL service's task sets; `serviceRegistries`: the Cloud Map services their tasks register in. */
  taskSets: { arn: string; id: string; deletedAt?: number; serviceRegistries?: string[] }[]
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
  'DeregisterTaskDefinition'
])

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
  capacityProviderDeleteMs: 20_000
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
   * A container instance: an EC2 instance (`ec2InstanceId`, or a made-up one), or with `external`
   * an ECS Anywhere machine, whose id is its Systems Manager managed instance ID.
   */
  registerContainerInstance(
    cluster: string,
    opts: { ec2InstanceId?: string; external?: boolean } = {}
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
      ...(opts.external ? { external: true } : {})
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
    for (const t of this.tasksOf(s)) this.requestStop(t, at + this.options.schedulerDelayMs)
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

  protected opDescribeCapacityProviders(input: Record<string, unknown>): unknown {
    const names = (input.capacityProviders as string[] | undefined) ?? [...this.capacityProviders.keys()]
    if (names.length > 100)
      throw ecsError('InvalidParameterException', 'capacityProviders can have at most 100 items.')
    const capacityProviders: unknown[] = []
    const failures: unknown[] = []
    for (const ref of names) {
      const name = ref.slice(ref.lastIndexOf('/') + 1)
      if (name === 'FARGATE' || name === 'FARGATE_SPOT') {
        capacityProviders.push({
          name,
          status: 'ACTIVE',
          capacityProviderArn: `arn:aws:ecs:${this.region}:${ACCOUNT}:capacity-provider/${name}`
        })
        continue
      }
      const cp = this.capacityProviders.get(name)
      if (!cp) {
        failures.push({ arn: ref, reason: 'MISSING' })
        continue
      }
      const state = this.capacityProviderState(cp)
      capacityProviders.push({
        name: cp.name,
        capacityProviderArn: cp.arn,
        status: state.status,
        updateStatus: state.updateStatus,
        updateStatusReason: state.reason,
        autoScalingGroupProvider: { autoScalingGroupArn: cp.autoScalingGroupArn }
      })
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
    const attached = [...this.clusters.values()].filter(
      c => this.clusterStatus(c) === 'ACTIVE' && c.capacityProviders.includes(name)
    )
    if (attached.length > 0) {
      throw ecsError(
        'ResourceInUseException',
        `The specified capacity provider is in use by cluster ${attached[0]!.name} and cannot be deleted.`
      )
    }
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
    status: 'ACTIVE' | 'INACTIVE'
    updateStatus?: string
    reason?: string
  } {
    if (cp.deleteRequestedAt === undefined) return { status: 'ACTIVE' }
    if (this.now < cp.deleteRequestedAt + this.options.capacityProviderDeleteMs) {
      return { status: 'ACTIVE', updateStatus: 'DELETE_IN_PROGRESS' }
    }
    if (cp.deleteFailsWith)
      return { status: 'ACTIVE', updateStatus: 'DELETE_FAILED', reason: cp.deleteFailsWith }
    return { status: 'INACTIVE', updateStatus: 'DELETE_COMPLETE' }
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
        ...(s.deploymentController === 'EXTERNAL'
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
    if (s.deploymentsActiveUntil !== undefined && this.now < s.deploymentsActiveUntil) {
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
    for (const t of this.tasksOf(s)) this.requestStop(t, this.now + this.options.schedulerDelayMs)
    return { service: { serviceArn: s.arn, serviceName: s.name, status: 'DRAINING' } }
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
        for (const t of live.slice(s.desiredCount))
          this.requestStop(t, this.now + this.options.schedulerDelayMs)
      } else if (live.length < s.desiredCount && this.replacementDue(s)) {
        for (let i = live.length; i < s.desiredCount; i++)
          this.startServiceTask(c, s, this.pickInstance(c.arn), activeSets[0]?.arn)
      }
    }
    for (const t of this.tasks.values()) {
      const stoppedAt = this.stoppedAt(t)
      if (stoppedAt !== undefined && this.now - stoppedAt > STOPPED_TASK_RETENTION_MS) t.purged = true
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
