import { describe, expect, it } from '@jest/globals'
import type { ClusterReport, Report } from '../../src/report/report.js'
import type { EcsSim } from '../sim/ecs-sim.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

// Services mode: one pull request's services torn down in a cluster other pull requests share. The
// cluster, its instances and everything of the other pull request must come out exactly as it went in.

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

/**
 * The shared cluster `shared-ci`: two container instances, a nightly standalone job, and two pull
 * requests with a web and a worker service each, tagged with their number.
 */
function sharedCluster(world: SimWorld) {
  const { ecs } = world
  const cluster = ecs.createCluster('shared-ci', { tags: { team: 'ci' } })
  ecs.registerContainerInstance('shared-ci')
  ecs.registerContainerInstance('shared-ci')
  for (const pr of ['42', '7']) {
    ecs.createService('shared-ci', `pr-${pr}-web`, { desiredCount: 2, tags: { pr } })
    ecs.createService('shared-ci', `pr-${pr}-worker`, { desiredCount: 1, tags: { pr } })
  }
  ecs.runTask('shared-ci', { family: 'nightly-report', startedBy: 'cron' })
  return cluster
}

/** Everything in the cluster a services-mode run for PR 42 must leave exactly as it is. */
function untouched(ecs: EcsSim) {
  const cluster = [...ecs.clusters.values()].find(c => c.name === 'shared-ci')!
  return {
    cluster: ecs.clusterStatus(cluster),
    services: [...ecs.services.values()]
      .filter(s => s.clusterArn === cluster.arn && !s.name.startsWith('pr-42-'))
      .map(s => `${s.name}:${ecs.serviceStatus(s)}:${s.desiredCount}`)
      .sort(),
    tasks: [...ecs.tasks.values()]
      .filter(t => t.clusterArn === cluster.arn && !t.group.startsWith('service:pr-42-'))
      .map(t => `${t.id}:${ecs.taskStatus(t)}`)
      .sort(),
    containerInstances: [...ecs.containerInstances.values()]
      .filter(ci => ci.clusterArn === cluster.arn)
      .map(ci => `${ci.id}:${ci.status}`)
  }
}

/** Every mutating ECS call names a PR 42 service or task, and none touches the cluster itself. */
function onlyPr42Changed(world: SimWorld): void {
  const mutations = world.ecs.calls.filter(c =>
    ['UpdateService', 'DeleteService', 'StopTask', 'DeleteTaskSet'].includes(c.operation)
  )
  expect(mutations.length).toBeGreaterThan(0)
  for (const call of mutations) {
    if (call.operation === 'StopTask') {
      const task = world.ecs.tasks.get(String(call.input.task))
      expect(task?.group).toMatch(/^service:pr-42-/)
    } else {
      expect(String(call.input.service)).toMatch(/\/pr-42-[a-z]+$/)
    }
  }
  for (const operation of [
    'DeleteCluster',
    'DeregisterContainerInstance',
    'PutClusterCapacityProviders',
    'DeleteCapacityProvider'
  ])
    expect(world.ecs.countCalls(operation)).toBe(0)
}

describe('services mode: one pull request in a shared cluster', () => {
  it('removes PR 42’s services and tasks; PR 7, the standalone job, the instances and the cluster stay as they were', async () => {
    const world = new SimWorld()
    sharedCluster(world)
    await world.ecs.time.sleep(10_000)
    const before = untouched(world.ecs)

    const result = await runOnSim(
      world.ecs,
      { cluster: 'shared-ci', services: 'pr-42-web\npr-42-worker' },
      { world }
    )

    expect(result.failed).toBeUndefined()
    expect(untouched(world.ecs)).toEqual(before)
    expect(before.services).toEqual(['pr-7-web:ACTIVE:2', 'pr-7-worker:ACTIVE:1'])
    expect(before.tasks).toHaveLength(4)
    expect(world.ecs.remaining('shared-ci').services.filter(s => s.startsWith('pr-42-'))).toEqual([])
    expect(
      [...world.ecs.tasks.values()]
        .filter(t => t.group.startsWith('service:pr-42-'))
        .every(t => world.ecs.taskStatus(t) === 'STOPPED')
    ).toBe(true)
    onlyPr42Changed(world)

    const c = only(result.report)
    expect(c.outcome).toBe('services-removed')
    expect(c.services.map(s => s.name).sort()).toEqual(['pr-42-web', 'pr-42-worker'])
    expect(c.tasks).toHaveLength(3)
    expect(c.tasks.every(t => t.how === 'drained')).toBe(true)
    expect(c.leftovers).toEqual([])
    expect(c.scope?.selected).toEqual(['pr-42-web', 'pr-42-worker'])
    expect(c.scope?.kept.map(k => `${k.kind}:${k.id}`)).toEqual([
      'cluster:shared-ci',
      'service:pr-7-web',
      'service:pr-7-worker'
    ])
    expect(c.scope?.kept[0]?.reason).toMatch(
      /2 other services, 4 other tasks .*2 container instances and 0 capacity providers are not touched/
    )
    expect(result.outputs).toMatchObject({
      'services-deleted': '2',
      'tasks-stopped': '3',
      'container-instances-deregistered': '0',
      'clusters-deleted': '0'
    })
    expect(result.summary).toContain('| shared-ci | us-east-1 | ✅ services removed, cluster kept |')
    expect(result.summary).toContain('#### Kept because it is shared')
    expect(result.summary).not.toContain('| Container instances |')
  })

  it('force mode stops only the selected services’ tasks; a re-run finds them absent', async () => {
    const world = new SimWorld()
    sharedCluster(world)
    await world.ecs.time.sleep(10_000)
    const before = untouched(world.ecs)
    const inputs = { cluster: 'shared-ci', services: 'pr-42-web, pr-42-worker', force: 'true' }
    const first = await runOnSim(world.ecs, inputs, { world })
    expect(first.failed).toBeUndefined()
    expect(world.ecs.countCalls('StopTask')).toBe(3)
    expect(untouched(world.ecs)).toEqual(before)

    const again = await runOnSim(world.ecs, inputs, { world })
    expect(again.failed).toBeUndefined()
    const c = only(again.report)
    expect(c.outcome).toBe('absent')
    expect(c.scope?.absent).toEqual(['pr-42-web', 'pr-42-worker'])
    expect(c.message).toMatch(/already gone: pr-42-web, pr-42-worker\); cluster kept\.$/)
    expect(untouched(world.ecs)).toEqual(before)
  })

  it('a dry run plans only the selected services, and changes nothing', async () => {
    const world = new SimWorld()
    sharedCluster(world)
    const result = await runOnSim(
      world.ecs,
      { cluster: 'shared-ci', services: 'pr-42-*', 'require-tags': 'pr=42', 'dry-run': 'true' },
      { world }
    )
    expect(result.failed).toBeUndefined()
    expect(world.mutatingCalls()).toEqual([])
    const c = only(result.report)
    expect(c.outcome).toBe('dry-run')
    const resources = c.plan!.steps.flatMap(s => s.resources)
    expect(resources.some(r => /pr-7|shared-ci/.test(r))).toBe(false)
    expect(c.plan!.steps.map(s => s.description).join('\n')).not.toMatch(/cluster|container instance/i)
  })
})

describe('services mode: the full shared-cluster environment on one ALB', () => {
  it('removes PR 42 and what only it used; nothing of PR 7 nor the cluster changes', async () => {
    const world = new SimWorld()
    const { ecs, elbv2, events, logs, autoscaling } = world
    const cluster = sharedClusterOnAlb(world)
    await ecs.time.sleep(10_000)
    const pr7Before = everythingOfPr7(world, cluster.listenerArn, cluster.pr42.rule.arn)

    const result = await runOnSim(
      ecs,
      {
        cluster: 'shared-ci',
        services: 'pr-42-*',
        'require-tags': 'pr=42',
        'delete-target-groups': 'true',
        'deregister-task-definitions': 'true',
        'delete-log-groups': 'true'
      },
      { world }
    )

    expect(result.failed).toBeUndefined()
    expect(everythingOfPr7(world, cluster.listenerArn, cluster.pr42.rule.arn)).toEqual(pr7Before)
    onlyPr42Changed(world)
    // PR 42's own: services, rule and target group, schedule target, scalable target, revision, log group.
    expect(ecs.remaining('shared-ci').services.filter(s => s.startsWith('pr-42-'))).toEqual([])
    expect(elbv2.rules.has(cluster.pr42.rule.arn)).toBe(false)
    expect(elbv2.targetGroups.has(cluster.pr42.tg.arn)).toBe(false)
    expect(events.rules.get('warm-up')!.targets.map(t => t.Id)).toEqual(['pr-7'])
    expect(autoscaling.targets.has('service/shared-ci/pr-42-web')).toBe(false)
    expect(ecs.taskDefinitions.get(cluster.pr42.taskDefinitionArn)!.status).toBe('INACTIVE')
    expect(logs.groups.has('/ecs/pr-42')).toBe(false)
    const c = only(result.report)
    expect(c.outcome).toBe('services-removed')
    expect(c.leftovers.filter(l => l.kind !== 'load-balancer')).toEqual([])
  })
})

/** The shared cluster with each PR's web service behind its own rule and target group on one ALB. */
function sharedClusterOnAlb(world: SimWorld) {
  const { ecs, elbv2, events, logs, autoscaling } = world
  const cluster = ecs.createCluster('shared-ci')
  ecs.registerContainerInstance('shared-ci')
  ecs.registerContainerInstance('shared-ci')
  const alb = elbv2.createLoadBalancer('previews')
  const listener = elbv2.createListener(alb.arn)
  const pr = (n: string, priority: number) => {
    const td = ecs.registerTaskDefinition(`pr-${n}-web`, { logGroup: `/ecs/pr-${n}` })
    logs.createLogGroup(`/ecs/pr-${n}`)
    const tg = elbv2.createTargetGroup(`pr-${n}-web`)
    const rule = elbv2.createRule(listener.arn, priority, `pr-${n}.example.com`, tg.arn)
    ecs.createService('shared-ci', `pr-${n}-web`, {
      desiredCount: 2,
      tags: { pr: n },
      taskDefinition: td.arn,
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    })
    ecs.createService('shared-ci', `pr-${n}-worker`, { desiredCount: 1, tags: { pr: n } })
    autoscaling.registerTarget(`service/shared-ci/pr-${n}-web`, 1, 4)
    return { tg, rule, taskDefinitionArn: td.arn }
  }
  const pr42 = pr('42', 10)
  const pr7 = pr('7', 20)
  events.putRule('warm-up', { rateMs: 3_600_000 })
  events.putEcsTarget('warm-up', 'pr-42', cluster.arn, pr42.taskDefinitionArn)
  events.putEcsTarget('warm-up', 'pr-7', cluster.arn, pr7.taskDefinitionArn)
  ecs.runTask('shared-ci', { family: 'nightly-report', startedBy: 'cron' })
  return { listenerArn: listener.arn, pr42, pr7 }
}

/** Everything of PR 7 and of the cluster, as plain data, to compare before and after. */
function everythingOfPr7(world: SimWorld, listenerArn: string, pr42Rule: string) {
  const { elbv2, events, logs, autoscaling } = world
  return {
    ...untouched(world.ecs),
    route: elbv2.route(listenerArn, 'pr-7.example.com'),
    rules: elbv2
      .rulesOf(listenerArn)
      .map(r => r.arn)
      .filter(arn => arn !== pr42Rule),
    targetGroups: [...elbv2.targetGroups.values()].filter(g => g.name.startsWith('pr-7')).map(g => g.arn),
    targets: [...elbv2.targetGroups.values()]
      .filter(g => g.name.startsWith('pr-7'))
      .map(g => elbv2.targetsOf(g.arn).length),
    schedule: events.rules.get('warm-up')!.targets.filter(t => t.Id === 'pr-7'),
    scalableTarget: autoscaling.targets.get('service/shared-ci/pr-7-web'),
    taskDefinitions: [...world.ecs.taskDefinitions.values()]
      .filter(td => td.family.startsWith('pr-7'))
      .map(td => `${td.family}:${td.revision}:${td.status}`),
    logGroups: [...logs.groups.keys()].filter(g => g.includes('pr-7'))
  }
}

describe('services mode: a target group shared with a neighbour', () => {
  it('keeps the group and the rule that forwards to it when another service of the cluster uses it', async () => {
    const world = new SimWorld()
    const { ecs, elbv2 } = world
    ecs.createCluster('shared-ci')
    ecs.registerContainerInstance('shared-ci')
    const alb = elbv2.createLoadBalancer('previews')
    const listener = elbv2.createListener(alb.arn)
    const tg = elbv2.createTargetGroup('previews-web')
    const rule = elbv2.createRule(listener.arn, 10, 'previews.example.com', tg.arn)
    const lb = [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    ecs.createService('shared-ci', 'pr-42-web', { desiredCount: 1, loadBalancers: lb })
    ecs.createService('shared-ci', 'pr-7-web', { desiredCount: 1, loadBalancers: lb })

    const result = await runOnSim(
      ecs,
      { cluster: 'shared-ci', services: 'pr-42-web', 'delete-target-groups': 'true' },
      { world }
    )

    expect(result.failed).toBeUndefined()
    expect(elbv2.targetGroups.has(tg.arn)).toBe(true)
    expect(elbv2.rules.has(rule.arn)).toBe(true)
    expect(
      elbv2.calls.filter(c => c.operation === 'DeleteTargetGroup' || c.operation === 'DeleteRule')
    ).toEqual([])
    expect(only(result.report).leftovers.find(l => l.kind === 'target-group')?.reason).toMatch(
      /service pr-7-web of this cluster/
    )
  })
})

/** `pr-42-web` and `pr-7-web` in `shared-ci`, each with a task definition family of its own name. */
function oneWebServiceEach(world: SimWorld) {
  const { ecs } = world
  const cluster = ecs.createCluster('shared-ci')
  ecs.registerContainerInstance('shared-ci')
  const mine = ecs.registerTaskDefinition('pr-42-web')
  const theirs = ecs.registerTaskDefinition('pr-7-web')
  ecs.createService('shared-ci', 'pr-42-web', { desiredCount: 1 })
  ecs.createService('shared-ci', 'pr-7-web', { desiredCount: 1 })
  return { cluster, mine, theirs }
}

describe('services mode: selection by pattern, tags, exclusions and age', () => {
  it('a pattern with a tag filter removes the tagged matches and reports the others as skipped', async () => {
    const world = new SimWorld()
    const { ecs } = world
    sharedCluster(world)
    ecs.createService('shared-ci', 'pr-42-debug', { desiredCount: 1 })
    ecs.createService('shared-ci', 'pr-42-db', { desiredCount: 1, tags: { pr: '42' } })
    ecs.createService('shared-ci', 'pr-420-web', { desiredCount: 1, tags: { pr: '42' } })

    const result = await runOnSim(
      ecs,
      { cluster: 'shared-ci', services: 'pr-42-*', 'require-tags': 'pr=42', exclude: '*-db' },
      { world }
    )

    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.services.map(s => s.name).sort()).toEqual(['pr-42-web', 'pr-42-worker'])
    expect(c.scope?.skipped).toEqual([
      { name: 'pr-42-db', reason: "excluded by 'exclude' (*-db)" },
      { name: 'pr-42-debug', reason: 'lacks the required tag(s) pr=42' }
    ])
    expect(ecs.remaining('shared-ci').services.sort()).toEqual([
      'pr-42-db:ACTIVE',
      'pr-42-debug:ACTIVE',
      'pr-420-web:ACTIVE',
      'pr-7-web:ACTIVE',
      'pr-7-worker:ACTIVE'
    ])
    expect(result.summary).toContain('Services a pattern matched but not touched (2)')
  })

  it('older-than skips a service deployed too recently', async () => {
    const world = new SimWorld()
    const { ecs } = world
    ecs.createCluster('shared-ci')
    ecs.createService('shared-ci', 'pr-1-web', { desiredCount: 1 })
    await ecs.time.sleep(3 * 3_600_000)
    ecs.createService('shared-ci', 'pr-2-web', { desiredCount: 1 })
    const result = await runOnSim(
      ecs,
      { cluster: 'shared-ci', services: 'pr-*', 'older-than': '2h' },
      { world }
    )
    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.services.map(s => s.name)).toEqual(['pr-1-web'])
    expect(c.scope?.skipped).toEqual([
      {
        name: 'pr-2-web',
        reason: "created or deployed 1 min ago, more recently than 'older-than' allows"
      }
    ])
  })

  it('a service named explicitly without the required tags fails the run before anything is removed', async () => {
    const world = new SimWorld()
    sharedCluster(world)
    world.ecs.createService('shared-ci', 'pr-42-debug', { desiredCount: 1 })
    const result = await runOnSim(
      world.ecs,
      { cluster: 'shared-ci', services: 'pr-42-web, pr-42-debug', 'require-tags': 'pr=42' },
      { world }
    )
    expect(result.failed).toBe(
      "Service pr-42-debug is named in 'services' but lacks the required tag(s) pr=42: nothing was removed. Tag it, or remove it from 'services'."
    )
    expect(world.mutatingCalls()).toEqual([])
  })

  it('a cluster that does not exist: its services are absent, not an error', async () => {
    const world = new SimWorld()
    const result = await runOnSim(world.ecs, { cluster: 'gone', services: 'pr-42-web' }, { world })
    expect(result.failed).toBeUndefined()
    expect(only(result.report)).toMatchObject({ outcome: 'absent' })
  })
})

describe('services mode: what the services share with their neighbours is kept', () => {
  it('keeps a task definition revision and a log group another service uses; removes what only PR 42 used', async () => {
    const world = new SimWorld()
    const { ecs, logs } = world
    ecs.createCluster('shared-ci')
    ecs.registerContainerInstance('shared-ci')
    ecs.registerTaskDefinition('app', { logGroup: '/ecs/app' })
    ecs.registerTaskDefinition('pr-42-api', { logGroup: '/ecs/pr-42-api' })
    logs.createLogGroup('/ecs/app')
    logs.createLogGroup('/ecs/pr-42-api')
    ecs.createService('shared-ci', 'pr-42-web', { desiredCount: 1, taskDefinition: 'app:1' })
    ecs.createService('shared-ci', 'pr-42-api', { desiredCount: 1, taskDefinition: 'pr-42-api:1' })
    ecs.createService('shared-ci', 'pr-7-web', { desiredCount: 1, taskDefinition: 'app:1' })

    const result = await runOnSim(
      ecs,
      {
        cluster: 'shared-ci',
        services: 'pr-42-*',
        'deregister-task-definitions': 'true',
        'delete-log-groups': 'true'
      },
      { world }
    )

    expect(result.failed).toBeUndefined()
    const status = (ref: string) => [...ecs.taskDefinitions.values()].find(td => td.arn.endsWith(ref))!.status
    expect(status('/app:1')).toBe('ACTIVE')
    expect(status('/pr-42-api:1')).toBe('INACTIVE')
    expect([...logs.groups.keys()]).toEqual(['/ecs/app'])
    expect(ecs.remaining('shared-ci').services).toEqual(['pr-7-web:ACTIVE'])
    const c = only(result.report)
    expect(c.related?.taskDefinitions).toEqual([
      { family: 'pr-42-api', revisions: ['pr-42-api:1'], action: 'deregistered' }
    ])
    expect(c.scope?.kept).toContainEqual({
      kind: 'task-definition',
      id: 'app:1',
      reason: 'shared: service pr-7-web also use(s) it'
    })
    expect(c.leftovers).toContainEqual({
      kind: 'log-group',
      id: '/ecs/app',
      reason: 'kept: service pr-7-web also run(s) task definitions of app, which write to it'
    })
  })

  it('takes this PR’s family off a schedule and leaves another family’s target, even on the same rule', async () => {
    const world = new SimWorld()
    const { ecs, events } = world
    const { cluster, mine, theirs } = oneWebServiceEach(world)
    events.putRule('warm-up', { rateMs: 600_000 })
    events.putEcsTarget('warm-up', 'pr-42', cluster.arn, mine.arn)
    events.putEcsTarget('warm-up', 'pr-7', cluster.arn, theirs.arn)
    events.putRule('pr-7-nightly', { rateMs: 600_000 })
    events.putEcsTarget('pr-7-nightly', 'run', cluster.arn, theirs.arn.replace(/:\d+$/, ''))

    const result = await runOnSim(ecs, { cluster: 'shared-ci', services: 'pr-42-web' }, { world })

    expect(result.failed).toBeUndefined()
    expect(events.rules.get('warm-up')!.targets.map(t => t.Id)).toEqual(['pr-7'])
    expect(events.rules.get('warm-up')!.state).toBe('ENABLED')
    expect(events.rules.get('pr-7-nightly')!.targets.map(t => t.Id)).toEqual(['run'])
    expect(only(result.report).related?.triggers).toEqual([
      { rule: 'warm-up', targets: ['pr-42'], action: 'targets-removed' }
    ])
  })
})

describe('EventBridge Scheduler schedules that start tasks', () => {
  it('services mode: deletes the schedule of PR 42’s family before touching a service; keeps PR 7’s', async () => {
    const world = new SimWorld()
    const { ecs, scheduler } = world
    const { cluster, mine, theirs } = oneWebServiceEach(world)
    scheduler.createGroup('previews')
    scheduler.putEcsSchedule('pr-42-warm-up', cluster.arn, mine.arn, { rateMs: 60_000, group: 'previews' })
    scheduler.putEcsSchedule('pr-7-warm-up', cluster.arn, theirs.arn, { rateMs: 60_000, group: 'previews' })
    // Universal targets (aws-sdk:ecs:runTask): the cluster and the task definition are in the input.
    scheduler.putUniversalSchedule('pr-42-nightly', { Cluster: 'shared-ci', TaskDefinition: 'pr-42-web' })
    scheduler.putUniversalSchedule('pr-7-nightly', { Cluster: cluster.arn, TaskDefinition: theirs.arn })

    const result = await runOnSim(ecs, { cluster: 'shared-ci', services: 'pr-42-web' }, { world })

    expect(result.failed).toBeUndefined()
    expect([...scheduler.schedules.keys()].sort()).toEqual(['default/pr-7-nightly', 'previews/pr-7-warm-up'])
    const deletedAt = scheduler.calls.find(c => c.operation === 'DeleteSchedule')!.at
    const firstChange = ecs.calls.find(c => c.operation === 'DeleteService')!.at
    expect(deletedAt).toBeLessThanOrEqual(firstChange)
    const c = only(result.report)
    expect(c.related?.schedules.map(s => `${s.group}/${s.name}:${s.action}`).sort()).toEqual([
      'default/pr-42-nightly:deleted',
      'previews/pr-42-warm-up:deleted'
    ])
    expect(result.summary).toContain('| EventBridge Scheduler schedules starting tasks | 2 | 2 | 0 |')
  })

  it('whole cluster, triggers: disable: disables the schedule on this cluster, not the one on another', async () => {
    const world = new SimWorld()
    const { ecs, scheduler } = world
    const preview = ecs.createCluster('preview-9')
    const production = ecs.createCluster('production')
    ecs.registerContainerInstance('preview-9')
    const td = ecs.registerTaskDefinition('cron')
    ecs.createService('preview-9', 'web', { desiredCount: 1 })
    scheduler.putEcsSchedule('preview-cron', preview.arn, td.arn, { rateMs: 60_000 })
    scheduler.putEcsSchedule('prod-cron', production.arn, td.arn, { rateMs: 3_600_000 })

    const result = await runOnSim(ecs, { cluster: 'preview-9', triggers: 'disable' }, { world })

    expect(result.failed).toBeUndefined()
    expect(ecs.remaining('preview-9').cluster).toBe('INACTIVE')
    expect(scheduler.schedules.get('default/preview-cron')!.State).toBe('DISABLED')
    expect(scheduler.schedules.get('default/prod-cron')!.State).toBe('ENABLED')
    expect(only(result.report).related?.schedules).toEqual([
      { name: 'preview-cron', group: 'default', action: 'disabled' }
    ])
  })
})

describe('services mode: Cloud Map service discovery', () => {
  it('deletes the Cloud Map service only PR 42 registered in, once its tasks are gone; keeps the shared one and PR 7’s', async () => {
    const world = new SimWorld()
    const { ecs, cloudMap } = world
    ecs.createCluster('shared-ci')
    ecs.registerContainerInstance('shared-ci')
    const ns = cloudMap.createNamespace('preview.local')
    const mine = cloudMap.createService(ns.id, 'pr-42-web')
    const theirs = cloudMap.createService(ns.id, 'pr-7-web')
    const shared = cloudMap.createService(ns.id, 'api')
    ecs.createService('shared-ci', 'pr-42-web', {
      desiredCount: 2,
      serviceRegistries: [cloudMap.arnOf(mine), cloudMap.arnOf(shared)]
    })
    ecs.createService('shared-ci', 'pr-7-web', {
      desiredCount: 1,
      serviceRegistries: [cloudMap.arnOf(theirs), cloudMap.arnOf(shared)]
    })

    const result = await runOnSim(ecs, { cluster: 'shared-ci', services: 'pr-42-web' }, { world })

    expect(result.failed).toBeUndefined()
    expect([...cloudMap.services.values()].map(s => s.name).sort()).toEqual(['api', 'pr-7-web'])
    expect(cloudMap.instancesOf(shared)).toHaveLength(1)
    const c = only(result.report)
    expect(c.related?.discoveryServices).toEqual([{ arn: cloudMap.arnOf(mine), action: 'deleted' }])
    expect(c.leftovers).toContainEqual({
      kind: 'discovery-service',
      id: shared.id,
      reason: 'kept: service pr-7-web also register(s) in it'
    })
    // Deleted after the service's tasks were gone: Cloud Map refuses (ResourceInUse) before that.
    expect(cloudMap.calls.filter(call => call.error)).toEqual([])
  })

  it('keeps a Cloud Map service in which someone else still has an instance registered', async () => {
    const world = new SimWorld()
    const { ecs, cloudMap } = world
    ecs.createCluster('shared-ci')
    const ns = cloudMap.createNamespace('preview.local')
    const mine = cloudMap.createService(ns.id, 'pr-42-web', { otherInstances: ['by-hand-1'] })
    ecs.createService('shared-ci', 'pr-42-web', {
      desiredCount: 1,
      launchType: 'FARGATE',
      serviceRegistries: [cloudMap.arnOf(mine)]
    })
    const result = await runOnSim(ecs, { cluster: 'shared-ci', services: 'pr-42-web' }, { world })
    expect(result.failed).toBeUndefined()
    expect(cloudMap.services.has(mine.id)).toBe(true)
    expect(only(result.report).leftovers).toContainEqual({
      kind: 'discovery-service',
      id: mine.id,
      reason: 'kept: 1 instance still registered in it (by-hand-1), not by the services removed'
    })
  })
})

describe('services mode with delete-stack', () => {
  it('deletes the stack that owns the selected services once they are drained; the neighbours stay', async () => {
    const world = new SimWorld()
    const { ecs, cfn } = world
    sharedCluster(world)
    cfn.createStack('pr-42-preview', {
      ownsServices: { cluster: 'shared-ci', services: ['pr-42-web', 'pr-42-worker'] },
      resources: [
        { logicalId: 'TaskRole', type: 'AWS::IAM::Role' },
        { logicalId: 'TargetGroup', type: 'AWS::ElasticLoadBalancingV2::TargetGroup' },
        { logicalId: 'Rule', type: 'AWS::ElasticLoadBalancingV2::ListenerRule' }
      ]
    })
    await ecs.time.sleep(10_000)
    const before = untouched(ecs)

    const result = await runOnSim(
      ecs,
      { cluster: 'shared-ci', services: 'pr-42-*', 'delete-stack': 'true' },
      { world }
    )

    expect(result.failed).toBeUndefined()
    expect(cfn.stack('pr-42-preview')!.status).toBe('DELETE_COMPLETE')
    expect(untouched(ecs)).toEqual(before)
    // Drained first: the stack deletion started after both services were INACTIVE.
    const deleteStackAt = cfn.calls.find(c => c.operation === 'DeleteStack')!.at
    const lastDelete = Math.max(...ecs.calls.filter(c => c.operation === 'DeleteService').map(c => c.at))
    expect(deleteStackAt).toBeGreaterThanOrEqual(lastDelete)
    const c = only(result.report)
    expect(c.outcome).toBe('services-removed')
    expect(c.stack).toMatchObject({ name: 'pr-42-preview', foundBy: 'tag', deleted: true })
    expect(result.outputs['stacks-deleted']).toBe('1')
  })

  it('refuses, before the first change, a stack that also owns the cluster and another PR’s service, naming them', async () => {
    const world = new SimWorld()
    const { ecs, cfn } = world
    sharedCluster(world)
    cfn.createStack('ci-everything', {
      ownsCluster: 'shared-ci',
      ownsServices: { cluster: 'shared-ci', services: ['pr-42-web', 'pr-7-web'] }
    })

    const result = await runOnSim(
      ecs,
      { cluster: 'shared-ci', services: 'pr-42-web', 'delete-stack': 'true' },
      { world }
    )

    expect(world.mutatingCalls()).toEqual([])
    expect(result.failed).toMatch(
      /^shared-ci: failed: Stack ci-everything owns the selected services but also what is outside the selection: shared-ci \(AWS::ECS::Cluster\), service pr-7-web \(AWS::ECS::Service\)\. .*set delete-stack: false/
    )
    expect(only(result.report).message).toMatch(/Nothing was removed\.$/)
  })
})
