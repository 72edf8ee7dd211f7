import { describe, expect, it } from '@jest/globals'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

// A task definition revision is not tied to a cluster: a preview cluster and production may run
// the same one (a log router, a metrics agent, a migration job), and write to the same log group.
// Nothing another cluster uses is deregistered or deleted, and a neighbour ends as it started.

function clusterNamed(report: Report | undefined, name: string): ClusterReport {
  const c = report?.clusters.find(x => x.name === name)
  expect(c).toBeDefined()
  return c!
}

function leftover(c: ClusterReport, kind: string, id: string) {
  return c.leftovers.find(l => l.kind === kind && l.id === id)
}

/**
 * pr-20 (the target) runs its own web revision and, like production, the shared log-router:1 and a
 * migrate:1 job; production also runs its own api revision.
 */
function neighbours(world: SimWorld) {
  const { ecs, logs } = world
  const web = ecs.registerTaskDefinition('pr-20-web', { logGroup: '/ecs/pr-20-web' })
  const router = ecs.registerTaskDefinition('log-router', { logGroup: '/ecs/log-router' })
  const migrate = ecs.registerTaskDefinition('migrate', { logGroup: '/ecs/migrate' })
  const api = ecs.registerTaskDefinition('api', { logGroup: '/ecs/api' })
  ecs.createCluster('pr-20')
  ecs.registerContainerInstance('pr-20')
  ecs.createService('pr-20', 'web', { taskDefinition: web.arn })
  ecs.createService('pr-20', 'router', { taskDefinition: router.arn })
  ecs.runTask('pr-20', { taskDefinition: migrate.arn })
  ecs.createCluster('production')
  ecs.registerContainerInstance('production')
  ecs.createService('production', 'api', { taskDefinition: api.arn, desiredCount: 2 })
  ecs.createService('production', 'router', { taskDefinition: router.arn })
  const job = ecs.runTask('production', { taskDefinition: migrate.arn, neverStops: true })
  for (const g of ['/ecs/pr-20-web', '/ecs/log-router', '/ecs/migrate', '/ecs/api']) logs.createLogGroup(g)
  return { web, router, migrate, api, job }
}

/** Everything of production's a teardown could change: services, tasks, instances, revisions, log groups. */
function snapshot(world: SimWorld, cluster = 'production') {
  const { ecs } = world
  const arn = [...ecs.clusters.values()].find(c => c.name === cluster)!.arn
  const services = [...ecs.services.values()].filter(s => s.clusterArn === arn)
  const tasks = [...ecs.tasks.values()].filter(t => t.clusterArn === arn)
  const revisions = new Set([
    ...services.map(s => s.taskDefinitionArn),
    ...tasks.map(t => t.taskDefinitionArn)
  ])
  return {
    cluster: ecs.clusterStatus([...ecs.clusters.values()].find(c => c.name === cluster)!),
    services: services.map(s => `${s.name}:${ecs.serviceStatus(s)}:${s.desiredCount}`),
    // PENDING turns RUNNING as time passes: what counts is that nothing stopped them.
    tasks: tasks.map(t => `${t.id}:${ecs.desiredStatus(t)}`),
    instances: [...ecs.containerInstances.values()].filter(ci => ci.clusterArn === arn).map(ci => ci.status),
    revisions: [...revisions].map(r => `${r}:${ecs.taskDefinitions.get(r)!.status}`),
    logGroups: [...revisions].map(r => {
      const group = ecs.taskDefinitions.get(r)!.logGroup!
      return `${group}:${world.logs.groups.has(group)}`
    })
  }
}

const BOTH = { 'deregister-task-definitions': 'true', 'delete-log-groups': 'true' }

describe('who else uses a task definition or a log group', () => {
  it('keeps a revision and a log group a neighbour uses, naming it, and removes what only the target used', async () => {
    const world = new SimWorld()
    const { web, router, migrate, job } = neighbours(world)
    const before = snapshot(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-20', ...BOTH }, { world })
    expect(result.failed).toBeUndefined()
    expect(snapshot(world)).toEqual(before)
    expect(world.ecs.remaining('pr-20').cluster).toBe('INACTIVE')

    const c = clusterNamed(result.report, 'pr-20')
    // Only the target used it: deregistered, and its log group deleted.
    expect(world.ecs.taskDefinitions.get(web.arn)!.status).toBe('INACTIVE')
    expect(world.logs.groups.has('/ecs/pr-20-web')).toBe(false)
    expect(c.related?.taskDefinitions).toEqual([
      { family: 'pr-20-web', revisions: ['pr-20-web:1'], action: 'deregistered' }
    ])
    expect(c.related?.logGroups).toEqual([{ name: '/ecs/pr-20-web', action: 'deleted' }])
    // Shared: kept, with the neighbour named.
    expect(world.ecs.taskDefinitions.get(router.arn)!.status).toBe('ACTIVE')
    expect(leftover(c, 'task-definition', 'log-router:1')?.reason).toBe(
      'kept: still used by cluster production (service router)'
    )
    expect(leftover(c, 'task-definition', 'migrate:1')?.reason).toBe(
      `kept: still used by cluster production (task ${job.id} (family:migrate))`
    )
    expect(world.ecs.taskDefinitions.get(migrate.arn)!.status).toBe('ACTIVE')
    expect(leftover(c, 'log-group', '/ecs/log-router')?.reason).toBe(
      'kept: task definition log-router:1 writes to it and is still used by cluster production (service router)'
    )
    expect(world.logs.groups.has('/ecs/migrate')).toBe(true)
    expect(result.summary).toContain('log-router:1')
    // Every other cluster's services and tasks read at the plan and again right before removing.
    const onProduction = world.ecs.calls.filter(call =>
      String(call.input.cluster ?? '').endsWith('/production')
    )
    expect(onProduction.map(call => call.operation).sort()).toEqual(
      ['DescribeServices', 'DescribeTasks', 'ListServices', 'ListTasks'].flatMap(op => [op, op])
    )
  })

  it('shows these decisions in a dry run, and changes nothing', async () => {
    const world = new SimWorld()
    neighbours(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-20', ...BOTH, 'dry-run': 'true' }, { world })
    expect(world.mutatingCalls()).toEqual([])
    const plan = clusterNamed(result.report, 'pr-20').plan!
    expect(plan.blockers).toEqual(
      expect.arrayContaining([
        'task definition log-router:1 will be kept: still used by cluster production (service router)',
        'log group /ecs/log-router will be kept: task definition log-router:1 writes to it and is still used by cluster production (service router)'
      ])
    )
    const deregister = plan.steps.find(s => s.description.startsWith('Deregister 1 task definition revision'))
    expect(deregister?.resources).toEqual(['pr-20-web:1'])
    const deleteGroups = plan.steps.find(s => s.description.startsWith('Delete 1 log group'))
    expect(deleteGroups?.resources).toEqual(['/ecs/pr-20-web'])
  })

  it('keeps everything, and says why, when a neighbour cannot be read', async () => {
    const world = new SimWorld()
    const { web } = neighbours(world)
    world.ecs.denyWhen = (operation, input) =>
      operation === 'ListServices' && String(input.cluster).endsWith('/production')
    const before = snapshot(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-20', ...BOTH }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-20').cluster).toBe('INACTIVE')
    expect(snapshot(world)).toEqual(before)
    // Even the revision only the target used: another user cannot be ruled out.
    expect(world.ecs.taskDefinitions.get(web.arn)!.status).toBe('ACTIVE')
    expect([...world.logs.groups.keys()].sort()).toEqual([
      '/ecs/api',
      '/ecs/log-router',
      '/ecs/migrate',
      '/ecs/pr-20-web'
    ])
    const c = clusterNamed(result.report, 'pr-20')
    expect(leftover(c, 'task-definition', 'pr-20-web:1')?.reason).toMatch(
      /^kept: another user cannot be ruled out: reading the other clusters was denied \(cluster production\): .*ecs:ListServices/
    )
    expect(leftover(c, 'log-group', '/ecs/pr-20-web')?.reason).toMatch(
      /^kept: another user cannot be ruled out: reading the other clusters was denied \(cluster production\)/
    )
  })

  it('looks again right before removing: a revision a neighbour started using mid-run is kept', async () => {
    const world = new SimWorld()
    const { web } = neighbours(world)
    // While the target drains, production deploys a service on the target's own revision.
    world.ecs.time.at(world.ecs.now + 5_000, () => {
      world.ecs.createService('production', 'web-copy', { taskDefinition: web.arn })
    })
    const result = await runOnSim(world.ecs, { cluster: 'pr-20', ...BOTH }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-20').cluster).toBe('INACTIVE')
    expect(world.ecs.taskDefinitions.get(web.arn)!.status).toBe('ACTIVE')
    expect(world.logs.groups.has('/ecs/pr-20-web')).toBe(true)
    const c = clusterNamed(result.report, 'pr-20')
    expect(leftover(c, 'task-definition', 'pr-20-web:1')?.reason).toBe(
      'kept: still used by cluster production (service web-copy)'
    )
    expect(leftover(c, 'log-group', '/ecs/pr-20-web')?.reason).toBe(
      'kept: task definition pr-20-web:1 writes to it and is still used by cluster production (service web-copy)'
    )
    expect(c.related?.taskDefinitions ?? []).toEqual([])
    expect(result.log.lines.filter(l => l.includes('Looked again at who else uses them'))).toEqual([
      expect.stringContaining('1 more log group kept'),
      expect.stringContaining('1 more revision kept')
    ])
  })

  it('keeps everything when the Region has more clusters than the look reads', async () => {
    const world = new SimWorld()
    const { web } = neighbours(world)
    for (let i = 0; i < 100; i++) world.ecs.createCluster(`team-${i}`)
    const result = await runOnSim(
      world.ecs,
      { cluster: 'pr-20', 'deregister-task-definitions': 'true' },
      { world }
    )
    expect(result.failed).toBeUndefined()
    expect(world.ecs.taskDefinitions.get(web.arn)!.status).toBe('ACTIVE')
    expect(leftover(clusterNamed(result.report, 'pr-20'), 'task-definition', 'pr-20-web:1')?.reason).toBe(
      'kept: another user cannot be ruled out: the Region has 101 other clusters, more than the 100 this run reads'
    )
    // Nothing past the bound was read.
    expect(world.ecs.countCalls('ListServices')).toBe(1)
  })

  it('in a sweep, clusters removed by the same run are not other users', async () => {
    const world = new SimWorld()
    const { ecs } = world
    const base = ecs.registerTaskDefinition('preview-base', { logGroup: '/ecs/preview-base' })
    for (const name of ['pr-30', 'pr-31']) {
      ecs.createCluster(name)
      ecs.createService(name, 'web', { taskDefinition: base.arn, launchType: 'FARGATE' })
    }
    ecs.createCluster('production')
    ecs.createService('production', 'api', { launchType: 'FARGATE' })
    world.logs.createLogGroup('/ecs/preview-base')
    const before = snapshot(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-3*', ...BOTH }, { world })
    expect(result.failed).toBeUndefined()
    expect(ecs.taskDefinitions.get(base.arn)!.status).toBe('INACTIVE')
    expect(world.logs.groups.has('/ecs/preview-base')).toBe(false)
    expect(snapshot(world)).toEqual(before)
  })
})

describe('the lookup costs nothing when neither option is on', () => {
  it('reads no other cluster', async () => {
    const world = new SimWorld()
    neighbours(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-20' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.ecs.countCalls('ListClusters')).toBe(0)
    expect(world.ecs.calls.filter(call => String(call.input.cluster ?? '').endsWith('/production'))).toEqual(
      []
    )
  })
})

/**
 * pr-20 (the target) registers its web service in its own Cloud Map service and in one it shares
 * with production's api, which is scaled to 0: no instance is registered in the shared one when
 * the target's tasks are gone, and production still needs it for its next task.
 */
function discoveryNeighbours(world: SimWorld) {
  const { ecs, cloudMap } = world
  const ns = cloudMap.createNamespace('internal.local')
  const mine = cloudMap.createService(ns.id, 'pr-20-web')
  const shared = cloudMap.createService(ns.id, 'api')
  ecs.createCluster('pr-20')
  ecs.createService('pr-20', 'web', {
    launchType: 'FARGATE',
    serviceRegistries: [cloudMap.arnOf(mine), cloudMap.arnOf(shared)]
  })
  ecs.createCluster('production')
  ecs.createService('production', 'api', {
    launchType: 'FARGATE',
    desiredCount: 0,
    serviceRegistries: [cloudMap.arnOf(shared)]
  })
  return { mine, shared }
}

describe('who else registers in a Cloud Map service', () => {
  it('keeps one a service of another cluster at desired count 0 registers in, naming it; deletes the target’s own', async () => {
    const world = new SimWorld()
    const { mine, shared } = discoveryNeighbours(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-20' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-20').cluster).toBe('INACTIVE')
    expect([...world.cloudMap.services.keys()]).toEqual([shared.id])
    const c = clusterNamed(result.report, 'pr-20')
    expect(c.related?.discoveryServices).toEqual([{ arn: world.cloudMap.arnOf(mine), action: 'deleted' }])
    expect(leftover(c, 'discovery-service', shared.id)?.reason).toBe(
      'kept: still used by cluster production (service api)'
    )
    expect(world.ecs.remaining('production').services).toEqual(['api:ACTIVE'])
  })

  it('keeps one a service of another cluster uses in services mode too', async () => {
    const world = new SimWorld()
    const { mine, shared } = discoveryNeighbours(world)
    world.ecs.createService('pr-20', 'worker', { launchType: 'FARGATE' })
    const result = await runOnSim(world.ecs, { cluster: 'pr-20', services: 'web' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.cloudMap.services.has(mine.id)).toBe(false)
    expect(world.cloudMap.services.has(shared.id)).toBe(true)
    expect(leftover(clusterNamed(result.report, 'pr-20'), 'discovery-service', shared.id)?.reason).toBe(
      'kept: still used by cluster production (service api)'
    )
  })

  it('keeps one the task set of another cluster’s EXTERNAL service registers in', async () => {
    const world = new SimWorld()
    const { mine } = discoveryNeighbours(world)
    world.ecs.createService('production', 'blue-green', {
      launchType: 'FARGATE',
      desiredCount: 0,
      deploymentController: 'EXTERNAL',
      taskSets: 1,
      taskSetRegistries: [world.cloudMap.arnOf(mine)]
    })
    const result = await runOnSim(world.ecs, { cluster: 'pr-20' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.cloudMap.services.has(mine.id)).toBe(true)
    expect(leftover(clusterNamed(result.report, 'pr-20'), 'discovery-service', mine.id)?.reason).toBe(
      'kept: still used by cluster production (service blue-green)'
    )
  })

  it('shows the decisions in a dry run, and changes nothing', async () => {
    const world = new SimWorld()
    const { mine, shared } = discoveryNeighbours(world)
    const result = await runOnSim(world.ecs, { cluster: 'pr-20', 'dry-run': 'true' }, { world })
    expect(world.mutatingCalls()).toEqual([])
    const plan = clusterNamed(result.report, 'pr-20').plan!
    expect(plan.blockers).toContain(
      `Cloud Map service ${shared.id} will be kept: still used by cluster production (service api)`
    )
    const deleteStep = plan.steps.find(s => s.description.startsWith('Delete 1 Cloud Map service'))
    expect(deleteStep?.resources).toEqual([mine.id])
  })

  it('keeps every one, and says why, when another cluster’s services cannot be read', async () => {
    const world = new SimWorld()
    const { mine, shared } = discoveryNeighbours(world)
    world.ecs.denyWhen = (operation, input) =>
      operation === 'ListServices' && String(input.cluster).endsWith('/production')
    const result = await runOnSim(world.ecs, { cluster: 'pr-20' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.ecs.remaining('pr-20').cluster).toBe('INACTIVE')
    expect([...world.cloudMap.services.keys()].sort()).toEqual([mine.id, shared.id].sort())
    expect(world.cloudMap.mutatingCalls()).toEqual([])
    const c = clusterNamed(result.report, 'pr-20')
    for (const id of [mine.id, shared.id])
      expect(leftover(c, 'discovery-service', id)?.reason).toMatch(
        /^kept: another user cannot be ruled out: reading the other clusters was denied \(cluster production\): .*ecs:ListServices/
      )
  })

  it('looks again right before deleting: one a neighbour started registering in mid-run is kept', async () => {
    const world = new SimWorld()
    const { mine } = discoveryNeighbours(world)
    world.ecs.time.at(world.ecs.now + 5_000, () => {
      world.ecs.createService('production', 'web-copy', {
        launchType: 'FARGATE',
        desiredCount: 0,
        serviceRegistries: [world.cloudMap.arnOf(mine)]
      })
    })
    const result = await runOnSim(world.ecs, { cluster: 'pr-20' }, { world })
    expect(result.failed).toBeUndefined()
    expect(world.cloudMap.services.has(mine.id)).toBe(true)
    const c = clusterNamed(result.report, 'pr-20')
    expect(leftover(c, 'discovery-service', mine.id)?.reason).toBe(
      'kept: still used by cluster production (service web-copy)'
    )
    expect(c.related?.discoveryServices ?? []).toEqual([])
    expect(result.log.lines.filter(l => l.includes('Looked again at who else uses them'))).toEqual([
      expect.stringContaining('1 more Cloud Map service kept')
    ])
  })
})
