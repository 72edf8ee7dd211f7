import { DescribeServicesCommand, DescribeTasksCommand } from '@aws-sdk/client-ecs'
import { callAws, type SendPort } from '../aws/call.js'
import type { RelatedPorts } from '../aws/clients.js'
import { Limits } from '../constants.js'
import {
  toServiceInfo,
  toTaskInfo,
  type InventoryContext,
  type ServiceInfo,
  type TaskInfo
} from '../inventory.js'
import type { ClusterReport } from '../report/report.js'
import { chunk } from '../util/pool.js'
import { BatchPoller } from '../util/poll.js'

/** `graceful`: let the scheduler drain the services first; `force`: stop everything at once. */
export type StopMode = 'graceful' | 'force'

/** What every apply phase gets: the AWS ports, time, the signal, the deadlines and the report to fill. */
export interface ApplyContext extends InventoryContext, RelatedPorts {
  clusterArn: string
  clusterName: string
  mode: StopMode
  /** When the graceful mode stops waiting for the scheduler and stops what is left itself. */
  drainDeadline: number
  pollIntervalMs: number
  report: ClusterReport
  /** One polling loop per cluster for all task waits, one for all service waits. */
  tasks: BatchPoller<TaskInfo>
  services: BatchPoller<ServiceInfo>
  /** CloudFormation, and the DeleteStack token of this run (delete-stack). */
  cloudformation?: SendPort
  stackToken?: string
  /** Stops this cluster's other work after a failure (aborts the cluster's own signal). */
  halt(reason: unknown): void
  /** What AWS accepted from this run, for the report of a run that ends before it sees the result. */
  accepted?: AcceptedRequests
}

/**
 * Requests AWS accepted from this run whose outcome the run may not live to see (a cancel, a
 * deadline): a fresh look then tells what they did, and this tells whose doing it was.
 */
export interface AcceptedRequests {
  /** Tasks this run sent StopTask for. */
  stopTask: Set<string>
  /** Services this run scaled to 0: their tasks are drained by this run's doing. */
  scaledToZero: Set<string>
  /** DeleteCluster was accepted. */
  deleteCluster: boolean
}

export function newAcceptedRequests(): AcceptedRequests {
  return { stopTask: new Set(), scaledToZero: new Set(), deleteCluster: false }
}

export function createPollers(
  ctx: InventoryContext,
  clusterArn: string,
  intervalMs: number
): { tasks: BatchPoller<TaskInfo>; services: BatchPoller<ServiceInfo> } {
  const tasks = new BatchPoller<TaskInfo>(ctx, {
    intervalMs,
    describe: async arns => {
      const outs = await Promise.all(
        chunk(arns, Limits.describeTasksBatch).map(batch =>
          callAws(ctx, ctx.ecs, new DescribeTasksCommand({ cluster: clusterArn, tasks: batch }))
        )
      )
      return new Map(
        outs.flatMap(out => (out.tasks ?? []).map(t => [t.taskArn ?? '', toTaskInfo(t)] as const))
      )
    }
  })
  const services = new BatchPoller<ServiceInfo>(ctx, {
    intervalMs,
    describe: async arns => {
      const outs = await Promise.all(
        chunk(arns, Limits.describeServicesBatch).map(batch =>
          callAws(ctx, ctx.ecs, new DescribeServicesCommand({ cluster: clusterArn, services: batch }))
        )
      )
      return new Map(
        outs.flatMap(out => (out.services ?? []).map(s => [s.serviceArn ?? '', toServiceInfo(s)] as const))
      )
    }
  })
  return { tasks, services }
}
