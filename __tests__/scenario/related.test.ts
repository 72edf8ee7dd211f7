import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

// What starts tasks on a cluster and what keeps billing after it: EventBridge schedules, EC2 and
// external instances, log groups, task definitions and the Service Connect namespace, on the
// strict simulators of every service involved.

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

function leftover(c: ClusterReport, kind: string, id: string) {
  return c.leftovers.find(l => l.kind === kind && l.id === id)
}

/** A cluster with a service and a schedule that runs a `cron` task on it every 5 seconds. */
function scheduled(world: SimWorld, name = 'pr-5') {
  const { ecs, events } = world
  const cluster = ecs.createCluster(name)
  ecs.registerContainerInstance(name)
  ecs.createService(name, 'web', { desiredCount: 2 })
  const cron = ecs.registerTaskDefinition('cron')
  events.putRule('every-5s', { rateMs: 5_000 })
  events.putEcsTarget('every-5s', 'run-cron', cluster.arn, cron.arn)
  return { cluster, cron }
}

describe('EventBridge rules that start tasks on the cluster', () => {
  it('removes only this cluster’s targets before touching a service, so the schedule stops and the run finishes', async () => {
    const world = new SimWorld()
    const { cluster, cron } = scheduled(world)
    const other = world.ecs.createCluster('production')
    world.events.putEcsTarget(
      'every-5s',
      'lambda-too',
      'arn:aws:lambda:us-east-1:123456789012:function:f',
      ''
    )
    world.events.putRule('prod-nightly', { rateMs: 60_000 })
    world.events.putEcsTarget('prod-nightly', 'prod', other.arn, cron.arn)
    await world.ecs.time.sleep(21_000) // the schedule has started tasks already

    const result = await runOnSim(world.ecs, { cluster: 'pr-5' }, { world })

    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-5')).toMatchObject({ cluster: 'INACTIVE', tasks: [], services: [] })
    const rule = world.events.rules.get('every-5s')!
    expect(rule.targets.map(t => t.Id)).toEqual(['lambda-too'])
    expect(rule.state).toBe('ENABLED')
    expect(world.events.rules.get('prod-nightly')!.targets).toHaveLength(1)
    // Removed before the first service deletion; nothing started on the cluster after that.
    const removedAt = world.events.calls.find(c => c.operation === 'RemoveTargets')!.at
    const firstEcsChange = world.ecs.calls.find(c => c.operation === 'DeleteService')!.at
    expect(removedAt).toBeLessThanOrEqual(firstEcsChange)
    const onCluster = world.events.started.filter(s => s.taskArn.includes(':task/pr-5/'))
    expect(onCluster.length).toBeGreaterThan(0)
    expect(onCluster.every(s => s.at <= removedAt)).toBe(true)
    const c = only(result.report)
    expect(c.related?.triggers).toEqual([
      { rule: 'every-5s', targets: ['run-cron'], action: 'targets-removed' }
    ])
    expect(c.tasks.filter(t => t.group === 'family:cron').length).toBe(onCluster.length)
    expect(result.summary).toContain('| EventBridge rules starting tasks | 1 | 1 | 0 |')
    expect(cluster.arn).toBe(c.arn)
  })

  it('puts the rules first in the plan of a dry run, and changes nothing anywhere', async () => {
    const world = new SimWorld()
    scheduled(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-5', 'dry-run': 'true' }, { world })
    expect(world.mutatingCalls()).toEqual([])
    const steps = only(result.report).plan!.steps
    expect(steps[0]).toEqual({
      description: "Remove this cluster's targets from 1 EventBridge rule that start its tasks",
      resources: ['every-5s']
    })
    expect(result.summary).toContain('1. Remove this cluster&#39;s targets from 1 EventBridge rule')
  })

  it('fails before any change when the rules cannot be read, and says how to do without them', async () => {
    const world = new SimWorld()
    scheduled(world)
    world.events.denied.add('ListRuleNamesByTarget')
    const result = await runOnSim(world.ecs, { cluster: 'pr-5' }, { world })
    expect(only(result.report).outcome).toBe('failed')
    expect(result.failed).toContain('events:ListRuleNamesByTarget')
    expect(result.failed).toContain('set triggers: keep')
    expect(world.mutatingCalls()).toEqual([])
  })

  it('disables the whole rule with triggers: disable, and says what else that stops', async () => {
    const world = new SimWorld()
    scheduled(world)
    world.events.putOtherTarget('every-5s', 'queue', 'arn:aws:sqs:us-east-1:123456789012:q')
    const dry = await runOnSim(
      world.ecs,
      { cluster: 'pr-5', triggers: 'disable', 'dry-run': 'true' },
      { world }
    )
    expect(only(dry.report).plan!.blockers).toEqual([
      'EventBridge rule every-5s will be disabled as a whole, which also stops its 1 other target(s)'
    ])
    const result = await runOnSim(world.ecs, { cluster: 'pr-5', triggers: 'disable' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.events.rules.get('every-5s')!.state).toBe('DISABLED')
    expect(world.events.rules.get('every-5s')!.targets).toHaveLength(2)
    expect(only(result.report).related?.triggers).toEqual([
      { rule: 'every-5s', targets: ['run-cron'], action: 'disabled' }
    ])
  })

  it('with triggers: keep, does not look at EventBridge, and the schedule keeps the cluster from emptying', async () => {
    const world = new SimWorld()
    scheduled(world)
    const result = await runOnSim(
      world.ecs,
      { cluster: 'pr-5', triggers: 'keep', 'timeout-minutes': '3' },
      { world }
    )
    expect(world.events.calls).toEqual([])
    expect(only(result.report).outcome).toBe('timed-out')
    expect(result.failed).toMatch(/ClusterContainsTasks|Tasks are active|did not stop|tasks/)
  })
})

describe('the EC2 and external instances behind the container instances', () => {
  function hosts(world: SimWorld) {
    const { ecs, ec2 } = world
    ecs.createCluster('pr-6')
    const [asgInstance] = ec2.createAutoScalingGroup('pr-6-asg', 1)
    const stackOwned = ec2.launch({ tags: { 'aws:cloudformation:stack-name': 'pr-6-hosts' } })
    const plain = ec2.launch()
    for (const i of [asgInstance!, stackOwned, plain])
      ecs.registerContainerInstance('pr-6', { ec2InstanceId: i.id })
    const external = ecs.registerContainerInstance('pr-6', { external: true })
    ecs.createService('pr-6', 'web', { desiredCount: 3 })
    return { asgInstance: asgInstance!, stackOwned, plain, external }
  }

  it('terminates only the instance nothing owns, and says who owns the others with the fix', async () => {
    const world = new SimWorld()
    const { asgInstance, stackOwned, plain, external } = hosts(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-6', 'terminate-instances': 'true' }, { world })

    expect(result.failed).toBeUndefined()
    const terminated = world.ec2.calls
      .filter(c => c.operation === 'TerminateInstances')
      .flatMap(c => c.input.InstanceIds as string[])
    expect(terminated).toEqual([plain.id])
    // The group still has its one instance (it was never asked to replace one).
    expect(world.ec2.billing()).toEqual(expect.arrayContaining([asgInstance.id, stackOwned.id]))
    expect(world.ec2.billing()).not.toContain(plain.id)
    // No EC2 call ever named the external machine.
    expect(JSON.stringify(world.ec2.calls)).not.toContain(external.ec2InstanceId)
    const c = only(result.report)
    expect(c.related?.instances).toEqual([
      { id: plain.id, containerInstanceId: expect.any(String), action: 'terminated' }
    ])
    expect(leftover(c, 'ec2-instance', asgInstance.id)).toMatchObject({
      billing: true,
      reason: expect.stringMatching(
        /owned by Auto Scaling group pr-6-asg: not terminated.*--auto-scaling-group-name pr-6-asg --min-size 0 --desired-capacity 0/
      )
    })
    expect(leftover(c, 'ec2-instance', stackOwned.id)).toMatchObject({
      billing: true,
      reason: expect.stringMatching(
        /owned by CloudFormation stack pr-6-hosts.*delete-stack: true, stack-name: pr-6-hosts/
      )
    })
    expect(leftover(c, 'ssm-instance', external.ec2InstanceId)).toMatchObject({
      billing: false,
      reason: expect.stringContaining(
        `aws ssm deregister-managed-instance --instance-id ${external.ec2InstanceId}`
      )
    })
    expect(leftover(c, 'ec2-instance', plain.id)).toBeUndefined()
    expect(result.summary).toMatch(/Still costing money[\s\S]*pr-6-asg/)
  })

  it('reports the plain instance as still running without terminate-instances, as before but precisely', async () => {
    const world = new SimWorld()
    const { plain } = hosts(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-6' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.ec2.mutatingCalls()).toEqual([])
    expect(leftover(only(result.report), 'ec2-instance', plain.id)?.reason).toMatch(
      /^still running and billing: .*terminate-instances: true terminates it/
    )
  })

  it('deregisters the external instance from Systems Manager with deregister-ssm-instances', async () => {
    const world = new SimWorld()
    const { external } = hosts(world)
    const result = await runOnSim(
      world.ecs,
      { cluster: 'pr-6', 'deregister-ssm-instances': 'true' },
      { world }
    )
    expect(result.failed).toBeUndefined()
    expect(world.ssm.registered()).toEqual([])
    const c = only(result.report)
    expect(c.related?.instances).toEqual([
      { id: external.ec2InstanceId, containerInstanceId: external.id, action: 'ssm-deregistered' }
    ])
    expect(leftover(c, 'ssm-instance', external.ec2InstanceId)).toBeUndefined()
  })

  it('without ec2:DescribeInstances: reports as before when not terminating, refuses to guess when it is', async () => {
    const world = new SimWorld()
    const { plain } = hosts(world)
    world.ec2.denied.add('DescribeInstances')
    const plainRun = await runOnSim(world.ecs, { cluster: 'pr-6', 'dry-run': 'true' }, { world })
    expect(only(plainRun.report).outcome).toBe('dry-run')
    const terminating = await runOnSim(
      world.ecs,
      { cluster: 'pr-6', 'terminate-instances': 'true' },
      { world }
    )
    expect(only(terminating.report).outcome).toBe('failed')
    expect(terminating.failed).toContain('ec2:DescribeInstances')
    expect(world.ecs.mutatingCalls()).toEqual([])
    const run = await runOnSim(world.ecs, { cluster: 'pr-6' }, { world })
    expect(run.failed).toBeUndefined()
    expect(leftover(only(run.report), 'ec2-instance', plain.id)?.reason).toMatch(
      /owner is unknown: ec2:DescribeInstances was denied/
    )
  })
})

describe('log groups and task definitions', () => {
  function logging(world: SimWorld) {
    const { ecs, logs } = world
    ecs.createCluster('pr-8')
    ecs.registerContainerInstance('pr-8')
    const web = ecs.registerTaskDefinition('pr-8-web', { logGroup: '/ecs/shared' })
    const worker = ecs.registerTaskDefinition('pr-8-worker', { logGroup: '/ecs/pr-8-worker' })
    const elsewhere = ecs.registerTaskDefinition('pr-8-audit', {
      logGroup: '/ecs/pr-8-audit',
      logRegion: 'eu-west-1'
    })
    ecs.registerTaskDefinition('reporting', { logGroup: '/ecs/shared' }) // a family outside the cluster
    ecs.createService('pr-8', 'web', { taskDefinition: web.arn })
    ecs.createService('pr-8', 'worker', { taskDefinition: worker.arn })
    ecs.runTask('pr-8', { taskDefinition: elsewhere.arn })
    for (const g of ['/ecs/shared', '/ecs/pr-8-worker']) logs.createLogGroup(g)
    return { web, worker }
  }

  it('deletes a log group only this cluster writes to, and keeps one another family shares', async () => {
    const world = new SimWorld()
    logging(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-8', 'delete-log-groups': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect([...world.logs.groups.keys()]).toEqual(['/ecs/shared'])
    const c = only(result.report)
    expect(c.related?.logGroups).toEqual([{ name: '/ecs/pr-8-worker', action: 'deleted' }])
    expect(leftover(c, 'log-group', '/ecs/shared')?.reason).toBe(
      'kept: task definition family reporting (latest ACTIVE revision) also writes to it'
    )
    expect(leftover(c, 'log-group', '/ecs/pr-8-audit')?.reason).toMatch(
      /in eu-west-1, not the cluster's Region/
    )
    // Bounded: one ListTaskDefinitionFamilies page, one describe per family and per revision used.
    expect(world.ecs.countCalls('ListTaskDefinitionFamilies')).toBe(1)
    expect(world.ecs.countCalls('DescribeTaskDefinition')).toBe(3 + 4)
  })

  it('keeps every log group when the account has more families than it checks, and says so', async () => {
    const world = new SimWorld()
    logging(world)
    for (let i = 0; i < 100; i++) world.ecs.registerTaskDefinition(`other-${String(i).padStart(3, '0')}`)
    const result = await runOnSim(
      world.ecs,
      { cluster: 'pr-8', 'delete-log-groups': 'true', 'dry-run': 'true' },
      { world }
    )
    const c = only(result.report)
    expect(
      c.plan!.steps.some(s => s.description.startsWith('Delete') && s.description.includes('log group'))
    ).toBe(false)
    expect(c.plan!.blockers).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /log group \/ecs\/pr-8-worker will be kept: the account has more ACTIVE task definition families/
        )
      ])
    )
    expect(world.ecs.countCalls('ListTaskDefinitionFamilies')).toBe(2)
    expect(world.ecs.countCalls('DescribeTaskDefinition')).toBe(3)
  })

  it('deregisters the revisions the services and tasks used, and reports their families', async () => {
    const world = new SimWorld()
    const { web, worker } = logging(world)
    const result = await runOnSim(
      world.ecs,
      { cluster: 'pr-8', 'deregister-task-definitions': 'true' },
      { world }
    )
    expect(result.failed).toBeUndefined()
    expect(world.ecs.taskDefinitions.get(web.arn)!.status).toBe('INACTIVE')
    expect(world.ecs.taskDefinitions.get(worker.arn)!.status).toBe('INACTIVE')
    expect([...world.ecs.taskDefinitions.values()].find(td => td.family === 'reporting')!.status).toBe(
      'ACTIVE'
    )
    expect(
      only(result.report)
        .related?.taskDefinitions.map(t => t.family)
        .sort()
    ).toEqual(['pr-8-audit', 'pr-8-web', 'pr-8-worker'])
  })
})

describe('the Service Connect namespace', () => {
  it('reports it with its ARN by default, and deletes it with delete-namespace once nothing uses it', async () => {
    const world = new SimWorld()
    const ns = world.cloudMap.createNamespace('pr-9')
    world.ecs.createCluster('pr-9', { serviceConnectNamespace: ns.arn })
    const svc = world.ecs.createService('pr-9', 'api', {
      launchType: 'FARGATE',
      serviceConnectNamespace: ns.arn
    })
    world.cloudMap.createService(ns.id, 'api', { ecsServiceArn: svc.arn })

    const plain = await runOnSim(world.ecs, { cluster: 'pr-9', 'dry-run': 'true' }, { world })
    expect(only(plain.report).plan!.steps.map(s => s.description)).not.toEqual(
      expect.arrayContaining([expect.stringContaining('namespace')])
    )
    const result = await runOnSim(world.ecs, { cluster: 'pr-9', 'delete-namespace': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.cloudMap.namespaceStatus(ns)).toBe('DELETED')
    expect(only(result.report).related?.namespaces).toEqual([{ ref: ns.arn, action: 'deleted' }])
  })

  it('finds a namespace ECS names only by name, and deletes it', async () => {
    const world = new SimWorld()
    const ns = world.cloudMap.createNamespace('pr-13')
    world.ecs.createCluster('pr-13', { serviceConnectNamespace: 'pr-13' })
    const result = await runOnSim(world.ecs, { cluster: 'pr-13', 'delete-namespace': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.cloudMap.namespaceStatus(ns)).toBe('DELETED')
    expect(only(result.report).related?.namespaces).toEqual([{ ref: 'pr-13', action: 'deleted' }])
  })

  it('keeps it when another cluster uses it, or without delete-namespace, with the reason', async () => {
    const world = new SimWorld()
    const ns = world.cloudMap.createNamespace('shared')
    world.ecs.createCluster('pr-10', { serviceConnectNamespace: ns.arn })
    world.ecs.createCluster('pr-11', { serviceConnectNamespace: ns.arn })
    const kept = await runOnSim(world.ecs, { cluster: 'pr-10', 'delete-namespace': 'true' }, { world })
    expect(kept.failed).toBeUndefined()
    expect(world.cloudMap.namespaceStatus(ns)).toBe('ACTIVE')
    expect(leftover(only(kept.report), 'namespace', ns.arn)?.reason).toMatch(/still used by cluster pr-11/)
    const plain = await runOnSim(world.ecs, { cluster: 'pr-11' }, { world })
    const reported = leftover(only(plain.report), 'namespace', ns.arn)
    expect(reported?.reason).toContain('delete-namespace: true')
    expect(reported?.billing).toBeFalsy()
    expect(world.cloudMap.mutatingCalls()).toEqual([])
  })
})

/**
 * Everything a preview environment has around its cluster: a console-wizard stack that owns the
 * cluster and an Auto Scaling group (whose instances carry the stack's tags), an EC2 instance
 * nothing owns, an ECS Anywhere machine, a schedule, log groups (one shared with a family outside
 * the cluster), and a Service Connect namespace.
 */
function fullEnvironment(): SimWorld {
  const world = new SimWorld()
  const { ecs, cfn, ec2, events, logs, cloudMap, elbv2, autoscaling } = world
  const ns = cloudMap.createNamespace('pr-12')
  // A shared load balancer: pr-12's rule and target group, and a neighbour's that must stay.
  const alb = elbv2.createLoadBalancer('previews')
  const listener = elbv2.createListener(alb.arn)
  const tg = elbv2.createTargetGroup('pr-12-web')
  elbv2.createRule(listener.arn, 12, 'pr-12.example.com', tg.arn)
  const neighbour = elbv2.createTargetGroup('pr-11-web')
  neighbour.extraTargets.push('10.0.11.5')
  elbv2.createRule(listener.arn, 11, 'pr-11.example.com', neighbour.arn)
  const cluster = ecs.createCluster('pr-12', { serviceConnectNamespace: ns.arn })
  const asg = ec2.createAutoScalingGroup('pr-12-asg', 2, { stack: 'EC2ContainerService-pr-12' })
  for (const i of [...asg, ec2.launch()]) ecs.registerContainerInstance('pr-12', { ec2InstanceId: i.id })
  ecs.registerContainerInstance('pr-12', { external: true })
  cfn.createStack('EC2ContainerService-pr-12', {
    ownsCluster: 'pr-12',
    resources: [
      { logicalId: 'Vpc', type: 'AWS::EC2::VPC' },
      { logicalId: 'EcsInstanceAsg', type: 'AWS::AutoScaling::AutoScalingGroup', physicalId: 'pr-12-asg' }
    ]
  })
  const web = ecs.registerTaskDefinition('pr-12-web', { logGroup: '/ecs/pr-12' })
  const worker = ecs.registerTaskDefinition('pr-12-worker', { logGroup: '/ecs/shared' })
  ecs.registerTaskDefinition('billing-reports', { logGroup: '/ecs/shared' })
  const api = ecs.createService('pr-12', 'web', {
    desiredCount: 3,
    taskDefinition: web.arn,
    serviceConnectNamespace: ns.arn,
    loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
  })
  // Service auto scaling, with a step-scaling alarm that outlives its policy.
  autoscaling.registerTarget('service/pr-12/web', 1, 6)
  autoscaling.putStepPolicy('service/pr-12/web', 'pr-12-cpu-high')
  cloudMap.createService(ns.id, 'web', { ecsServiceArn: api.arn })
  ecs.createService('pr-12', 'worker', { desiredCount: 1, taskDefinition: worker.arn })
  const cron = ecs.registerTaskDefinition('pr-12-cron', { logGroup: '/ecs/pr-12' })
  events.putRule('pr-12-cron', { rateMs: 10_000 })
  events.putEcsTarget('pr-12-cron', 'cron', cluster.arn, cron.arn)
  for (const g of ['/ecs/pr-12', '/ecs/shared']) logs.createLogGroup(g)
  return world
}

const EVERY_OPTION = {
  cluster: 'pr-12',
  'delete-stack': 'true',
  'terminate-instances': 'true',
  'deregister-ssm-instances': 'true',
  'delete-log-groups': 'true',
  'deregister-task-definitions': 'true',
  'delete-namespace': 'true',
  'delete-target-groups': 'true',
  'delete-scaling-alarms': 'true'
}

describe('the full environment, every option on', () => {
  it('plans it all in a dry run without one change in any service', async () => {
    const world = fullEnvironment()
    await world.ecs.time.sleep(15_000)
    const result = await runOnSim(world.ecs, { ...EVERY_OPTION, 'dry-run': 'true' }, { world })
    expect(world.mutatingCalls()).toEqual([])
    const c = only(result.report)
    expect(c.outcome).toBe('dry-run')
    expect(c.plan!.steps.map(s => s.description)).toEqual([
      "Remove this cluster's targets from 1 EventBridge rule that start its tasks",
      expect.stringMatching(/^Suspend scaling of 1 scalable target/),
      expect.stringMatching(/^Delete 2 services with force, one call each/),
      expect.stringMatching(/^Let the scheduler drain 4 service tasks, stop 1 standalone task/),
      'Deregister 1 scalable target (1 scaling policy and 0 scheduled actions go with them)',
      'Delete 1 step-scaling alarm whose only actions were these policies',
      'Delete 1 listener rule and 1 target group only the removed services use',
      'Deregister 4 container instances',
      'Terminate the 1 EC2 instance behind them that nothing owns',
      'Deregister 1 external instance from Systems Manager',
      expect.stringMatching(/^Delete stack EC2ContainerService-pr-12, which deletes cluster pr-12/),
      "Check that the 2 EC2 instances the stack's Auto Scaling group owned went with the stack",
      'Delete 1 log group that no other task definition family, cluster, service or task writes to',
      "Deregister 3 task definition revisions of 3 families that no other cluster's services or tasks use",
      expect.stringMatching(/^Delete 1 Service Connect namespace if, with the cluster gone/)
    ])
    expect(c.plan!.blockers).toEqual([
      'log group /ecs/shared will be kept: task definition family billing-reports (latest ACTIVE revision) also writes to it'
    ])
  })

  it('leaves nothing that costs money: the summary has no "still costing money" section', async () => {
    const world = fullEnvironment()
    await world.ecs.time.sleep(15_000)
    const result = await runOnSim(world.ecs, EVERY_OPTION, { world })

    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(result.summary).not.toContain('Still costing money')
    expect(c.leftovers.filter(l => l.billing)).toEqual([])
    // And that is true of the simulated account, not only of the report.
    expect(world.ec2.billing()).toEqual([])
    expect(world.ssm.registered()).toEqual([])
    expect(world.ecs.remaining('pr-12')).toMatchObject({ cluster: 'INACTIVE', tasks: [], orphanedTasks: [] })
    expect(world.cfn.stack('EC2ContainerService-pr-12')?.status).toBe('DELETE_COMPLETE')
    expect(world.events.rules.get('pr-12-cron')!.targets).toEqual([])
    expect([...world.logs.groups.keys()]).toEqual(['/ecs/shared'])
    expect(
      [...world.ecs.taskDefinitions.values()].filter(td => td.status === 'ACTIVE').map(td => td.family)
    ).toEqual(['billing-reports'])
    expect(world.cloudMap.namespaceStatus([...world.cloudMap.namespaces.values()][0]!)).toBe('DELETED')
    // The neighbour on the shared load balancer keeps its rule and group; pr-12's are gone, and so is
    // its scaling (target and step-scaling alarm).
    expect([...world.elbv2.targetGroups.values()].map(g => g.name)).toEqual(['pr-11-web'])
    expect(world.elbv2.route([...world.elbv2.listeners.keys()][0]!, 'pr-11.example.com')).toHaveLength(1)
    expect(world.autoscaling.targets.size).toBe(0)
    expect(world.cloudwatch.alarms.size).toBe(0)
    // What it can truthfully say of the Auto Scaling group's instances: they went with the stack.
    expect(c.related?.instances.filter(i => i.action === 'terminated-with-stack')).toHaveLength(2)
    expect(c.related?.instances.find(i => i.action === 'terminated-with-stack')?.owner).toBe(
      'Auto Scaling group pr-12-asg of stack EC2ContainerService-pr-12'
    )
    // The shared log group is the one thing left, for a reason that is not this cluster's.
    expect(c.leftovers).toEqual([expect.objectContaining({ kind: 'log-group', id: '/ecs/shared' })])
    expect(world.ec2.calls.filter(call => call.operation === 'TerminateInstances')).toHaveLength(1)
  })

  it('says the stack’s instances still bill when the stack deletion fails', async () => {
    const world = fullEnvironment()
    const stack = world.cfn.stack('EC2ContainerService-pr-12')!
    stack.resources.find(r => r.logicalId === 'Vpc')!.failsWith =
      'The vpc has dependencies and cannot be deleted.'
    const result = await runOnSim(world.ecs, EVERY_OPTION, { world })
    const c = only(result.report)
    expect(c.outcome).toBe('failed')
    const asg = c.leftovers.filter(l => l.kind === 'ec2-instance')
    expect(asg).toHaveLength(2)
    expect(
      asg.every(
        l =>
          l.billing &&
          /owned by Auto Scaling group pr-12-asg of stack EC2ContainerService-pr-12/.test(l.reason)
      )
    ).toBe(true)
    expect(result.summary).toContain('Still costing money')
  })
})

/**
 * Every key path of a JSON value with the type found there (`related.found.logGroups: number`),
 * array elements merged under `[]`: the report's schema as a reader of the JSON sees it.
 */
function schemaOf(value: unknown, path = '', into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    into.add(`${path}: array`)
    for (const item of value) schemaOf(item, `${path}[]`, into)
  } else if (value !== null && typeof value === 'object') {
    into.add(`${path}: object`)
    for (const [key, item] of Object.entries(value)) schemaOf(item, path ? `${path}.${key}` : key, into)
  } else into.add(`${path}: ${value === null ? 'null' : typeof value}`)
  return into
}

/**
 * The report of the full environment, taken before the kinds' report types moved into the kinds
 * (src/kinds/): the `report` JSON's schema (docs/report.md) must not change with where it is declared.
 */
const BEFORE = JSON.parse(
  readFileSync(new URL('./full-environment-report.json', import.meta.url), 'utf8')
) as { run: Report; dryRun: Report }

describe('the report JSON of the full environment', () => {
  it('has the same keys, types and kinds’ parts as before the kinds declared their own report types', async () => {
    const world = fullEnvironment()
    await world.ecs.time.sleep(15_000)
    const dry = await runOnSim(world.ecs, { ...EVERY_OPTION, 'dry-run': 'true' }, { world })
    const result = await runOnSim(world.ecs, EVERY_OPTION, { world })

    const run = JSON.parse(result.reportFile!) as Report
    const dryRun = JSON.parse(dry.reportFile!) as Report
    expect([...schemaOf(run)].sort()).toEqual([...schemaOf(BEFORE.run)].sort())
    expect([...schemaOf(dryRun)].sort()).toEqual([...schemaOf(BEFORE.dryRun)].sort())
    // What the kinds wrote, value for value (timings aside, which are not theirs).
    expect(run.clusters[0]!.related).toEqual(BEFORE.run.clusters[0]!.related)
    expect(run.clusters[0]!.leftovers).toEqual(BEFORE.run.clusters[0]!.leftovers)
    expect(dryRun.clusters[0]!.related).toEqual(BEFORE.dryRun.clusters[0]!.related)
    expect(dryRun.clusters[0]!.plan).toEqual(BEFORE.dryRun.clusters[0]!.plan)
  })
})

describe('an EcsSim alone (a caller without the other services)', () => {
  it('still tears down, reporting the EC2 instances as before', async () => {
    const sim = new EcsSim()
    sim.createCluster('solo')
    sim.registerContainerInstance('solo')
    const result = await runOnSim(sim, { cluster: 'solo' })
    expect(result.failed).toBeUndefined()
    expect(only(result.report).leftovers.map(l => l.kind)).toEqual(['ec2-instance'])
  })
})
