import { describe, expect, it } from '@jest/globals'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

// Preview environments on one shared Application Load Balancer: each has a cluster, a service, a
// target group and a listener rule for its host name. Removing one must leave the others' rules,
// groups and traffic alone.

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

/**
 * Cluster app with one container instance and the named services, each with `desiredCount` tasks behind
 * its own target group (`app-<name>`, deregistration delay 60 s) and a rule on one listener.
 */
function servicesBehindGroups(names: string[], desiredCount: number) {
  const world = new SimWorld()
  const { ecs, elbv2 } = world
  const listener = elbv2.createListener(elbv2.createLoadBalancer('app').arn)
  ecs.createCluster('app')
  ecs.registerContainerInstance('app')
  const groups = names.map(name => elbv2.createTargetGroup(`app-${name}`, 80, 60))
  const services = names.map((name, i) => {
    elbv2.createRule(listener.arn, i + 1, `${name}.example.com`, groups[i]!.arn)
    return ecs.createService('app', name, {
      desiredCount,
      loadBalancers: [{ targetGroupArn: groups[i]!.arn, containerName: 'web', containerPort: 80 }]
    })
  })
  return { world, groups, services }
}

/** A shared ALB and two preview environments on it (pr-1 and pr-2). */
function sharedAlb() {
  const world = new SimWorld()
  const { ecs, elbv2 } = world
  const lb = elbv2.createLoadBalancer('previews')
  const listener = elbv2.createListener(lb.arn)
  const env = (name: string, priority: number) => {
    ecs.createCluster(name)
    ecs.registerContainerInstance(name)
    const tg = elbv2.createTargetGroup(`${name}-web`)
    const rule = elbv2.createRule(listener.arn, priority, `${name}.example.com`, tg.arn)
    ecs.createService(name, 'web', {
      desiredCount: 2,
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    })
    return { tg, rule }
  }
  return { world, lb, listener, pr1: env('pr-1', 10), pr2: env('pr-2', 20) }
}

describe('load balancer rules and target groups', () => {
  it("deletes the removed environment's rule and target group, and leaves the neighbour's rule, group and traffic untouched", async () => {
    const { world, listener, pr1, pr2 } = sharedAlb()
    await world.ecs.time.sleep(5_000)
    expect(world.elbv2.route(listener.arn, 'pr-2.example.com')).toEqual([pr2.tg.arn])

    const result = await runOnSim(world.ecs, { cluster: 'pr-1', 'delete-target-groups': 'true' }, { world })

    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-1').cluster).toBe('INACTIVE')
    expect(world.elbv2.rules.has(pr1.rule.arn)).toBe(false)
    expect(world.elbv2.targetGroups.has(pr1.tg.arn)).toBe(false)
    expect(world.elbv2.rules.has(pr2.rule.arn)).toBe(true)
    expect(world.elbv2.targetGroups.has(pr2.tg.arn)).toBe(true)
    expect(world.elbv2.route(listener.arn, 'pr-2.example.com')).toEqual([pr2.tg.arn])
    // The rule went only once the service was INACTIVE, and the group after the rule.
    const deleteRule = world.elbv2.calls.find(c => c.operation === 'DeleteRule' && !c.error)!
    const deleteGroup = world.elbv2.calls.find(c => c.operation === 'DeleteTargetGroup' && !c.error)!
    expect(deleteRule.at).toBeLessThan(deleteGroup.at)
    const c = only(result.report)
    expect(c.related?.listenerRules).toEqual([{ arn: pr1.rule.arn, action: 'deleted' }])
    expect(c.related?.targetGroups).toEqual([{ arn: pr1.tg.arn, name: 'pr-1-web', action: 'deleted' }])
    expect(
      c.leftovers.filter(l => ['listener-rule', 'target-group', 'load-balancer'].includes(l.kind))
    ).toEqual([])
    expect(result.summary).toContain('| Target groups | 1 | 1 | 0 |')
    expect(result.summary).toContain('| Listener rules | 1 | 1 | 0 |')
  })

  it('by default deletes nothing and reports the rule and group with the listener, load balancer and command', async () => {
    const { world, pr1 } = sharedAlb()
    const result = await runOnSim(world.ecs, { cluster: 'pr-1' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.elbv2.mutatingCalls()).toEqual([])
    expect(world.elbv2.rules.has(pr1.rule.arn)).toBe(true)
    const c = only(result.report)
    expect(c.leftovers.find(l => l.kind === 'listener-rule')).toMatchObject({
      id: pr1.rule.arn,
      reason: expect.stringMatching(
        /rule 10 of the listener on port 443 on load balancer previews.*remove it with: aws elbv2 delete-rule --rule-arn/
      )
    })
    expect(c.leftovers.find(l => l.kind === 'target-group')).toMatchObject({
      id: pr1.tg.arn,
      reason: expect.stringMatching(/aws elbv2 delete-target-group --target-group-arn/)
    })
    expect(result.summary).toContain('| Target groups | 1 | 0 | 1 |')
  })

  it('keeps a weighted rule that also forwards to the neighbour, and the removed group it forwards to, and says why', async () => {
    const { world, listener, pr1, pr2 } = sharedAlb()
    const weighted = world.elbv2.createRule(listener.arn, 5, 'canary.example.com', [
      [pr1.tg.arn, 20],
      [pr2.tg.arn, 80]
    ])
    const result = await runOnSim(world.ecs, { cluster: 'pr-1', 'delete-target-groups': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.elbv2.rules.has(weighted.arn)).toBe(true)
    expect(world.elbv2.targetGroups.has(pr1.tg.arn)).toBe(true)
    // pr-1's own rule forwarded only to pr-1's group: deleted.
    expect(world.elbv2.rules.has(pr1.rule.arn)).toBe(false)
    expect(world.elbv2.route(listener.arn, 'canary.example.com')).toEqual([pr2.tg.arn])
    const c = only(result.report)
    expect(c.leftovers.find(l => l.id === weighted.arn)?.reason).toMatch(/also forwards to pr-2-web/)
    expect(c.leftovers.find(l => l.id === pr1.tg.arn)?.reason).toMatch(
      /listener rule 5, which stays, also forwards to it/
    )
  })

  it('keeps a target group a service of another cluster also uses', async () => {
    const { world, pr1 } = sharedAlb()
    world.ecs.createService('pr-2', 'worker', {
      desiredCount: 1,
      loadBalancers: [{ targetGroupArn: pr1.tg.arn, containerName: 'web', containerPort: 80 }]
    })
    const result = await runOnSim(world.ecs, { cluster: 'pr-1', 'delete-target-groups': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.elbv2.targetGroups.has(pr1.tg.arn)).toBe(true)
    expect(world.elbv2.rules.has(pr1.rule.arn)).toBe(true)
    expect(only(result.report).leftovers.find(l => l.id === pr1.tg.arn)?.reason).toMatch(
      /still used by cluster pr-2 \(service worker\)/
    )
  })

  it('reports a load balancer left with no rules and no targets as still billing, and never deletes it', async () => {
    const world = new SimWorld()
    const lb = world.elbv2.createLoadBalancer('solo')
    const listener = world.elbv2.createListener(lb.arn)
    world.ecs.createCluster('pr-9')
    world.ecs.registerContainerInstance('pr-9')
    const tg = world.elbv2.createTargetGroup('pr-9-web')
    world.elbv2.createRule(listener.arn, 1, 'pr-9.example.com', tg.arn)
    world.ecs.createService('pr-9', 'web', {
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    })
    const result = await runOnSim(world.ecs, { cluster: 'pr-9', 'delete-target-groups': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.elbv2.loadBalancers.has(lb.arn)).toBe(true)
    expect(world.elbv2.targetGroups.size).toBe(0)
    expect(only(result.report).leftovers).toContainEqual(
      expect.objectContaining({ kind: 'load-balancer', id: lb.arn, billing: true })
    )
    expect(result.summary).toMatch(/Still costing money[\s\S]*solo/)
  })

  it('shows the deletions in the plan of a dry run, and changes nothing', async () => {
    const { world, pr1 } = sharedAlb()
    const result = await runOnSim(
      world.ecs,
      { cluster: 'pr-1', 'dry-run': 'true', 'delete-target-groups': 'true' },
      { world }
    )
    expect(world.mutatingCalls()).toEqual([])
    const steps = only(result.report).plan!.steps
    expect(steps).toContainEqual({
      description: 'Delete 1 listener rule and 1 target group only the removed services use',
      resources: [pr1.rule.arn, pr1.tg.arn]
    })
  })

  it('names a denied read as a blocker of the dry run, and fails a real run before any change', async () => {
    const { world } = sharedAlb()
    world.elbv2.denied.add('DescribeRules')
    const dry = await runOnSim(world.ecs, { cluster: 'pr-1', 'dry-run': 'true' }, { world })
    expect(only(dry.report).plan!.blockers).toContainEqual(
      expect.stringMatching(/^missing permission: .*elasticloadbalancing:DescribeRules/)
    )
    const real = await runOnSim(world.ecs, { cluster: 'pr-1' }, { world })
    expect(real.failed).toContain('elasticloadbalancing:DescribeRules')
    expect(world.mutatingCalls()).toEqual([])
  })

  it('keeps every target group when the other clusters’ services cannot be read', async () => {
    const { world, pr1 } = sharedAlb()
    // The cluster's own services can be read; the other clusters' cannot.
    world.ecs.beforeCall = (operation, input) => {
      if (operation !== 'ListServices') return
      if (String(input.cluster).endsWith('/pr-1')) world.ecs.denied.delete('ListServices')
      else world.ecs.denied.add('ListServices')
    }
    const result = await runOnSim(world.ecs, { cluster: 'pr-1', 'delete-target-groups': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.elbv2.targetGroups.has(pr1.tg.arn)).toBe(true)
    expect(world.elbv2.rules.has(pr1.rule.arn)).toBe(true)
    expect(only(result.report).leftovers.find(l => l.id === pr1.tg.arn)?.reason).toMatch(
      /another user cannot be ruled out: reading the other clusters was denied/
    )
  })

  it('reads every page of rules: the removed service’s rule comes after 400 others', async () => {
    const world = new SimWorld()
    const lb = world.elbv2.createLoadBalancer('busy')
    const listener = world.elbv2.createListener(lb.arn)
    const others = world.elbv2.createTargetGroup('others')
    for (let i = 1; i <= 400; i++) world.elbv2.createRule(listener.arn, i, `h${i}.example.com`, others.arn)
    world.ecs.createCluster('pr-7')
    const tg = world.elbv2.createTargetGroup('pr-7-web')
    const rule = world.elbv2.createRule(listener.arn, 500, 'pr-7.example.com', tg.arn)
    world.ecs.createService('pr-7', 'web', {
      desiredCount: 0,
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    })
    const result = await runOnSim(world.ecs, { cluster: 'pr-7', 'delete-target-groups': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.elbv2.rules.has(rule.arn)).toBe(false)
    expect(world.elbv2.targetGroups.has(tg.arn)).toBe(false)
    expect(world.elbv2.rulesOf(listener.arn)).toHaveLength(401)
    expect(world.elbv2.calls.filter(c => c.operation === 'DescribeRules').length).toBeGreaterThanOrEqual(2)
  })

  it('deletes a blue/green service’s production and test rules and both of its groups', async () => {
    const world = new SimWorld()
    const lb = world.elbv2.createLoadBalancer('bg')
    const prod = world.elbv2.createListener(lb.arn, 443)
    const test = world.elbv2.createListener(lb.arn, 8443)
    world.ecs.createCluster('pr-8')
    world.ecs.registerContainerInstance('pr-8')
    const blue = world.elbv2.createTargetGroup('pr-8-blue')
    const green = world.elbv2.createTargetGroup('pr-8-green')
    const production = world.elbv2.createRule(prod.arn, 8, 'pr-8.example.com', [
      [blue.arn, 100],
      [green.arn, 0]
    ])
    const testRule = world.elbv2.createRule(test.arn, 8, 'pr-8.example.com', [
      [blue.arn, 0],
      [green.arn, 100]
    ])
    world.ecs.createService('pr-8', 'web', {
      loadBalancers: [
        {
          targetGroupArn: blue.arn,
          containerName: 'web',
          containerPort: 80,
          advancedConfiguration: {
            alternateTargetGroupArn: green.arn,
            productionListenerRule: production.arn,
            testListenerRule: testRule.arn,
            roleArn: 'arn:aws:iam::123456789012:role/ecsInfrastructureRole'
          }
        }
      ]
    })
    const result = await runOnSim(world.ecs, { cluster: 'pr-8', 'delete-target-groups': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.elbv2.rules.has(production.arn)).toBe(false)
    expect(world.elbv2.rules.has(testRule.arn)).toBe(false)
    expect(world.elbv2.targetGroups.size).toBe(0)
    // Only the two default rules are left, and nothing is registered: the load balancer bills for nothing.
    expect(only(result.report).leftovers.filter(l => !['ec2-instance'].includes(l.kind))).toEqual([
      expect.objectContaining({ kind: 'load-balancer', id: lb.arn, billing: true })
    ])
  })

  it('looks at the other clusters again before deleting: a neighbour that started using the group keeps it', async () => {
    const { world, pr1 } = sharedAlb()
    let added = false
    world.ecs.beforeCall = operation => {
      if (added || operation !== 'DeleteService') return
      added = true
      world.ecs.createService('pr-2', 'late', {
        desiredCount: 0,
        loadBalancers: [{ targetGroupArn: pr1.tg.arn, containerName: 'web', containerPort: 80 }]
      })
    }
    const dry = await runOnSim(
      world.ecs,
      { cluster: 'pr-1', 'dry-run': 'true', 'delete-target-groups': 'true' },
      { world }
    )
    expect(only(dry.report).plan!.steps.map(s => s.description)).toContain(
      'Delete 1 listener rule and 1 target group only the removed services use'
    )
    const result = await runOnSim(world.ecs, { cluster: 'pr-1', 'delete-target-groups': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.elbv2.targetGroups.has(pr1.tg.arn)).toBe(true)
    expect(world.elbv2.rules.has(pr1.rule.arn)).toBe(true)
    expect(only(result.report).leftovers.find(l => l.id === pr1.tg.arn)?.reason).toMatch(
      /still used by cluster pr-2 \(service late\)/
    )
  })

  describe("waits on a service behind a target group by the group's deregistration delay", () => {
    /** One cluster, one service with two tasks behind a group whose delay is 60 s. */
    function drainingService() {
      const { world, groups, services } = servicesBehindGroups(['web'], 2)
      return { world, tg: groups[0]!, service: services[0]! }
    }

    /**
     * When the simulator makes the service INACTIVE: when its last task stopped, after the group's
     * 60 s delay (DEACTIVATING) and its stop time.
     */
    function inactiveAt(world: SimWorld, serviceArn: string): number {
      const tasks = [...world.ecs.tasks.values()].filter(t => t.serviceArn === serviceArn)
      return Math.max(...tasks.map(t => world.ecs.stopsAt(t)!))
    }

    const looksAt = (world: SimWorld, operation: string, after: number) =>
      world.ecs.calls.filter(c => c.operation === operation && c.at > after).map(c => c.at)

    it('reads the delay once and looks at the tasks only after it, ending soon after they stop', async () => {
      const { world, tg, service } = drainingService()
      await world.ecs.time.sleep(5_000)

      const result = await runOnSim(world.ecs, { cluster: 'app', 'delete-target-groups': 'true' }, { world })

      expect(result.failed).toBeUndefined()
      expect(world.ecs.remaining('app').cluster).toBe('INACTIVE')
      expect(world.elbv2.targetGroups.has(tg.arn)).toBe(false)
      expect(
        world.elbv2.calls.filter(c => c.operation === 'DescribeTargetGroupAttributes').map(c => c.input)
      ).toEqual([{ TargetGroupArn: tg.arn }])
      const deleteService = world.ecs.calls.find(c => c.operation === 'DeleteService' && !c.error)!.at
      const inactive = inactiveAt(world, service.arn)
      // The tasks are DEACTIVATING for the 60 s delay, then stop in 30 s. No look before the delay has
      // passed; one a quarter of the 60 s later (tasks that exit on SIGTERM would be down by then),
      // and one at the stop timeout's end, when they are STOPPED: two in all, the last within 2 s of
      // the stop.
      const taskLooks = looksAt(world, 'DescribeTasks', deleteService)
      expect(taskLooks.map(at => at - deleteService)).toEqual([75_000, 92_000])
      expect(taskLooks[1]!).toBeGreaterThanOrEqual(inactive)
      expect(taskLooks[1]! - inactive).toBeLessThanOrEqual(2_000)
      // The service is INACTIVE once its tasks are: one look at it, right after.
      const serviceLooks = looksAt(world, 'DescribeServices', deleteService)
      expect(serviceLooks).toHaveLength(1)
      expect(serviceLooks[0]!).toBeGreaterThanOrEqual(taskLooks[1]!)
      // The rule went only after the service was gone.
      const deleteRule = world.elbv2.calls.find(c => c.operation === 'DeleteRule' && !c.error)!
      expect(deleteRule.at).toBeGreaterThanOrEqual(serviceLooks[0]!)
    })

    it('without the read (denied), still removes everything, looking at the tasks on the plain schedule', async () => {
      const { world, tg, service } = drainingService()
      world.elbv2.denied.add('DescribeTargetGroupAttributes')

      const result = await runOnSim(world.ecs, { cluster: 'app', 'delete-target-groups': 'true' }, { world })

      expect(result.failed).toBeUndefined()
      expect(world.ecs.remaining('app').cluster).toBe('INACTIVE')
      expect(world.elbv2.targetGroups.has(tg.arn)).toBe(false)
      expect(world.elbv2.calls.filter(c => c.operation === 'DescribeTargetGroupAttributes')).toHaveLength(1)
      const deleteService = world.ecs.calls.find(c => c.operation === 'DeleteService' && !c.error)!.at
      const taskLooks = looksAt(world, 'DescribeTasks', deleteService)
      // Backing off into the unknown delay costs more looks than knowing it.
      expect(taskLooks.length).toBeGreaterThan(2)
      expect(taskLooks[0]!).toBeLessThan(deleteService + 30_000)
      expect(taskLooks[taskLooks.length - 1]!).toBeGreaterThanOrEqual(inactiveAt(world, service.arn))
    })
  })

  describe('reads the groups in batches', () => {
    /** `n` services of cluster app with a task each, each behind its own group. */
    function manyGroups(n: number) {
      return servicesBehindGroups(
        Array.from({ length: n }, (_, i) => `s${i}`),
        1
      )
    }
    /** The target groups the report lists as left, by ARN. */
    const reportedGroups = (report: Report | undefined) =>
      only(report)
        .leftovers.filter(l => l.kind === 'target-group')
        .map(l => l.id)
        .sort()
    const calls = (world: SimWorld, operation: string) =>
      world.elbv2.calls.filter(c => c.operation === operation)

    it('describes 20 groups a call and reads each delay when they fit in one call', async () => {
      const { world, groups } = manyGroups(3)
      const result = await runOnSim(world.ecs, { cluster: 'app' }, { world })
      expect(result.failed).toBeUndefined()
      expect(calls(world, 'DescribeTargetGroups')).toHaveLength(1)
      expect(
        calls(world, 'DescribeTargetGroupAttributes')
          .map(c => c.input.TargetGroupArn)
          .sort()
      ).toEqual(groups.map(g => g.arn).sort())
      expect(only(result.report).leftovers.filter(l => l.kind === 'target-group')).toHaveLength(3)
    })

    it('past 20 groups, reads no delay (the reads would cost more looks than they spare) and still reports every group', async () => {
      const { world, groups } = manyGroups(25)
      const result = await runOnSim(world.ecs, { cluster: 'app' }, { world })
      expect(result.failed).toBeUndefined()
      expect(world.ecs.remaining('app').cluster).toBe('INACTIVE')
      const described = calls(world, 'DescribeTargetGroups')
      expect(described.map(c => (c.input.TargetGroupArns as string[]).length).sort()).toEqual([20, 5])
      expect(described.every(c => !c.error)).toBe(true)
      expect(calls(world, 'DescribeTargetGroupAttributes')).toEqual([])
      expect(reportedGroups(result.report)).toEqual(groups.map(g => g.arn).sort())
    })

    it('asks again one group a call when a batch names a group that is gone, and keeps the others', async () => {
      const { world, groups } = manyGroups(3)
      // A fourth service names a group deleted since (AWS no longer knows it).
      world.ecs.createService('app', 'stale', {
        desiredCount: 1,
        loadBalancers: [
          {
            targetGroupArn: groups[0]!.arn.replace(/app-s0\/[0-9a-f]+$/, 'gone/0123456789abcdef'),
            containerName: 'web',
            containerPort: 80
          }
        ]
      })
      const result = await runOnSim(world.ecs, { cluster: 'app' }, { world })
      expect(result.failed).toBeUndefined()
      const described = calls(world, 'DescribeTargetGroups')
      expect(described[0]).toMatchObject({ error: 'TargetGroupNotFoundException' })
      expect(described.slice(1).map(c => (c.input.TargetGroupArns as string[]).length)).toEqual([1, 1, 1, 1])
      expect(reportedGroups(result.report)).toEqual(groups.map(g => g.arn).sort())
    })
  })

  describe('loading the client early', () => {
    /** Records when the run asks the Elastic Load Balancing client to start loading its code. */
    function watchWarm(world: SimWorld): { elbv2CallsSoFar: number; ecsCallsSoFar: number }[] {
      const warmed: { elbv2CallsSoFar: number; ecsCallsSoFar: number }[] = []
      Object.assign(world.elbv2.client, {
        warm: () =>
          warmed.push({ elbv2CallsSoFar: world.elbv2.calls.length, ecsCallsSoFar: world.ecs.calls.length })
      })
      return warmed
    }

    it('starts loading it once the services are described and one has a load balancer, before its first call', async () => {
      const { world } = servicesBehindGroups(['web'], 1)
      const warmed = watchWarm(world)
      const result = await runOnSim(world.ecs, { cluster: 'app' }, { world })
      expect(result.failed).toBeUndefined()
      expect(warmed).toHaveLength(1)
      expect(warmed[0]!.elbv2CallsSoFar).toBe(0)
      // Once the services were described, during the inventory: before anything was changed.
      const before = world.ecs.calls.slice(0, warmed[0]!.ecsCallsSoFar).map(c => c.operation)
      expect(before).toContain('DescribeServices')
      expect(before).not.toContain('DeleteService')
      expect(world.elbv2.calls.length).toBeGreaterThan(0)
    })

    it('does not load it when no service has a load balancer', async () => {
      const world = new SimWorld()
      world.ecs.createCluster('plain')
      world.ecs.createService('plain', 'web', { launchType: 'FARGATE', desiredCount: 1 })
      const warmed = watchWarm(world)
      const result = await runOnSim(world.ecs, { cluster: 'plain' }, { world })
      expect(result.failed).toBeUndefined()
      expect(warmed).toEqual([])
      expect(world.elbv2.calls).toEqual([])
    })
  })
})
