import {
  DeleteRuleCommand,
  DeleteTargetGroupCommand,
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  DeleteServiceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListTasksCommand
} from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { SimWorld } from './world.js'
import { rejects, send } from './rule-test.js'

// The Elastic Load Balancing v2 simulator is only worth something if it refuses what AWS refuses.
// One test per rule.

function world() {
  const w = new SimWorld()
  const lb = w.elbv2.createLoadBalancer('previews')
  const listener = w.elbv2.createListener(lb.arn)
  return { w, lb, listener, elb: w.elbv2.client }
}

describe('Elastic Load Balancing v2 simulator', () => {
  it('pages DescribeTargetGroups, DescribeListeners and DescribeRules with Marker, PageSize 1 to 400', async () => {
    const { w, lb, listener, elb } = world()
    for (let i = 0; i < 405; i++) w.elbv2.createTargetGroup(`tg-${i}`)
    const first = await send(elb, new DescribeTargetGroupsCommand({ PageSize: 400 }))
    expect(first.TargetGroups).toHaveLength(400)
    const rest = await send(
      elb,
      new DescribeTargetGroupsCommand({ PageSize: 400, Marker: first.NextMarker as string })
    )
    expect(rest.TargetGroups).toHaveLength(5)
    expect(rest.NextMarker).toBeUndefined()
    await rejects(send(elb, new DescribeTargetGroupsCommand({ PageSize: 401 })), 'ValidationError')
    await rejects(send(elb, new DescribeTargetGroupsCommand({ PageSize: 0 })), 'ValidationError')

    const tgs = [...w.elbv2.targetGroups.values()]
    for (let i = 0; i < 3; i++) w.elbv2.createRule(listener.arn, i + 1, `pr-${i}.example.com`, tgs[i]!.arn)
    const rules1 = await send(elb, new DescribeRulesCommand({ ListenerArn: listener.arn, PageSize: 2 }))
    expect((rules1.Rules as { Priority: string }[]).map(r => r.Priority)).toEqual(['1', '2'])
    const rules2 = await send(
      elb,
      new DescribeRulesCommand({
        ListenerArn: listener.arn,
        PageSize: 2,
        Marker: rules1.NextMarker as string
      })
    )
    // The default rule comes last.
    expect(rules2.Rules).toMatchObject([{ Priority: '3' }, { Priority: 'default', IsDefault: true }])
    // A marker of one list is not one of another.
    await rejects(
      send(
        elb,
        new DescribeListenersCommand({ LoadBalancerArn: lb.arn, Marker: rules1.NextMarker as string })
      ),
      'ValidationError'
    )
    w.elbv2.createListener(lb.arn, 80)
    const l1 = await send(elb, new DescribeListenersCommand({ LoadBalancerArn: lb.arn, PageSize: 1 }))
    expect(l1.Listeners).toHaveLength(1)
    expect(l1.NextMarker).toBeDefined()
  })

  it('answers TargetGroupNotFound, ListenerNotFound, RuleNotFound and LoadBalancerNotFound for unknown ARNs', async () => {
    const { w, lb, listener, elb } = world()
    const tg = w.elbv2.createTargetGroup('a')
    const missingTg = tg.arn.replace(/[0-9a-f]{16}$/, 'ffffffffffffffff')
    await rejects(
      send(elb, new DescribeTargetGroupsCommand({ TargetGroupArns: [tg.arn, missingTg] })),
      'TargetGroupNotFoundException'
    )
    await rejects(
      send(elb, new DescribeTargetGroupsCommand({ Names: ['nope'] })),
      'TargetGroupNotFoundException'
    )
    await rejects(
      send(elb, new DescribeTargetHealthCommand({ TargetGroupArn: missingTg })),
      'TargetGroupNotFoundException'
    )
    await rejects(
      send(elb, new DescribeTargetGroupAttributesCommand({ TargetGroupArn: missingTg })),
      'TargetGroupNotFoundException'
    )
    const attributes = await send(elb, new DescribeTargetGroupAttributesCommand({ TargetGroupArn: tg.arn }))
    expect(attributes.Attributes).toContainEqual({
      Key: 'deregistration_delay.timeout_seconds',
      Value: '300'
    })
    await rejects(
      send(elb, new DescribeListenersCommand({ ListenerArns: [`${listener.arn}0`] })),
      'ListenerNotFoundException'
    )
    await rejects(
      send(elb, new DescribeRulesCommand({ ListenerArn: `${listener.arn}0` })),
      'ListenerNotFoundException'
    )
    await rejects(
      send(elb, new DescribeRulesCommand({ RuleArns: [`${listener.arn}-rule`] })),
      'RuleNotFoundException'
    )
    await rejects(
      send(elb, new DeleteRuleCommand({ RuleArn: `${listener.arn}-rule` })),
      'RuleNotFoundException'
    )
    await rejects(
      send(elb, new DescribeListenersCommand({ LoadBalancerArn: `${lb.arn}0` })),
      'LoadBalancerNotFoundException'
    )
    await rejects(
      send(elb, new DescribeTargetGroupsCommand({ LoadBalancerArn: `${lb.arn}0` })),
      'LoadBalancerNotFoundException'
    )
  })

  it('takes one way of choosing: DescribeListeners and DescribeRules need one, DescribeTargetGroups at most one', async () => {
    const { w, lb, listener, elb } = world()
    const tg = w.elbv2.createTargetGroup('a')
    await rejects(send(elb, new DescribeListenersCommand({})), 'ValidationError')
    await rejects(
      send(elb, new DescribeListenersCommand({ LoadBalancerArn: lb.arn, ListenerArns: [listener.arn] })),
      'ValidationError'
    )
    await rejects(send(elb, new DescribeRulesCommand({})), 'ValidationError')
    await rejects(
      send(elb, new DescribeTargetGroupsCommand({ LoadBalancerArn: lb.arn, TargetGroupArns: [tg.arn] })),
      'ValidationError'
    )
  })

  it('refuses to delete a default rule', async () => {
    const { w, listener, elb } = world()
    const defaultRule = w.elbv2.rulesOf(listener.arn).find(r => r.priority === undefined)!
    await rejects(
      send(elb, new DeleteRuleCommand({ RuleArn: defaultRule.arn })),
      'OperationNotPermittedException'
    )
    expect(w.elbv2.rules.has(defaultRule.arn)).toBe(true)
  })

  it('refuses to delete a target group a rule forwards to, weighted too, and for a while after the rule is deleted', async () => {
    const { w, listener, elb } = world()
    const a = w.elbv2.createTargetGroup('a')
    const b = w.elbv2.createTargetGroup('b')
    const direct = w.elbv2.createRule(listener.arn, 1, 'a.example.com', a.arn)
    const weighted = w.elbv2.createRule(listener.arn, 2, 'b.example.com', [
      [a.arn, 50],
      [b.arn, 50]
    ])
    const groups = await send(elb, new DescribeTargetGroupsCommand({ TargetGroupArns: [a.arn, b.arn] }))
    expect(groups.TargetGroups).toMatchObject(
      [
        { TargetGroupArn: a.arn, LoadBalancerArns: [listener.loadBalancerArn] },
        { TargetGroupArn: b.arn, LoadBalancerArns: [listener.loadBalancerArn] }
      ].sort((x, y) => x.TargetGroupArn.localeCompare(y.TargetGroupArn))
    )
    const rules = await send(elb, new DescribeRulesCommand({ RuleArns: [weighted.arn] }))
    expect(rules.Rules).toMatchObject([
      {
        Actions: [
          {
            Type: 'forward',
            ForwardConfig: {
              TargetGroups: [
                { TargetGroupArn: a.arn, Weight: 50 },
                { TargetGroupArn: b.arn, Weight: 50 }
              ]
            }
          }
        ]
      }
    ])
    await rejects(
      send(elb, new DeleteTargetGroupCommand({ TargetGroupArn: b.arn })),
      'ResourceInUseException',
      /in use/
    )
    await send(elb, new DeleteRuleCommand({ RuleArn: weighted.arn }))
    // b is no longer forwarded to, but the deletion of the rule has not settled yet.
    await rejects(
      send(elb, new DeleteTargetGroupCommand({ TargetGroupArn: b.arn })),
      'ResourceInUseException'
    )
    // a is still forwarded to by the direct rule.
    await w.ecs.time.sleep(5_000)
    await rejects(
      send(elb, new DeleteTargetGroupCommand({ TargetGroupArn: a.arn })),
      'ResourceInUseException'
    )
    await send(elb, new DeleteTargetGroupCommand({ TargetGroupArn: b.arn }))
    expect(w.elbv2.targetGroups.has(b.arn)).toBe(false)
    await send(elb, new DeleteRuleCommand({ RuleArn: direct.arn }))
    await w.ecs.time.sleep(5_000)
    await send(elb, new DeleteTargetGroupCommand({ TargetGroupArn: a.arn }))
    expect(w.elbv2.targetGroups.size).toBe(0)
    // Deleting one that is gone succeeds (the model lists no not-found error for it).
    await send(elb, new DeleteTargetGroupCommand({ TargetGroupArn: a.arn }))
  })

  it('refuses to delete a target group a listener default action forwards to', async () => {
    const { w, lb, elb } = world()
    const tg = w.elbv2.createTargetGroup('default')
    w.elbv2.createListener(lb.arn, 8080, [{ Type: 'forward', TargetGroupArn: tg.arn }])
    await rejects(
      send(elb, new DeleteTargetGroupCommand({ TargetGroupArn: tg.arn })),
      'ResourceInUseException'
    )
  })

  it("registers a service's running tasks as targets and routes a host to them, until the service drains", async () => {
    const { w, listener, elb } = world()
    w.ecs.createCluster('c1')
    w.ecs.registerContainerInstance('c1')
    const tg = w.elbv2.createTargetGroup('web')
    w.elbv2.createRule(listener.arn, 1, 'web.example.com', tg.arn)
    w.ecs.createService('c1', 'web', {
      desiredCount: 2,
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    })
    await w.ecs.time.sleep(3_000)
    await send(w.ecs.client, new DescribeClustersCommand({ clusters: ['c1'] }))
    const health = await send(elb, new DescribeTargetHealthCommand({ TargetGroupArn: tg.arn }))
    expect(health.TargetHealthDescriptions).toHaveLength(2)
    expect(w.elbv2.route(listener.arn, 'web.example.com')).toEqual([tg.arn])
    await send(w.ecs.client, new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    await w.ecs.time.sleep(60_000)
    await send(w.ecs.client, new DescribeClustersCommand({ clusters: ['c1'] }))
    expect(w.elbv2.targetsOf(tg.arn)).toEqual([])
    expect(w.elbv2.route(listener.arn, 'web.example.com')).toEqual([])
  })

  it('describes at most 20 target groups by ARN a call', async () => {
    const { w, elb } = world()
    const arns = Array.from({ length: 21 }, (_, i) => w.elbv2.createTargetGroup(`tg-${i}`).arn)
    const twenty = await send(elb, new DescribeTargetGroupsCommand({ TargetGroupArns: arns.slice(0, 20) }))
    expect(twenty.TargetGroups).toHaveLength(20)
    await rejects(
      send(elb, new DescribeTargetGroupsCommand({ TargetGroupArns: arns })),
      'ValidationError',
      /more than '20' target groups/
    )
  })

  it("keeps a service's task DEACTIVATING for its group's deregistration delay before it stops, and the service DRAINING until it has", async () => {
    const { w } = world()
    w.ecs.createCluster('c1')
    w.ecs.registerContainerInstance('c1')
    const tg = w.elbv2.createTargetGroup('web', 80, 60)
    w.ecs.createService('c1', 'web', {
      desiredCount: 1,
      stopTimeMs: 10_000,
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    })
    await w.ecs.time.sleep(3_000)
    const listed = await send(w.ecs.client, new ListTasksCommand({ cluster: 'c1' }))
    const task = (listed.taskArns as string[])[0]!
    await send(w.ecs.client, new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    const look = async () => {
      const tasks = await send(w.ecs.client, new DescribeTasksCommand({ cluster: 'c1', tasks: [task] }))
      const services = await send(
        w.ecs.client,
        new DescribeServicesCommand({ cluster: 'c1', services: ['web'] })
      )
      return [
        (tasks.tasks as { lastStatus: string }[])[0]!.lastStatus,
        (services.services as { status: string }[])[0]!.status
      ]
    }
    // The scheduler acts about a second after the deletion; then 60 s of deregistration, 10 s of stop.
    await w.ecs.time.sleep(2_000)
    expect(await look()).toEqual(['DEACTIVATING', 'DRAINING'])
    await w.ecs.time.sleep(57_000)
    expect(await look()).toEqual(['DEACTIVATING', 'DRAINING'])
    await w.ecs.time.sleep(5_000)
    expect(await look()).toEqual(['STOPPING', 'DRAINING'])
    await w.ecs.time.sleep(7_000)
    expect(await look()).toEqual(['STOPPED', 'INACTIVE'])
  })
})
