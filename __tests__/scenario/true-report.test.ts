import { describe, expect, it } from '@jest/globals'
import { DeleteServiceCommand } from '@aws-sdk/client-ecs'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { runOnSim } from '../support/harness.js'

// A run that ends early (cancelled, timed out) reports what AWS holds afterwards, and every count
// is what this run removed: what someone else removed is reported apart and not counted.

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

/** Two services whose deletion takes a minute to finish (DRAINING), and a standalone task. */
function slowToDrain(sim: EcsSim, name = 'pr-11') {
  sim.createCluster(name)
  sim.registerContainerInstance(name)
  for (const service of ['web', 'worker'])
    sim.createService(name, service, { desiredCount: 1, drainDelayMs: 60_000, stopTimeMs: 5_000 })
  sim.runTask(name, { family: 'migrate', stopTimeMs: 5_000 })
}

/** Aborts the run at the first call after both DeleteService calls were accepted. */
function cancelAfterDeletes(sim: EcsSim): { signal: AbortSignal; cancelledAt: () => number } {
  const controller = new AbortController()
  let deletes = 0
  let at = 0
  sim.beforeCall = operation => {
    if (operation === 'DeleteService') deletes++
    else if (deletes === 2 && !controller.signal.aborted) {
      at = sim.now
      controller.abort()
    }
  }
  return { signal: controller.signal, cancelledAt: () => at }
}

/** Runs on `slowToDrain`, cancelled right after the DeleteService calls: both services count as deleted, neither as left. */
async function cancelledAfterDeletes(sim: EcsSim) {
  slowToDrain(sim)
  const cancel = cancelAfterDeletes(sim)
  const result = await runOnSim(sim, { cluster: 'pr-11', force: 'true' }, { signal: cancel.signal })
  const c = only(result.report)
  expect(c.outcome).toBe('cancelled')
  expect(c.services.map(s => s.name).sort()).toEqual(['web', 'worker'])
  expect(c.leftovers.filter(l => l.kind === 'service')).toEqual([])
  return { result, c, cancel }
}

/** Every leftover is in AWS, and everything of the cluster AWS holds is a leftover or this run's deleted (DRAINING) service. */
function expectLeftoversMatchAws(sim: EcsSim, c: ClusterReport, outputs: Record<string, string>): void {
  const counts = {
    tasksStopped: outputs['tasks-stopped'],
    servicesDeleted: outputs['services-deleted'],
    clustersDeleted: outputs['clusters-deleted']
  }
  const held = sim.remaining(c.name)
  const ours = new Set(c.services.map(s => s.name))
  const leftServices = c.leftovers.filter(l => l.kind === 'service').map(l => l.id)
  expect(leftServices.sort()).toEqual(
    held.services
      .map(s => s.split(':')[0]!)
      .filter(s => !ours.has(s))
      .sort()
  )
  expect(
    c.leftovers
      .filter(l => l.kind === 'task')
      .map(l => l.id)
      .sort()
  ).toEqual([...held.tasks].sort())
  expect(c.leftovers.some(l => l.kind === 'cluster')).toBe(held.cluster === 'ACTIVE')
  for (const s of c.services) {
    const status = held.services.find(h => h.startsWith(`${s.name}:`))?.split(':')[1] ?? 'INACTIVE'
    expect({ service: s.name, status }).toEqual({
      service: s.name,
      status: s.draining ? 'DRAINING' : 'INACTIVE'
    })
  }
  // Every task of the cluster is counted as this run's, reported as someone else's, or left; a
  // counted one is STOPPED.
  const arn = [...sim.clusters.values()].find(x => x.name === c.name)!.arn
  for (const task of [...sim.tasks.values()].filter(t => t.clusterArn === arn)) {
    const stopped = sim.taskStatus(task) === 'STOPPED'
    const where = c.tasks.some(t => t.arn === task.arn)
      ? 'counted'
      : c.goneBefore?.some(g => g.kind === 'task' && g.id === task.id)
        ? 'gone before'
        : c.leftovers.some(l => l.kind === 'task' && l.id === task.id)
          ? 'left'
          : 'nowhere'
    expect({ task: task.id, stopped, where }).toEqual({
      task: task.id,
      stopped,
      where: stopped ? expect.stringMatching(/^(counted|gone before)$/) : 'left'
    })
  }
  expect(counts.tasksStopped).toBe(String(c.tasks.length))
  expect(counts.servicesDeleted).toBe(String(c.services.length))
  expect(counts.clustersDeleted).toBe(held.cluster === 'ACTIVE' ? '0' : '1')
}

describe('a cancelled run reports what is really left', () => {
  it('cancelled right after the service deletions: the services are reported deleted, not left', async () => {
    const sim = new EcsSim()
    const { result, c, cancel } = await cancelledAfterDeletes(sim)
    expect(result.outputs['services-deleted']).toBe('2')
    expect(c.message).toMatch(/Still there \(AWS read again after the run stopped\): .*cluster/)
    expect(c.leftovers.filter(l => l.fromPlan)).toEqual([])
    expectLeftoversMatchAws(sim, c, result.outputs)
    expect(result.summary).toContain('(DRAINING: AWS finishes the deletion)')
    // Within what the runner leaves after the first signal (SIGTERM at 7.5 s, kill at 10 s).
    expect(sim.now - cancel.cancelledAt()).toBeLessThan(7_500)
  })

  it('when AWS cannot be read again in time, says the leftovers come from the plan, and still counts the deletions', async () => {
    // Every call takes 3 s: the look cannot finish within its 5 s.
    const sim = new EcsSim({ latencyMs: 3_000 })
    const { result, c, cancel } = await cancelledAfterDeletes(sim)
    // What a look would have read again comes from the plan (the EC2 instance was read and recorded during the run).
    const cluster = c.leftovers.filter(l =>
      ['service', 'task', 'container-instance', 'cluster'].includes(l.kind)
    )
    expect(cluster.map(l => l.kind)).toContain('cluster')
    expect(cluster.filter(l => !l.fromPlan)).toEqual([])
    expect(c.message).toMatch(
      /Still there according to the plan \(AWS could not be read again within 5 s, so this is not read from AWS\): .*cluster/
    )
    expect(result.summary).toContain('(from the plan, not read from AWS)')
    expect(sim.now - cancel.cancelledAt()).toBeLessThan(7_500)
  })

  it('a run that times out reports the same way: the tasks that never stop, and the cluster', async () => {
    const sim = new EcsSim()
    sim.createCluster('stuck')
    sim.registerContainerInstance('stuck')
    sim.runTask('stuck', { neverStops: true })
    sim.createService('stuck', 'web', { desiredCount: 1, stopTimeMs: 5_000 })
    const result = await runOnSim(sim, { cluster: 'stuck', 'timeout-minutes': '2', force: 'true' })
    const c = only(result.report)
    expect(c.outcome).toBe('timed-out')
    expectLeftoversMatchAws(sim, c, result.outputs)
    expect(result.outputs['services-deleted']).toBe(String(c.services.length))
  })

  it('cancelled while the cluster deletion is awaited: the fresh look finds it gone, and it is counted', async () => {
    const sim = new EcsSim()
    sim.createCluster('pr-14')
    sim.createService('pr-14', 'web', { desiredCount: 1, launchType: 'FARGATE', stopTimeMs: 5_000 })
    const controller = new AbortController()
    sim.beforeCall = operation => {
      if (operation === 'DeleteCluster') controller.abort()
    }
    const result = await runOnSim(sim, { cluster: 'pr-14', force: 'true' }, { signal: controller.signal })
    const c = only(result.report)
    expect(c.outcome).toBe('cancelled')
    expect(sim.remaining('pr-14').cluster).toBe('INACTIVE')
    expect(c.clusterDeleted).toBe(true)
    expect(c.message).toContain('AWS read again after the run stopped: nothing of the cluster is left')
    expectLeftoversMatchAws(sim, c, result.outputs)
  })
})

describe('counts are this run’s', () => {
  it('does not count a service someone else deleted while the run was waiting, and says so', async () => {
    const sim = new EcsSim()
    sim.createCluster('pr-12')
    sim.registerContainerInstance('pr-12')
    sim.createService('pr-12', 'web', { desiredCount: 2, stopTimeMs: 30_000 })
    sim.createService('pr-12', 'api', { desiredCount: 1, stopTimeMs: 30_000 })
    // Another caller deletes `web` just before this run's DeleteService for it reaches AWS.
    let theirs = false
    sim.beforeCall = (operation, input) => {
      if (theirs || operation !== 'DeleteService' || !String(input.service).endsWith('/web')) return
      theirs = true
      void sim.client.send(new DeleteServiceCommand({ cluster: 'pr-12', service: 'web', force: true }))
    }
    const result = await runOnSim(sim, { cluster: 'pr-12' })
    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(sim.remaining('pr-12').cluster).toBe('INACTIVE')
    expect(c.services.map(s => s.name)).toEqual(['api'])
    expect(result.outputs['services-deleted']).toBe('1')
    expect(c.goneBefore).toEqual([
      {
        kind: 'service',
        id: 'web',
        reason: "ServiceNotActiveException on this run's DeleteService: deleted by someone else"
      }
    ])
    expect(result.summary).toContain('Gone before this run removed them (not counted) (1)')
  })

  it('does not count a task someone else stopped before this run did', async () => {
    const sim = new EcsSim()
    sim.createCluster('pr-13')
    sim.registerContainerInstance('pr-13')
    const mine = sim.runTask('pr-13', { family: 'job', stopTimeMs: 5_000 })
    const theirs = sim.runTask('pr-13', { family: 'job', stopTimeMs: 5_000 })
    // Stopped, then forgotten by AWS, between the inventory and this run's StopTask.
    sim.beforeCall = operation => {
      if (operation === 'StopTask' && !theirs.purged) sim.purgeTask(theirs.arn)
    }
    const result = await runOnSim(sim, { cluster: 'pr-13', force: 'true' })
    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.tasks.map(t => t.id)).toEqual([mine.id])
    expect(result.outputs['tasks-stopped']).toBe('1')
    expect(c.goneBefore).toEqual([
      { kind: 'task', id: theirs.id, reason: "gone before this run's StopTask: stopped by someone else" }
    ])
  })
})
