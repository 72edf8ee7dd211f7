import {
  DeleteCapacityProviderCommand,
  DeleteClusterCommand,
  DeleteDaemonCommand,
  DescribeCapacityProvidersCommand,
  DescribeContainerInstancesCommand,
  DescribeDaemonCommand,
  ListDaemonsCommand,
  DeleteServiceCommand,
  DeleteTaskSetCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  PutClusterCapacityProvidersCommand,
  StopTaskCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import { describe, expect, it } from '@jest/globals'
import { EcsSim } from './ecs-sim.js'

// The simulator is only worth something if it refuses what AWS refuses. One test per rule.

function cluster(sim = new EcsSim()) {
  sim.createCluster('c1')
  return sim
}

describe('strict ECS simulator: lists and batches', () => {
  it('pages ListServices by 10 by default, refuses maxResults over 100, and hides nothing behind nextToken', async () => {
    const sim = cluster()
    for (let i = 0; i < 25; i++) sim.createService('c1', `s${i}`, { desiredCount: 0 })
    const first = (await sim.client.send(new ListServicesCommand({ cluster: 'c1' }))) as {
      serviceArns: string[]
      nextToken?: string
    }
    expect(first.serviceArns).toHaveLength(10)
    expect(first.nextToken).toBeDefined()
    await rejects(
      sim.client.send(new ListServicesCommand({ cluster: 'c1', maxResults: 101 })),
      'InvalidParameterException'
    )
    await rejects(
      sim.client.send(new ListServicesCommand({ cluster: 'c1', nextToken: 'garbage' })),
      'InvalidParameterException'
    )
    const seen: string[] = []
    let token: string | undefined
    do {
      const page = (await sim.client.send(
        new ListServicesCommand({ cluster: 'c1', maxResults: 7, nextToken: token })
      )) as {
        serviceArns: string[]
        nextToken?: string
      }
      seen.push(...page.serviceArns)
      token = page.nextToken
    } while (token)
    expect(new Set(seen).size).toBe(25)
  })

  it("shows a service's tags only when DescribeServices asks for them with include: ['TAGS']", async () => {
    const sim = cluster()
    sim.createService('c1', 'web', { desiredCount: 0, tags: { pr: '42' } })
    const plain = (await sim.client.send(
      new DescribeServicesCommand({ cluster: 'c1', services: ['web'] })
    )) as {
      services: { tags?: unknown }[]
    }
    expect(plain.services[0]!.tags).toBeUndefined()
    const tagged = (await sim.client.send(
      new DescribeServicesCommand({ cluster: 'c1', services: ['web'], include: ['TAGS'] })
    )) as { services: { tags?: unknown }[] }
    expect(tagged.services[0]!.tags).toEqual([{ key: 'pr', value: '42' }])
  })

  it('refuses DescribeServices with more than 10 services, DescribeTasks with more than 100 or none', async () => {
    const sim = cluster()
    const names = Array.from({ length: 11 }, (_, i) => `s${i}`)
    await rejects(
      sim.client.send(new DescribeServicesCommand({ cluster: 'c1', services: names })),
      'InvalidParameterException',
      /at most 10/
    )
    const arns = Array.from({ length: 101 }, (_, i) => `arn:aws:ecs:us-east-1:123456789012:task/c1/${i}`)
    await rejects(
      sim.client.send(new DescribeTasksCommand({ cluster: 'c1', tasks: arns })),
      'InvalidParameterException',
      /at most 100/
    )
    await rejects(
      sim.client.send(new DescribeTasksCommand({ cluster: 'c1', tasks: [] })),
      'InvalidParameterException',
      /cannot be empty/
    )
  })

  it('refuses ListTasks with startedBy combined with another filter, and maxResults over 100', async () => {
    const sim = cluster()
    await rejects(
      sim.client.send(new ListTasksCommand({ cluster: 'c1', startedBy: 'x', family: 'f' })),
      'InvalidParameterException'
    )
    await rejects(
      sim.client.send(new ListTasksCommand({ cluster: 'c1', maxResults: 200 })),
      'InvalidParameterException'
    )
    await rejects(
      sim.client.send(new ListContainerInstancesCommand({ cluster: 'c1', maxResults: 101 })),
      'InvalidParameterException'
    )
  })

  it('answers MISSING for unknown and purged resources instead of throwing', async () => {
    const sim = cluster()
    sim.createService('c1', 'gone', { desiredCount: 0 })
    sim.purgeService('gone')
    const out = (await sim.client.send(
      new DescribeServicesCommand({ cluster: 'c1', services: ['gone'] })
    )) as {
      services: unknown[]
      failures: { reason: string }[]
    }
    expect(out.services).toHaveLength(0)
    expect(out.failures[0]?.reason).toBe('MISSING')
    const clusters = (await sim.client.send(new DescribeClustersCommand({ clusters: ['nope'] }))) as {
      failures: { reason: string }[]
    }
    expect(clusters.failures[0]?.reason).toBe('MISSING')
  })

  it('gives ClusterNotFoundException for calls on a missing cluster', async () => {
    const sim = new EcsSim()
    await rejects(sim.client.send(new ListServicesCommand({ cluster: 'nope' })), 'ClusterNotFoundException')
  })
})

describe('strict ECS simulator: services', () => {
  it('refuses DeleteService without force while scaled above 0', async () => {
    const sim = cluster()
    sim.createService('c1', 'web', { desiredCount: 2 })
    await rejects(
      sim.client.send(new DeleteServiceCommand({ cluster: 'c1', service: 'web' })),
      'InvalidParameterException',
      /scaled above 0/
    )
  })

  it('refuses a desired count on a DAEMON service', async () => {
    const sim = cluster()
    sim.registerContainerInstance('c1')
    sim.createService('c1', 'agent', { schedulingStrategy: 'DAEMON' })
    await rejects(
      sim.client.send(new UpdateServiceCommand({ cluster: 'c1', service: 'agent', desiredCount: 0 })),
      'InvalidParameterException'
    )
  })

  it('keeps a deleted service DRAINING, out of ListServices, until its load balancer drains and then its tasks stop', async () => {
    const sim = cluster()
    sim.registerContainerInstance('c1')
    sim.createService('c1', 'web', { desiredCount: 1, drainDelayMs: 60_000, stopTimeMs: 30_000 })
    await sim.client.send(new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    const status = async () =>
      (
        (await sim.client.send(new DescribeServicesCommand({ cluster: 'c1', services: ['web'] }))) as {
          services: { status: string }[]
        }
      ).services[0]?.status
    expect(await status()).toBe('DRAINING')
    const listed = (await sim.client.send(new ListServicesCommand({ cluster: 'c1' }))) as {
      serviceArns: string[]
    }
    expect(listed.serviceArns).toHaveLength(0)
    // The scheduler acts after 1 s; 60 s of deregistration, 30 s of stop: INACTIVE at 91 s.
    await sim.time.sleep(90_000)
    expect(await status()).toBe('DRAINING')
    await sim.time.sleep(1_000)
    expect(await status()).toBe('INACTIVE')
    await rejects(
      sim.client.send(new UpdateServiceCommand({ cluster: 'c1', service: 'web', desiredCount: 0 })),
      'ServiceNotActiveException'
    )
  })

  it('DeleteService with force on a REPLICA service with running tasks: DRAINING at once, scaled to 0, tasks drained as on a scale-down, UpdateService refused', async () => {
    const sim = cluster()
    sim.registerContainerInstance('c1')
    const svc = sim.createService('c1', 'web', { desiredCount: 2, stopTimeMs: 30_000 })
    await sim.time.sleep(5_000)
    const out = (await sim.client.send(
      new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true })
    )) as { service: { status: string } }
    expect(out.service.status).toBe('DRAINING')
    const described = (await sim.client.send(
      new DescribeServicesCommand({ cluster: 'c1', services: ['web'] })
    )) as { services: { status: string; desiredCount: number }[] }
    expect(described.services[0]).toMatchObject({ status: 'DRAINING', desiredCount: 0 })
    // Once DRAINING, nothing can scale it back up: UpdateService is refused.
    await rejects(
      sim.client.send(new UpdateServiceCommand({ cluster: 'c1', service: 'web', desiredCount: 2 })),
      'ServiceNotActiveException'
    )
    // The scheduler stops its tasks after its reaction delay, as on a scale-down, and starts none.
    const tasks = () => [...sim.tasks.values()].filter(t => t.serviceArn === svc.arn)
    expect(tasks().map(t => sim.desiredStatus(t))).toEqual(['RUNNING', 'RUNNING'])
    await sim.time.sleep(1_000)
    expect(tasks().map(t => sim.desiredStatus(t))).toEqual(['STOPPED', 'STOPPED'])
    await sim.time.sleep(30_000)
    await sim.client.send(new ListServicesCommand({ cluster: 'c1' }))
    expect(tasks().map(t => sim.taskStatus(t))).toEqual(['STOPPED', 'STOPPED'])
    expect(tasks()).toHaveLength(2)
    expect(sim.serviceStatus(svc)).toBe('INACTIVE')
  })

  it('answers "deployments are active" until the deployment settles', async () => {
    const sim = cluster()
    sim.createService('c1', 'web', { desiredCount: 0, deploymentsActiveUntil: sim.now + 10_000 })
    await rejects(
      sim.client.send(new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true })),
      'InvalidParameterException',
      /deployments are active/
    )
    await sim.time.sleep(10_000)
    await expect(
      sim.client.send(new DeleteServiceCommand({ cluster: 'c1', service: 'web', force: true }))
    ).resolves.toBeDefined()
  })

  it('replaces a task stopped while its service is still scaled above 0', async () => {
    const sim = cluster()
    sim.registerContainerInstance('c1')
    const svc = sim.createService('c1', 'web', { desiredCount: 1, stopTimeMs: 1_000 })
    const [task] = [...sim.tasks.values()].filter(t => t.serviceArn === svc.arn)
    await sim.client.send(new StopTaskCommand({ cluster: 'c1', task: task!.arn }))
    await sim.time.sleep(10_000)
    const running = (await sim.client.send(new ListTasksCommand({ cluster: 'c1', serviceName: 'web' }))) as {
      taskArns: string[]
    }
    expect(running.taskArns).toHaveLength(1)
    expect(running.taskArns[0]).not.toBe(task!.arn)
  })

  it('refuses DeleteTaskSet on a service without the EXTERNAL controller, and an unknown task set', async () => {
    const sim = cluster()
    sim.createService('c1', 'web', { desiredCount: 0 })
    sim.createService('c1', 'ext', { desiredCount: 0, deploymentController: 'EXTERNAL', taskSets: 1 })
    await rejects(
      sim.client.send(new DeleteTaskSetCommand({ cluster: 'c1', service: 'web', taskSet: 'x' })),
      'InvalidParameterException'
    )
    await rejects(
      sim.client.send(new DeleteTaskSetCommand({ cluster: 'c1', service: 'ext', taskSet: 'x' })),
      'TaskSetNotFoundException'
    )
  })
})

describe('strict ECS simulator: tasks', () => {
  it('takes the stop timeout to stop a task, through the intermediate states', async () => {
    const sim = cluster()
    const task = sim.runTask('c1', { stopTimeMs: 30_000 })
    await sim.time.sleep(5_000)
    await sim.client.send(new StopTaskCommand({ cluster: 'c1', task: task.arn }))
    const last = async () =>
      (
        (await sim.client.send(new DescribeTasksCommand({ cluster: 'c1', tasks: [task.arn] }))) as {
          tasks: { lastStatus: string }[]
        }
      ).tasks[0]?.lastStatus
    expect(await last()).toBe('DEACTIVATING')
    await sim.time.sleep(10_000)
    expect(await last()).toBe('STOPPING')
    await sim.time.sleep(20_000)
    expect(await last()).toBe('STOPPED')
  })

  it('refuses StopTask on an unknown task and a reason over 255 characters', async () => {
    const sim = cluster()
    const task = sim.runTask('c1')
    await rejects(
      sim.client.send(new StopTaskCommand({ cluster: 'c1', task: 'deadbeef' })),
      'InvalidParameterException',
      /referenced task was not found/
    )
    await rejects(
      sim.client.send(new StopTaskCommand({ cluster: 'c1', task: task.arn, reason: 'x'.repeat(256) })),
      'InvalidParameterException'
    )
  })
})

describe('strict ECS simulator: container instances and the cluster', () => {
  it('refuses to deregister an instance with running tasks unless forced, and orphans them when forced', async () => {
    const sim = cluster()
    const ci = sim.registerContainerInstance('c1')
    sim.runTask('c1', { containerInstanceArn: ci.arn })
    await rejects(
      sim.client.send(new DeregisterContainerInstanceCommand({ cluster: 'c1', containerInstance: ci.arn })),
      'InvalidParameterException',
      /running tasks/
    )
    await sim.client.send(
      new DeregisterContainerInstanceCommand({ cluster: 'c1', containerInstance: ci.arn, force: true })
    )
    expect(sim.remaining('c1').orphanedTasks).toHaveLength(1)
  })

  it('refuses DeleteCluster while services, tasks, container instances or capacity providers remain', async () => {
    const del = (sim: EcsSim) => sim.client.send(new DeleteClusterCommand({ cluster: 'c1' }))
    const withService = cluster()
    withService.createService('c1', 'web', { desiredCount: 0 })
    await rejects(del(withService), 'ClusterContainsServicesException')

    const withTask = cluster()
    withTask.runTask('c1')
    await rejects(del(withTask), 'ClusterContainsTasksException')

    const withInstance = cluster()
    withInstance.registerContainerInstance('c1')
    await rejects(del(withInstance), 'ClusterContainsContainerInstancesException')

    const withProvider = new EcsSim()
    withProvider.createCapacityProvider('asg-cp')
    withProvider.createCluster('c1', { capacityProviders: ['asg-cp'] })
    await rejects(del(withProvider), 'ClusterContainsCapacityProviderException')
  })

  it('refuses DeleteCluster while a task is still STOPPING, and accepts it once STOPPED', async () => {
    const sim = cluster()
    const task = sim.runTask('c1', { stopTimeMs: 30_000 })
    await sim.client.send(new StopTaskCommand({ cluster: 'c1', task: task.arn }))
    await rejects(
      sim.client.send(new DeleteClusterCommand({ cluster: 'c1' })),
      'ClusterContainsTasksException'
    )
    await sim.time.sleep(30_000)
    await sim.client.send(new DeleteClusterCommand({ cluster: 'c1' }))
    expect(sim.remaining('c1').cluster).toBe('INACTIVE')
  })

  it('needs both capacity-provider lists, refuses during an attachment update, and never deletes FARGATE', async () => {
    const sim = new EcsSim()
    sim.createCapacityProvider('asg-cp')
    sim.createCluster('c1', { capacityProviders: ['asg-cp'] })
    await rejects(
      sim.client.send(
        new PutClusterCapacityProvidersCommand({ cluster: 'c1', capacityProviders: [] } as never)
      ),
      'InvalidParameterException'
    )
    await sim.client.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'c1',
        capacityProviders: [],
        defaultCapacityProviderStrategy: []
      })
    )
    await rejects(
      sim.client.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'c1',
          capacityProviders: [],
          defaultCapacityProviderStrategy: []
        })
      ),
      'UpdateInProgressException'
    )
    await rejects(
      sim.client.send(new DeleteCapacityProviderCommand({ capacityProvider: 'FARGATE' })),
      'InvalidParameterException'
    )
  })

  it('detaches asynchronously: attachmentsStatus is UPDATE_IN_PROGRESS, DeleteCapacityProvider answers 200 DELETE_FAILED and DeleteCluster a ClientException until it settles', async () => {
    const sim = new EcsSim({ attachmentUpdateMs: 40_000 })
    sim.createCapacityProvider('asg-cp')
    sim.createCluster('c1', { capacityProviders: ['asg-cp', 'FARGATE'] })
    const status = async () =>
      (
        (await send(sim.client, new DescribeClustersCommand({ clusters: ['c1'], include: ['ATTACHMENTS'] })))
          .clusters as { attachmentsStatus?: string }[]
      )[0]!.attachmentsStatus
    const deleteProvider = () =>
      send(sim.client, new DeleteCapacityProviderCommand({ capacityProvider: 'asg-cp' })) as Promise<{
        capacityProvider: { status: string; updateStatus?: string; updateStatusReason?: string }
      }>
    // Attached: 200, DELETE_FAILED with AWS's reason, still ACTIVE (aws-nuke#542, terraform-provider-aws#48156).
    const attached = await deleteProvider()
    expect(attached.capacityProvider).toMatchObject({
      status: 'ACTIVE',
      updateStatus: 'DELETE_FAILED',
      updateStatusReason:
        'The capacity provider cannot be deleted because it is associated with cluster: c1. Remove the capacity provider from the cluster and try again.'
    })
    await sim.client.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'c1',
        capacityProviders: [],
        defaultCapacityProviderStrategy: []
      })
    )
    expect(await status()).toBe('UPDATE_IN_PROGRESS')
    expect((await deleteProvider()).capacityProvider.updateStatus).toBe('DELETE_FAILED')
    await rejects(
      sim.client.send(new DeleteClusterCommand({ cluster: 'c1' })),
      'ClientException',
      /Cluster Scoped Capacity Providers are attached/
    )
    const described = (await send(
      sim.client,
      new DescribeCapacityProvidersCommand({ capacityProviders: ['asg-cp'] })
    )) as { capacityProviders: { status: string; updateStatus: string }[] }
    expect(described.capacityProviders[0]).toMatchObject({ status: 'ACTIVE', updateStatus: 'DELETE_FAILED' })
    await sim.time.sleep(40_000)
    expect(await status()).toBe('UPDATE_COMPLETE')
    expect((await deleteProvider()).capacityProvider.updateStatus).toBe('DELETE_IN_PROGRESS')
    await send(sim.client, new DeleteClusterCommand({ cluster: 'c1' }))
    expect(sim.remaining('c1').cluster).toBe('INACTIVE')
  })

  it('keeps a Managed Instances provider in its cluster: found and deleted only with `cluster`, never put, and the cluster refuses to go before it', async () => {
    const sim = new EcsSim({ capacityProviderDeleteMs: 30_000 })
    sim.createCluster('c1')
    sim.createCluster('c2')
    const { instances } = sim.createManagedInstancesProvider('c1', 'mi-cp', { instances: 2 })
    type Described = {
      capacityProviders: { name: string; status: string; type?: string; cluster?: string }[]
      failures: unknown[]
    }
    const unscoped = (await send(
      sim.client,
      new DescribeCapacityProvidersCommand({ capacityProviders: ['mi-cp'] })
    )) as Described
    expect(unscoped.capacityProviders).toEqual([])
    const scoped = (await send(
      sim.client,
      new DescribeCapacityProvidersCommand({ cluster: 'c1' })
    )) as Described
    expect(scoped.capacityProviders).toEqual([
      expect.objectContaining({ name: 'mi-cp', status: 'ACTIVE', type: 'MANAGED_INSTANCES', cluster: 'c1' })
    ])
    expect(
      ((await send(sim.client, new DescribeCapacityProvidersCommand({ cluster: 'c2' }))) as Described)
        .capacityProviders
    ).toEqual([])
    await rejects(
      sim.client.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'c1',
          capacityProviders: ['mi-cp'],
          defaultCapacityProviderStrategy: []
        })
      ),
      'InvalidParameterException'
    )
    await rejects(
      sim.client.send(new DeleteClusterCommand({ cluster: 'c1' })),
      'ClusterContainsContainerInstancesException'
    )
    await rejects(
      sim.client.send(new DeleteCapacityProviderCommand({ capacityProvider: 'mi-cp' })),
      'ClientException',
      /cluster-scoped/
    )
    await send(sim.client, new DeleteCapacityProviderCommand({ capacityProvider: 'mi-cp', cluster: 'c1' }))
    const deleting = (await send(
      sim.client,
      new DescribeCapacityProvidersCommand({ cluster: 'c1', capacityProviders: ['mi-cp'] })
    )) as Described
    expect(deleting.capacityProviders[0]).toMatchObject({ status: 'DEPROVISIONING' })
    await sim.time.sleep(30_000)
    // Its instances went with it; the cluster can go.
    const left = (await send(
      sim.client,
      new DescribeContainerInstancesCommand({ cluster: 'c1', containerInstances: instances.map(i => i.arn) })
    )) as { containerInstances: { status: string; capacityProviderName: string }[] }
    expect(left.containerInstances.map(i => [i.status, i.capacityProviderName])).toEqual([
      ['INACTIVE', 'mi-cp'],
      ['INACTIVE', 'mi-cp']
    ])
    await send(sim.client, new DeleteClusterCommand({ cluster: 'c1' }))
  })

  it('refuses DeleteCluster with a ClientException while a Managed Instances provider exists', async () => {
    const sim = new EcsSim()
    sim.createCluster('c1')
    sim.createManagedInstancesProvider('c1', 'mi-cp')
    await rejects(
      sim.client.send(new DeleteClusterCommand({ cluster: 'c1' })),
      'ClientException',
      /^The Cluster cannot be deleted while Cluster Scoped Capacity Providers are attached to the cluster$/
    )
  })

  it('lists daemons by cluster in pages, pins their provider until their deletion is over, and deletes only ACTIVE ones', async () => {
    const sim = new EcsSim({ daemonDeleteMs: 50_000 })
    sim.createCluster('c1')
    sim.createManagedInstancesProvider('c1', 'mi-cp')
    const daemons = Array.from({ length: 3 }, (_, i) => sim.createDaemon('c1', `agent-${i}`, ['mi-cp']))
    type Listed = { daemonSummariesList: { daemonArn: string; status: string }[]; nextToken?: string }
    const first = (await send(
      sim.client,
      new ListDaemonsCommand({ clusterArn: 'c1', maxResults: 2 })
    )) as Listed
    expect(first.daemonSummariesList).toHaveLength(2)
    const second = (await send(
      sim.client,
      new ListDaemonsCommand({ clusterArn: 'c1', maxResults: 2, nextToken: first.nextToken })
    )) as Listed
    expect([...first.daemonSummariesList, ...second.daemonSummariesList].map(d => d.daemonArn)).toEqual(
      daemons.map(d => d.arn)
    )
    await rejects(
      sim.client.send(new ListDaemonsCommand({ clusterArn: 'c1', maxResults: 101 })),
      'InvalidParameterException'
    )
    const pinned = () =>
      rejects(
        sim.client.send(new DeleteCapacityProviderCommand({ capacityProvider: 'mi-cp', cluster: 'c1' })),
        'ClientException',
        /Daemon services are still associated with this capacity provider/
      )
    await pinned()
    for (const d of daemons) {
      const out = await send(sim.client, new DeleteDaemonCommand({ daemonArn: d.arn }))
      expect(out.status).toBe('DELETE_IN_PROGRESS')
    }
    await rejects(
      sim.client.send(new DeleteDaemonCommand({ daemonArn: daemons[0]!.arn })),
      'DaemonNotActiveException'
    )
    await pinned()
    await sim.time.sleep(50_000)
    await rejects(
      sim.client.send(new DescribeDaemonCommand({ daemonArn: daemons[0]!.arn })),
      'DaemonNotFoundException'
    )
    expect(
      ((await send(sim.client, new ListDaemonsCommand({ clusterArn: 'c1' }))) as Listed).daemonSummariesList
    ).toEqual([])
    await send(sim.client, new DeleteCapacityProviderCommand({ capacityProvider: 'mi-cp', cluster: 'c1' }))
  })

  it('refuses to detach a capacity provider a live service still uses', async () => {
    const sim = new EcsSim()
    sim.createCapacityProvider('asg-cp')
    sim.createCluster('c1', { capacityProviders: ['asg-cp'] })
    sim.createService('c1', 'web', { desiredCount: 0, capacityProviders: ['asg-cp'] })
    await rejects(
      sim.client.send(
        new PutClusterCapacityProvidersCommand({
          cluster: 'c1',
          capacityProviders: [],
          defaultCapacityProviderStrategy: []
        })
      ),
      'ResourceInUseException'
    )
  })
})

describe('strict ECS simulator: throttling, denial, time', () => {
  it('throttles the configured share of calls with the SDK-shaped ThrottlingException', async () => {
    const sim = new EcsSim({ throttleRate: 0.2, seed: 7 })
    sim.createCluster('c1')
    let throttled = 0
    for (let i = 0; i < 500; i++) {
      await sim.client
        .send(new DescribeClustersCommand({ clusters: ['c1'] }))
        .catch((e: Error & { $retryable?: object }) => {
          expect(e.name).toBe('ThrottlingException')
          expect(e.$retryable).toEqual({ throttling: true })
          throttled++
        })
    }
    expect(throttled).toBeGreaterThan(70)
    expect(throttled).toBeLessThan(130)
  })

  it('denies the operations it is told to, with an AccessDeniedException naming the action', async () => {
    const sim = cluster()
    sim.denied.add('DeleteCluster')
    await rejects(
      sim.client.send(new DeleteClusterCommand({ cluster: 'c1' })),
      'AccessDeniedException',
      /ecs:DeleteCluster/
    )
  })

  it('denies calls on some clusters only, as a policy scoped by resource does', async () => {
    const sim = cluster()
    sim.createCluster('production')
    sim.denyWhen = (operation, input) => operation === 'ListServices' && input.cluster === 'production'
    await rejects(
      sim.client.send(new ListServicesCommand({ cluster: 'production' })),
      'AccessDeniedException',
      /ecs:ListServices on resource: production/
    )
    await expect(sim.client.send(new ListServicesCommand({ cluster: 'c1' }))).resolves.toBeDefined()
  })

  it('counts calls in flight when calls take time', async () => {
    const sim = new EcsSim({ latencyMs: 50 })
    sim.createCluster('c1')
    await Promise.all(
      Array.from({ length: 7 }, () => sim.client.send(new DescribeClustersCommand({ clusters: ['c1'] })))
    )
    expect(sim.peakInFlight).toBe(7)
    expect(sim.now - Date.UTC(2026, 10, 1, 12, 0, 0)).toBe(50)
  })
})

describe('strict ECS simulator: token-bucket throttling', () => {
  it('throttles a category once its bucket is empty, refills it at the sustained rate, and shares it across operations and simulators', async () => {
    const time = new VirtualTime()
    const buckets = new TokenBuckets()
    const sim = new EcsSim({ tokenBuckets: buckets }, time)
    sim.createCluster('c1')
    const other = new EcsSim({ tokenBuckets: buckets }, time)
    other.createCluster('c2')
    const describe = (s: EcsSim, cluster: string) =>
      s.client.send(new DescribeClustersCommand({ clusters: [cluster] })).then(
        () => 'ok',
        (e: Error & { $retryable?: object }) => {
          expect(e.$retryable).toEqual({ throttling: true })
          return e.name
        }
      )
    // Cluster read actions: a burst of 50, then 20 tokens a second.
    const burst = await Promise.all(Array.from({ length: 50 }, () => describe(sim, 'c1')))
    expect(burst.every(r => r === 'ok')).toBe(true)
    // The same account's bucket: another cluster's simulator, and ListClusters, find it empty too.
    expect(await describe(other, 'c2')).toBe('ThrottlingException')
    await expect(sim.client.send(new ListClustersCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException'
    })
    // Another category has its own bucket.
    await expect(sim.client.send(new ListServicesCommand({ cluster: 'c1' }))).resolves.toBeDefined()
    await time.sleep(1_000)
    const refilled = await Promise.all(Array.from({ length: 21 }, () => describe(sim, 'c1')))
    expect(refilled.filter(r => r === 'ok')).toHaveLength(20)
    expect(buckets.throttled.get('Cluster read')).toBe(3)
  })
})

// Appended with the rule above, so the head of the file is left as it was.
import { ListClustersCommand } from '@aws-sdk/client-ecs'
import { TokenBuckets } from './ecs-sim.js'
import { VirtualTime } from './virtual-time.js'
import { rejects, send } from './rule-test.js'
