import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  RegisterScalableTargetCommand
} from '@aws-sdk/client-application-auto-scaling'
import { DeleteAlarmsCommand, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch'
import { DeleteServiceCommand, DescribeClustersCommand } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { AutoScalingSim, ECS_DIMENSION } from './autoscaling-sim.js'
import { SimWorld } from './world.js'
import { rejects, send } from './rule-test.js'

// The Application Auto Scaling and CloudWatch simulators are only worth something if they refuse
// what AWS refuses and scale when AWS scales. One test per rule.

const id = (s: string) => AutoScalingSim.resourceId('c1', s)
const key = (s: string) => ({
  ServiceNamespace: 'ecs' as const,
  ResourceId: id(s),
  ScalableDimension: ECS_DIMENSION as 'ecs:service:DesiredCount'
})

function world() {
  const w = new SimWorld()
  w.ecs.createCluster('c1')
  w.ecs.registerContainerInstance('c1')
  const web = w.ecs.createService('c1', 'web', { desiredCount: 1 })
  w.autoscaling.registerTarget(id('web'), 1, 10)
  /** Any ECS call: lets the models that act by themselves catch up with virtual time. */
  const tick = () => send(w.ecs.client, new DescribeClustersCommand({ clusters: ['c1'] }))
  return { w, web, tick, aas: w.autoscaling.client, cw: w.cloudwatch.client }
}

describe('Application Auto Scaling simulator', () => {
  it('pages the three describes with NextToken, MaxResults 1 to 50, and needs ServiceNamespace', async () => {
    const { w, aas } = world()
    for (let i = 0; i < 60; i++) {
      w.autoscaling.registerTarget(id(`s${String(i).padStart(2, '0')}`))
      w.autoscaling.putScheduledAction(id('web'), `a${i}`, 'rate(1 day)', { min: 1 })
      w.autoscaling.putTargetTrackingPolicy(id('web'), `p${i}`)
    }
    const first = await send(
      aas,
      new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 50 })
    )
    expect(first.ScalableTargets).toHaveLength(50)
    const rest = await send(
      aas,
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'ecs',
        MaxResults: 50,
        NextToken: first.NextToken as string
      })
    )
    expect(rest.ScalableTargets).toHaveLength(11)
    expect(rest.NextToken).toBeUndefined()
    await rejects(
      send(aas, new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', MaxResults: 51 })),
      'ValidationException'
    )
    await rejects(send(aas, new DescribeScalableTargetsCommand({} as never)), 'ValidationException')
    await rejects(
      send(
        aas,
        new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', NextToken: first.NextToken as string })
      ),
      'InvalidNextTokenException'
    )
    const policies = await send(
      aas,
      new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: id('web') })
    )
    expect(policies.ScalingPolicies).toHaveLength(50)
    expect(policies.NextToken).toBeDefined()
    const actions = await send(
      aas,
      new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', MaxResults: 20 })
    )
    expect(actions.ScheduledActions).toHaveLength(20)
    await rejects(
      send(aas, new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', MaxResults: 0 })),
      'ValidationException'
    )
  })

  it('DescribeScalableTargets: at most 50 ResourceIds, ScalableDimension only with ResourceIds, no prefix filter', async () => {
    const { w, aas } = world()
    w.autoscaling.registerTarget(AutoScalingSim.resourceId('c10', 'web'))
    const ids = Array.from({ length: 51 }, (_, i) => id(`s${i}`))
    await rejects(
      send(aas, new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: ids })),
      'ValidationException',
      /less than or equal to 50/
    )
    await rejects(
      send(
        aas,
        new DescribeScalableTargetsCommand({
          ServiceNamespace: 'ecs',
          ScalableDimension: ECS_DIMENSION as never
        })
      ),
      'ValidationException',
      /must also specify a resource ID/
    )
    const byId = await send(
      aas,
      new DescribeScalableTargetsCommand({
        ServiceNamespace: 'ecs',
        ResourceIds: ids.slice(0, 50),
        ScalableDimension: ECS_DIMENSION as never
      })
    )
    expect(byId.ScalableTargets).toEqual([])
    // Without ResourceIds: every target of the namespace, of every cluster.
    const all = await send(aas, new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }))
    expect((all.ScalableTargets as { ResourceId: string }[]).map(t => t.ResourceId)).toEqual([
      id('web'),
      AutoScalingSim.resourceId('c10', 'web')
    ])
  })

  it('answers ObjectNotFoundException when deregistering a target that is not registered', async () => {
    const { aas } = world()
    await rejects(
      send(aas, new DeregisterScalableTargetCommand(key('nope'))),
      'ObjectNotFoundException',
      /service\/c1\/nope/
    )
  })

  it('registers a new target only with capacities and for an ACTIVE service, and suspends a registered one', async () => {
    const { w, aas } = world()
    await rejects(send(aas, new RegisterScalableTargetCommand(key('api'))), 'ValidationException')
    await rejects(
      send(aas, new RegisterScalableTargetCommand({ ...key('api'), MinCapacity: 1, MaxCapacity: 2 })),
      'ValidationException',
      /doesn't exist/
    )
    await send(
      aas,
      new RegisterScalableTargetCommand({
        ...key('web'),
        SuspendedState: {
          DynamicScalingInSuspended: true,
          DynamicScalingOutSuspended: true,
          ScheduledScalingSuspended: true
        }
      })
    )
    expect(w.autoscaling.targets.get(id('web'))).toMatchObject({
      min: 1,
      max: 10,
      suspended: { in: true, out: true, scheduled: true }
    })
  })

  it('fires a scheduled action at its time and sets the desired count through ECS, unless suspended', async () => {
    const { w, web, tick } = world()
    const at = new Date(w.ecs.now + 60_000).toISOString().slice(0, 19)
    w.autoscaling.putScheduledAction(id('web'), 'morning', `at(${at})`, { min: 3 })
    await w.ecs.time.sleep(30_000)
    await tick()
    expect(web.desiredCount).toBe(1)
    await w.ecs.time.sleep(40_000)
    await tick()
    expect(web.desiredCount).toBe(3)
    expect(w.autoscaling.events).toMatchObject([{ by: 'morning', desiredCount: 3 }])

    w.autoscaling.putScheduledAction(id('web'), 'hourly', 'rate(1 hour)', { min: 5 })
    w.autoscaling.targets.get(id('web'))!.suspended.scheduled = true
    await w.ecs.time.sleep(3_600_000)
    await tick()
    expect(web.desiredCount).toBe(3)
    expect(w.autoscaling.events[1]).toMatchObject({ by: 'hourly', suspended: true })
  })

  it('cannot scale a DRAINING service: ECS refuses the UpdateService', async () => {
    const { w, web, tick } = world()
    const at = new Date(w.ecs.now + 10_000).toISOString().slice(0, 19)
    w.autoscaling.putScheduledAction(id('web'), 'scale-out', `at(${at})`, { min: 4 })
    await send(w.ecs.client, new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    await w.ecs.time.sleep(15_000)
    await tick()
    expect(w.autoscaling.events).toMatchObject([{ by: 'scale-out', refused: 'ServiceNotActiveException' }])
    expect(web.desiredCount).toBe(0)
    // The scalable target outlives the service.
    expect(w.autoscaling.targets.has(id('web'))).toBe(true)
  })

  it('runs a step policy when its alarm fires, unless scale-out is suspended', async () => {
    const { w, web } = world()
    w.autoscaling.putStepPolicy(id('web'), 'cpu-high', 2)
    w.cloudwatch.trigger('cpu-high-alarm')
    expect(web.desiredCount).toBe(3)
    w.autoscaling.targets.get(id('web'))!.suspended.out = true
    w.cloudwatch.trigger('cpu-high-alarm')
    expect(web.desiredCount).toBe(3)
  })

  it('deregistering deletes policies, scheduled actions and target-tracking alarms, but not step-scaling alarms', async () => {
    const { w, aas, cw } = world()
    w.autoscaling.putStepPolicy(id('web'), 'cpu-high')
    w.autoscaling.putTargetTrackingPolicy(id('web'), 'cpu-50')
    w.autoscaling.putScheduledAction(id('web'), 'nightly', 'rate(1 day)', { min: 0, max: 0 })
    expect(w.cloudwatch.alarms.size).toBe(3)
    await send(aas, new DeregisterScalableTargetCommand(key('web')))
    expect(w.autoscaling.policies.size).toBe(0)
    expect(w.autoscaling.scheduledActions.size).toBe(0)
    const alarms = await send(cw, new DescribeAlarmsCommand({}))
    expect((alarms.MetricAlarms as { AlarmName: string }[]).map(a => a.AlarmName)).toEqual(['cpu-high-alarm'])
  })
})

describe('CloudWatch alarms simulator', () => {
  it('pages DescribeAlarms with MaxRecords 1 to 100 and filters by name prefix and action prefix', async () => {
    const { w, cw } = world()
    for (let i = 0; i < 101; i++)
      w.cloudwatch.putAlarm(`a${String(i).padStart(3, '0')}`, [`arn:aws:sns:us-east-1:123456789012:t${i}`])
    w.cloudwatch.putAlarm('scale', ['arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:x'])
    const first = await send(cw, new DescribeAlarmsCommand({ MaxRecords: 100 }))
    expect(first.MetricAlarms).toHaveLength(100)
    const rest = await send(
      cw,
      new DescribeAlarmsCommand({ MaxRecords: 100, NextToken: first.NextToken as string })
    )
    expect(rest.MetricAlarms).toHaveLength(2)
    await rejects(send(cw, new DescribeAlarmsCommand({ MaxRecords: 101 })), 'ValidationError')
    await rejects(send(cw, new DescribeAlarmsCommand({ NextToken: 'garbage' })), 'InvalidNextToken')
    const scaling = await send(cw, new DescribeAlarmsCommand({ ActionPrefix: 'arn:aws:autoscaling:' }))
    expect(scaling.MetricAlarms).toMatchObject([{ AlarmName: 'scale' }])
    const byPrefix = await send(cw, new DescribeAlarmsCommand({ AlarmNamePrefix: 'a10' }))
    expect(byPrefix.MetricAlarms).toHaveLength(1)
  })

  it('deletes nothing when one alarm name does not exist, and takes 1 to 100 names', async () => {
    const { w, cw } = world()
    w.cloudwatch.putAlarm('a', [])
    await rejects(send(cw, new DeleteAlarmsCommand({ AlarmNames: ['a', 'b'] })), 'ResourceNotFound')
    expect(w.cloudwatch.alarms.has('a')).toBe(true)
    await rejects(send(cw, new DeleteAlarmsCommand({ AlarmNames: [] })), 'ValidationError')
    await send(cw, new DeleteAlarmsCommand({ AlarmNames: ['a'] }))
    expect(w.cloudwatch.alarms.size).toBe(0)
  })
})
