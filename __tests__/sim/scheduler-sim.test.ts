import {
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  UpdateScheduleCommand
} from '@aws-sdk/client-scheduler'
import { describe, expect, it } from '@jest/globals'
import { UNIVERSAL_RUN_TASK } from './scheduler-sim.js'
import { SimWorld } from './world.js'
import { type Out, rejects, send } from './rule-test.js'

// The EventBridge Scheduler simulator is only worth something if it refuses what AWS refuses
// (botocore `scheduler` 2021-06-30). One test per rule.

function world() {
  const w = new SimWorld()
  const cluster = w.ecs.createCluster('c1')
  w.ecs.registerContainerInstance('c1')
  const td = w.ecs.registerTaskDefinition('cron')
  return { w, cluster, td, scheduler: w.scheduler.client }
}

describe('EventBridge Scheduler simulator', () => {
  it('pages ListSchedules over every group, with Target.Arn only, and refuses MaxResults above 100', async () => {
    const { w, cluster, td, scheduler } = world()
    w.scheduler.createGroup('previews')
    for (let i = 0; i < 120; i++)
      w.scheduler.putEcsSchedule(`s-${String(i).padStart(3, '0')}`, cluster.arn, td.arn, {
        group: i % 2 ? 'previews' : 'default'
      })
    const first = await send(scheduler, new ListSchedulesCommand({ MaxResults: 100 }))
    expect(first.Schedules).toHaveLength(100)
    expect((first.Schedules as Out[])[0]).toEqual({
      Arn: expect.stringMatching(/:schedule\/default\/s-000$/),
      Name: 's-000',
      GroupName: 'default',
      State: 'ENABLED',
      Target: { Arn: cluster.arn }
    })
    const second = await send(
      scheduler,
      new ListSchedulesCommand({ MaxResults: 100, NextToken: first.NextToken as string })
    )
    expect(second.Schedules).toHaveLength(20)
    expect(second.NextToken).toBeUndefined()
    await rejects(send(scheduler, new ListSchedulesCommand({ MaxResults: 101 })), 'ValidationException')
    await rejects(send(scheduler, new ListSchedulesCommand({ MaxResults: 0 })), 'ValidationException')
  })

  it('filters ListSchedules by group, and refuses a group that does not exist', async () => {
    const { w, cluster, td, scheduler } = world()
    w.scheduler.createGroup('previews')
    w.scheduler.putEcsSchedule('a', cluster.arn, td.arn)
    w.scheduler.putEcsSchedule('b', cluster.arn, td.arn, { group: 'previews' })
    const previews = await send(scheduler, new ListSchedulesCommand({ GroupName: 'previews' }))
    expect((previews.Schedules as Out[]).map(s => s.Name)).toEqual(['b'])
    await rejects(
      send(scheduler, new ListSchedulesCommand({ GroupName: 'nope' })),
      'ResourceNotFoundException'
    )
  })

  it('refuses a NextToken from another listing', async () => {
    const { w, cluster, td, scheduler } = world()
    for (let i = 0; i < 3; i++) w.scheduler.putEcsSchedule(`s-${i}`, cluster.arn, td.arn)
    const first = await send(scheduler, new ListSchedulesCommand({ MaxResults: 1 }))
    await rejects(
      send(
        scheduler,
        new ListSchedulesCommand({
          MaxResults: 1,
          GroupName: 'default',
          NextToken: first.NextToken as string
        })
      ),
      'ValidationException'
    )
  })

  it('answers GetSchedule with the whole schedule, in the default group when none is named', async () => {
    const { w, scheduler } = world()
    w.scheduler.putUniversalSchedule('u', { Cluster: 'c1', TaskDefinition: 'cron' })
    const got = await send(scheduler, new GetScheduleCommand({ Name: 'u' }))
    expect(got).toMatchObject({
      Name: 'u',
      GroupName: 'default',
      ScheduleExpression: expect.stringMatching(/^rate\(/),
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: { Arn: UNIVERSAL_RUN_TASK, Input: '{"Cluster":"c1","TaskDefinition":"cron"}' }
    })
  })

  it('answers a schedule that does not exist, or not in that group, with ResourceNotFoundException', async () => {
    const { w, cluster, td, scheduler } = world()
    w.scheduler.createGroup('previews')
    w.scheduler.putEcsSchedule('a', cluster.arn, td.arn, { group: 'previews' })
    await rejects(send(scheduler, new GetScheduleCommand({ Name: 'a' })), 'ResourceNotFoundException')
    await rejects(send(scheduler, new DeleteScheduleCommand({ Name: 'zz' })), 'ResourceNotFoundException')
    await rejects(
      send(
        scheduler,
        new UpdateScheduleCommand({ ...(await whole(scheduler, 'a', 'previews')), Name: 'zz' } as never)
      ),
      'ResourceNotFoundException'
    )
  })

  it('refuses an UpdateSchedule without ScheduleExpression, FlexibleTimeWindow or Target', async () => {
    const { w, cluster, td, scheduler } = world()
    w.scheduler.putEcsSchedule('a', cluster.arn, td.arn)
    const full = await whole(scheduler, 'a')
    for (const field of ['ScheduleExpression', 'FlexibleTimeWindow', 'Target'] as const) {
      const partial: Out = { ...full }
      delete partial[field]
      await rejects(send(scheduler, new UpdateScheduleCommand(partial as never)), 'ValidationException')
    }
    await rejects(
      send(scheduler, new UpdateScheduleCommand({ ...full, Target: { Arn: cluster.arn } } as never)),
      'ValidationException'
    )
    expect(w.scheduler.schedules.get('default/a')!.State).toBe('ENABLED')
  })

  it('replaces the whole schedule on UpdateSchedule: what is left out goes back to its default', async () => {
    const { w, cluster, td, scheduler } = world()
    w.scheduler.putEcsSchedule('a', cluster.arn, td.arn)
    const full = await whole(scheduler, 'a')
    await send(
      scheduler,
      new UpdateScheduleCommand({
        Name: 'a',
        ScheduleExpression: full.ScheduleExpression as string,
        FlexibleTimeWindow: full.FlexibleTimeWindow as never,
        Target: full.Target as never,
        State: 'DISABLED'
      })
    )
    const after = w.scheduler.schedules.get('default/a')!
    expect(after.State).toBe('DISABLED')
    expect(after.Description).toBeUndefined()
  })

  it('refuses a StartDate more than 5 minutes in the past', async () => {
    const { w, cluster, td, scheduler } = world()
    w.scheduler.putEcsSchedule('a', cluster.arn, td.arn)
    await w.ecs.time.sleep(6 * 60_000)
    const full = await whole(scheduler, 'a')
    await rejects(
      send(scheduler, new UpdateScheduleCommand({ ...full, State: 'DISABLED' } as never)),
      'ValidationException',
      /StartDate/
    )
  })

  it('starts a task at every firing while enabled, from a templated or a universal target, and none once deleted', async () => {
    const { w, cluster, td, scheduler } = world()
    w.scheduler.putEcsSchedule('templated', cluster.arn, td.arn, { rateMs: 5_000 })
    w.scheduler.putUniversalSchedule(
      'universal',
      { Cluster: cluster.arn, TaskDefinition: td.arn },
      { rateMs: 5_000 }
    )
    await w.ecs.time.sleep(11_000)
    await send(scheduler, new ListSchedulesCommand({}))
    expect(w.scheduler.started.map(s => s.schedule).sort()).toEqual([
      'default/templated',
      'default/templated',
      'default/universal',
      'default/universal'
    ])
    await send(scheduler, new DeleteScheduleCommand({ Name: 'templated' }))
    await send(scheduler, new DeleteScheduleCommand({ Name: 'universal', GroupName: 'default' }))
    await w.ecs.time.sleep(20_000)
    await send(scheduler, new ListSchedulesCommand({}))
    expect(w.scheduler.started).toHaveLength(4)
  })
})

/** The schedule as GetSchedule returns it, as an UpdateSchedule request. */
async function whole(
  scheduler: { send(c: object): Promise<unknown> },
  name: string,
  group?: string
): Promise<Out> {
  const got = await send(
    scheduler,
    new GetScheduleCommand({ Name: name, ...(group ? { GroupName: group } : {}) })
  )
  const rest: Out = { ...got }
  delete rest.Arn
  return rest
}
