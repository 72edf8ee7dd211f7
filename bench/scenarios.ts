import { ECS_TOKEN_BUCKETS, EcsSim, TokenBuckets, type TokenBucketSpec } from '../__tests__/sim/ecs-sim.js'
import { VirtualTime } from '../__tests__/sim/virtual-time.js'
import { Defaults } from '../src/settings.js'
import type { Model, Scenario } from './critical-path.js'

/**
 * The timing model every run gets, on the simulator's virtual clock. The values are typical, not
 * measured on AWS: an ECS API call answers in tens of milliseconds; a task takes ECS's default stop
 * timeout (30 s) to stop; a service behind a load balancer stays DRAINING for its deregistration
 * delay after its last task stopped (AWS's default is 300 s; 60 s is a common setting for
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

export const SCENARIOS: Scenario[] = [
  {
    name: 'small',
    clusters: 1,
    workload: { services: 3, tasksPerService: 2, containerInstances: 2, standaloneTasks: 0 }
  },
  {
    name: 'medium',
    clusters: 1,
    workload: { services: 50, tasksPerService: 4, containerInstances: 10, standaloneTasks: 20 }
  },
  {
    name: 'large',
    clusters: 1,
    workload: { services: 300, tasksPerService: 3, containerInstances: 50, standaloneTasks: 0 }
  },
  {
    // 20 clusters in one account and Region: they share its token buckets. The engine sweeps them in
    // one run with the pattern bench-sweep-* (one Pool, one rate limiter; see bench.ts).
    name: 'sweep',
    clusters: 20,
    workload: { services: 50, tasksPerService: 4, containerInstances: 10, standaloneTasks: 20 }
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
    workload: { services: 50, tasksPerService: 4, containerInstances: 10, standaloneTasks: 20 },
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
 * a 20-cluster sweep fast in real time without changing what any call sees.
 */
export function buildSims(
  scenario: Scenario,
  model: SimModel = modelOf(scenario)
): { time: VirtualTime; sims: EcsSim[] } {
  const time = new VirtualTime()
  const tokenBuckets = new TokenBuckets(model.buckets)
  const sims: EcsSim[] = []
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
    populate(sim, clusterName(scenario, i), scenario, model)
    sims.push(sim)
  }
  return { time, sims }
}

function populate(sim: EcsSim, name: string, scenario: Scenario, model: Model): void {
  const w = scenario.workload
  sim.createCluster(name)
  for (let i = 0; i < w.containerInstances; i++) sim.registerContainerInstance(name)
  for (let i = 0; i < w.services; i++) {
    sim.createService(name, `svc-${String(i).padStart(3, '0')}`, {
      desiredCount: w.tasksPerService,
      stopTimeMs: model.stopTimeMs,
      drainDelayMs: model.drainDelayMs
    })
  }
  for (let i = 0; i < w.standaloneTasks; i++) {
    sim.runTask(name, { family: 'batch-job', startedBy: 'ci-job', stopTimeMs: model.stopTimeMs })
  }
}
