import { describe, expect, it } from '@jest/globals'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { AutoScalingSim } from '../sim/autoscaling-sim.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

// Service auto scaling during a teardown: a scheduled action that fires while the service drains
// must not start tasks again, and the scalable target must not outlive the service.

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

const WEB = AutoScalingSim.resourceId('pr-3', 'web')

/** A preview cluster whose service drains slowly (2 minutes per task). */
function slowDrain() {
  const world = new SimWorld()
  world.ecs.createCluster('pr-3')
  world.ecs.registerContainerInstance('pr-3')
  const web = world.ecs.createService('pr-3', 'web', { desiredCount: 2, stopTimeMs: 120_000 })
  return { world, web }
}

/** An action that scales the service out to 3 tasks, 60 s after `from` (during the drain). */
function scaleOutAt(world: SimWorld, from: number): void {
  const at = new Date(from + 60_000).toISOString().slice(0, 19)
  world.autoscaling.putScheduledAction(WEB, 'scale-out', `at(${at})`, { min: 3, max: 6 })
}

/** Tasks of `web` that ECS started after the first change to the service (the drain's start). */
function startedAfterDrainBegan(world: SimWorld): number {
  const drainBegan = world.ecs.calls.find(c => ['UpdateService', 'DeleteService'].includes(c.operation))!.at
  return [...world.ecs.tasks.values()].filter(t => t.serviceArn?.endsWith('/web') && t.createdAt > drainBegan)
    .length
}

describe('service auto scaling', () => {
  it('suspends the scalable target before the drain, so a scheduled action firing during it starts nothing, and deregisters it after', async () => {
    const { world } = slowDrain()
    world.autoscaling.registerTarget(WEB, 1, 6)
    world.autoscaling.putStepPolicy(WEB, 'cpu-high')
    scaleOutAt(world, world.ecs.now)

    const result = await runOnSim(world.ecs, { cluster: 'pr-3' }, { world })

    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-3')).toMatchObject({ cluster: 'INACTIVE', services: [], tasks: [] })
    expect(world.autoscaling.events).toMatchObject([{ by: 'scale-out', suspended: true }])
    expect(startedAfterDrainBegan(world)).toBe(0)
    const suspendedAt = world.autoscaling.calls.find(c => c.operation === 'RegisterScalableTarget')!.at
    const firstEcsChange = world.ecs.calls.find(c => c.operation === 'DeleteService')!.at
    expect(suspendedAt).toBeLessThanOrEqual(firstEcsChange)
    expect(world.autoscaling.targets.size).toBe(0)
    const c = only(result.report)
    expect(c.related?.scalableTargets).toEqual([
      { resourceId: WEB, action: 'suspended' },
      { resourceId: WEB, action: 'deregistered' }
    ])
    // The step policy's alarm outlives the policy, and bills.
    expect(world.cloudwatch.alarms.has('cpu-high-alarm')).toBe(true)
    expect(c.leftovers).toContainEqual(
      expect.objectContaining({ kind: 'alarm', id: 'cpu-high-alarm', billing: true })
    )
    expect(result.summary).toMatch(/Still costing money[\s\S]*cpu-high-alarm/)
  })

  it('measured: without the suspension, the same action cannot scale the deleted (DRAINING) service out again', async () => {
    const { world } = slowDrain()
    // Registered only once the drain has begun: the inventory cannot see it, so nothing suspends it.
    let registered = false
    world.ecs.beforeCall = operation => {
      if (registered || operation !== 'DeleteService') return
      registered = true
      world.autoscaling.registerTarget(WEB, 1, 6)
      scaleOutAt(world, world.ecs.now)
    }
    const result = await runOnSim(world.ecs, { cluster: 'pr-3' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-3').cluster).toBe('INACTIVE')
    // The drain is the deletion itself (DeleteService with force, one call): the service is DRAINING
    // when the action fires, ECS refuses its UpdateService, and no task starts.
    expect(world.autoscaling.events).toMatchObject([
      { by: 'scale-out', desiredCount: 3, refused: 'ServiceNotActiveException' }
    ])
    expect(startedAfterDrainBegan(world)).toBe(0)
  })

  it('deletes the orphaned step-scaling alarm with delete-scaling-alarms, and keeps one with other actions', async () => {
    const { world } = slowDrain()
    world.autoscaling.registerTarget(WEB, 1, 6)
    const policy = world.autoscaling.putStepPolicy(WEB, 'cpu-high')
    world.cloudwatch.putAlarm('cpu-page', [policy.arn, 'arn:aws:sns:us-east-1:123456789012:oncall'])
    policy.alarms.push('cpu-page')
    const result = await runOnSim(world.ecs, { cluster: 'pr-3', 'delete-scaling-alarms': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect([...world.cloudwatch.alarms.keys()]).toEqual(['cpu-page'])
    const c = only(result.report)
    expect(c.related?.alarms).toEqual([{ name: 'cpu-high-alarm', action: 'deleted' }])
    expect(c.leftovers.find(l => l.id === 'cpu-page')).toMatchObject({
      kind: 'alarm',
      reason: expect.stringMatching(/other actions too/)
    })
    expect(c.leftovers.find(l => l.id === 'cpu-page')?.billing).toBeUndefined()
  })

  it('shows the suspension first in the plan of a dry run, and changes nothing', async () => {
    const { world } = slowDrain()
    world.autoscaling.registerTarget(WEB, 1, 6)
    const result = await runOnSim(world.ecs, { cluster: 'pr-3', 'dry-run': 'true' }, { world })
    expect(world.mutatingCalls()).toEqual([])
    const steps = only(result.report).plan!.steps
    expect(steps[0]).toMatchObject({
      resources: [WEB],
      description: expect.stringMatching(/^Suspend scaling of 1 scalable target/)
    })
  })

  it('treats a scalable target deregistered since the inventory as gone', async () => {
    const { world } = slowDrain()
    world.autoscaling.registerTarget(WEB, 1, 6)
    world.autoscaling.beforeCall = operation => {
      if (operation === 'DeregisterScalableTarget') world.autoscaling.targets.clear()
    }
    const result = await runOnSim(world.ecs, { cluster: 'pr-3' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.autoscaling.calls.find(c => c.operation === 'DeregisterScalableTarget')?.error).toBe(
      'ObjectNotFoundException'
    )
    expect(only(result.report).leftovers.filter(l => l.kind === 'scalable-target')).toEqual([])
  })

  it('reads every page of scalable targets: 60 services, all suspended and deregistered', async () => {
    const world = new SimWorld()
    world.ecs.createCluster('pr-3')
    for (let i = 0; i < 60; i++) {
      world.ecs.createService('pr-3', `s${i}`, { desiredCount: 0 })
      world.autoscaling.registerTarget(AutoScalingSim.resourceId('pr-3', `s${i}`), 0, 2)
    }
    const result = await runOnSim(world.ecs, { cluster: 'pr-3' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.autoscaling.targets.size).toBe(0)
    const done = only(result.report).related?.scalableTargets ?? []
    expect(done.filter(t => t.action === 'suspended')).toHaveLength(60)
    expect(done.filter(t => t.action === 'deregistered')).toHaveLength(60)
  })

  it('goes on when a scalable target is deregistered between the inventory and its suspension', async () => {
    const { world } = slowDrain()
    world.autoscaling.registerTarget(WEB, 1, 6)
    world.autoscaling.beforeCall = operation => {
      if (operation === 'RegisterScalableTarget') world.autoscaling.targets.clear()
    }
    const result = await runOnSim(world.ecs, { cluster: 'pr-3' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.autoscaling.calls.find(c => c.operation === 'RegisterScalableTarget')?.error).toBe(
      'ValidationException'
    )
    // Nothing was registered again by the attempt.
    expect(world.autoscaling.targets.size).toBe(0)
    expect(world.ecs.remaining('pr-3').cluster).toBe('INACTIVE')
  })
})
