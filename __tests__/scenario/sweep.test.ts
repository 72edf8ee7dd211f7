import { describe, expect, it } from '@jest/globals'
import { EcsSim, MUTATING_OPERATIONS } from '../sim/ecs-sim.js'
import { ecsError } from '../sim/errors.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

const PREVIEW = { environment: 'preview' }

/**
 * Thirty clusters: 24 tagged previews (one of them excluded, one whose teardown is denied), 3
 * untagged previews, and 3 production clusters that no pattern in these tests may touch.
 */
function thirtyClusters(sim: EcsSim): void {
  for (let i = 0; i < 24; i++) {
    const name = `preview-${String(i).padStart(2, '0')}`
    sim.createCluster(name, { tags: PREVIEW })
    sim.registerContainerInstance(name)
    sim.createService(name, 'web', { desiredCount: 2 })
    sim.runTask(name, { family: 'seed' })
  }
  for (let i = 0; i < 3; i++) {
    sim.createCluster(`preview-untagged-${i}`)
    sim.createService(`preview-untagged-${i}`, 'web', { desiredCount: 1 })
  }
  for (const name of ['production', 'prod-eu', 'payments']) {
    sim.createCluster(name, { tags: { environment: 'production' } })
    sim.createService(name, 'api', { desiredCount: 3 })
  }
}

describe('nightly sweep on the strict simulator', () => {
  it('removes the tagged matches concurrently under one bound, skips the rest, and fails for the one that failed', async () => {
    const sim = new EcsSim({ latencyMs: 40 })
    thirtyClusters(sim)
    sim.beforeCall = (operation, input) => {
      if (operation === 'DeleteService' && String(input.cluster).endsWith('/preview-05')) {
        throw ecsError(
          'AccessDeniedException',
          'User is not authorized to perform: ecs:DeleteService on resource preview-05'
        )
      }
    }
    const result = await runOnSim(sim, {
      cluster: 'preview-*',
      'require-tags': 'environment=preview',
      exclude: 'preview-07',
      'max-clusters': '30'
    })

    const byName = new Map(result.report!.clusters.map(c => [c.name, c]))
    expect(byName.size).toBe(27)
    // 22 removed, one failed, one excluded, three untagged skipped; production never appears.
    const outcomes = [...byName.values()].reduce<Record<string, number>>(
      (acc, c) => ({ ...acc, [c.outcome]: (acc[c.outcome] ?? 0) + 1 }),
      {}
    )
    expect(outcomes).toEqual({ deleted: 22, failed: 1, skipped: 4 })
    expect(byName.get('preview-05')!.outcome).toBe('failed')
    expect(byName.get('preview-07')!.message).toContain("excluded by 'exclude' (preview-07)")
    expect(byName.get('preview-untagged-0')!.message).toContain(
      'lacks the required tag(s) environment=preview'
    )
    expect(result.failed).toContain('preview-05')
    expect(result.outputs['clusters-deleted']).toBe('22')

    for (const name of ['production', 'prod-eu', 'payments', 'preview-07', 'preview-untagged-1']) {
      expect(sim.remaining(name).cluster).toBe('ACTIVE')
    }
    expect(sim.remaining('preview-12').cluster).toBe('INACTIVE')
    // Nothing mutating ever reached a cluster that was not selected.
    const touched = new Set(
      sim.calls.filter(c => MUTATING_OPERATIONS.has(c.operation)).map(c => String(c.input.cluster))
    )
    expect([...touched].some(c => /production|prod-eu|payments|preview-07|untagged/.test(c))).toBe(false)
    // One bound for the whole run: never more than 10 calls in flight across 24 clusters.
    expect(sim.peakInFlight).toBeLessThanOrEqual(10)
    expect(sim.peakInFlight).toBeGreaterThan(5)
    // The clusters ran side by side: far less than 24 sequential teardowns.
    const single = 40_000
    expect(result.elapsedMs).toBeLessThan(6 * single)
    expect(result.summary).toContain('| preview-05 | us-east-1 | ❌ failed |')
    expect(result.summary).toContain('| preview-07 | us-east-1 | ⏭️ skipped |')
  })

  it('refuses a pattern that would match more than max-clusters, before removing anything', async () => {
    const sim = new EcsSim()
    thirtyClusters(sim)
    const result = await runOnSim(sim, { cluster: 'preview-*', 'require-tags': 'environment=preview' })
    expect(result.failed).toMatch(
      /^24 clusters qualify, more than 'max-clusters' \(10\) allows, so nothing was removed: preview-00, preview-01/
    )
    expect(sim.mutatingCalls()).toEqual([])
  })

  it('fails before removing anything when a named cluster lacks the required tags', async () => {
    const sim = new EcsSim()
    thirtyClusters(sim)
    const result = await runOnSim(sim, {
      cluster: 'preview-01\nproduction',
      'require-tags': 'environment=preview'
    })
    expect(result.failed).toMatch(
      /^Cluster production is named in 'cluster' but lacks the required tag\(s\) environment=preview: nothing was removed/
    )
    expect(sim.mutatingCalls()).toEqual([])
  })

  it('only takes clusters idle for longer than older-than; empty clusters qualify', async () => {
    const sim = new EcsSim()
    sim.createCluster('preview-old', { tags: PREVIEW })
    sim.createService('preview-old', 'web', { desiredCount: 1 })
    sim.createCluster('preview-empty', { tags: PREVIEW })
    await sim.time.sleep(13 * 3_600_000)
    sim.createCluster('preview-fresh', { tags: PREVIEW })
    sim.createService('preview-fresh', 'web', { desiredCount: 1 })
    const result = await runOnSim(sim, {
      cluster: 'preview-*',
      'require-tags': 'environment=preview',
      'older-than': '12h'
    })
    expect(result.failed).toBeUndefined()
    const outcome = Object.fromEntries(result.report!.clusters.map(c => [c.name, c.outcome]))
    expect(outcome).toEqual({
      'preview-old': 'deleted',
      'preview-empty': 'deleted',
      'preview-fresh': 'skipped'
    })
    expect(sim.remaining('preview-fresh').cluster).toBe('ACTIVE')
  })
})

/**
 * Three clusters of one sweep; two run the same task definition revision, which writes to one log
 * group: a cluster of the sweep is another user of them until it is gone.
 */
function sharedRevisionSweep(): { world: SimWorld; shared: string } {
  const world = new SimWorld()
  const { ecs, logs } = world
  const shared = ecs.registerTaskDefinition('shared-web', { logGroup: '/ecs/shared-web' }).arn
  const own = ecs.registerTaskDefinition('nightly-c-web', { logGroup: '/ecs/nightly-c' }).arn
  for (const name of ['nightly-a', 'nightly-b', 'nightly-c']) {
    ecs.createCluster(name, { tags: PREVIEW })
    ecs.createService(name, 'web', {
      desiredCount: 1,
      launchType: 'FARGATE',
      taskDefinition: name === 'nightly-c' ? own : shared
    })
  }
  for (const g of ['/ecs/shared-web', '/ecs/nightly-c']) logs.createLogGroup(g)
  // Outside the sweep: read by the look at the other clusters, never touched.
  ecs.createCluster('production', { tags: { environment: 'production' } })
  ecs.createService('production', 'api', { desiredCount: 1, launchType: 'FARGATE' })
  return { world, shared }
}

const SWEEP_WITH_REMOVALS = {
  cluster: 'nightly-*',
  'require-tags': 'environment=preview',
  'deregister-task-definitions': 'true',
  'delete-log-groups': 'true'
}

describe('a sweep whose clusters share a revision and its log group', () => {
  it('keeps them while the other cluster that uses them is still there (its teardown failed)', async () => {
    const { world, shared } = sharedRevisionSweep()
    world.ecs.beforeCall = (operation, input) => {
      if (operation === 'DeleteService' && String(input.cluster).endsWith('/nightly-b'))
        throw ecsError('AccessDeniedException', 'User is not authorized to perform: ecs:DeleteService')
    }
    await world.ecs.time.sleep(10_000)
    const result = await runOnSim(world.ecs, SWEEP_WITH_REMOVALS, { world })

    const byName = new Map(result.report!.clusters.map(c => [c.name, c]))
    expect(byName.get('nightly-a')!.outcome).toBe('deleted')
    expect(byName.get('nightly-b')!.outcome).toBe('failed')
    expect(byName.get('nightly-c')!.outcome).toBe('deleted')
    // What AWS holds: the shared revision and its log group stay, nightly-c's own are gone.
    expect(world.ecs.taskDefinitions.get(shared)!.status).toBe('ACTIVE')
    expect(world.logs.groups.has('/ecs/shared-web')).toBe(true)
    expect(world.logs.groups.has('/ecs/nightly-c')).toBe(false)
    // And the report of nightly-a says why, naming the cluster of the sweep that still uses them.
    const a = byName.get('nightly-a')!
    expect(a.leftovers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'task-definition',
          id: 'shared-web:1',
          reason: expect.stringContaining('cluster nightly-b (service web)')
        }),
        expect.objectContaining({
          kind: 'log-group',
          id: '/ecs/shared-web',
          reason: expect.stringContaining('cluster nightly-b (service web)')
        })
      ])
    )
    // No look of its own at the sweep's clusters: each one's services are listed by its own
    // inventory only (nightly-b once more by the fresh look at what its failed run left).
    const listed = (cluster: string): number =>
      world.ecs.calls.filter(c => c.operation === 'ListServices' && String(c.input.cluster).endsWith(cluster))
        .length
    expect([listed('nightly-a'), listed('nightly-b'), listed('nightly-c')]).toEqual([1, 2, 1])
    // The cluster outside the sweep: one look for the plans of all three, then one fresh look right
    // before the removals of each of the two that got there.
    expect(listed('production')).toBe(1 + 2)
  })

  it('removes them once every cluster that used them is gone (the last one removes them)', async () => {
    const { world, shared } = sharedRevisionSweep()
    await world.ecs.time.sleep(10_000)
    const result = await runOnSim(world.ecs, SWEEP_WITH_REMOVALS, { world })

    expect(result.report!.clusters.map(c => c.outcome)).toEqual(['deleted', 'deleted', 'deleted'])
    expect(world.ecs.taskDefinitions.get(shared)!.status).toBe('INACTIVE')
    expect(world.logs.groups.has('/ecs/shared-web')).toBe(false)
    // Nothing is reported left that AWS no longer holds.
    for (const c of result.report!.clusters)
      expect(c.leftovers.filter(l => l.kind === 'task-definition' || l.kind === 'log-group')).toEqual([])
  })
})
