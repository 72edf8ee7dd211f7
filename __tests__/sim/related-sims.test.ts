import { DeleteStackCommand } from '@aws-sdk/client-cloudformation'
import { DeleteLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs'
import { DescribeInstancesCommand, TerminateInstancesCommand } from '@aws-sdk/client-ec2'
import {
  DeregisterTaskDefinitionCommand,
  DescribeClustersCommand,
  DescribeContainerInstancesCommand,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import {
  DisableRuleCommand,
  ListEventBusesCommand,
  ListRuleNamesByTargetCommand,
  ListTargetsByRuleCommand,
  RemoveTargetsCommand
} from '@aws-sdk/client-eventbridge'
import {
  DeleteNamespaceCommand,
  DeleteServiceCommand,
  GetOperationCommand,
  ListInstancesCommand,
  ListServicesCommand
} from '@aws-sdk/client-servicediscovery'
import { DeregisterManagedInstanceCommand } from '@aws-sdk/client-ssm'
import { describe, expect, it } from '@jest/globals'
import { SimWorld } from './world.js'
import { type Out, rejects, send } from './rule-test.js'

// The simulators of the services around ECS are only worth something if they refuse what AWS
// refuses. One test per rule.

describe('EventBridge simulator', () => {
  function world() {
    const w = new SimWorld()
    const cluster = w.ecs.createCluster('c1')
    w.ecs.registerContainerInstance('c1')
    const td = w.ecs.registerTaskDefinition('cron')
    return { w, cluster, td, events: w.events.client }
  }

  it('pages ListRuleNamesByTarget and ListTargetsByRule, and refuses a Limit above 100', async () => {
    const { w, cluster, td, events } = world()
    for (let i = 0; i < 150; i++) {
      w.events.putRule(`r-${String(i).padStart(3, '0')}`)
      w.events.putEcsTarget(`r-${String(i).padStart(3, '0')}`, 't', cluster.arn, td.arn)
    }
    const first = await send(events, new ListRuleNamesByTargetCommand({ TargetArn: cluster.arn, Limit: 100 }))
    expect(first.RuleNames).toHaveLength(100)
    const second = await send(
      events,
      new ListRuleNamesByTargetCommand({
        TargetArn: cluster.arn,
        Limit: 100,
        NextToken: first.NextToken as string
      })
    )
    expect(second.RuleNames).toHaveLength(50)
    expect(second.NextToken).toBeUndefined()
    await rejects(
      send(events, new ListRuleNamesByTargetCommand({ TargetArn: cluster.arn, Limit: 101 })),
      'ValidationException'
    )
    for (let i = 0; i < 3; i++)
      w.events.putOtherTarget('r-000', `x${i}`, `arn:aws:sqs:us-east-1:123456789012:q${i}`)
    const page = await send(events, new ListTargetsByRuleCommand({ Rule: 'r-000', Limit: 2 }))
    expect(page.Targets).toHaveLength(2)
    expect(page.NextToken).toBeDefined()
  })

  it('answers ResourceNotFoundException for an unknown rule, and refuses more than 100 ids', async () => {
    const { w, events } = world()
    await rejects(
      send(events, new ListTargetsByRuleCommand({ Rule: 'nope' })),
      'ResourceNotFoundException',
      /nope does not exist/
    )
    await rejects(
      send(events, new RemoveTargetsCommand({ Rule: 'nope', Ids: ['a'] })),
      'ResourceNotFoundException'
    )
    await rejects(send(events, new DisableRuleCommand({ Name: 'nope' })), 'ResourceNotFoundException')
    w.events.putRule('r')
    const ids = Array.from({ length: 101 }, (_, i) => `t${i}`)
    await rejects(send(events, new RemoveTargetsCommand({ Rule: 'r', Ids: ids })), 'ValidationException')
  })

  it('refuses to change a rule another service manages, unless RemoveTargets is forced', async () => {
    const { w, cluster, td, events } = world()
    w.events.putRule('managed', { managedBy: 'ecs.amazonaws.com' })
    w.events.putEcsTarget('managed', 't', cluster.arn, td.arn)
    await rejects(
      send(events, new RemoveTargetsCommand({ Rule: 'managed', Ids: ['t'] })),
      'ManagedRuleException'
    )
    await rejects(send(events, new DisableRuleCommand({ Name: 'managed' })), 'ManagedRuleException')
    await send(events, new RemoveTargetsCommand({ Rule: 'managed', Ids: ['t'], Force: true }))
    expect(w.events.rules.get('managed')!.targets).toEqual([])
  })

  it('starts tasks on schedule while the rule is enabled and has the target, and not after', async () => {
    const { w, cluster, td, events } = world()
    w.events.putRule('every-5s', { rateMs: 5_000 })
    w.events.putEcsTarget('every-5s', 't', cluster.arn, td.arn, 2)
    await w.ecs.time.sleep(10_000)
    await send(w.ecs.client, new DescribeClustersCommand({ clusters: ['c1'] }))
    expect(w.events.started).toHaveLength(4)
    expect(w.ecs.tasks.get(w.events.started[0]!.taskArn)).toMatchObject({
      startedBy: 'events-rule/every-5s',
      group: 'family:cron'
    })
    await send(events, new DisableRuleCommand({ Name: 'every-5s' }))
    await w.ecs.time.sleep(20_000)
    await send(w.ecs.client, new DescribeClustersCommand({ clusters: ['c1'] }))
    expect(w.events.started).toHaveLength(4)
  })

  it('pages ListEventBuses, with the default bus always there, and refuses a Limit above 100', async () => {
    const { w, events } = world()
    for (let i = 0; i < 3; i++) w.events.createEventBus(`bus-${i}`)
    const first = await send(events, new ListEventBusesCommand({ Limit: 2 }))
    const second = await send(
      events,
      new ListEventBusesCommand({ Limit: 2, NextToken: first.NextToken as string })
    )
    expect([...(first.EventBuses as Out[]), ...(second.EventBuses as Out[])].map(b => b.Name)).toEqual([
      'bus-0',
      'bus-1',
      'bus-2',
      'default'
    ])
    expect(second.NextToken).toBeUndefined()
    await rejects(send(events, new ListEventBusesCommand({ Limit: 101 })), 'ValidationException')
  })

  it('finds a rule only on its own bus (by name or ARN), and refuses a bus that does not exist', async () => {
    const { w, cluster, td, events } = world()
    w.events.createEventBus('orders')
    w.events.putRule('on-orders', { bus: 'orders' })
    w.events.putEcsTarget('on-orders', 't', cluster.arn, td.arn, 1, 'orders')
    const onDefault = await send(events, new ListRuleNamesByTargetCommand({ TargetArn: cluster.arn }))
    expect(onDefault.RuleNames).toEqual([])
    const onOrders = await send(
      events,
      new ListRuleNamesByTargetCommand({
        TargetArn: cluster.arn,
        EventBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/orders'
      })
    )
    expect(onOrders.RuleNames).toEqual(['on-orders'])
    await rejects(
      send(events, new ListTargetsByRuleCommand({ Rule: 'on-orders' })),
      'ResourceNotFoundException'
    )
    await rejects(
      send(events, new DisableRuleCommand({ Name: 'on-orders', EventBusName: 'nope' })),
      'ResourceNotFoundException',
      /Event bus nope/
    )
    await send(events, new RemoveTargetsCommand({ Rule: 'on-orders', EventBusName: 'orders', Ids: ['t'] }))
    expect(w.events.rules.get('orders/on-orders')!.targets).toEqual([])
  })
})

describe('EC2 simulator', () => {
  function world() {
    const w = new SimWorld()
    return { w, ec2: w.ec2.client }
  }

  it('fails DescribeInstances by InstanceIds on an unknown id, where the instance-id filter leaves it out', async () => {
    const { w, ec2 } = world()
    const i = w.ec2.launch()
    await rejects(
      send(ec2, new DescribeInstancesCommand({ InstanceIds: [i.id, 'i-0123456789abcdef0'] })),
      'InvalidInstanceID.NotFound',
      /i-0123456789abcdef0/
    )
    const out = await send(
      ec2,
      new DescribeInstancesCommand({
        Filters: [{ Name: 'instance-id', Values: [i.id, 'i-0123456789abcdef0'] }]
      })
    )
    expect(
      (out.Reservations as { Instances: { InstanceId: string }[] }[]).map(r => r.Instances[0]!.InstanceId)
    ).toEqual([i.id])
  })

  it('pages with MaxResults (5 to 1000), never together with InstanceIds, and takes 200 filter values at most', async () => {
    const { w, ec2 } = world()
    const ids = Array.from({ length: 7 }, () => w.ec2.launch().id)
    const first = await send(
      ec2,
      new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: ids }], MaxResults: 5 })
    )
    expect(first.Reservations).toHaveLength(5)
    const rest = await send(
      ec2,
      new DescribeInstancesCommand({
        Filters: [{ Name: 'instance-id', Values: ids }],
        MaxResults: 5,
        NextToken: first.NextToken as string
      })
    )
    expect(rest.Reservations).toHaveLength(2)
    await rejects(send(ec2, new DescribeInstancesCommand({ MaxResults: 4 })), 'InvalidParameterValue')
    await rejects(
      send(ec2, new DescribeInstancesCommand({ InstanceIds: ids, MaxResults: 5 })),
      'InvalidParameterCombination'
    )
    const many = Array.from({ length: 201 }, (_, n) => `i-${String(n).padStart(17, '0')}`)
    await rejects(
      send(ec2, new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: many }] })),
      'InvalidParameterValue'
    )
  })

  it('terminates nothing when one id is unknown, refuses a protected instance, and goes shutting-down → terminated', async () => {
    const { w, ec2 } = world()
    const a = w.ec2.launch()
    const locked = w.ec2.launch({ protected: true })
    await rejects(
      send(ec2, new TerminateInstancesCommand({ InstanceIds: [a.id, 'i-0123456789abcdef0'] })),
      'InvalidInstanceID.NotFound'
    )
    expect(w.ec2.stateOf(a)).toBe('running')
    await rejects(
      send(ec2, new TerminateInstancesCommand({ InstanceIds: [locked.id] })),
      'OperationNotPermitted',
      /disableApiTermination/
    )
    const out = await send(ec2, new TerminateInstancesCommand({ InstanceIds: [a.id] }))
    expect(out.TerminatingInstances).toEqual([
      { InstanceId: a.id, PreviousState: { Name: 'running' }, CurrentState: { Name: 'shutting-down' } }
    ])
    await w.ecs.time.sleep(30_000)
    expect(w.ec2.stateOf(a)).toBe('terminated')
  })

  it('replaces a terminated instance of an Auto Scaling group, and terminates the group’s instances with its stack', async () => {
    const { w, ec2 } = world()
    const [one] = w.ec2.createAutoScalingGroup('asg', 1, { stack: 's1' })
    await send(ec2, new TerminateInstancesCommand({ InstanceIds: [one!.id] }))
    expect(w.ec2.billing()).toHaveLength(1)
    expect(w.ec2.billing()).not.toContain(one!.id)
    w.cfn.createStack('s1', {
      deleteTakesMs: 1_000,
      resources: [{ logicalId: 'Asg', type: 'AWS::AutoScaling::AutoScalingGroup', physicalId: 'asg' }]
    })
    await w.cfn.client.send(new DeleteStackCommand({ StackName: 's1' }))
    await w.ecs.time.sleep(1_000)
    w.cfn.settle()
    expect(w.ec2.billing()).toEqual([])
  })

  it('knows the EcsSim’s EC2 container instances, running and untagged, but not its external ones', async () => {
    const { w, ec2 } = world()
    w.ecs.createCluster('c1')
    const ci = w.ecs.registerContainerInstance('c1')
    const external = w.ecs.registerContainerInstance('c1', { external: true })
    const out = await send(ec2, new DescribeInstancesCommand({}))
    const instances = (out.Reservations as { Instances: { InstanceId: string; Tags: unknown[] }[] }[]).map(
      r => r.Instances[0]!
    )
    expect(instances).toEqual([expect.objectContaining({ InstanceId: ci.ec2InstanceId, Tags: [] })])
    expect(external.ec2InstanceId).toMatch(/^mi-[0-9a-f]{17}$/)
  })
})

describe('CloudWatch Logs, Systems Manager and Cloud Map simulators', () => {
  it('DeleteLogGroup: ResourceNotFoundException for a missing group, InvalidParameterException for a bad name', async () => {
    const w = new SimWorld()
    w.logs.createLogGroup('/ecs/a')
    await send(w.logs.client, new DeleteLogGroupCommand({ logGroupName: '/ecs/a' }))
    await rejects(
      send(w.logs.client, new DeleteLogGroupCommand({ logGroupName: '/ecs/a' })),
      'ResourceNotFoundException'
    )
    await rejects(
      send(w.logs.client, new DeleteLogGroupCommand({ logGroupName: 'bad name!' })),
      'InvalidParameterException'
    )
  })

  it('DeregisterManagedInstance: only mi- ids, and InvalidInstanceId once it is not registered', async () => {
    const w = new SimWorld()
    w.ecs.createCluster('c1')
    const ci = w.ecs.registerContainerInstance('c1', { external: true })
    await rejects(
      send(w.ssm.client, new DeregisterManagedInstanceCommand({ InstanceId: 'i-0123456789abcdef0' })),
      'ValidationException'
    )
    await send(w.ssm.client, new DeregisterManagedInstanceCommand({ InstanceId: ci.ec2InstanceId }))
    await rejects(
      send(w.ssm.client, new DeregisterManagedInstanceCommand({ InstanceId: ci.ec2InstanceId })),
      'InvalidInstanceId'
    )
    expect(w.ssm.registered()).toEqual([])
  })

  it('Cloud Map: ListServices by namespace in pages; DeleteNamespace refuses one with services, then runs as an operation', async () => {
    const w = new SimWorld()
    const cm = w.cloudMap.client
    const ns = w.cloudMap.createNamespace('n1')
    const svc = w.cloudMap.createService(ns.id, 's1')
    w.cloudMap.createService(ns.id, 's2')
    const filter = [{ Name: 'NAMESPACE_ID' as const, Values: [ns.id], Condition: 'EQ' as const }]
    const page = await send(cm, new ListServicesCommand({ Filters: filter, MaxResults: 1 }))
    expect(page.Services).toHaveLength(1)
    expect(page.NextToken).toBeDefined()
    await rejects(send(cm, new ListServicesCommand({ Filters: filter, MaxResults: 101 })), 'InvalidInput')
    await rejects(send(cm, new DeleteNamespaceCommand({ Id: ns.id })), 'ResourceInUse')
    await rejects(send(cm, new DeleteNamespaceCommand({ Id: 'ns-nope' })), 'NamespaceNotFound')
    w.cloudMap.services.clear()
    const { OperationId } = (await send(cm, new DeleteNamespaceCommand({ Id: ns.arn }))) as {
      OperationId: string
    }
    expect(((await send(cm, new GetOperationCommand({ OperationId }))).Operation as Out).Status).toBe(
      'SUBMITTED'
    )
    await w.ecs.time.sleep(10_000)
    expect(((await send(cm, new GetOperationCommand({ OperationId }))).Operation as Out).Status).toBe(
      'SUCCESS'
    )
    await rejects(send(cm, new GetOperationCommand({ OperationId: 'op-nope' })), 'OperationNotFound')
    expect(svc.namespaceId).toBe(ns.id)
  })

  it('Cloud Map: the service ECS made for Service Connect goes once its ECS service is INACTIVE', async () => {
    const w = new SimWorld()
    const ns = w.cloudMap.createNamespace('n1')
    w.ecs.createCluster('c1')
    const ecsService = w.ecs.createService('c1', 'api', { launchType: 'FARGATE', desiredCount: 0 })
    w.cloudMap.createService(ns.id, 'api', { ecsServiceArn: ecsService.arn })
    const filter = [{ Name: 'NAMESPACE_ID' as const, Values: [ns.id], Condition: 'EQ' as const }]
    expect(
      (await send(w.cloudMap.client, new ListServicesCommand({ Filters: filter }))).Services
    ).toHaveLength(1)
    ecsService.deletedAt = w.ecs.now
    expect(
      (await send(w.cloudMap.client, new ListServicesCommand({ Filters: filter }))).Services
    ).toHaveLength(0)
  })
})

describe('Cloud Map simulator: service discovery (serviceRegistries)', () => {
  it('registers an instance per live task of the ECS services using it; DeleteService refuses while any is registered, and an unknown service', async () => {
    const w = new SimWorld()
    const ns = w.cloudMap.createNamespace('n1')
    const discovery = w.cloudMap.createService(ns.id, 'web')
    w.ecs.createCluster('c1')
    w.ecs.registerContainerInstance('c1')
    const web = w.ecs.createService('c1', 'web', {
      desiredCount: 2,
      serviceRegistries: [w.cloudMap.arnOf(discovery)]
    })
    const listed = await send(w.cloudMap.client, new ListInstancesCommand({ ServiceId: discovery.id }))
    expect(listed.Instances).toHaveLength(2)
    await expect(
      w.cloudMap.client.send(new DeleteServiceCommand({ Id: discovery.id }))
    ).rejects.toMatchObject({ name: 'ResourceInUse' })
    await w.ecs.client.send(new UpdateServiceCommand({ cluster: 'c1', service: web.arn, desiredCount: 0 }))
    await w.ecs.time.sleep(60_000)
    expect(
      (await send(w.cloudMap.client, new ListInstancesCommand({ ServiceId: discovery.id }))).Instances
    ).toEqual([])
    await send(w.cloudMap.client, new DeleteServiceCommand({ Id: discovery.id }))
    await expect(
      w.cloudMap.client.send(new DeleteServiceCommand({ Id: discovery.id }))
    ).rejects.toMatchObject({ name: 'ServiceNotFound' })
    await expect(
      w.cloudMap.client.send(new ListInstancesCommand({ ServiceId: discovery.id }))
    ).rejects.toMatchObject({ name: 'ServiceNotFound' })
  })

  it('an EXTERNAL service’s registries are its task sets’: DescribeServices shows them there, and their tasks register', async () => {
    const w = new SimWorld()
    const ns = w.cloudMap.createNamespace('n1')
    const discovery = w.cloudMap.createService(ns.id, 'ext')
    w.ecs.createCluster('c1')
    w.ecs.createService('c1', 'ext', {
      launchType: 'FARGATE',
      desiredCount: 2,
      deploymentController: 'EXTERNAL',
      taskSets: 1,
      taskSetRegistries: [w.cloudMap.arnOf(discovery)]
    })
    const described = (await w.ecs.client.send(
      new DescribeServicesCommand({ cluster: 'c1', services: ['ext'] })
    )) as DescribeServicesCommandOutput
    const service = described.services![0]!
    expect(service.serviceRegistries).toEqual([])
    expect(service.taskSets?.map(set => set.serviceRegistries)).toEqual([
      [{ registryArn: w.cloudMap.arnOf(discovery) }]
    ])
    const listed = await send(w.cloudMap.client, new ListInstancesCommand({ ServiceId: discovery.id }))
    expect(listed.Instances).toHaveLength(2)
  })
})

describe('ECS simulator: task definitions, external instances, Service Connect', () => {
  it('describes a family as its latest ACTIVE revision, and an unknown one as ClientException', async () => {
    const w = new SimWorld()
    const ecs = w.ecs.client
    const one = w.ecs.registerTaskDefinition('web', { logGroup: '/ecs/web' })
    const two = w.ecs.registerTaskDefinition('web')
    await send(ecs, new DeregisterTaskDefinitionCommand({ taskDefinition: two.arn }))
    const out = await send(ecs, new DescribeTaskDefinitionCommand({ taskDefinition: 'web' }))
    expect(out.taskDefinition).toMatchObject({ taskDefinitionArn: one.arn, status: 'ACTIVE' })
    expect(JSON.stringify(out)).toContain('"awslogs-group":"/ecs/web"')
    await rejects(send(ecs, new DescribeTaskDefinitionCommand({ taskDefinition: 'nope' })), 'ClientException')
    await rejects(
      send(ecs, new DeregisterTaskDefinitionCommand({ taskDefinition: 'web' })),
      'ClientException',
      /revision/
    )
  })

  it('lists ACTIVE families only, in pages of at most 100', async () => {
    const w = new SimWorld()
    for (let i = 0; i < 101; i++) w.ecs.registerTaskDefinition(`f-${String(i).padStart(3, '0')}`)
    const gone = w.ecs.registerTaskDefinition('gone')
    await send(w.ecs.client, new DeregisterTaskDefinitionCommand({ taskDefinition: gone.arn }))
    const first = await send(
      w.ecs.client,
      new ListTaskDefinitionFamiliesCommand({ status: 'ACTIVE', maxResults: 100 })
    )
    expect(first.families).toHaveLength(100)
    const second = await send(
      w.ecs.client,
      new ListTaskDefinitionFamiliesCommand({
        status: 'ACTIVE',
        maxResults: 100,
        nextToken: first.nextToken as string
      })
    )
    expect(second.families).toEqual(['f-100'])
    await rejects(
      send(w.ecs.client, new ListTaskDefinitionFamiliesCommand({ maxResults: 101 })),
      'InvalidParameterException'
    )
  })

  it('marks an external instance with ecs.capability.external and an mi- id, and shows the Service Connect default', async () => {
    const w = new SimWorld()
    w.ecs.createCluster('c1', {
      serviceConnectNamespace: 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1'
    })
    const ci = w.ecs.registerContainerInstance('c1', { external: true })
    const out = await send(
      w.ecs.client,
      new DescribeContainerInstancesCommand({ cluster: 'c1', containerInstances: [ci.arn] })
    )
    expect(out.containerInstances).toEqual([
      expect.objectContaining({
        ec2InstanceId: ci.ec2InstanceId,
        attributes: [{ name: 'ecs.capability.external' }]
      })
    ])
    const cluster = await send(w.ecs.client, new DescribeClustersCommand({ clusters: ['c1'] }))
    expect((cluster.clusters as Out[])[0]!.serviceConnectDefaults).toEqual({
      namespace: 'arn:aws:servicediscovery:us-east-1:123456789012:namespace/ns-1'
    })
  })
})
