import { describe, expect, it } from '@jest/globals'
import type { Report } from '../../src/report/report.js'
import { SimWorld } from '../sim/world.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { runOnSim } from '../support/harness.js'

const NOTHING_LEFT = {
  cluster: 'INACTIVE',
  services: [],
  tasks: [],
  containerInstances: [],
  orphanedTasks: []
}

function previewCluster(
  sim: EcsSim,
  name = 'preview-42',
  opts: { services?: number; tasksPerService?: number; instances?: number; standalone?: number } = {}
) {
  sim.createCluster(name)
  for (let i = 0; i < (opts.instances ?? 2); i++) sim.registerContainerInstance(name)
  for (let i = 0; i < (opts.services ?? 3); i++) {
    sim.createService(name, `svc-${String(i).padStart(3, '0')}`, { desiredCount: opts.tasksPerService ?? 2 })
  }
  for (let i = 0; i < (opts.standalone ?? 1); i++)
    sim.runTask(name, { startedBy: 'ci-job', family: 'migrate' })
}

function clusterReport(report: Report | undefined) {
  expect(report).toBeDefined()
  expect(report!.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

describe('teardown on the strict simulator', () => {
  it('graceful: one DeleteService per service, lets the scheduler drain, stops standalone tasks, and removes everything in order', async () => {
    const sim = new EcsSim()
    previewCluster(sim)
    const result = await runOnSim(sim, { cluster: 'preview-42' })

    expect(result.failed).toBeUndefined()
    expect(sim.remaining('preview-42')).toEqual(NOTHING_LEFT)
    const c = clusterReport(result.report)
    expect(c.outcome).toBe('deleted')
    expect(c.services.map(s => s.name).sort()).toEqual(['svc-000', 'svc-001', 'svc-002'])
    expect(c.tasks.filter(t => t.how === 'drained')).toHaveLength(6)
    expect(c.tasks.filter(t => t.how === 'stopped').map(t => t.group)).toEqual(['family:migrate'])
    expect(c.containerInstances).toHaveLength(2)
    expect(c.leftovers.filter(l => l.kind === 'ec2-instance')).toHaveLength(2)
    expect(result.outputs).toMatchObject({
      'services-deleted': '3',
      'tasks-stopped': '7',
      'container-instances-deregistered': '2',
      'clusters-deleted': '1'
    })
    // Graceful means the scheduler stopped the service tasks: StopTask only for the standalone one.
    expect(sim.countCalls('StopTask')).toBe(1)
    // One service-modify call per service: DeleteService with force, no UpdateService before it.
    expect(sim.calls.filter(c => c.operation === 'UpdateService')).toEqual([])
    const deletes = sim.calls.filter(c => c.operation === 'DeleteService')
    expect(deletes.map(c => String(c.input.service).split('/').pop()).sort()).toEqual([
      'svc-000',
      'svc-001',
      'svc-002'
    ])
    expect(deletes.every(c => c.input.force === true && !c.error)).toBe(true)
    // The services' tasks stopped after their deletion, drained by the scheduler; DeleteCluster last.
    const lastDelete = Math.max(...deletes.map(c => c.at))
    const serviceTasks = [...sim.tasks.values()].filter(t => t.group.startsWith('service:'))
    expect(serviceTasks.every(t => t.stopRequestedAt! >= lastDelete - 1_000)).toBe(true)
    const ops = sim.calls.filter(c => !c.error).map(c => c.operation)
    expect(ops.indexOf('DeleteCluster')).toBeGreaterThan(ops.lastIndexOf('DeregisterContainerInstance'))
    expect(ops.indexOf('DeleteCluster')).toBeGreaterThan(ops.lastIndexOf('DescribeServices'))
    // A force-free deregistration: nothing was orphaned.
    expect(
      sim.calls.filter(c => c.operation === 'DeregisterContainerInstance').every(c => c.input.force === false)
    ).toBe(true)
  })

  it('force: stops every task at once without waiting for the scheduler', async () => {
    const sim = new EcsSim()
    previewCluster(sim)
    const result = await runOnSim(sim, { cluster: 'preview-42', force: 'true' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('preview-42')).toEqual(NOTHING_LEFT)
    expect(sim.countCalls('StopTask')).toBe(7)
    expect(clusterReport(result.report).tasks.every(t => t.how === 'stopped')).toBe(true)
    // Each service was deleted (one call, with force) before its tasks were stopped, so the scheduler
    // started no replacement.
    expect(sim.countCalls('UpdateService')).toBe(0)
    for (const call of sim.calls.filter(c => c.operation === 'StopTask')) {
      const task = sim.tasks.get(String(call.input.task))!
      if (!task.serviceArn) continue
      const deleted = sim.calls.find(
        c => c.operation === 'DeleteService' && c.input.service === task.serviceArn
      )!
      expect(deleted.at).toBeLessThanOrEqual(call.at)
    }
    expect(sim.tasks.size).toBe(7)
  })

  it('finds every service past the first page: 11 and 150 services', async () => {
    for (const count of [11, 150]) {
      const sim = new EcsSim()
      previewCluster(sim, 'big', { services: count, tasksPerService: 1, instances: 3, standalone: 0 })
      const result = await runOnSim(sim, { cluster: 'big' })
      expect(result.failed).toBeUndefined()
      expect(sim.remaining('big')).toEqual(NOTHING_LEFT)
      expect(clusterReport(result.report).services).toHaveLength(count)
      // Describes in batches of 10: no more DescribeServices calls in the inventory than needed.
      const inventoryDescribes = sim.calls.filter(
        c => c.operation === 'DescribeServices' && (c.input.services as string[]).length === 10
      )
      expect(inventoryDescribes.length).toBeGreaterThanOrEqual(Math.floor(count / 10))
      expect(
        sim.calls.filter(c => c.operation === 'ListServices').every(c => c.input.maxResults === 100)
      ).toBe(true)
    }
  })

  it('waits for services that stay DRAINING behind a load balancer before deleting the cluster', async () => {
    const sim = new EcsSim()
    sim.createCluster('lb')
    sim.createService('lb', 'web', { desiredCount: 2, drainDelayMs: 300_000 })
    const result = await runOnSim(sim, { cluster: 'lb' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('lb')).toEqual(NOTHING_LEFT)
    // 30 s stop timeout and the 300 s deregistration delay are unavoidable.
    expect(result.elapsedMs).toBeGreaterThanOrEqual(330_000)
    expect(result.elapsedMs).toBeLessThan(400_000)
  })

  it('deletes a DAEMON service without setting a desired count, and an EXTERNAL one after its task sets', async () => {
    const sim = new EcsSim()
    sim.createCluster('mixed')
    sim.registerContainerInstance('mixed')
    sim.registerContainerInstance('mixed')
    sim.createService('mixed', 'log-agent', { schedulingStrategy: 'DAEMON' })
    sim.createService('mixed', 'ext', { deploymentController: 'EXTERNAL', desiredCount: 2, taskSets: 2 })
    const result = await runOnSim(sim, { cluster: 'mixed' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('mixed')).toEqual(NOTHING_LEFT)
    expect(
      sim.calls.some(c => c.operation === 'UpdateService' && String(c.input.service).endsWith('/log-agent'))
    ).toBe(false)
    expect(sim.countCalls('DeleteTaskSet')).toBe(2)
    expect(
      clusterReport(result.report)
        .services.map(s => s.name)
        .sort()
    ).toEqual(['ext', 'log-agent'])
  })

  it('treats services and tasks purged during the run as done', async () => {
    const sim = new EcsSim()
    previewCluster(sim, 'purgy', { services: 3, tasksPerService: 2, standalone: 2 })
    let purged = false
    sim.beforeCall = operation => {
      if (!purged && operation === 'DeleteService') {
        purged = true
        sim.purgeService('svc-001')
        for (const t of [...sim.tasks.values()].filter(t => t.group === 'family:migrate'))
          sim.purgeTask(t.arn)
      }
    }
    const result = await runOnSim(sim, { cluster: 'purgy' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('purgy').cluster).toBe('INACTIVE')
    expect(clusterReport(result.report).outcome).toBe('deleted')
  })

  it('absorbs throttling on a fifth of the calls', async () => {
    const sim = new EcsSim({ throttleRate: 0.2, seed: 3 })
    previewCluster(sim, 'throttled', { services: 12, tasksPerService: 2, standalone: 3 })
    const result = await runOnSim(sim, { cluster: 'throttled' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('throttled')).toEqual(NOTHING_LEFT)
    const throttled = sim.calls.filter(c => c.error === 'ThrottlingException').length
    expect(throttled / sim.calls.length).toBeGreaterThan(0.1)
  })

  it('succeeds and says so when the cluster is already deleted or never existed', async () => {
    const sim = new EcsSim()
    sim.createCluster('old')
    sim.clusters.get('arn:aws:ecs:us-east-1:123456789012:cluster/old')!.deletedAt = sim.now
    for (const name of ['old', 'never-was']) {
      const result = await runOnSim(sim, { cluster: name })
      expect(result.failed).toBeUndefined()
      const c = clusterReport(result.report)
      expect(c.outcome).toBe('absent')
      expect(result.outputs['clusters-deleted']).toBe('0')
    }
    expect(sim.mutatingCalls()).toEqual([])
  })

  it('finishes on a second run after the first was cut off halfway', async () => {
    const sim = new EcsSim()
    previewCluster(sim, 'cut', { services: 4, tasksPerService: 2, standalone: 2 })
    const controller = new AbortController()
    sim.time.at(sim.now + 15_000, () => controller.abort())
    const first = await runOnSim(sim, { cluster: 'cut' }, { signal: controller.signal })
    const c1 = clusterReport(first.report)
    expect(c1.outcome).toBe('cancelled')
    expect(first.outputs.report).toBeDefined()
    expect(c1.leftovers.some(l => l.kind === 'cluster')).toBe(true)
    expect(sim.remaining('cut').cluster).toBe('ACTIVE')

    const second = await runOnSim(sim, { cluster: 'cut' })
    expect(second.failed).toBeUndefined()
    expect(clusterReport(second.report).outcome).toBe('deleted')
    expect(sim.remaining('cut')).toEqual(NOTHING_LEFT)
  })

  it('fails at the deadline with tasks that never stop, naming what is left', async () => {
    const sim = new EcsSim()
    sim.createCluster('stuck')
    sim.registerContainerInstance('stuck')
    const hung = sim.runTask('stuck', { neverStops: true })
    sim.createService('stuck', 'web', { desiredCount: 1 })
    const result = await runOnSim(sim, { cluster: 'stuck', 'timeout-minutes': '5' })
    const c = clusterReport(result.report)
    expect(c.outcome).toBe('timed-out')
    expect(result.failed).toContain('deadline')
    expect(result.failed).toContain(hung.id)
    expect(c.leftovers.some(l => l.kind === 'task' && l.id === hung.id)).toBe(true)
    expect(c.leftovers.some(l => l.kind === 'cluster')).toBe(true)
    // It gave up at the deadline, not long after.
    expect(result.elapsedMs).toBeLessThanOrEqual(5 * 60_000 + 60_000)
    expect(sim.remaining('stuck').cluster).toBe('ACTIVE')
  })

  it('stops what still runs when the drain deadline passes', async () => {
    // A sluggish scheduler: it would take 30 minutes to act on the scale-down.
    const sim = new EcsSim({ schedulerDelayMs: 30 * 60_000 })
    sim.createCluster('slow')
    sim.registerContainerInstance('slow')
    sim.createService('slow', 'web', { desiredCount: 2, stopTimeMs: 30_000 })
    const result = await runOnSim(sim, {
      cluster: 'slow',
      'drain-timeout-minutes': '1',
      'timeout-minutes': '10'
    })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('slow')).toEqual(NOTHING_LEFT)
    const c = clusterReport(result.report)
    expect(c.tasks.map(t => t.how)).toEqual(['stopped', 'stopped'])
    const firstStop = sim.calls.find(call => call.operation === 'StopTask')!.at
    const started = sim.calls[0]!.at
    // Stopped at the drain deadline (one minute, plus at most one poll interval), not before.
    expect(firstStop - started).toBeGreaterThanOrEqual(60_000)
    expect(firstStop - started).toBeLessThanOrEqual(66_000)
  })

  it('retries DeleteService while deployments are active', async () => {
    const sim = new EcsSim()
    sim.createCluster('deploying')
    sim.createService('deploying', 'web', { desiredCount: 1, deploymentsActiveUntil: sim.now + 90_000 })
    const result = await runOnSim(sim, { cluster: 'deploying' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('deploying')).toEqual(NOTHING_LEFT)
    expect(sim.calls.filter(c => c.operation === 'DeleteService' && c.error).length).toBeGreaterThan(0)
  })

  it('detaches capacity providers, deletes the unshared Auto Scaling one, keeps the shared one and FARGATE', async () => {
    const sim = new EcsSim()
    sim.createCapacityProvider('own-asg')
    sim.createCapacityProvider('shared-asg')
    sim.createCluster('cp', { capacityProviders: ['own-asg', 'shared-asg', 'FARGATE'] })
    sim.createCluster('other', { capacityProviders: ['shared-asg'] })
    sim.createService('cp', 'web', { desiredCount: 1, capacityProviders: ['own-asg'] })
    const result = await runOnSim(sim, { cluster: 'cp' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('cp').cluster).toBe('INACTIVE')
    expect(sim.capacityProviderState(sim.capacityProviders.get('own-asg')!).status).toBe('INACTIVE')
    expect(sim.capacityProviderState(sim.capacityProviders.get('shared-asg')!).status).toBe('ACTIVE')
    const c = clusterReport(result.report)
    expect(c.capacityProviders).toEqual(
      expect.arrayContaining([
        { name: 'own-asg', action: 'deleted' },
        { name: 'shared-asg', action: 'detached' },
        { name: 'FARGATE', action: 'detached' }
      ])
    )
    expect(c.leftovers).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'capacity-provider', id: 'shared-asg' })])
    )
    expect(
      sim.calls.some(c => c.operation === 'DeleteCapacityProvider' && c.input.capacityProvider !== 'own-asg')
    ).toBe(false)
  })

  it('fails with the denied action named when a permission is missing, and reports what is left', async () => {
    const sim = new EcsSim()
    previewCluster(sim, 'denied', { services: 2, tasksPerService: 1, standalone: 0 })
    sim.denied.add('DeleteService')
    const result = await runOnSim(sim, { cluster: 'denied' })
    const c = clusterReport(result.report)
    expect(c.outcome).toBe('failed')
    expect(result.failed).toContain('ecs:DeleteService')
    expect(c.leftovers.map(l => l.kind)).toEqual(expect.arrayContaining(['service', 'cluster']))
  })

  it('rejects a bad input before any AWS call', async () => {
    const sim = new EcsSim()
    previewCluster(sim)
    const result = await runOnSim(sim, { cluster: 'preview-42', 'timeout-minutes': 'soon' })
    expect(result.failed).toMatch(/^Input 'timeout-minutes'/)
    expect(result.failed).not.toContain('\n')
    expect(sim.calls).toHaveLength(0)
  })
})

describe('pacing to ECS rate limits', () => {
  it('tears down 150 services within ECS token buckets without a throttled call', async () => {
    const { TokenBuckets } = await import('../sim/ecs-sim.js')
    const sim = new EcsSim({ tokenBuckets: new TokenBuckets(), latencyMs: 20 })
    previewCluster(sim, 'paced', { services: 150, tasksPerService: 2, instances: 5, standalone: 0 })
    const result = await runOnSim(sim, { cluster: 'paced' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('paced')).toEqual(NOTHING_LEFT)
    const throttled = sim.calls.filter(c => c.error === 'ThrottlingException').length
    // 150 service-modify calls against a bucket of 50 that refills 5 a second: without pacing most
    // of them would be throttled and retried; paced, the run stays under the bucket.
    expect(throttled).toBe(0)
    // One service-modify call per service.
    expect(sim.countCalls('UpdateService')).toBe(0)
    expect(sim.countCalls('DeleteService')).toBe(150)
  })
})

describe('overlap', () => {
  it('deregisters a container instance as soon as the tasks on it are down, while another still drains', async () => {
    const sim = new EcsSim()
    sim.createCluster('overlap')
    const quick = sim.registerContainerInstance('overlap')
    const slow = sim.registerContainerInstance('overlap')
    // The simulator places tasks round robin: the quick service's task on the first instance, the
    // slow one's (a 60 s stop timeout) on the second.
    sim.createService('overlap', 'quick', { desiredCount: 1, stopTimeMs: 2_000 })
    sim.createService('overlap', 'slow', { desiredCount: 1, stopTimeMs: 60_000 })
    const slowTask = [...sim.tasks.values()].find(t => t.group === 'service:slow')!
    expect(slowTask.containerInstanceArn).toBe(slow.arn)
    const result = await runOnSim(sim, { cluster: 'overlap' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('overlap')).toEqual(NOTHING_LEFT)
    const deregistered = (arn: string) =>
      sim.calls.find(
        c => c.operation === 'DeregisterContainerInstance' && c.input.containerInstance === arn && !c.error
      )!.at
    const slowStopped = sim.stopsAt(slowTask)!
    expect(deregistered(quick.arn)).toBeLessThan(slowStopped - 30_000)
    expect(deregistered(slow.arn)).toBeGreaterThanOrEqual(slowStopped)
    // Without force: nothing was orphaned, and no refusal came back.
    expect(sim.calls.filter(c => c.operation === 'DeregisterContainerInstance' && c.error)).toEqual([])
    expect(
      sim.calls.filter(c => c.operation === 'DeregisterContainerInstance').every(c => !c.input.force)
    ).toBe(true)
  })

  it('deletes the cluster right after the last service is INACTIVE', async () => {
    // Behind a target group with a 20 s deregistration delay; the tasks exit 3 s after SIGTERM.
    const world = new SimWorld()
    const sim = world.ecs
    sim.createCluster('prompt')
    const lb = world.elbv2.createLoadBalancer('prompt')
    const listener = world.elbv2.createListener(lb.arn)
    const tg = world.elbv2.createTargetGroup('prompt-web', 80, 20)
    world.elbv2.createRule(listener.arn, 10, 'web.example.com', tg.arn)
    sim.createService('prompt', 'web', {
      desiredCount: 2,
      stopTimeMs: 3_000,
      loadBalancers: [{ targetGroupArn: tg.arn, containerName: 'web', containerPort: 80 }]
    })
    const result = await runOnSim(sim, { cluster: 'prompt' }, { world })
    expect(result.failed).toBeUndefined()
    // Its tasks are deregistered for the 20 s delay, then stop in 3 s; INACTIVE when the last one is.
    const inactiveAt = Math.max(...[...sim.tasks.values()].map(t => sim.stopsAt(t)!))
    expect(inactiveAt - Math.max(...[...sim.tasks.values()].map(t => t.stopRequestedAt!))).toBe(23_000)
    const deleteCluster = sim.calls.find(c => c.operation === 'DeleteCluster')!
    // The first DeleteCluster is accepted, within one poll interval (5 s) of the service's INACTIVE.
    expect(deleteCluster.error).toBeUndefined()
    expect(deleteCluster.at).toBeGreaterThanOrEqual(inactiveAt)
    expect(deleteCluster.at - inactiveAt).toBeLessThanOrEqual(5_000)
  })
})

describe('loading the other AWS clients', () => {
  it('starts loading the clients the inputs need once the cluster is found, before the rest of the inventory', async () => {
    const { SimWorld } = await import('../sim/world.js')
    const world = new SimWorld()
    previewCluster(world.ecs, 'warm')
    const warmed: { service: string; ecsCallsBefore: string[] }[] = []
    const clients = world.clients.bind(world)
    world.clients = () => {
      const ports = clients()
      const withWarm = (service: keyof typeof ports) => ({
        ...ports[service],
        warm: () => warmed.push({ service, ecsCallsBefore: world.ecs.calls.map(c => c.operation) })
      })
      return {
        ...ports,
        events: withWarm('events'),
        scheduler: withWarm('scheduler'),
        ec2: withWarm('ec2'),
        logs: withWarm('logs'),
        ssm: withWarm('ssm'),
        servicediscovery: withWarm('servicediscovery')
      }
    }
    const result = await runOnSim(world.ecs, { cluster: 'warm', 'delete-log-groups': 'true' }, { world })
    expect(result.failed).toBeUndefined()
    // EventBridge and Scheduler (triggers: remove, the default), EC2 (the instances behind the
    // container instances) and CloudWatch Logs (delete-log-groups); not Systems Manager or Cloud Map.
    expect(warmed.map(w => w.service).sort()).toEqual(['ec2', 'events', 'logs', 'scheduler'])
    for (const w of warmed) expect(w.ecsCallsBefore).toEqual(['DescribeClusters'])

    // A cluster that is already gone loads none of them.
    warmed.length = 0
    const again = await runOnSim(world.ecs, { cluster: 'warm' }, { world })
    expect(again.report!.clusters[0]!.outcome).toBe('absent')
    expect(warmed).toEqual([])
  })
})
