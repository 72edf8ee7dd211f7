import { describe, expect, it } from '@jest/globals'
import type { ClusterInfo, ServiceInfo } from '../../src/inventory/index.js'
import type { TeardownScope } from '../../src/kinds/kind.js'
import { decideScalableTargets } from '../../src/kinds/scalable-targets.js'
import { scalableTargetsQuery, type ScalableTargetsFound } from '../../src/kinds/scalable-targets/find.js'

const policy = (name: string) =>
  `arn:aws:autoscaling:us-east-1:123456789012:scalingPolicy:1:resource/ecs/service/c1/web:policyName/${name}`

function found(): ScalableTargetsFound {
  return {
    targets: [
      { resourceId: 'service/c1/web', min: 1, max: 4, suspended: false },
      { resourceId: 'service/c1/api', min: 1, max: 4, suspended: true }
    ],
    policies: [
      {
        name: 'cpu',
        arn: policy('cpu'),
        resourceId: 'service/c1/web',
        type: 'StepScaling',
        alarms: ['cpu-high', 'shared']
      }
    ],
    scheduledActions: [{ name: 'morning', resourceId: 'service/c1/web', schedule: 'cron(0 8 * * ? *)' }],
    alarms: [
      { name: 'cpu-high', actions: [policy('cpu')] },
      { name: 'shared', actions: [policy('cpu'), 'arn:aws:sns:us-east-1:123456789012:oncall'] }
    ]
  }
}

describe('decideScalableTargets', () => {
  it('suspends the targets not suspended yet, and deregisters every one', () => {
    const plan = decideScalableTargets(found(), false)
    expect(plan.suspend.map(t => t.resourceId)).toEqual(['service/c1/web'])
    expect(plan.deregister.map(t => t.resourceId)).toEqual(['service/c1/web', 'service/c1/api'])
  })

  it('reports a step-scaling alarm whose only actions were the policies as orphaned, and deletes it only when asked', () => {
    expect(decideScalableTargets(found(), false).alarms[0]).toMatchObject({
      delete: false,
      orphaned: true,
      keepReason: 'delete-scaling-alarms is off'
    })
    expect(decideScalableTargets(found(), true).alarms[0]).toMatchObject({ delete: true, orphaned: true })
  })

  it('never deletes an alarm that has other actions too', () => {
    const shared = decideScalableTargets(found(), true).alarms[1]
    expect(shared).toMatchObject({
      delete: false,
      orphaned: false,
      keepReason: expect.stringMatching(/sns:.*oncall/)
    })
  })
})

describe('scalableTargetsQuery', () => {
  const cluster = { name: 'c1', arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/c1' } as ClusterInfo
  const service = (name: string, status: string) => ({ name, status }) as ServiceInfo
  const scope = (services: ServiceInfo[], more: Partial<TeardownScope> = {}): TeardownScope => ({
    cluster,
    services,
    tasks: [],
    containerInstances: [],
    taskDefinitions: [],
    wholeCluster: true,
    ...more
  })

  it('reads a whole cluster whose services are all ACTIVE by their resource IDs (a first run)', () => {
    expect(scalableTargetsQuery(scope([service('web', 'ACTIVE'), service('api', 'ACTIVE')]))).toEqual({
      resourceIds: ['service/c1/web', 'service/c1/api']
    })
  })

  it('reads a whole cluster with a service already DRAINING, or none left, by its prefix', () => {
    expect(scalableTargetsQuery(scope([service('web', 'ACTIVE'), service('api', 'DRAINING')]))).toEqual({
      clusterPrefix: 'service/c1/'
    })
    expect(scalableTargetsQuery(scope([]))).toEqual({ clusterPrefix: 'service/c1/' })
  })

  it('reads only the named services in services mode, purged ones included, never by prefix', () => {
    expect(
      scalableTargetsQuery(
        scope([service('pr-1-web', 'DRAINING'), service('pr-1-api', 'INACTIVE')], {
          wholeCluster: false,
          purgedServices: ['pr-1-old']
        })
      )
    ).toEqual({ resourceIds: ['service/c1/pr-1-web', 'service/c1/pr-1-api', 'service/c1/pr-1-old'] })
    expect(scalableTargetsQuery(scope([], { wholeCluster: false }))).toEqual({ resourceIds: [] })
  })
})
