import { describe, expect, it } from '@jest/globals'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

// What else starts tasks on a cluster (issue 12, part 4): EventBridge Scheduler schedules in every
// group, templated or universal targets, and EventBridge rules on custom event buses; all of it
// stopped before any service is touched, and nothing of a neighbour cluster touched.

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

/**
 * Cluster pr-9 with a service; schedules that start a `cron` task on it every 5 seconds in the
 * default group and in the `previews` group, a universal-target schedule naming it in its input,
 * a rule on the custom bus `deployments`; and the neighbour cluster pr-10 with its own schedules.
 */
function environment() {
  const world = new SimWorld()
  const { ecs, scheduler, events } = world
  const cluster = ecs.createCluster('pr-9')
  ecs.registerContainerInstance('pr-9')
  ecs.createService('pr-9', 'web', { desiredCount: 2 })
  const neighbour = ecs.createCluster('pr-10')
  ecs.registerContainerInstance('pr-10')
  const cron = ecs.registerTaskDefinition('cron')
  scheduler.createGroup('previews')
  scheduler.putEcsSchedule('pr-9-every-5s', cluster.arn, cron.arn, { rateMs: 5_000 })
  scheduler.putEcsSchedule('pr-9-reports', cluster.arn, cron.arn, { rateMs: 5_000, group: 'previews' })
  scheduler.putUniversalSchedule(
    'pr-9-universal',
    { Cluster: 'pr-9', TaskDefinition: cron.arn },
    { rateMs: 5_000, group: 'previews' }
  )
  scheduler.putEcsSchedule('pr-10-every-5s', neighbour.arn, cron.arn, { rateMs: 5_000 })
  scheduler.putUniversalSchedule('pr-10-universal', { Cluster: neighbour.arn, TaskDefinition: cron.arn })
  scheduler.putOtherSchedule('nightly-lambda', 'arn:aws:lambda:us-east-1:123456789012:function:f')
  events.createEventBus('deployments')
  events.putRule('pr-9-on-deploy', { rateMs: 5_000, bus: 'deployments' })
  events.putEcsTarget('pr-9-on-deploy', 'run-cron', cluster.arn, cron.arn, 1, 'deployments')
  return { world, cluster, neighbour, cron }
}

const MINE = ['default/pr-9-every-5s', 'previews/pr-9-reports', 'previews/pr-9-universal']

describe('EventBridge Scheduler schedules and rules on custom buses that start tasks on the cluster', () => {
  it('deletes this cluster’s schedules and removes its rule targets on a custom bus before any service is touched; the neighbour’s stay', async () => {
    const { world, neighbour } = environment()
    await world.ecs.time.sleep(21_000) // the schedules have started tasks already

    const result = await runOnSim(world.ecs, { cluster: 'pr-9' }, { world })

    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-9')).toMatchObject({ cluster: 'INACTIVE', tasks: [], services: [] })
    expect([...world.scheduler.schedules.keys()].sort()).toEqual([
      'default/nightly-lambda',
      'default/pr-10-every-5s',
      'default/pr-10-universal'
    ])
    expect(world.scheduler.schedules.get('default/pr-10-every-5s')!.State).toBe('ENABLED')
    expect(world.events.rules.get('deployments/pr-9-on-deploy')!.targets).toEqual([])
    // Everything that starts tasks was stopped before the first service deletion, and nothing started after.
    const stoppedAt = Math.max(
      ...world.scheduler.calls.filter(c => c.operation === 'DeleteSchedule').map(c => c.at),
      world.events.calls.find(c => c.operation === 'RemoveTargets')!.at
    )
    const firstEcsChange = world.ecs.calls.find(c => c.operation === 'DeleteService')!.at
    expect(stoppedAt).toBeLessThanOrEqual(firstEcsChange)
    const onCluster = [...world.scheduler.started, ...world.events.started].filter(s =>
      s.taskArn.includes(':task/pr-9/')
    )
    expect(onCluster.length).toBeGreaterThan(0)
    expect(onCluster.every(s => s.at <= stoppedAt)).toBe(true)
    // The neighbour's schedules kept starting its tasks.
    expect(
      world.scheduler.started.filter(s => s.schedule === 'default/pr-10-every-5s').length
    ).toBeGreaterThan(4)
    expect(world.ecs.remaining('pr-10').cluster).toBe('ACTIVE')
    expect(neighbour.arn).toContain('pr-10')

    const c = only(result.report)
    expect(c.related?.schedules).toEqual(
      expect.arrayContaining(
        MINE.map(id => ({ group: id.split('/')[0], name: id.split('/')[1], action: 'deleted' }))
      )
    )
    expect(c.related?.schedules).toHaveLength(3)
    expect(c.related?.triggers).toEqual([
      { rule: 'pr-9-on-deploy', bus: 'deployments', targets: ['run-cron'], action: 'targets-removed' }
    ])
    expect(c.related?.found).toMatchObject({ triggers: 1, schedules: 3 })
    // Only the EC2 host is left (terminate-instances is off); nothing that starts tasks.
    expect(c.leftovers.map(l => l.kind)).toEqual(['ec2-instance'])
    expect(result.summary).toContain('| EventBridge Scheduler schedules starting tasks | 3 | 3 | 0 |')
    expect(result.summary).toContain('| EventBridge rules starting tasks | 1 | 1 | 0 |')
    expect(result.summary).toContain('<code>deployments/pr-9-on-deploy</code>: 1 target(s) removed')
  })

  it('disables the schedules with the whole schedule sent back, even one whose StartDate is long past', async () => {
    const { world } = environment()
    await world.ecs.time.sleep(6 * 60_000) // StartDate now lies more than 5 minutes back
    const before = structuredClone(world.scheduler.schedules.get('previews/pr-9-universal')!)

    const result = await runOnSim(world.ecs, { cluster: 'pr-9', triggers: 'disable' }, { world })

    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-9').cluster).toBe('INACTIVE')
    for (const id of MINE) expect(world.scheduler.schedules.get(id)!.State).toBe('DISABLED')
    expect(world.scheduler.schedules.get('default/pr-10-every-5s')!.State).toBe('ENABLED')
    const after = world.scheduler.schedules.get('previews/pr-9-universal')!
    // Nothing but the state changed: the target, its input, the expression, the description.
    expect(after).toMatchObject({
      Target: before.Target,
      ScheduleExpression: before.ScheduleExpression,
      FlexibleTimeWindow: before.FlexibleTimeWindow,
      Description: before.Description
    })
    expect(world.events.rules.get('deployments/pr-9-on-deploy')!.state).toBe('DISABLED')
    expect(only(result.report).related?.schedules.map(s => s.action)).toEqual([
      'disabled',
      'disabled',
      'disabled'
    ])
  })

  it('puts the schedules first in a dry run, changes nothing, and says what disabling needs', async () => {
    const { world } = environment()
    const result = await runOnSim(
      world.ecs,
      { cluster: 'pr-9', 'dry-run': 'true', triggers: 'disable' },
      { world }
    )
    expect(world.mutatingCalls()).toEqual([])
    const plan = only(result.report).plan!
    expect(plan.steps.slice(0, 2)).toEqual([
      {
        description: 'Disable 1 EventBridge rule that start tasks on this cluster',
        resources: ['deployments/pr-9-on-deploy']
      },
      {
        description: 'Disable 3 EventBridge Scheduler schedules that start tasks on this cluster',
        resources: MINE
      }
    ])
    expect(plan.blockers).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schedule default\/pr-9-every-5s will be disabled .*iam:PassRole/)
      ])
    )
  })

  it('lists a denied ListSchedules as a blocker of a dry run, and fails a real run before any change', async () => {
    const { world } = environment()
    world.scheduler.denied.add('ListSchedules')
    const dry = await runOnSim(world.ecs, { cluster: 'pr-9', 'dry-run': 'true' }, { world })
    expect(only(dry.report).plan!.blockers).toEqual(
      expect.arrayContaining([expect.stringMatching(/missing permission: .*scheduler:ListSchedules/)])
    )
    const real = await runOnSim(world.ecs, { cluster: 'pr-9' }, { world })
    expect(real.failed).toMatch(/scheduler:ListSchedules.*triggers: keep/)
    expect(world.mutatingCalls()).toEqual([])
    expect(world.ecs.remaining('pr-9').cluster).toBe('ACTIVE')
  })

  it('does not look at Scheduler or the event buses with triggers: keep', async () => {
    const { world } = environment()
    await runOnSim(world.ecs, { cluster: 'pr-9', triggers: 'keep', force: 'true' }, { world })
    expect(world.scheduler.calls).toEqual([])
    expect(world.events.calls).toEqual([])
  })
})
