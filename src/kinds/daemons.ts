import { DeleteDaemonCommand, ListDaemonsCommand } from '@aws-sdk/client-ecs'
import type { ApplyContext } from '../apply/context.js'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import { listManagedInstancesProviders, tolerateDenied } from '../inventory/index.js'
import { code } from '../report/html.js'
import { DeadlineError, errorMessage, isAwsError } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { pollUntil } from '../util/poll.js'
import {
  count,
  relatedReport,
  removedListSummary,
  type FindContext,
  type ResourceKind,
  type ReportPart
} from './kind.js'
import { lastPartOfArn } from '../util/arn.js'
import { notDone } from './bookkeeping.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds. Both
// are optional: reports from before this kind existed have neither.
declare module '../report/report.js' {
  interface RelatedReport {
    /** ECS Managed Daemons of the cluster deleted (DeleteDaemon), awaited until gone. */
    daemons?: { arn: string; name: string; action: 'deleted' }[]
  }
  interface RelatedFound {
    /** ECS Managed Daemons found on the cluster (ListDaemons). */
    daemons?: number
  }
  interface KindLeftovers {
    daemon: true
  }
}

/**
 * ECS Managed Daemons (ListDaemons, DeleteDaemon in the ECS API model): they run on the cluster's
 * ECS Managed Instances providers only ("ECS Managed Daemons is only supported for Amazon ECS
 * Managed Instances Capacity Providers", DeleteDaemon), and pin them: DeleteCapacityProvider
 * answers "Cannot delete capacity provider. Daemon services are still associated with this
 * capacity provider" while one is there (ekristen/aws-nuke#990). So they are looked for only on a
 * cluster with such a provider. They belong to the cluster: a whole-cluster teardown deletes them
 * once its services are gone and waits until they are gone, before their providers; services mode
 * keeps them, and says so.
 */

export interface Daemon {
  arn: string
  name: string
  /** ACTIVE or DELETE_IN_PROGRESS (DaemonStatus). */
  status: string
}

export interface DaemonsFound {
  daemons: Daemon[]
}

export interface DaemonsPlan {
  /** Deleted (ACTIVE ones) or waited for (DELETE_IN_PROGRESS ones, an earlier run's). */
  remove: Daemon[]
  /** Services mode: kept with the cluster. */
  kept: Daemon[]
  cluster: string
}

export const daemonsKind: ResourceKind<DaemonsFound, DaemonsPlan> = {
  name: 'ECS Managed Daemons',
  emptyReport: (): ReportPart => ({ found: {} }),

  async find(ctx, scope) {
    // Whole cluster: the inventory read the cluster's providers. Services mode reads none of them,
    // so this kind looks itself: daemons are said to be kept, never touched.
    const providers = scope.wholeCluster
      ? (scope.managedInstancesProviders ?? [])
      : (await tolerateDenied(ctx, listManagedInstancesProviders(ctx, scope.cluster), [])).map(p => p.name)
    if (providers.length === 0) return { daemons: [] }
    return { daemons: await tolerateDenied(ctx, listDaemons(ctx, scope.cluster.arn), []) }
  },

  recordFound(found, report, log) {
    if (found.daemons.length === 0) return
    report.found.daemons = found.daemons.length
    log.info(
      `Found ${count(found.daemons.length, 'ECS Managed Daemon')}: ${found.daemons.map(d => d.name).join(', ')}`
    )
  },

  decide(found, { scope }) {
    return scope.wholeCluster
      ? { remove: found.daemons, kept: [], cluster: scope.cluster.name }
      : { remove: [], kept: found.daemons, cluster: scope.cluster.name }
  },

  steps(plan) {
    if (plan.remove.length === 0) return []
    return [
      {
        stage: 'after-services',
        phase: 'delete-daemons',
        description: `Delete ${count(plan.remove.length, 'ECS Managed Daemon')} of the cluster (DeleteDaemon) and wait until ${plan.remove.length === 1 ? 'it is' : 'they are'} gone: a daemon keeps its Managed Instances provider`,
        resources: plan.remove.map(d => d.name)
      }
    ]
  },

  notes(plan) {
    return plan.kept.map(
      d =>
        `ECS Managed Daemon ${d.name} is kept: it belongs to cluster ${plan.cluster}, which services mode keeps`
    )
  },

  actions: {
    'after-services': {
      phase: 'ECS Managed Daemons',
      needed: plan => plan.remove.length > 0 || plan.kept.length > 0,
      run: async (ctx, plan) => {
        for (const d of plan.kept) {
          ctx.report.scope?.kept.push({
            kind: 'daemon',
            id: d.name,
            reason: `kept (services mode): an ECS Managed Daemon of cluster ${plan.cluster}, which is kept`
          })
          ctx.log.info(`ECS Managed Daemon ${d.name} is kept with the cluster`)
        }
        if (plan.remove.length > 0) await deleteDaemons(ctx, plan.remove)
      }
    }
  },

  unfinished(plan, report) {
    const done = report.related?.daemons ?? []
    return notDone(plan.remove, d => done.some(x => x.arn === d.arn), {
      kind: 'daemon',
      id: d => d.name,
      reason: d =>
        `not deleted before the run stopped: it runs on the cluster's Managed Instances and keeps its capacity provider; delete it with aws ecs delete-daemon --daemon-arn ${d.arn}`,
      billing: true
    })
  },

  ...removedListSummary({
    label: 'ECS Managed Daemons',
    title: 'ECS Managed Daemons deleted',
    leftoverKind: 'daemon',
    found: r => r.found.daemons,
    removed: r => r.daemons,
    item: d => code(d.name)
  })
}

/** Every daemon of the cluster: every page of ListDaemons by cluster (up to 100 a page). */
async function listDaemons(ctx: FindContext, clusterArn: string): Promise<Daemon[]> {
  const summaries = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.ecs,
      new ListDaemonsCommand({ clusterArn, maxResults: Limits.listPageSize, nextToken })
    )
    return { items: out.daemonSummariesList ?? [], nextToken: out.nextToken }
  })
  return summaries
    .filter(d => d.daemonArn)
    .map(d => ({ arn: d.daemonArn!, name: lastPartOfArn(d.daemonArn!), status: d.status ?? 'UNKNOWN' }))
}

/**
 * DeleteDaemon for each ACTIVE one ("The daemon must be in an ACTIVE state to be deleted": one
 * already DELETE_IN_PROGRESS is only waited for), then one ListDaemons a round until none of them
 * is listed: DaemonStatus has no deleted state, a daemon whose deletion is over is gone.
 */
async function deleteDaemons(ctx: ApplyContext, daemons: Daemon[]): Promise<void> {
  await Promise.all(
    daemons
      .filter(d => d.status === 'ACTIVE')
      .map(async d => {
        try {
          await callAws(ctx, ctx.ecs, new DeleteDaemonCommand({ daemonArn: d.arn }))
          ctx.log.info(`Deleting ECS Managed Daemon ${d.name}`)
        } catch (error) {
          if (isAwsError(error, 'DaemonNotFoundException', 'DaemonNotActiveException')) {
            ctx.log.info(`ECS Managed Daemon ${d.name} is already being deleted (${errorMessage(error)})`)
            return
          }
          throw error
        }
      })
  )
  const gone = await pollUntil(
    ctx,
    {
      deadline: ctx.deadline,
      schedule: { firstMs: 2_000, stepMs: 2_000, factor: 2, ceilingMs: ctx.pollIntervalMs }
    },
    async () => {
      const listed = new Set((await listDaemons(ctx, ctx.clusterArn)).map(d => d.arn))
      const left = daemons.filter(d => listed.has(d.arn))
      return left.length === 0
        ? { done: true, value: undefined }
        : { done: false, reason: `${left.map(d => d.name).join(', ')} still being deleted` }
    }
  )
  if (!gone.done) {
    throw new DeadlineError(`ECS Managed Daemons were not gone at the deadline: ${gone.reason}`)
  }
  const related = relatedReport(ctx.report)
  related.daemons = [
    ...(related.daemons ?? []),
    ...daemons.map(d => ({ arn: d.arn, name: d.name, action: 'deleted' as const }))
  ]
  ctx.log.info(`${count(daemons.length, 'ECS Managed Daemon')} ${daemons.length === 1 ? 'is' : 'are'} gone`)
}
