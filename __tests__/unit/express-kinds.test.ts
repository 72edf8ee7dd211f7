import type { ECSManagedResources } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import type { ClusterInventory, ServiceInfo, TaskInfo } from '../../src/inventory.js'
import { toServiceInfo } from '../../src/inventory.js'
import { managedOf } from '../../src/kinds/express-services.js'
import { wholeClusterScope } from '../../src/kinds/index.js'
import { scalableTargetsQuery } from '../../src/kinds/scalable-targets.js'
import { planTeardown } from '../../src/plan.js'

// Express services are the core's to delete and ECS's to clean up after: the other kinds never see
// them (kinds/index.ts), the plan has a step of their own, and what ECS made is read from the model's
// ECSManagedResources shape.

const service = (name: string, extra: Partial<ServiceInfo> = {}): ServiceInfo => ({
  name,
  arn: `arn:aws:ecs:us-east-1:1:service/c/${name}`,
  status: 'ACTIVE',
  schedulingStrategy: 'REPLICA',
  deploymentController: 'ECS',
  desiredCount: 1,
  runningCount: 1,
  taskSets: [],
  ...extra
})

const task = (id: string, serviceName: string, taskDefinitionArn: string): TaskInfo => ({
  arn: `arn:aws:ecs:us-east-1:1:task/c/${id}`,
  id,
  group: `service:${serviceName}`,
  serviceName,
  lastStatus: 'RUNNING',
  desiredStatus: 'RUNNING',
  taskDefinitionArn
})

function inventory(services: ServiceInfo[], tasks: TaskInfo[]): ClusterInventory {
  return {
    cluster: {
      name: 'c',
      arn: 'arn:aws:ecs:us-east-1:1:cluster/c',
      status: 'ACTIVE',
      tags: {},
      capacityProviders: [],
      hasDefaultStrategy: false
    },
    services,
    tasks,
    containerInstances: [],
    capacityProviders: []
  }
}

describe('Express services', () => {
  const api = service('api', { express: true, taskDefinitions: ['td/api:1'] })
  const web = service('web', { taskDefinitions: ['td/web:1'] })
  const inv = inventory([api, web], [task('t1', 'api', 'td/api:1'), task('t2', 'web', 'td/web:1')])

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
    expect(scalableTargetsQuery(wholeClusterScope(inventory([api], [])))).toEqual({ resourceIds: [] })
    const drained = inventory([{ ...api, status: 'DRAINING' }, web], [])
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
