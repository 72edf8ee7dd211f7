import { ECS_TOKEN_BUCKETS, EcsSim, TokenBuckets, type TokenBucketSpec } from '../__tests__/sim/ecs-sim.js'
import { VirtualTime } from '../__tests__/sim/virtual-time.js'
import { SimWorld } from '../__tests__/sim/world.js'
import { Defaults } from '../src/settings.js'
import { loadBalancersOf, type Model, type Scenario } from './critical-path.js'

/**
 * The timing model every run gets, on the simulator's virtual clock. The values are typical, not
 * measured on AWS: an ECS API call answers in tens of milliseconds; a task takes ECS's default stop
 * timeout (30 s) to stop; a task behind a load balancer is first deregistered from its target group
 * for the group's deregistration delay (AWS's default is 300 s; 60 s is a common setting for
 * short-lived environments and keeps the drain from hiding everything else); the scheduler acts 1 s
 * after a scale-down or a deletion (the simulator's default). The token buckets are AWS's documented
 * defaults (see ECS_TOKEN_BUCKETS). The concurrency bound and poll interval are the action's own
 * defaults, read from src/settings.ts so that a change there shows up here.
 */
export type SimModel = Model & { buckets: readonly TokenBucketSpec[] }

export const MODEL: SimModel = {
  latencyMs: 50,
  schedulerDelayMs: 1_000,
  stopTimeMs: 30_000,
  drainDelayMs: 60_000,
  maxConcurrency: Defaults.maxConcurrency,
  buckets: ECS_TOKEN_BUCKETS
}

/** The model of `scenario`: the benchmark's, with the scenario's own timing where it has one. */
export function modelOf(scenario: Scenario): SimModel {
  return { ...MODEL, ...scenario.model }
}

/** Every service behind its own target group, 50 services' rules to an Application Load Balancer. */
const BEHIND_ALB = { servicesPerLoadBalancer: 50 }

export const SCENARIOS: Scenario[] = [
  {
    name: 'small',
    clusters: 1,
    workload: { services: 3, tasksPerService: 2, containerInstances: 2, standaloneTasks: 0, ...BEHIND_ALB }
  },
  {
    name: 'medium',
    clusters: 1,
    workload: { services: 50, tasksPerService: 4, containerInstances: 10, standaloneTasks: 20, ...BEHIND_ALB }
  },
  {
    name: 'large',
    clusters: 1,
    workload: { services: 300, tasksPerService: 3, containerInstances: 50, standaloneTasks: 0, ...BEHIND_ALB }
  },
  {
    // 20 clusters in one account and Region: they share its token buckets. The engine sweeps them in
    // one run with the pattern bench-sweep-* (one Pool, one rate limiter; see bench.ts).
    name: 'sweep',
    clusters: 20,
    workload: { services: 50, tasksPerService: 4, containerInstances: 10, standaloneTasks: 20, ...BEHIND_ALB }
  },
  {
    // A fast environment, where the action's own overheads show: no load balancer (services are
    // INACTIVE once their tasks stop), tasks that exit on SIGTERM. The seed-004 loop polls every
    // 0.25 s here, as a script tuned for such an environment would.
    name: 'fast',
    clusters: 1,
    workload: { services: 40, tasksPerService: 2, containerInstances: 2, standaloneTasks: 4 },
    model: { latencyMs: 30, schedulerDelayMs: 300, stopTimeMs: 1_000, drainDelayMs: 0 },
    loopPollMs: 250
  },
  {
    // The medium scenario with a fifth of all calls throttled at random on top of the buckets, as
    // when other callers share the account's buckets.
    name: 'throttled',
    clusters: 1,
    workload: {
      services: 50,
      tasksPerService: 4,
      containerInstances: 10,
      standaloneTasks: 20,
      ...BEHIND_ALB
    },
    throttleRate: 0.2
  }
]

export function clusterName(scenario: Scenario, index: number): string {
  return scenario.clusters === 1
    ? `bench-${scenario.name}`
    : `bench-${scenario.name}-${String(index).padStart(2, '0')}`
}

/**
 * One simulator per cluster, all on one VirtualTime and one set of token buckets: the same account
 * and clock, but each simulator only scans its own cluster's resources on every call, which keeps
 * a 20-cluster sweep fast in real time without changing what any call sees. Each cluster's world
 * holds its load balancers (Elastic Load Balancing answers in the model's latency; it has no token
 * buckets here).
 */
export function buildSims(
  scenario: Scenario,
  model: SimModel = modelOf(scenario)
): { time: VirtualTime; sims: EcsSim[]; worlds: SimWorld[] } {
  const time = new VirtualTime()
  const tokenBuckets = new TokenBuckets(model.buckets)
  const sims: EcsSim[] = []
  const worlds: SimWorld[] = []
  for (let i = 0; i < scenario.clusters; i++) {
    const sim = new EcsSim(
      {
        latencyMs: model.latencyMs,
        schedulerDelayMs: model.schedulerDelayMs,
        tokenBuckets,
        seed: 1000 + i,
        ...(scenario.throttleRate ? { throttleRate: scenario.throttleRate } : {})
      },
      time
    )
    const world = new SimWorld(sim, { elbv2LatencyMs: model.latencyMs })
    populate(world, clusterName(scenario, i), scenario, model)
    sims.push(sim)
    worlds.push(world)
  }
  return { time, sims, worlds }
}

function populate(world: SimWorld, name: string, scenario: Scenario, model: Model): void {
  const w = scenario.workload
  const sim = world.ecs
  const perLoadBalancer = w.servicesPerLoadBalancer
  if (model.drainDelayMs > 0 && !perLoadBalancer)
    throw new Error(`${scenario.name}: a drain delay needs load balancers (servicesPerLoadBalancer)`)
  sim.createCluster(name)
  for (let i = 0; i < w.containerInstances; i++) sim.registerContainerInstance(name)
  const listeners = Array.from({ length: loadBalancersOf(w) }, (_, i) => {
    const lb = world.elbv2.createLoadBalancer(`${name}-${i}`)
    return world.elbv2.createListener(lb.arn, 443)
  })
  for (let i = 0; i < w.services; i++) {
    const service = `svc-${String(i).padStart(3, '0')}`
    const listener = perLoadBalancer ? listeners[Math.floor(i / perLoadBalancer)] : undefined
    const group = listener
      ? world.elbv2.createTargetGroup(`${name}-${i}`.slice(-32), 80, model.drainDelayMs / 1000)
      : undefined
    if (listener && group)
      world.elbv2.createRule(
        listener.arn,
        (i % perLoadBalancer!) + 1,
        `${service}.${name}.example.com`,
        group.arn
      )
    sim.createService(name, service, {
      desiredCount: w.tasksPerService,
      stopTimeMs: model.stopTimeMs,
      ...(group
        ? { loadBalancers: [{ targetGroupArn: group.arn, containerName: 'app', containerPort: 80 }] }
        : {})
    })
  }
  for (let i = 0; i < w.standaloneTasks; i++) {
    sim.runTask(name, { family: 'batch-job', startedBy: 'ci-job', stopTimeMs: model.stopTimeMs })
  }
}
