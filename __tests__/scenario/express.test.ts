import { describe, expect, it } from '@jest/globals'
import { codeDeployKind } from '../../src/kinds/code-deploy.js'
import { KINDS } from '../../src/kinds/index.js'
import { taskProtectionKind } from '../../src/kinds/task-protection.js'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { AutoScalingSim } from '../sim/autoscaling-sim.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

// What ECS has added (issue 21): Express services, gateways associated with clusters, task
// scale-in protection, and blue/green services whose CodeDeploy deployment is in progress. Each
// teardown runs whole through run() on the simulators.

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

/** A run that must not fail, on `world`, with the inputs given. */
async function runOk(world: SimWorld, inputs: Record<string, string>, kinds?: typeof KINDS) {
  const result = await runOnSim(world.ecs, inputs, { world, ...(kinds ? { kinds } : {}) })
  expect(result.failed).toBeUndefined()
  return result
}

/** A dry run of cluster `preview`: its plan, after checking it changed nothing in any service. */
async function dryRunPlan(world: SimWorld): Promise<NonNullable<ClusterReport['plan']>> {
  const planned = await runOnSim(world.ecs, { cluster: 'preview', 'dry-run': 'true' }, { world })
  expect(world.mutatingCalls()).toEqual([])
  return only(planned.report).plan!
}

/**
 * Cluster `preview`: two Express services (`api` and `site`, sharing one ECS-managed load balancer)
 * and a classic service `worker` behind its own target group and rule, with its own scalable target.
 */
function expressAndClassic() {
  const world = new SimWorld()
  const { ecs, elbv2, autoscaling } = world
  ecs.createCluster('preview')
  const api = world.createExpressService('preview', 'api', { desiredCount: 2 })
  const site = world.createExpressService('preview', 'site', { loadBalancer: api.loadBalancer })
  const lb = elbv2.createLoadBalancer('worker-alb')
  const listener = elbv2.createListener(lb.arn)
  const group = elbv2.createTargetGroup('preview-worker', 80, 30)
  const rule = elbv2.createRule(listener.arn, 1, 'worker.example.com', group.arn)
  ecs.createService('preview', 'worker', {
    desiredCount: 1,
    launchType: 'FARGATE',
    loadBalancers: [{ targetGroupArn: group.arn, containerName: 'worker', containerPort: 80 }]
  })
  autoscaling.registerTarget(AutoScalingSim.resourceId('preview', 'worker'))
  return { world, api, site, worker: { group, rule, lb } }
}

/** Clusters `preview` and `staging`, each with a service `web` routed through the gateway `edge`. */
function withGateway() {
  const world = new SimWorld()
  const { ecs } = world
  ecs.createCluster('preview')
  ecs.createCluster('staging')
  ecs.createService('preview', 'web', { desiredCount: 1, launchType: 'FARGATE' })
  ecs.createService('staging', 'web', { desiredCount: 1, launchType: 'FARGATE' })
  const gateway = ecs.createGateway('edge', [
    { cluster: 'preview', routeServices: ['web'] },
    { cluster: 'staging', routeServices: ['web'] }
  ])
  return { world, gateway }
}

/** Cluster `preview` with a service `web` of two tasks, the first with scale-in protection for 2 hours. */
function protectedService() {
  const world = new SimWorld()
  const { ecs } = world
  ecs.createCluster('preview')
  const web = ecs.createService('preview', 'web', { desiredCount: 2, launchType: 'FARGATE' })
  const [first] = ecs.tasksOf(web)
  ecs.protectTask(first!, 120)
  return { world, protectedTask: first! }
}

/** Cluster `preview` with a CODE_DEPLOY service `web` whose CodeDeploy deployment is in progress. */
function blueGreen() {
  const world = new SimWorld()
  const { ecs, codedeploy } = world
  ecs.createCluster('preview')
  const web = ecs.createService('preview', 'web', {
    desiredCount: 1,
    launchType: 'FARGATE',
    deploymentController: 'CODE_DEPLOY'
  })
  const deployment = codedeploy.startDeployment(web)
  return { world, deployment }
}

const expressCalls = ['DeleteExpressGatewayService', 'DeleteService'] as const

describe('Express services', () => {
  it('deletes an Express service with DeleteExpressGatewayService and a classic one with DeleteService; ECS removes what it made, the run never touches it', async () => {
    const { world, api, site, worker } = expressAndClassic()
    await world.ecs.time.sleep(5_000)

    const result = await runOk(world, { cluster: 'preview', 'delete-target-groups': 'true' })
    expect(world.ecs.remaining('preview')).toMatchObject({ cluster: 'INACTIVE', services: [], tasks: [] })
    const sent = (op: string) =>
      world.ecs.calls
        .filter(c => c.operation === op && !c.error)
        .map(c => String(c.input.serviceArn ?? c.input.service))
    expect(
      sent(expressCalls[0])
        .map(arn => arn.split('/').pop())
        .sort()
    ).toEqual(['api', 'site'])
    expect(sent(expressCalls[1]).map(arn => arn.split('/').pop())).toEqual(['worker'])
    // What ECS made for them is gone with them, and the run sent nothing about any of it.
    expect(world.elbv2.targetGroups.has(api.targetGroupArn)).toBe(false)
    expect(world.elbv2.targetGroups.has(site.targetGroupArn)).toBe(false)
    expect(world.elbv2.loadBalancers.has(api.loadBalancer.arn)).toBe(false)
    expect(world.autoscaling.targets.has(AutoScalingSim.resourceId('preview', 'api'))).toBe(false)
    const touched = [...world.elbv2.calls, ...world.autoscaling.calls]
      .filter(
        c =>
          !c.error &&
          ['DeleteTargetGroup', 'DeleteRule', 'DeregisterScalableTarget', 'RegisterScalableTarget'].includes(
            c.operation
          )
      )
      .map(c => String(c.input.TargetGroupArn ?? c.input.RuleArn ?? c.input.ResourceId))
    expect(touched.sort()).toEqual(
      [worker.group.arn, worker.rule.arn, 'service/preview/worker', 'service/preview/worker'].sort()
    )
    // The classic service's group and rule went the usual way.
    expect(world.elbv2.targetGroups.has(worker.group.arn)).toBe(false)

    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(
      c.services
        .filter(s => s.express)
        .map(s => s.name)
        .sort()
    ).toEqual(['api', 'site'])
    expect(c.services.find(s => s.name === 'worker')?.express).toBeUndefined()
    const reported = c.related?.expressServices ?? []
    expect(reported.map(s => s.name).sort()).toEqual(['api', 'site'])
    expect(reported.find(s => s.name === 'api')?.managed).toEqual(
      expect.arrayContaining([
        { type: 'load-balancer', id: api.loadBalancer.arn },
        { type: 'target-group', id: api.targetGroupArn },
        { type: 'listener-rule', id: api.ruleArn },
        { type: 'scalable-target', id: 'service/preview/api' }
      ])
    )
    expect(c.related?.found.expressServices).toBe(2)
    // Only the classic service's group counts as the load-balancer kind's.
    expect(c.related?.targetGroups.map(g => g.arn)).toEqual([worker.group.arn])
    // The classic service's own load balancer is left with nothing on it (reported, never deleted);
    // the Express services' one is ECS's, gone with them, and not reported.
    expect(c.leftovers.map(l => `${l.kind}:${l.id}`)).toEqual([`load-balancer:${worker.lb.arn}`])
    expect(result.summary).toContain('Express services deleted (ECS removed what it made for them)')
  })

  it('a dry run names the Express services in their own step, and what ECS removes with them', async () => {
    const dry = expressAndClassic()
    const plan = await dryRunPlan(dry.world)
    const steps = plan.steps
    const express = steps.find(s =>
      s.description.startsWith('Delete 2 Express services with DeleteExpressGatewayService')
    )
    expect(express?.resources.sort()).toEqual(['api', 'site'])
    expect(steps.find(s => s.description.startsWith('Delete 1 service with force'))?.resources).toEqual([
      'worker'
    ])
    expect(steps.some(s => s.description.startsWith('Record what ECS removed with 2 Express services'))).toBe(
      true
    )

    const real = expressAndClassic()
    const result = await runOnSim(real.world.ecs, { cluster: 'preview' }, { world: real.world })
    expect(only(result.report).phases.map(p => p.name)).toEqual(
      expect.arrayContaining(['delete services', 'Express services'])
    )
    expect(result.log.lines.some(l => /Deleting Express service api/.test(l))).toBe(true)
  })

  it('DescribeServiceRevisions denied: the run goes on and reports what DescribeServices shows (target group, scalable target); a dry run lists the denial', async () => {
    const { world, api } = expressAndClassic()
    world.ecs.denied.add('DescribeServiceRevisions')
    const plan = await dryRunPlan(world)
    expect(plan.blockers.some(b => /ecs:DescribeServiceRevisions/.test(b))).toBe(true)
    const result = await runOk(world, { cluster: 'preview' })
    const reported = only(result.report).related?.expressServices?.find(s => s.name === 'api')
    expect(reported?.managed).toEqual([
      { type: 'target-group', id: api.targetGroupArn },
      { type: 'scalable-target', id: 'service/preview/api' }
    ])
    expect(world.elbv2.targetGroups.has(api.targetGroupArn)).toBe(false)
  })

  it('services mode: the selected Express service goes with DeleteExpressGatewayService; the classic neighbour and what it uses stay', async () => {
    const { world, api, worker } = expressAndClassic()
    const result = await runOk(world, { cluster: 'preview', services: 'api', 'delete-target-groups': 'true' })
    const c = only(result.report)
    expect(c.outcome).toBe('services-removed')
    expect(c.services.map(s => `${s.name}:${s.express ?? false}`)).toEqual(['api:true'])
    expect(world.elbv2.targetGroups.has(api.targetGroupArn)).toBe(false)
    // The other Express service still uses the shared load balancer: ECS keeps it.
    expect(world.elbv2.loadBalancers.has(api.loadBalancer.arn)).toBe(true)
    // …so the report does not say ECS removed it: it is kept, shared with site.
    const removed = c.related?.expressServices?.flatMap(e => e.managed.map(m => m.id)) ?? []
    expect(removed).toContain(api.targetGroupArn)
    expect(removed).not.toContain(api.loadBalancer.arn)
    expect(c.scope?.kept).toContainEqual({
      kind: 'express-resource',
      id: api.loadBalancer.arn,
      reason: expect.stringContaining('shared with Express service site, which stays')
    })
    expect(result.summary).not.toMatch(/<code>api<\/code>: 1 load balancer/)
    expect(world.elbv2.targetGroups.has(worker.group.arn)).toBe(true)
    expect(world.ecs.remaining('preview').services.sort()).toEqual(['site:ACTIVE', 'worker:ACTIVE'])
    expect(world.ecs.calls.some(c => c.operation === 'DeleteService')).toBe(false)
    expect(world.ecs.calls.some(c => c.operation === 'ListGatewayClusterAssociations')).toBe(false)
  })

  it('services mode: a classic service goes; the Express neighbour, its target group and scaling are never touched', async () => {
    const { world, site } = expressAndClassic()
    await runOk(world, {
      cluster: 'preview',
      services: 'worker',
      'delete-target-groups': 'true'
    })
    expect(world.ecs.calls.some(c => c.operation === 'DeleteExpressGatewayService')).toBe(false)
    expect(world.elbv2.targetGroups.has(site.targetGroupArn)).toBe(true)
    expect(world.autoscaling.targets.has('service/preview/site')).toBe(true)
    expect(world.autoscaling.calls.filter(c => String(c.input.ResourceId ?? '').includes('site'))).toEqual([])
  })
})

describe('gateways associated with the cluster', () => {
  it('disassociates the gateway once the services are gone, keeps the gateway, and leaves other clusters’ associations', async () => {
    const { world, gateway } = withGateway()
    const result = await runOk(world, { cluster: 'preview' })
    const preview = world.ecs.gatewayAssociations.find(a => a.clusterArn.endsWith('/preview'))!
    const staging = world.ecs.gatewayAssociations.find(a => a.clusterArn.endsWith('/staging'))!
    expect(world.ecs.associationStatus(preview)).toBe('INACTIVE')
    expect(world.ecs.associationStatus(staging)).toBe('ACTIVE')
    expect(world.ecs.gateways.get(gateway)?.deleted).toBeUndefined()
    // Disassociated after the service was deleted, before the cluster.
    const at = (op: string) => world.ecs.calls.find(c => c.operation === op && !c.error)!.at
    expect(at('DisassociateGatewayFromCluster')).toBeGreaterThanOrEqual(at('DeleteService'))
    expect(at('DisassociateGatewayFromCluster')).toBeLessThanOrEqual(at('DeleteCluster'))
    const c = only(result.report)
    expect(c.related?.gatewayAssociations).toEqual([{ gatewayArn: gateway, action: 'disassociated' }])
    expect(c.related?.found.gatewayAssociations).toBe(1)
    expect(c.leftovers).toEqual([])
  })

  it('a dry run lists the disassociation; services mode neither reads nor touches the association', async () => {
    const dry = withGateway()
    const plan = await dryRunPlan(dry.world)
    expect(plan.steps.find(s => s.description.startsWith('Disassociate 1 gateway'))?.resources).toEqual([
      dry.gateway
    ])

    const svc = withGateway()
    await runOk(svc.world, { cluster: 'preview', services: 'web' })
    expect(svc.world.ecs.calls.filter(c => /Gateway/.test(c.operation))).toEqual([])
    expect(svc.world.ecs.gatewayAssociations.every(a => a.status === 'ACTIVE')).toBe(true)
  })

  it('a denied read of the associations does not stop the teardown: it is said, and nothing is disassociated', async () => {
    const { world } = withGateway()
    world.ecs.denied.add('ListGatewayClusterAssociations')
    const result = await runOk(world, { cluster: 'preview' })
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(c.related?.gatewayAssociationsUnread).toMatch(/ListGatewayClusterAssociations/)
    expect(result.log.lines.some(l => /gateway associations could not be read/.test(l))).toBe(true)
  })
})

describe('task scale-in protection', () => {
  it('graceful mode clears the protection first, so the scheduler drains the task instead of the run stopping it at the drain deadline', async () => {
    const { world, protectedTask } = protectedService()
    const result = await runOk(world, { cluster: 'preview', 'drain-timeout-minutes': '10' })
    const c = only(result.report)
    expect(c.related?.taskProtection).toEqual([{ taskArn: protectedTask.arn, action: 'unprotected' }])
    expect(c.tasks.find(t => t.arn === protectedTask.arn)?.how).toBe('drained')
    expect(world.ecs.calls.some(c => c.operation === 'StopTask')).toBe(false)
    const update = world.ecs.calls.find(c => c.operation === 'UpdateTaskProtection')!
    expect(update.input).toMatchObject({ protectionEnabled: false, tasks: [protectedTask.arn] })
    expect(world.ecs.calls.indexOf(update)).toBeLessThan(
      world.ecs.calls.findIndex(c => c.operation === 'DeleteService')
    )
    expect(result.elapsedMs).toBeLessThan(2 * 60_000)

    // Without it, the scheduler leaves the protected task and the run stops it at the drain deadline.
    const other = protectedService()
    const without = await runOnSim(
      other.world.ecs,
      { cluster: 'preview', 'drain-timeout-minutes': '10' },
      { world: other.world, kinds: KINDS.filter(k => k !== taskProtectionKind) }
    )
    expect(only(without.report).tasks.find(t => t.arn === other.protectedTask.arn)?.how).toBe('stopped')
    expect(without.elapsedMs).toBeGreaterThanOrEqual(10 * 60_000)
  })

  it('force mode reads no protection: StopTask stops a protected task as any other; a dry run lists the step', async () => {
    const forced = protectedService()
    await runOk(forced.world, { cluster: 'preview', force: 'true' })
    expect(forced.world.ecs.calls.filter(c => /TaskProtection/.test(c.operation))).toEqual([])
    expect(forced.world.ecs.remaining('preview').tasks).toEqual([])

    const dry = protectedService()
    const plan = await dryRunPlan(dry.world)
    expect(
      plan.steps.find(s => s.description.startsWith('Clear the scale-in protection of 1 service task'))
        ?.resources
    ).toEqual([dry.protectedTask.id])
  })
})

describe('blue/green services with a CodeDeploy deployment in progress', () => {
  it('stops the deployment (auto rollback off) before deleting the service, and the cluster goes', async () => {
    const { world, deployment } = blueGreen()
    const result = await runOk(world, { cluster: 'preview' })
    expect(world.ecs.remaining('preview').cluster).toBe('INACTIVE')
    const stop = world.codedeploy.calls.find(c => c.operation === 'StopDeployment')!
    expect(stop.input).toEqual({ deploymentId: deployment.deploymentId, autoRollbackEnabled: false })
    // Stopped (and seen Stopped) before the service's deletion was asked.
    const firstEcsChange = world.ecs.calls.find(c => c.operation === 'DeleteService')!
    expect(stop.at).toBeLessThanOrEqual(firstEcsChange.at)
    expect(world.codedeploy.statusOf(deployment)).toBe('Stopped')
    expect(world.ecs.calls.filter(c => c.operation === 'DeleteService' && c.error)).toEqual([])
    const c = only(result.report)
    expect(c.related?.codeDeployDeployments).toEqual([
      { deploymentId: deployment.deploymentId, service: 'web', action: 'stopped' }
    ])
    expect(c.leftovers).toEqual([])
  })

  it('finds a queued deployment that has made no task set yet through the deployment group of an earlier one, and stops it', async () => {
    const world = new SimWorld()
    world.ecs.createCluster('preview')
    const web = world.ecs.createService('preview', 'web', {
      launchType: 'FARGATE',
      deploymentController: 'CODE_DEPLOY'
    })
    world.codedeploy.startDeployment(web, 'Succeeded')
    const queued = world.codedeploy.startDeployment(web, 'Queued', false)
    const result = await runOk(world, { cluster: 'preview' })
    expect(only(result.report).related?.codeDeployDeployments).toEqual([
      { deploymentId: queued.deploymentId, service: 'web', action: 'stopped' }
    ])
    expect(world.codedeploy.calls.find(c => c.operation === 'ListDeployments')?.input).toMatchObject({
      applicationName: 'AppECS-web',
      deploymentGroupName: 'DgpECS-web'
    })
    expect(world.ecs.remaining('preview').cluster).toBe('INACTIVE')
  })

  it('without the CodeDeploy kind the service cannot be deleted before the deadline', async () => {
    const { world } = blueGreen()
    const result = await runOnSim(
      world.ecs,
      { cluster: 'preview', 'timeout-minutes': '5' },
      { world, kinds: KINDS.filter(k => k !== codeDeployKind) }
    )
    expect(only(result.report).outcome).toBe('timed-out')
    expect(
      world.ecs.calls.some(c => c.operation === 'DeleteService' && c.error === 'InvalidParameterException')
    ).toBe(true)
  })

  it('a missing codedeploy:StopDeployment ends the run before anything is touched, naming it', async () => {
    const { world } = blueGreen()
    world.codedeploy.denied.add('StopDeployment')
    const result = await runOnSim(world.ecs, { cluster: 'preview' }, { world })
    const c = only(result.report)
    expect(c.outcome).toBe('failed')
    expect(c.message).toMatch(/codedeploy:StopDeployment.*Nothing was removed\./)
    expect(world.ecs.mutatingCalls()).toEqual([])
    expect(world.mutatingCalls()).toEqual(['StopDeployment'])
    expect(world.ecs.remaining('preview').services).toEqual(['web:ACTIVE'])
  })

  it('a missing codedeploy:BatchGetDeployments: the run refuses before any change; the dry run lists it as a blocker', async () => {
    const real = blueGreen()
    real.world.codedeploy.denied.add('BatchGetDeployments')
    const result = await runOnSim(real.world.ecs, { cluster: 'preview' }, { world: real.world })
    expect(only(result.report).outcome).toBe('failed')
    expect(only(result.report).message).toMatch(/codedeploy:BatchGetDeployments/)
    expect(real.world.mutatingCalls()).toEqual([])

    const dry = blueGreen()
    dry.world.codedeploy.denied.add('BatchGetDeployments')
    const plan = await dryRunPlan(dry.world)
    expect(plan.blockers.some(b => /codedeploy:BatchGetDeployments/.test(b))).toBe(true)
  })

  it('a dry run lists the stop before the deletion', async () => {
    const { world, deployment } = blueGreen()
    const plan = await dryRunPlan(world)
    const steps = plan.steps.map(s => s.description)
    const stop = steps.findIndex(s => s.startsWith('Stop 1 CodeDeploy deployment in progress'))
    expect(stop).toBeGreaterThanOrEqual(0)
    expect(stop).toBeLessThan(steps.findIndex(s => s.startsWith('Delete 1 service')))
    expect(plan.steps[stop]!.resources).toEqual([`${deployment.deploymentId} (service web)`])
  })
})

describe('the dry run lists the steps the run takes', () => {
  /** The plan's lines a run logs (`<cluster>: 1. …`, the live log's prefix), after "take these steps". */
  const loggedSteps = (lines: string[]): string[] => {
    const start = lines.findIndex(l => /take these steps/.test(l))
    const steps: string[] = []
    for (const line of lines.slice(start + 1)) {
      const m = /^(?:[^:\s]+: )?\d+\. (.*)$/.exec(line)
      if (!m) break
      steps.push(m[1]!)
    }
    return steps
  }

  const environments: [string, () => { world: SimWorld }][] = [
    ['Express and classic services', expressAndClassic],
    ['a gateway association', withGateway],
    ['a protected task', protectedService],
    ['a CodeDeploy deployment in progress', blueGreen]
  ]
  for (const [label, build] of environments) {
    it(label, async () => {
      const plan = await dryRunPlan(build().world)
      const result = await runOk(build().world, { cluster: 'preview' })
      expect(only(result.report).outcome).toBe('deleted')
      expect(loggedSteps(result.log.lines)).toEqual(plan.steps.map(s => s.description))
    })
  }
})
