import {
  DeleteScheduleCommand,
  GetScheduleCommand,
  ListSchedulesCommand,
  UpdateScheduleCommand
} from '@aws-sdk/client-scheduler'
import { describe, expect, it } from '@jest/globals'
import { SimWorld } from './world.js'

// The Scheduler simulator is only worth something if it refuses what EventBridge Scheduler refuses.
// One test per rule.

type Out = Record<string, unknown>
const send = (w: SimWorld, command: object) => w.scheduler.client.send(command) as Promise<Out>

function world() {
  const w = new SimWorld()
  const cluster = w.ecs.createCluster('c1')
  w.ecs.registerContainerInstance('c1')
  const td = w.ecs.registerTaskDefinition('cron')
  return { w, cluster, td }
}

describe('strict EventBridge Scheduler simulator', () => {
  it('starts the task of an ENABLED schedule at each firing, on the cluster, and nothing once DISABLED', async () => {
    const { w, cluster, td } = world()
    w.scheduler.createEcsSchedule('every-minute', cluster.arn, td.arn, { rateMs: 60_000 })
    await w.ecs.time.sleep(120_000)
    await send(w, new ListSchedulesCommand({}))
    expect(w.scheduler.started).toHaveLength(2)
    const got = await send(w, new GetScheduleCommand({ Name: 'every-minute' }))
    await send(
      w,
      new UpdateScheduleCommand({
        Name: 'every-minute',
        ScheduleExpression: got.ScheduleExpression as string,
        FlexibleTimeWindow: { Mode: 'OFF' },
        Target: got.Target as never,
        State: 'DISABLED'
      })
    )
    await w.ecs.time.sleep(120_000)
    await send(w, new ListSchedulesCommand({}))
    expect(w.scheduler.started).toHaveLength(2)
  })

  it('lists every group in pages, each summary with its target Arn only; refuses MaxResults over 100', async () => {
    const { w, cluster, td } = world()
    for (let i = 0; i < 5; i++)
      w.scheduler.createEcsSchedule(`s${i}`, cluster.arn, td.arn, { group: `g${i % 2}` })
    const names: string[] = []
    let token: string | undefined
    do {
      const page = await send(w, new ListSchedulesCommand({ MaxResults: 2, NextToken: token }))
      for (const s of page.Schedules as { Name: string; Target: Record<string, unknown> }[]) {
        names.push(s.Name)
        expect(Object.keys(s.Target)).toEqual(['Arn'])
      }
      token = page.NextToken as string | undefined
    } while (token)
    expect(names.sort()).toEqual(['s0', 's1', 's2', 's3', 's4'])
    expect((await send(w, new ListSchedulesCommand({ GroupName: 'g1' }))).Schedules).toHaveLength(2)
    await expect(send(w, new ListSchedulesCommand({ MaxResults: 101 }))).rejects.toMatchObject({
      name: 'ValidationException'
    })
  })

  it('answers an unknown schedule (or the wrong group) with ResourceNotFoundException', async () => {
    const { w, cluster, td } = world()
    w.scheduler.createEcsSchedule('nightly', cluster.arn, td.arn, { group: 'previews' })
    for (const command of [
      new GetScheduleCommand({ Name: 'nightly' }),
      new DeleteScheduleCommand({ Name: 'nightly' }),
      new DeleteScheduleCommand({ Name: 'other', GroupName: 'previews' })
    ])
      await expect(send(w, command)).rejects.toMatchObject({ name: 'ResourceNotFoundException' })
    await send(w, new DeleteScheduleCommand({ Name: 'nightly', GroupName: 'previews' }))
    expect(w.scheduler.schedules.size).toBe(0)
  })

  it('refuses an UpdateSchedule that does not restate the whole schedule', async () => {
    const { w, cluster, td } = world()
    w.scheduler.createEcsSchedule('nightly', cluster.arn, td.arn)
    await expect(
      send(w, new UpdateScheduleCommand({ Name: 'nightly', State: 'DISABLED' } as never))
    ).rejects.toMatchObject({ name: 'ValidationException' })
    expect(w.scheduler.schedules.get('default/nightly')!.state).toBe('ENABLED')
  })
})
