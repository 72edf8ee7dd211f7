/**
 * What the model makes unavoidable, computed from a scenario's parameters alone (never measured):
 * the fewest calls the ECS API allows for a teardown, and the critical path, the longest chain of
 * waits no teardown can shorten. The benchmark divides what a run measured by these.
 */

/** One cluster's contents. */
export interface Workload {
  services: number
  tasksPerService: number
  containerInstances: number
  /** Tasks that belong to no service (RunTask). */
  standaloneTasks: number
  /**
   * When set, every service is behind its own target group (whose deregistration delay is the
   * model's drain delay), with one listener rule on an Application Load Balancer holding this many
   * services' rules (one listener each; 50 keeps under the default 100 rules a listener).
   */
  servicesPerLoadBalancer?: number
}

export interface Scenario {
  name: string
  /** Clusters torn down together in one account (they share its token buckets and the Pool). */
  clusters: number
  workload: Workload
  /** Where this scenario's timing differs from the benchmark's model. */
  model?: Partial<Omit<Model, 'buckets'>>
  /** Share of calls AWS throttles at random, on top of the token buckets (other callers, say). */
  throttleRate?: number
  /** The seed-004 loop's poll interval here, when not the seed's 5 s. */
  loopPollMs?: number
}

export interface BucketSpec {
  /** AWS's name for the category, when known. */
  category?: string
  operations: readonly string[]
  burst: number
  refillPerSecond: number
}

export interface Model {
  /** Virtual milliseconds each call takes; its effect happens when it answers. */
  latencyMs: number
  /** Delay before the scheduler acts on a scale-down or a deletion. */
  schedulerDelayMs: number
  /** A task's time from the stop request to STOPPED. */
  stopTimeMs: number
  /** How long a deleted service stays DRAINING after its last task stopped (load-balancer drain). */
  drainDelayMs: number
  /** The configured bound on calls in flight (Settings.maxConcurrency). */
  maxConcurrency: number
  /** The account's token buckets; empty for no throttling. */
  buckets: readonly BucketSpec[]
}

/** ECS's largest list page and describe batches (AWS API model; src/constants.ts has the same). */
const PAGE = 100
const DESCRIBE_SERVICES_BATCH = 10
const DESCRIBE_TASKS_BATCH = 100
/** GetTaskProtection: "up to 100 task IDs" (ECS API model). */
const GET_TASK_PROTECTION_BATCH = 100
const DESCRIBE_INSTANCES_BATCH = 100
/** Elastic Load Balancing: 20 target groups by ARN a call; 400 rules a DescribeRules page. */
const DESCRIBE_TARGET_GROUPS_BATCH = 20
const ELB_PAGE = 400

const pages = (n: number): number => Math.max(1, Math.ceil(n / PAGE))
const batches = (n: number, size: number): number => Math.ceil(n / size)

export function tasksOf(w: Workload): number {
  return w.services * w.tasksPerService + w.standaloneTasks
}

/** The load balancers (one listener each) the services' rules are on; 0 without load balancers. */
export function loadBalancersOf(w: Workload): number {
  return w.servicesPerLoadBalancer && w.services > 0 ? Math.ceil(w.services / w.servicesPerLoadBalancer) : 0
}

/** What a teardown of the whole scenario removes: services, tasks, container instances and clusters. */
export function resourcesOf(s: Scenario): number {
  const w = s.workload
  return s.clusters * (w.services + tasksOf(w) + w.containerInstances + 1)
}

/**
 * The fewest calls one cluster's teardown can make, by operation (the definition): one
 * mutating call per resource, the list and describe calls of an inventory at the largest page and
 * batch sizes, and one look per kind of wait, as a poller that knew when to look would make.
 * - DeleteService with force scales a service down and drains it in one call, so a service needs
 *   no UpdateService; the scheduler stops its tasks, so they need no StopTask. Standalone tasks
 *   need one StopTask each; container instances one DeregisterContainerInstance; the cluster one
 *   DeleteCluster.
 * - Inventory: DescribeClusters; ListServices pages and DescribeServices batches of 10; ListTasks
 *   pages for desired RUNNING plus one page for desired STOPPED (tasks on their way down also block
 *   DeleteCluster); DescribeTasks batches of 100 (which tasks are standalone); ListContainerInstances
 *   pages and DescribeContainerInstances batches of 100 (the EC2 instance IDs the report lists).
 * - One look per wait: DescribeServices for INACTIVE, DescribeTasks for STOPPED, DescribeClusters
 *   for the cluster's INACTIVE.
 * - Services behind target groups: what the report of their listener rules and groups needs (the
 *   groups are kept, delete-target-groups being off): DescribeTargetGroups in batches of 20 (their
 *   load balancers), DescribeListeners of each load balancer, DescribeRules pages of each listener
 *   (its services' rules and the default one). Reading the groups' deregistration delays
 *   (DescribeTargetGroupAttributes) only times the waits: it is not part of the minimum.
 * - ECS as it runs today (issue 21): no other call tells what these do, so a teardown that knows
 *   nothing in advance makes each. DescribeCapacityProviders with `cluster` returns every provider
 *   associated with the cluster "including Amazon ECS Managed Instances capacity providers" (API
 *   reference), which must be deleted before the cluster; ListGatewayClusterAssociations, the
 *   gateways associated with it; and in the graceful mode (the benchmark's) GetTaskProtection, in
 *   batches of 100 service tasks, whether a task protected from scale-in would hold its drain until
 *   the protection expires.
 */
export function minimumCalls(w: Workload): Record<string, number> {
  const tasks = tasksOf(w)
  const calls: Record<string, number> = {
    DescribeClusters: 1 + 1,
    ListServices: pages(w.services),
    DescribeServices: 2 * batches(w.services, DESCRIBE_SERVICES_BATCH),
    ListTasks: pages(tasks) + 1,
    DescribeTasks: 2 * batches(tasks, DESCRIBE_TASKS_BATCH),
    ListContainerInstances: pages(w.containerInstances),
    DescribeContainerInstances: batches(w.containerInstances, DESCRIBE_INSTANCES_BATCH),
    DeleteService: w.services,
    StopTask: w.standaloneTasks,
    DeregisterContainerInstance: w.containerInstances,
    DeleteCluster: 1,
    DescribeCapacityProviders: 1,
    ListGatewayClusterAssociations: 1,
    GetTaskProtection: batches(w.services * w.tasksPerService, GET_TASK_PROTECTION_BATCH)
  }
  const loadBalancers = loadBalancersOf(w)
  if (loadBalancers > 0) {
    calls.DescribeTargetGroups = batches(w.services, DESCRIBE_TARGET_GROUPS_BATCH)
    calls.DescribeListeners = loadBalancers
    // Each listener holds servicesPerLoadBalancer rules (the last one fewer) and its default rule.
    calls.DescribeRules = Array.from({ length: loadBalancers }, (_, i) =>
      Math.ceil(
        (Math.min(w.servicesPerLoadBalancer!, w.services - i * w.servicesPerLoadBalancer!) + 1) / ELB_PAGE
      )
    ).reduce((a, b) => a + b, 0)
  }
  for (const [op, n] of Object.entries(calls)) if (n === 0) delete calls[op]
  return calls
}

export function sumCalls(calls: Record<string, number>): number {
  return Object.values(calls).reduce((a, b) => a + b, 0)
}

export interface CriticalPath {
  /** The longest of the chains, virtual milliseconds. */
  ms: number
  /** The chain that sets it. */
  binding: string
  /** Every chain considered, milliseconds. */
  chains: Record<string, number>
}

/**
 * The critical path: the longest of several chains, each of which any graceful teardown must wait
 * through under the model, so each is a lower bound on wall time and so is the longest.
 *
 * L is a call's latency; a call's effect happens when it answers. n calls in parallel take
 * ceil(n / maxConcurrency) rounds of L. A list's pages are sequential (each needs the last
 * nextToken). With token buckets, the n-th call of a bucket cannot answer before
 * (n - burst) / refill seconds (the bucket starts full) plus L.
 *
 * - services: DescribeClusters → ListServices pages → DescribeServices → the last service's first
 *   service-modify call (every service needs one, and in the graceful mode nothing else makes the
 *   scheduler stop its tasks; so the last one comes no earlier than the Pool and the "Service
 *   modify" bucket allow for all the account's services) → scheduler delay → drain delay (behind a
 *   load balancer, ECS deregisters a task from its target groups before SIGTERM) → stop time (the
 *   service is INACTIVE once its last task is STOPPED) → DeleteCluster → DescribeClusters.
 * - instances: the same up to the last task stopping, then DeregisterContainerInstance (an instance
 *   with a running task refuses it) → DeleteCluster → DescribeClusters.
 * - standalone tasks: DescribeClusters → ListTasks pages → DescribeTasks → the last StopTask (Pool
 *   and "Cluster resource modify" bucket) → stop time → DeregisterContainerInstance when there are
 *   instances → DeleteCluster → DescribeClusters.
 * - throughput: the minimum calls of every cluster, maxConcurrency at a time, L each.
 * - bucket <name>: the last of a bucket's minimum calls, from its refill rate alone.
 */
export function criticalPath(s: Scenario, model: Model): CriticalPath {
  const w = s.workload
  const L = model.latencyMs
  const rounds = (n: number): number => Math.ceil(n / model.maxConcurrency) * L
  const perCluster = minimumCalls(w)
  const inBucket = (bucket: BucketSpec): number =>
    s.clusters * bucket.operations.reduce((n, op) => n + (perCluster[op] ?? 0), 0)
  /** When the last of the account's minimum calls of `op`'s bucket can answer, at the earliest. */
  const throttled = (op: string): number => {
    const bucket = model.buckets.find(b => b.operations.includes(op))
    if (!bucket) return 0
    return (Math.max(0, inBucket(bucket) - bucket.burst) / bucket.refillPerSecond) * 1000 + L
  }
  const tail = 2 * L // DeleteCluster, then DescribeClusters to see it INACTIVE
  const chains: Record<string, number> = {}

  if (w.services > 0) {
    const inventory = L + pages(w.services) * L + rounds(batches(w.services, DESCRIBE_SERVICES_BATCH))
    const lastService = Math.max(inventory + rounds(s.clusters * w.services), throttled('DeleteService'))
    const drain = loadBalancersOf(w) > 0 ? model.drainDelayMs : 0
    const lastTaskStopped = lastService + model.schedulerDelayMs + drain + model.stopTimeMs
    chains.services = lastTaskStopped + tail
    if (w.containerInstances > 0 && w.tasksPerService > 0) chains.instances = lastTaskStopped + L + tail
  }
  if (w.standaloneTasks > 0) {
    const tasks = tasksOf(w)
    const inventory = L + pages(tasks) * L + rounds(batches(tasks, DESCRIBE_TASKS_BATCH))
    const lastStop = Math.max(inventory + rounds(s.clusters * w.standaloneTasks), throttled('StopTask'))
    chains.standalone = lastStop + model.stopTimeMs + (w.containerInstances > 0 ? L : 0) + tail
  }
  chains.throughput = (s.clusters * sumCalls(perCluster) * L) / model.maxConcurrency
  for (const bucket of model.buckets) {
    if (inBucket(bucket) === 0) continue
    chains[`bucket ${bucket.category ?? bucket.operations.join('/')}`] = throttled(bucket.operations[0]!)
  }

  let binding = 'throughput'
  for (const [name, ms] of Object.entries(chains)) if (ms > chains[binding]!) binding = name
  return { ms: chains[binding]!, binding, chains }
}
