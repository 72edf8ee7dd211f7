import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DescribeClustersCommand,
  DescribeTasksCommand,
  ListContainerInstancesCommand,
  ListServicesCommand,
  ListTasksCommand,
  StopTaskCommand,
  UpdateServiceCommand
} from '@aws-sdk/client-ecs'
import type { SendPort } from '../src/aws/call.js'
import { awsErrorName, isThrottling } from '../src/util/errors.js'
import type { Sleep } from '../src/util/time.js'

/**
 * The sequential two-phase loop of seed 004 ("Incomplete ECS Shutdown: Why Desired Count Zero Isn't
 * Enough"), the baseline the engine is measured against. Faithful to its shape: for each service in
 * turn, UpdateService desiredCount 0, ListTasks for the service, StopTask each task, then poll
 * DescribeTasks every 5 s (or `pollMs`) until all are STOPPED; one call at a time. What the seed leaves out, added
 * so that it really empties the cluster (otherwise DeleteCluster never succeeds): every list is
 * paged, standalone tasks are stopped the same way, then DeleteService for each service, every
 * container instance deregistered, DeleteCluster retried every 5 s while AWS refuses it, and one
 * DescribeClusters at the end. Throttling is retried as the SDK's standard mode does, with
 * exponential backoff and full jitter, but without its cap on attempts, so the loop never gives up.
 */
export async function referenceLoop(
  port: SendPort,
  sleep: Sleep,
  cluster: string,
  pollMs = 5_000
): Promise<void> {
  const send = sender(port, sleep)
  const services = await listAll(async nextToken => {
    const out = await send(new ListServicesCommand({ cluster, maxResults: 100, nextToken }))
    return { items: out.serviceArns ?? [], nextToken: out.nextToken }
  })

  for (const service of services) {
    const serviceName = service.slice(service.lastIndexOf('/') + 1)
    await send(new UpdateServiceCommand({ cluster, service: serviceName, desiredCount: 0 }))
    const tasks = await listAll(async nextToken => {
      const out = await send(new ListTasksCommand({ cluster, serviceName, maxResults: 100, nextToken }))
      return { items: out.taskArns ?? [], nextToken: out.nextToken }
    })
    await stopAndWait(send, sleep, cluster, tasks, pollMs)
  }

  // Not in the seed: standalone tasks block DeleteCluster too.
  const standalone = await listAll(async nextToken => {
    const out = await send(new ListTasksCommand({ cluster, maxResults: 100, nextToken }))
    return { items: out.taskArns ?? [], nextToken: out.nextToken }
  })
  await stopAndWait(send, sleep, cluster, standalone, pollMs)

  for (const service of services) await send(new DeleteServiceCommand({ cluster, service }))

  const instances = await listAll(async nextToken => {
    const out = await send(new ListContainerInstancesCommand({ cluster, maxResults: 100, nextToken }))
    return { items: out.containerInstanceArns ?? [], nextToken: out.nextToken }
  })
  for (const containerInstance of instances) {
    await send(new DeregisterContainerInstanceCommand({ cluster, containerInstance }))
  }

  // DRAINING services keep DeleteCluster refused until their load balancer has drained.
  for (;;) {
    try {
      await send(new DeleteClusterCommand({ cluster }))
      break
    } catch (error) {
      if (!/^ClusterContains|^UpdateInProgress/.test(awsErrorName(error))) throw error
      await sleep(pollMs)
    }
  }
  await send(new DescribeClustersCommand({ clusters: [cluster] }))
}

async function stopAndWait(
  send: LooseSend,
  sleep: Sleep,
  cluster: string,
  tasks: string[],
  pollMs: number
): Promise<void> {
  if (tasks.length === 0) return
  for (const task of tasks) {
    await send(new StopTaskCommand({ cluster, task, reason: 'Budget alert - emergency shutdown' }))
  }
  // The seed's wait_for_tasks_stopped: look, and if not all STOPPED, sleep 5 s (pollMs) and look again.
  for (;;) {
    let allStopped = true
    for (let i = 0; i < tasks.length; i += 100) {
      const out = await send(new DescribeTasksCommand({ cluster, tasks: tasks.slice(i, i + 100) }))
      if ((out.tasks ?? []).some((t: { lastStatus?: string }) => t.lastStatus !== 'STOPPED'))
        allStopped = false
    }
    if (allStopped) return
    await sleep(pollMs)
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type LooseSend = (command: object) => Promise<any>

function sender(port: SendPort, sleep: Sleep): LooseSend {
  return async command => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await port.send(command)
      } catch (error) {
        if (!isThrottling(error)) throw error
        await sleep(Math.random() * Math.min(20_000, 100 * 2 ** attempt))
      }
    }
  }
}

async function listAll(
  page: (nextToken: string | undefined) => Promise<{ items: string[]; nextToken?: string }>
): Promise<string[]> {
  const all: string[] = []
  let token: string | undefined
  do {
    const out = await page(token)
    all.push(...out.items)
    token = out.nextToken
  } while (token)
  return all
}
