import { DeleteServiceCommand } from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { AutoScalingSim } from '../sim/autoscaling-sim.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim, type RunResult } from '../support/harness.js'

// A re-run after a teardown that stopped (cancelled, or at its deadline) once its DeleteService was
// accepted: the services are DRAINING (ListServices no longer lists them) or already INACTIVE, and
// what was around them (scalable targets, listener rules, target groups) is still there. The second
// run must find it, remove it or report it, and touch nothing of anyone else.

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

/** A shared ALB; each environment added with `env` gets a target group, a host rule and a scalable target. */
function sharedAlb() {
  const world = new SimWorld()
  const lb = world.elbv2.createLoadBalancer('previews')
  const listener = world.elbv2.createListener(lb.arn)
  let priority = 0
  /** Service `service` of `cluster` behind its own group and rule, slow to stop (2 minutes a task). */
  const env = (cluster: string, service = 'web') => {
    if (![...world.ecs.clusters.values()].some(c => c.name === cluster)) {
      world.ecs.createCluster(cluster)
      world.ecs.registerContainerInstance(cluster)
    }
    const tg = world.elbv2.createTargetGroup(`${cluster}-${service}`, 80, 60)
    const rule = world.elbv2.createRule(
      listener.arn,
      (priority += 10),
      `${cluster}-${service}.example.com`,
      tg.arn
    )
    world.ecs.createService(cluster, service, {
      desiredCount: 2,
      stopTimeMs: 120_000,
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    })
    const target = AutoScalingSim.resourceId(cluster, service)
    world.autoscaling.registerTarget(target, 1, 4)
    return { tg, rule, target }
  }
  return { world, listener, env }
}

/** What of an environment is still in the simulators. */
function present(world: SimWorld, e: ReturnType<ReturnType<typeof sharedAlb>['env']>) {
  return {
    rule: world.elbv2.rules.has(e.rule.arn),
    targetGroup: world.elbv2.targetGroups.has(e.tg.arn),
    scalableTarget: world.autoscaling.targets.has(e.target)
  }
}

/** A first run of `inputs` cancelled 10 s in: after its DeleteService, long before anything drained. */
async function cancelledRun(world: SimWorld, inputs: Record<string, string>): Promise<RunResult> {
  const controller = new AbortController()
  world.ecs.time.at(world.ecs.now + 10_000, () => controller.abort())
  const first = await runOnSim(world.ecs, inputs, { world, signal: controller.signal })
  expect(only(first.report).outcome).toBe('cancelled')
  return first
}

/** Mutating calls made after `from` (virtual time) to any simulator. */
function changesSince(world: SimWorld, from: number): string[] {
  const mutating = new Set([
    'DeleteService',
    'UpdateService',
    'StopTask',
    'RegisterScalableTarget',
    'DeregisterScalableTarget',
    'DeleteRule',
    'DeleteTargetGroup'
  ])
  return [...world.ecs.calls, ...world.autoscaling.calls, ...world.elbv2.calls]
    .filter(c => c.at >= from && mutating.has(c.operation) && !c.error)
    .map(c => `${c.operation} ${JSON.stringify(c.input)}`)
}

describe('a re-run after an interrupted teardown', () => {
  it('cluster mode, first run cancelled after DeleteService: the re-run finds the DRAINING service by its tasks and removes its scalable target, rule and target group', async () => {
    const { world, env } = sharedAlb()
    const mine = env('pr-5')
    // A neighbour whose name starts like it: its scalable target is service/pr-50/web.
    const neighbour = env('pr-50')
    await world.ecs.time.sleep(5_000)

    const first = await cancelledRun(world, { cluster: 'pr-5', 'delete-target-groups': 'true' })
    expect(only(first.report).services).toMatchObject([{ name: 'web', draining: true }])
    expect(world.ecs.remaining('pr-5').services).toEqual(['web:DRAINING'])
    expect(world.ecs.remaining('pr-5').tasks.length).toBeGreaterThan(0)
    expect(present(world, mine)).toEqual({ rule: true, targetGroup: true, scalableTarget: true })

    const secondStarted = world.ecs.now
    const second = await runOnSim(world.ecs, { cluster: 'pr-5', 'delete-target-groups': 'true' }, { world })

    expect(second.failed).toBeUndefined()
    const c = only(second.report)
    expect(c.outcome).toBe('deleted')
    expect(world.ecs.remaining('pr-5')).toMatchObject({ cluster: 'INACTIVE', services: [], tasks: [] })
    expect(present(world, mine)).toEqual({ rule: false, targetGroup: false, scalableTarget: false })
    expect(present(world, neighbour)).toEqual({ rule: true, targetGroup: true, scalableTarget: true })
    expect(world.ecs.remaining('pr-50').services).toEqual(['web:ACTIVE'])
    // Not deleted again (ECS would answer ServiceNotActive), not counted as this run's, and said why.
    expect(
      world.ecs.calls.filter(call => call.at >= secondStarted && call.operation === 'DeleteService')
    ).toEqual([])
    expect(c.found.services).toBe(1)
    expect(c.services).toEqual([])
    expect(c.goneBefore).toContainEqual({
      kind: 'service',
      id: 'web',
      reason: expect.stringMatching(/already DRAINING when this run found it.*waited until it was INACTIVE/)
    })
    expect(c.related?.scalableTargets).toContainEqual({ resourceId: mine.target, action: 'deregistered' })
    expect(c.related?.listenerRules).toEqual([{ arn: mine.rule.arn, action: 'deleted' }])
    expect(c.related?.targetGroups).toEqual([{ arn: mine.tg.arn, name: 'pr-5-web', action: 'deleted' }])
    // Only the EC2 instance behind the container instance, as on any run without terminate-instances.
    expect(c.leftovers.map(l => l.kind)).toEqual(['ec2-instance'])
    expect(second.summary).toContain('| Target groups | 1 | 1 | 0 |')
    expect(second.summary).toContain('| Listener rules | 1 | 1 | 0 |')
    expect(second.summary).toContain('| Scalable targets | 1 | 1 | 0 |')
    expect(second.summary).toMatch(/Gone before this run removed them[\s\S]*already DRAINING/)
    // Nothing of the neighbour was changed by either run.
    for (const change of changesSince(world, 0)) expect(change).not.toMatch(/pr-50/)
  })

  it('cluster mode, first run stopped by its deadline: the re-run reports the rule and group it keeps by default, and deregisters the scalable target', async () => {
    const { world, env } = sharedAlb()
    const mine = env('pr-6')
    world.ecs.createService('pr-6', 'worker', { desiredCount: 1, stopTimeMs: 300_000 })
    await world.ecs.time.sleep(5_000)

    // Tasks that take 5 minutes to stop cannot drain within a 1-minute run.
    const first = await runOnSim(world.ecs, { cluster: 'pr-6', 'timeout-minutes': '1' }, { world })
    expect(only(first.report).outcome).toBe('timed-out')
    expect(world.ecs.remaining('pr-6').services.sort()).toEqual(['web:DRAINING', 'worker:DRAINING'])
    expect(present(world, mine).scalableTarget).toBe(true)

    const second = await runOnSim(world.ecs, { cluster: 'pr-6' }, { world })

    expect(second.failed).toBeUndefined()
    const c = only(second.report)
    expect(c.outcome).toBe('deleted')
    expect(world.ecs.remaining('pr-6')).toMatchObject({ cluster: 'INACTIVE', services: [], tasks: [] })
    expect(present(world, mine)).toEqual({ rule: true, targetGroup: true, scalableTarget: false })
    expect(
      c.goneBefore
        ?.filter(g => g.kind === 'service')
        .map(g => g.id)
        .sort()
    ).toEqual(['web', 'worker'])
    expect(c.leftovers.find(l => l.kind === 'listener-rule')).toMatchObject({
      id: mine.rule.arn,
      reason: expect.stringMatching(/aws elbv2 delete-rule --rule-arn/)
    })
    expect(c.leftovers.find(l => l.kind === 'target-group')).toMatchObject({ id: mine.tg.arn })
    expect(second.summary).toContain('| Target groups | 1 | 0 | 1 |')
    expect(second.summary).toContain('| Scalable targets | 1 | 1 | 0 |')
  })

  it('cluster mode, services INACTIVE since: the scalable target is found by the cluster prefix, and no other cluster’s is', async () => {
    const { world, env } = sharedAlb()
    const mine = env('pr-8')
    const neighbour = env('pr-80')
    await world.ecs.time.sleep(5_000)
    await cancelledRun(world, { cluster: 'pr-8' })
    // Long enough for ECS to finish the deletion by itself: nothing of the service is listed any more.
    await world.ecs.time.sleep(30 * 60_000)
    expect(world.ecs.remaining('pr-8')).toMatchObject({ cluster: 'ACTIVE', services: [], tasks: [] })

    const second = await runOnSim(world.ecs, { cluster: 'pr-8' }, { world })

    expect(second.failed).toBeUndefined()
    const c = only(second.report)
    expect(c.outcome).toBe('deleted')
    expect(c.found.services).toBe(0)
    expect(present(world, mine).scalableTarget).toBe(false)
    expect(present(world, neighbour).scalableTarget).toBe(true)
    expect(c.related?.scalableTargets).toEqual([{ resourceId: mine.target, action: 'deregistered' }])
    // One read of the account's ECS targets (no prefix filter exists), kept to the cluster's own.
    const reads = world.autoscaling.calls.filter(
      call => call.operation === 'DescribeScalableTargets' && call.at >= world.ecs.now - second.elapsedMs
    )
    expect(reads.map(r => r.input.ResourceIds)).toEqual([undefined])
  })

  it('services mode, first run cancelled: the named DRAINING service’s surroundings go; a neighbour’s DRAINING service and its surroundings are not taken', async () => {
    const { world, env } = sharedAlb()
    const mine = env('shared-ci', 'pr-42-web')
    const neighbour = env('shared-ci', 'pr-7-web')
    await world.ecs.time.sleep(5_000)
    const inputs = { cluster: 'shared-ci', services: 'pr-42-web', 'delete-target-groups': 'true' }
    await cancelledRun(world, inputs)
    // Someone else deletes the neighbour meanwhile: it is DRAINING too, with its tasks still up.
    await world.ecs.client.send(
      new DeleteServiceCommand({ cluster: 'shared-ci', service: 'pr-7-web', force: true })
    )
    await world.ecs.time.sleep(2_000)
    expect(world.ecs.remaining('shared-ci').services.sort()).toEqual([
      'pr-42-web:DRAINING',
      'pr-7-web:DRAINING'
    ])
    const neighbourTasks = [...world.ecs.tasks.values()].filter(t => t.group === 'service:pr-7-web')
    expect(neighbourTasks.length).toBeGreaterThan(0)

    const secondStarted = world.ecs.now
    const second = await runOnSim(world.ecs, inputs, { world })

    expect(second.failed).toBeUndefined()
    const c = only(second.report)
    expect(c.outcome).toBe('services-removed')
    expect(present(world, mine)).toEqual({ rule: false, targetGroup: false, scalableTarget: false })
    expect(present(world, neighbour)).toEqual({ rule: true, targetGroup: true, scalableTarget: true })
    expect(world.ecs.remaining('shared-ci').cluster).toBe('ACTIVE')
    // The second run changed nothing of pr-7-web: no StopTask on its tasks, no call naming it.
    for (const change of changesSince(world, secondStarted)) expect(change).not.toMatch(/pr-7-web/)
    expect(c.related?.targetGroups).toEqual([
      { arn: mine.tg.arn, name: 'shared-ci-pr-42-web', action: 'deleted' }
    ])
    expect(c.related?.scalableTargets).toContainEqual({ resourceId: mine.target, action: 'deregistered' })
    expect(c.goneBefore).toContainEqual(
      expect.objectContaining({
        kind: 'service',
        id: 'pr-42-web',
        reason: expect.stringMatching(/already DRAINING/)
      })
    )
    expect(c.goneBefore?.some(g => g.id === 'pr-7-web')).toBe(false)
  })

  it('services mode, named service already INACTIVE or purged: what was left around it is still found and removed', async () => {
    const { world, env } = sharedAlb()
    const inactive = env('shared-ci', 'pr-42-web')
    const purged = env('shared-ci', 'pr-42-api')
    const neighbour = env('shared-ci', 'pr-7-web')
    await world.ecs.time.sleep(5_000)
    await cancelledRun(world, { cluster: 'shared-ci', services: 'pr-42-web, pr-42-api' })
    await world.ecs.time.sleep(30 * 60_000)
    world.ecs.purgeService('pr-42-api')
    expect(world.ecs.remaining('shared-ci').services).toEqual(['pr-7-web:ACTIVE'])

    const second = await runOnSim(
      world.ecs,
      { cluster: 'shared-ci', services: 'pr-42-web, pr-42-api', 'delete-target-groups': 'true' },
      { world }
    )

    expect(second.failed).toBeUndefined()
    const c = only(second.report)
    expect(c.outcome).toBe('services-removed')
    expect(c.message).toMatch(
      /already gone; what was left around them was looked after; cluster shared-ci kept/
    )
    expect(c.scope?.absent.sort()).toEqual(['pr-42-api', 'pr-42-web'])
    // INACTIVE but still described: its rule, group and scalable target, as for an ACTIVE one.
    expect(present(world, inactive)).toEqual({ rule: false, targetGroup: false, scalableTarget: false })
    // Purged: only what its name alone finds (the scalable target); its rule and group stay unknown.
    expect(present(world, purged)).toEqual({ rule: true, targetGroup: true, scalableTarget: false })
    expect(present(world, neighbour)).toEqual({ rule: true, targetGroup: true, scalableTarget: true })
    expect(world.ecs.remaining('shared-ci').services).toEqual(['pr-7-web:ACTIVE'])
  })

  it('services mode with delete-stack, named service already INACTIVE: its stack goes with it, not refused as owning something outside', async () => {
    const { world, env } = sharedAlb()
    env('shared-ci', 'pr-42-web')
    env('shared-ci', 'pr-7-web')
    world.cfn.createStack('pr-42-preview', {
      ownsServices: { cluster: 'shared-ci', services: ['pr-42-web'] },
      resources: [{ logicalId: 'TaskRole', type: 'AWS::IAM::Role' }]
    })
    await world.ecs.time.sleep(5_000)
    const inputs = { cluster: 'shared-ci', services: 'pr-42-web', 'delete-stack': 'true' }
    await cancelledRun(world, inputs)
    await world.ecs.time.sleep(30 * 60_000)
    expect(world.cfn.stack('pr-42-preview')!.status).toBe('CREATE_COMPLETE')

    const second = await runOnSim(world.ecs, inputs, { world })

    expect(second.failed).toBeUndefined()
    const c = only(second.report)
    expect(c.outcome).toBe('services-removed')
    expect(c.stack).toMatchObject({ name: 'pr-42-preview', deleted: true })
    expect(world.cfn.stack('pr-42-preview')!.status).toBe('DELETE_COMPLETE')
    expect(world.ecs.remaining('shared-ci').services).toEqual(['pr-7-web:ACTIVE'])
  })

  it('services mode, named service already INACTIVE with nothing left around it: absent, as before', async () => {
    const world = new SimWorld()
    world.ecs.createCluster('shared-ci')
    world.ecs.registerContainerInstance('shared-ci')
    world.ecs.createService('shared-ci', 'pr-42-web', { desiredCount: 1 })
    world.ecs.createService('shared-ci', 'pr-7-web', { desiredCount: 1 })
    await world.ecs.time.sleep(5_000)
    await world.ecs.client.send(
      new DeleteServiceCommand({ cluster: 'shared-ci', service: 'pr-42-web', force: true })
    )
    await world.ecs.time.sleep(30 * 60_000)

    const result = await runOnSim(world.ecs, { cluster: 'shared-ci', services: 'pr-42-web' }, { world })

    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.outcome).toBe('absent')
    expect(c.message).toMatch(/already gone: pr-42-web/)
  })

  it('a first run with no DRAINING service makes no extra call: one DescribeServices, scalable targets read by ID', async () => {
    const { world, env } = sharedAlb()
    env('pr-9')
    env('pr-9', 'api')
    await world.ecs.time.sleep(5_000)

    const result = await runOnSim(world.ecs, { cluster: 'pr-9' }, { world })

    expect(result.failed).toBeUndefined()
    const inventory = world.ecs.calls.slice(
      0,
      world.ecs.calls.findIndex(c => c.operation === 'DeleteService')
    )
    expect(inventory.filter(c => c.operation === 'DescribeServices')).toHaveLength(1)
    expect(
      world.autoscaling.calls
        .filter(c => c.operation === 'DescribeScalableTargets')
        .map(c => (c.input.ResourceIds as string[] | undefined)?.sort())
    ).toEqual([[AutoScalingSim.resourceId('pr-9', 'api'), AutoScalingSim.resourceId('pr-9', 'web')]])
  })
})
