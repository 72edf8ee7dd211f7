import type { ECSManagedResources } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import type { ClusterInventory, ServiceInfo, TaskInfo } from '../../src/inventory/index.js'
import { toServiceInfo } from '../../src/inventory/index.js'
import { managedOf } from '../../src/kinds/express-services.js'
import { wholeClusterScope, type AnyKind } from '../../src/kinds/index.js'
import type { KindHints } from '../../src/kinds/kind.js'
import { scalableTargetsQuery } from '../../src/kinds/scalable-targets/find.js'
import { planTeardown } from '../../src/plan.js'
import type { Settings } from '../../src/settings.js'

const service = (name: string, extra: Partial<ServiceInfo> = {}): ServiceInfo => ({
  name,
  arn: `arn:aws:ecs:us-east-1:1:service/c/${name}`,
  status: 'ACTIVE',
  schedulingStrategy: 'REPLICA',
  deploymentController: 'ECS',
  desiredCount: 2,
  runningCount: 2,
  taskSets: [],
  ...extra
})

const task = (id: string, group: string, extra: Partial<TaskInfo> = {}): TaskInfo => ({
  arn: `arn:aws:ecs:us-east-1:1:task/c/${id}`,
  id,
  group,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  serviceName: group.startsWith('service:') ? group.slice(8) : undefined,
  ...extra
})

function inventory(extra: Partial<ClusterInventory> = {}): ClusterInventory {
  return {
    cluster: {
      name: 'c',
      arn: 'arn:aws:ecs:us-east-1:1:cluster/c',
      status: 'ACTIVE',
      tags: {},
      capacityProviders: [],
      hasDefaultStrategy: false
    },
    services: [],
    tasks: [],
    containerInstances: [],
    capacityProviders: [],
    ...extra
  }
}

describe('planTeardown', () => {
  it('waits for a service already DRAINING (an interrupted earlier run) without deleting it or its task sets again; its tasks stay with it', () => {
    const plan = planTeardown(
      inventory({
        services: [
          service('web'),
          service('old', {
            status: 'DRAINING',
            deploymentController: 'EXTERNAL',
            taskSets: [{ arn: 'ts-1', id: 'ts-1', status: 'DRAINING' }]
          })
        ],
        tasks: [task('t1', 'service:old'), task('t2', 'service:gone')]
      }),
      'graceful'
    )
    expect(plan.steps.filter(s => s.phase === 'delete-task-sets')).toEqual([])
    expect(plan.steps.filter(s => s.phase === 'delete-services')).toEqual([
      expect.objectContaining({
        description: expect.stringMatching(/^Delete 1 service with force/),
        resources: ['web']
      }),
      {
        phase: 'delete-services',
        description: 'Wait until 1 service already DRAINING (deleted by an earlier run) is INACTIVE',
        resources: ['old']
      }
    ])
    expect(plan.services.find(s => s.service.name === 'old')?.tasks.map(t => t.id)).toEqual(['t1'])
    expect(plan.standaloneTasks.map(t => t.id)).toEqual(['t2'])
  })

  it('deletes every service with one call (no scale to 0 first), and deletes task sets only for EXTERNAL', () => {
    const plan = planTeardown(
      inventory({
        services: [
          service('web'),
          service('idle', { desiredCount: 0 }),
          service('agent', { schedulingStrategy: 'DAEMON', desiredCount: 0 }),
          service('ext', {
            deploymentController: 'EXTERNAL',
            taskSets: [{ arn: 'ts-1', id: 'ts-1', status: 'ACTIVE' }]
          }),
          service('cd', {
            deploymentController: 'CODE_DEPLOY',
            taskSets: [{ arn: 'ts-2', id: 'ts-2', status: 'ACTIVE' }]
          })
        ]
      }),
      'graceful'
    )
    // One service-modify call per service: every one is deleted with force, none scaled to 0 first.
    const deleteStep = plan.steps.find(s => s.phase === 'delete-services')!
    expect(deleteStep.resources).toEqual(['web', 'idle', 'agent', 'ext', 'cd'])
    expect(deleteStep.description).toMatch(/^Delete 5 services with force, one call each/)
    expect(plan.steps.some(s => /scale/i.test(s.phase))).toBe(false)
    expect(plan.services.flatMap(s => s.taskSets)).toEqual(['ts-1'])
  })

  it('gives each service its tasks and treats tasks of unknown services as standalone', () => {
    const plan = planTeardown(
      inventory({
        services: [service('web')],
        tasks: [
          task('a', 'service:web'),
          task('b', 'family:job'),
          task('c', 'service:draining-from-earlier-run')
        ]
      }),
      'force'
    )
    expect(plan.services[0]!.tasks.map(t => t.id)).toEqual(['a'])
    expect(plan.standaloneTasks.map(t => t.id)).toEqual(['b', 'c'])
  })

  it('never deletes FARGATE providers, nor one another cluster uses', () => {
    const plan = planTeardown(
      inventory({
        cluster: {
          name: 'c',
          arn: 'x',
          status: 'ACTIVE',
          tags: {},
          capacityProviders: ['FARGATE', 'own', 'shared'],
          hasDefaultStrategy: true
        },
        capacityProviders: [
          { name: 'FARGATE', reserved: true, status: 'ACTIVE', otherClusters: [] },
          { name: 'own', reserved: false, status: 'ACTIVE', otherClusters: [] },
          { name: 'shared', reserved: false, status: 'ACTIVE', otherClusters: ['prod'] }
        ]
      }),
      'graceful'
    )
    expect(plan.detachCapacityProviders).toBe(true)
    expect(plan.capacityProviders.map(d => [d.provider.name, d.delete])).toEqual([
      ['FARGATE', false],
      ['own', true],
      ['shared', false]
    ])
    expect(plan.capacityProviders[2]!.keepReason).toContain('prod')
  })

  it('lists the steps in the order they run, ending with the cluster', () => {
    const plan = planTeardown(
      inventory({
        services: [service('web')],
        tasks: [task('a', 'service:web')],
        containerInstances: [
          { arn: 'ci', id: 'ci', ec2InstanceId: 'i-1', status: 'ACTIVE', runningTasksCount: 1 }
        ]
      }),
      'graceful'
    )
    expect(plan.steps.map(s => s.phase)).toEqual([
      'delete-services',
      'stop-tasks',
      'deregister-instances',
      'delete-cluster'
    ])
    expect(plan.steps[2]!.resources).toEqual(['ci (i-1)'])
  })

  it("takes a service's drain delay and the hosts handled from any kind's hints, naming no kind", () => {
    const ofHints = (hints: KindHints): AnyKind => ({
      name: 'hinting',
      emptyReport: () => ({ found: {} }),
      find: () => Promise.resolve(undefined),
      recordFound: () => undefined,
      decide: () => undefined,
      hints: () => hints,
      steps: () => [],
      notes: () => [],
      actions: {},
      unfinished: () => [],
      countRows: () => [],
      doneLists: () => []
    })
    const withInstances = inventory({
      services: [service('web'), service('api')],
      containerInstances: [
        { arn: 'ci', id: 'ci', ec2InstanceId: 'i-1', status: 'ACTIVE', runningTasksCount: 0 }
      ]
    })
    const planWith = (...kinds: AnyKind[]): ReturnType<typeof planTeardown> =>
      planTeardown(withInstances, 'graceful', undefined, {
        found: kinds.map(kind => ({ kind, found: undefined })),
        settings: {} as Settings,
        scope: wholeClusterScope(withInstances)
      })
    const deregister = (plan: ReturnType<typeof planTeardown>): string =>
      plan.steps.find(s => s.phase === 'deregister-instances')!.description

    const hinted = planWith(ofHints({ drainDelayMs: { web: 30_000 } }), ofHints({ handlesHosts: true }))
    expect(hinted.services.map(s => [s.service.name, s.drainDelayMs])).toEqual([
      ['web', 30_000],
      ['api', undefined]
    ])
    expect(deregister(hinted)).toBe('Deregister 1 container instance')

    const silent = planWith(ofHints({}))
    expect(silent.services.every(s => s.drainDelayMs === undefined)).toBe(true)
    expect(deregister(silent)).toBe(
      'Deregister 1 container instance (the EC2 instances behind them keep running)'
    )
  })

  it('plans only the cluster deletion for an empty cluster', () => {
    expect(planTeardown(inventory(), 'graceful').steps.map(s => s.phase)).toEqual(['delete-cluster'])
  })
})

// Express services are the core's to delete and ECS's to clean up after: the other kinds never see
// them (kinds/index.ts), the plan has a step of their own, and what ECS made is read from the model's
// ECSManagedResources shape.
describe('Express services', () => {
  const api = service('api', { express: true, taskDefinitions: ['td/api:1'] })
  const web = service('web', { taskDefinitions: ['td/web:1'] })
  const inv = inventory({
    services: [api, web],
    tasks: [
      task('t1', 'service:api', { taskDefinitionArn: 'td/api:1' }),
      task('t2', 'service:web', { taskDefinitionArn: 'td/web:1' })
    ]
  })

  it('reads resourceManagementType ECS and the current service revisions from DescribeServices', () => {
    const info = toServiceInfo({
      serviceName: 'api',
      serviceArn: api.arn,
      resourceManagementType: 'ECS',
      currentServiceRevisions: [{ arn: 'rev-1' }]
    })
    expect(info).toMatchObject({ express: true, serviceRevisions: ['rev-1'] })
    expect(toServiceInfo({ serviceName: 'web', resourceManagementType: 'CUSTOMER' }).express).toBeUndefined()
  })

  it('are kept out of what the other kinds see: services, tasks and task definitions', () => {
    const scope = wholeClusterScope(inv)
    expect(scope.services.map(s => s.name)).toEqual(['web'])
    expect(scope.tasks.map(t => t.id)).toEqual(['t2'])
    expect(scope.taskDefinitions).toEqual(['td/web:1'])
    expect(scope.expressServices?.map(s => s.name)).toEqual(['api'])
    expect(scope.expressTasks?.map(t => t.id)).toEqual(['t1'])
  })

  it("the scalable targets read by the cluster's prefix leave out the Express services' own", () => {
    // A first run on a cluster of Express services alone reads no scalable target at all.
    expect(scalableTargetsQuery(wholeClusterScope(inventory({ services: [api] })))).toEqual({
      resourceIds: []
    })
    const drained = inventory({ services: [{ ...api, status: 'DRAINING' }, web] })
    expect(scalableTargetsQuery(wholeClusterScope(drained))).toEqual({
      clusterPrefix: 'service/c/',
      exclude: ['service/c/api']
    })
  })

  it('have a plan step of their own, DeleteExpressGatewayService, apart from DeleteService', () => {
    const steps = planTeardown(inv, 'graceful').steps
    expect(steps.find(s => s.phase === 'delete-express-services')?.resources).toEqual(['api'])
    expect(steps.find(s => s.phase === 'delete-services')?.resources).toEqual(['web'])
  })

  it('what ECS made is read from ecsManagedResources', () => {
    expect(
      // Only the ARNs managedOf reads (the model's shapes also carry status and update times).
      managedOf({
        ingressPaths: [
          {
            accessType: 'PUBLIC',
            endpoint: 'https://api.example',
            loadBalancer: { arn: 'lb' },
            listener: { arn: 'listener' },
            rule: { arn: 'rule' },
            targetGroups: [{ arn: 'tg' }],
            loadBalancerSecurityGroups: [{ arn: 'sg-lb' }]
          }
        ],
        autoScaling: {
          scalableTarget: { arn: 'service/c/api' },
          applicationAutoScalingPolicies: [{ arn: 'policy' }]
        },
        metricAlarms: [{ arn: 'alarm' }],
        serviceSecurityGroups: [{ arn: 'sg' }],
        logGroups: [{ arn: 'log' }]
      } as unknown as ECSManagedResources)
    ).toEqual([
      { type: 'load-balancer', id: 'lb' },
      { type: 'listener', id: 'listener' },
      { type: 'listener-rule', id: 'rule' },
      { type: 'target-group', id: 'tg' },
      { type: 'security-group', id: 'sg-lb' },
      { type: 'scalable-target', id: 'service/c/api' },
      { type: 'scaling-policy', id: 'policy' },
      { type: 'alarm', id: 'alarm' },
      { type: 'security-group', id: 'sg' },
      { type: 'log-group', id: 'log' }
    ])
  })
})
