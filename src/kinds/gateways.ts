import {
  DisassociateGatewayFromClusterCommand,
  ListGatewayClusterAssociationsCommand,
  type GatewayClusterAssociationStatus
} from '@aws-sdk/client-ecs'
import type { ApplyContext } from '../apply/context.js'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import type { InventoryContext } from '../inventory/index.js'
import { code } from '../report/html.js'
import { errorMessage, isAccessDenied, isAwsError, isCancellation } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { retryUntil } from '../util/poll.js'
import { count, relatedReport, removedListSummary, type ReportPart, type ResourceKind } from './kind.js'
import { lastPartOfArn } from '../util/arn.js'
import { notDone } from './bookkeeping.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds. All
// optional: reports from before this kind existed have none of it.
declare module '../report/report.js' {
  interface RelatedReport {
    /** Gateways this run disassociated from the cluster (DisassociateGatewayFromCluster). */
    gatewayAssociations?: { gatewayArn: string; action: 'disassociated' }[]
    /** Why the cluster's gateway associations could not be read (they were then left as they are). */
    gatewayAssociationsUnread?: string
  }
  interface RelatedFound {
    /** Gateways associated with the cluster (ACTIVE or DISASSOCIATING). */
    gatewayAssociations?: number
  }
  interface KindLeftovers {
    'gateway-association': true
  }
}

/**
 * Gateways associated with the cluster (`AssociateGatewayWithCluster`). The association is the
 * cluster's: "a gateway cannot be deleted while clusters are associated" — DeleteGateway needs
 * every cluster association out of ACTIVE and DISASSOCIATING, "disassociate all clusters first"
 * (ECS API model, DeleteGateway). DeleteCluster's documentation and its errors name no refusal for
 * an associated gateway (ECS API model, DeleteCluster), so the association does not hold up the
 * cluster's deletion; left behind, it would hold up the gateway owner's DeleteGateway. So, for a
 * whole cluster, each ACTIVE association is disassociated once the services are gone
 * (DisassociateGatewayFromCluster: the association "remains in the DISASSOCIATING state until you
 * remove all of the gateway routes for the cluster by updating the associated services", ECS API
 * model; the services' routes go with the services), and waited for, a few minutes at most. The
 * gateway itself is never touched: other clusters may use it. In services mode the cluster stays,
 * and so do its associations (not read).
 */

/** How long a disassociation is waited for before it is reported as still DISASSOCIATING. */
const DISASSOCIATE_WAIT_MS = 5 * 60_000
const LIVE: GatewayClusterAssociationStatus[] = ['ACTIVE', 'DISASSOCIATING']

export interface GatewayAssociation {
  gatewayArn: string
  status: string
}

export interface GatewaysFound {
  associations: GatewayAssociation[]
  /** The associations could not be read (a denied or failed read): nothing is done, and that is said. */
  unread?: string
}

export const gatewaysKind: ResourceKind<GatewaysFound, GatewaysFound> = {
  name: 'gateway associations',
  emptyReport: (): ReportPart => ({ found: {} }),

  async find(ctx, scope) {
    if (!scope.wholeCluster) return { associations: [] }
    try {
      return { associations: await listAssociations(ctx, scope.cluster.arn) }
    } catch (error) {
      if (isCancellation(error, ctx.signal)) throw error
      // The association does not hold up DeleteCluster: the run goes on without it, and says so.
      if (isAccessDenied(error)) ctx.onDenied?.(error)
      return { associations: [], unread: errorMessage(error) }
    }
  },

  recordFound(found, report, log) {
    if (found.unread) {
      report.gatewayAssociationsUnread = found.unread
      log.warning(
        `The cluster's gateway associations could not be read (${found.unread}): any gateway associated with it is left associated`
      )
    }
    if (found.associations.length === 0) return
    report.found.gatewayAssociations = found.associations.length
    log.info(
      `Gateways associated with the cluster: ${found.associations.map(a => `${lastPartOfArn(a.gatewayArn)} (${a.status})`).join(', ')}`
    )
  },

  decide: found => found,

  steps(plan) {
    if (plan.associations.length === 0) return []
    return [
      {
        stage: 'after-services',
        phase: 'disassociate-gateways',
        description: `Disassociate ${count(plan.associations.length, 'gateway')} from the cluster (DeleteGateway refuses while a cluster association is ACTIVE or DISASSOCIATING; the gateways themselves are kept); wait until each association is gone`,
        resources: plan.associations.map(a => a.gatewayArn)
      }
    ]
  },

  notes(plan) {
    return plan.unread
      ? [`the cluster's gateway associations could not be read (${plan.unread}): any is left associated`]
      : []
  },

  actions: {
    'after-services': {
      phase: 'gateway associations',
      needed: plan => plan.associations.length > 0,
      run: disassociate
    }
  },

  unfinished(plan, report) {
    const done = new Set((report.related?.gatewayAssociations ?? []).map(d => d.gatewayArn))
    return notDone(plan.associations, a => done.has(a.gatewayArn), {
      kind: 'gateway-association',
      id: a => a.gatewayArn,
      reason: 'not disassociated before the run stopped: the gateway cannot be deleted while it is'
    })
  },

  ...removedListSummary({
    label: 'Gateway associations',
    title: 'Gateways disassociated from the cluster',
    leftoverKind: 'gateway-association',
    found: r => r.found.gatewayAssociations,
    removed: r => r.gatewayAssociations,
    item: a => code(a.gatewayArn)
  })
}

/** The cluster's ACTIVE and DISASSOCIATING associations, every page. */
async function listAssociations(ctx: InventoryContext, clusterArn: string): Promise<GatewayAssociation[]> {
  const items = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.ecs,
      new ListGatewayClusterAssociationsCommand({
        cluster: clusterArn,
        status: LIVE,
        maxResults: Limits.listPageSize,
        nextToken
      })
    )
    return { items: out.gatewayClusterAssociations ?? [], nextToken: out.nextToken }
  })
  return items
    .filter(a => a.gatewayArn && (!a.clusterArn || a.clusterArn === clusterArn))
    .map(a => ({ gatewayArn: a.gatewayArn!, status: a.status ?? 'ACTIVE' }))
}

async function disassociate(ctx: ApplyContext, plan: GatewaysFound): Promise<void> {
  for (const a of plan.associations.filter(a => a.status === 'ACTIVE')) {
    try {
      await callAws(
        ctx,
        ctx.ecs,
        new DisassociateGatewayFromClusterCommand({ gateway: a.gatewayArn, cluster: ctx.clusterArn })
      )
      ctx.log.info(`Disassociating gateway ${lastPartOfArn(a.gatewayArn)} from the cluster`)
    } catch (error) {
      if (!isAwsError(error, 'ResourceNotFoundException', 'GatewayNotFoundException')) throw error
      ctx.log.info(`Gateway ${lastPartOfArn(a.gatewayArn)} is no longer associated with the cluster`)
    }
  }
  const wanted = new Set(plan.associations.map(a => a.gatewayArn))
  const result = await retryUntil(
    ctx,
    {
      deadline: Math.min(ctx.deadline, ctx.clock() + DISASSOCIATE_WAIT_MS),
      minDelayMs: 2_000,
      maxDelayMs: 15_000
    },
    async () => {
      const left = (await listAssociations(ctx, ctx.clusterArn)).filter(a => wanted.has(a.gatewayArn))
      return left.length === 0
        ? { done: true as const, value: [] }
        : { done: false as const, reason: left.map(a => `${a.gatewayArn} ${a.status}`).join(', ') }
    }
  )
  const still = result.done
    ? []
    : (await listAssociations(ctx, ctx.clusterArn)).filter(a => wanted.has(a.gatewayArn))
  const related = relatedReport(ctx.report)
  for (const a of plan.associations) {
    const left = still.find(s => s.gatewayArn === a.gatewayArn)
    if (left) {
      ctx.report.leftovers.push({
        kind: 'gateway-association',
        id: a.gatewayArn,
        reason: `still ${left.status} after ${DISASSOCIATE_WAIT_MS / 60_000} minutes: ECS ends it once the cluster's gateway routes are removed; the gateway cannot be deleted until then`
      })
      continue
    }
    related.gatewayAssociations = [
      ...(related.gatewayAssociations ?? []),
      { gatewayArn: a.gatewayArn, action: 'disassociated' }
    ]
    ctx.log.info(`Gateway ${lastPartOfArn(a.gatewayArn)} is disassociated from the cluster`)
  }
}
