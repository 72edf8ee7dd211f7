import { DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import { lastPartOfArn } from '../util/arn.js'
import { describeInBatches, listEveryPage, unique } from './read.js'
import type { InventoryContext, TaskInfo } from './types.js'

/**
 * Every task that has not reached STOPPED: those desired RUNNING (this includes PENDING ones) and
 * those already told to stop but still on their way down, which DeleteCluster also counts.
 */
export async function listLiveTasks(
  ctx: InventoryContext,
  clusterArn: string,
  desiredStatuses: readonly ('RUNNING' | 'STOPPED')[] = ['RUNNING', 'STOPPED']
): Promise<TaskInfo[]> {
  const lists = await Promise.all(
    desiredStatuses.map(desiredStatus =>
      listEveryPage(
        ctx,
        page => new ListTasksCommand({ cluster: clusterArn, desiredStatus, ...page }),
        out => out.taskArns
      )
    )
  )
  const described = await describeTasks(ctx, clusterArn, unique(lists.flat()))
  // Only this cluster's tasks: a list filter that matched more than it should must not make the
  // teardown touch another cluster.
  return described.present.filter(
    task => (!task.clusterArn || task.clusterArn === clusterArn) && !isTaskDown(task)
  )
}

/**
 * A task is down when it is STOPPED and nothing wants it running any more. A task that reads
 * STOPPED but is still desired RUNNING is not trusted as down (emulators report that; on AWS it is
 * at most a passing state): it still gets a StopTask, which is harmless on a stopped task.
 */
export function isTaskDown(task: TaskInfo | undefined): boolean {
  return !task || (task.lastStatus === 'STOPPED' && task.desiredStatus !== 'RUNNING')
}

export async function describeTasks(
  ctx: InventoryContext,
  clusterArn: string,
  arns: string[]
): Promise<{ present: TaskInfo[]; missing: string[] }> {
  return describeInBatches(
    arns,
    Limits.describeTasksBatch,
    batch => callAws(ctx, ctx.ecs, new DescribeTasksCommand({ cluster: clusterArn, tasks: batch })),
    out => (out.tasks ?? []).map(toTaskInfo)
  )
}

export function toTaskInfo(task: Task): TaskInfo {
  const group = task.group ?? ''
  const serviceName = group.startsWith('service:') ? group.slice('service:'.length) : undefined
  return {
    arn: task.taskArn ?? '',
    id: lastPartOfArn(task.taskArn ?? ''),
    clusterArn: task.clusterArn,
    group,
    startedBy: task.startedBy,
    lastStatus: task.lastStatus ?? 'UNKNOWN',
    desiredStatus: task.desiredStatus ?? 'UNKNOWN',
    containerInstanceArn: task.containerInstanceArn,
    launchType: task.launchType,
    serviceName,
    createdAt: task.createdAt,
    taskDefinitionArn: task.taskDefinitionArn,
    ...networkInterfacesOf(task)
  }
}

function networkInterfacesOf(task: Task): Pick<TaskInfo, 'networkInterfaceIds'> {
  const ids = (task.attachments ?? [])
    .filter(a => a.type === 'ElasticNetworkInterface')
    .flatMap(a => (a.details ?? []).filter(d => d.name === 'networkInterfaceId' && d.value))
    .map(d => d.value!)
  return ids.length > 0 ? { networkInterfaceIds: ids } : {}
}
