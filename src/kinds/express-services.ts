import { DescribeServiceRevisionsCommand, type ECSManagedResources } from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import { code } from '../report/html.js'
import type { Leftover } from '../report/report.js'
import { isAccessDenied } from '../util/errors.js'
import { chunk } from '../util/pool.js'
import { count, relatedReport, removedListSummary, type ReportPart, type ResourceKind } from './kind.js'
import { resourceIdOf } from './scalable-targets/find.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds. Both
// are optional: reports from before this kind existed have neither.
declare module '../report/report.js' {
  interface RelatedReport {
    /**
     * Express services deleted with DeleteExpressGatewayService, each with what ECS made for it and
     * removes with it: never deleted by this action (another Express service may share the load balancer).
     */
    expressServices?: { name: string; arn: string; managed: ManagedResource[]; action: 'removed-by-ecs' }[]
  }
  interface RelatedFound {
    /** Express services (`resourceManagementType: ECS`) among the services being removed. */
    expressServices?: number
  }
  interface KindLeftovers {
    'express-resource': true
  }
}

/**
 * Express services (`CreateExpressGatewayService`; a service whose `resourceManagementType` is
 * `ECS`). ECS provisions an Application Load Balancer (shared by Express services with the same
 * network configuration), target groups, security groups, scaling and alarms for each, and
 * `DeleteExpressGatewayService` "removes all associated AWS resources" once the service's tasks stop
 * (ECS API model, DeleteExpressGatewayService). So the core deletes such a service with that call
 * (apply/services.ts), the other kinds never see it (kinds/index.ts keeps it out of their scope),
 * and this kind only says what ECS removes with it, from the `ecsManagedResources` of its current
 * service revisions (DescribeServiceRevisions, at most 20 per call), or from its target groups and
 * scalable target when those cannot be read.
 */

export interface ManagedResource {
  /** What it is, in the words of `ecsManagedResources`. */
  type:
    | 'load-balancer'
    | 'listener'
    | 'listener-rule'
    | 'target-group'
    | 'security-group'
    | 'certificate'
    | 'scalable-target'
    | 'scaling-policy'
    | 'alarm'
    | 'log-group'
  /** Its ARN (a scalable target: its resource ID). */
  id: string
}

export interface ExpressService {
  name: string
  arn: string
  /** What ECS removes with it. */
  managed: ManagedResource[]
  /**
   * Services mode: what it shares with an Express service that stays (the load balancer, its
   * listener…): ECS keeps it for that one, so it is not reported as removed.
   */
  shared?: (ManagedResource & { with: string })[]
}

export interface ExpressFound {
  services: ExpressService[]
}

export const expressServicesKind: ResourceKind<ExpressFound, ExpressFound> = {
  name: 'Express services',
  emptyReport: (): ReportPart => ({ found: {} }),

  async find(ctx, scope) {
    const express = scope.expressServices ?? []
    if (express.length === 0) return { services: [] }
    // Services mode: Express services that stay may share the load balancer with those that go.
    const staying = (scope.neighbours?.services ?? []).filter(s => s.express)
    const revisions = [...express, ...staying].flatMap(s => s.serviceRevisions ?? [])
    // Denied, what DescribeServices shows of them is reported instead (a dry run lists the denial).
    let byRevision = new Map<string, ManagedResource[]>()
    try {
      byRevision = await describeManaged(ctx, revisions)
    } catch (error) {
      if (!isAccessDenied(error)) throw error
      ctx.onDenied?.(error)
    }
    const keptBy = new Map<string, string>()
    for (const n of staying)
      for (const m of (n.serviceRevisions ?? []).flatMap(r => byRevision.get(r) ?? []))
        if (!keptBy.has(m.id)) keptBy.set(m.id, n.name)
    return {
      services: express.map(s => {
        const managed = (s.serviceRevisions ?? []).flatMap(r => byRevision.get(r) ?? [])
        const all = unique(
          managed.length > 0
            ? managed
            : // What DescribeServices shows of it: its target groups and its scalable target.
              [
                ...(s.loadBalancers ?? []).map(lb => ({
                  type: 'target-group' as const,
                  id: lb.targetGroupArn ?? ''
                })),
                { type: 'scalable-target' as const, id: resourceIdOf(scope.cluster.name, s.name) }
              ].filter(m => m.id)
        )
        const shared = all.filter(m => keptBy.has(m.id)).map(m => ({ ...m, with: keptBy.get(m.id)! }))
        return {
          name: s.name,
          arn: s.arn,
          managed: all.filter(m => !keptBy.has(m.id)),
          ...(shared.length > 0 ? { shared } : {})
        }
      })
    }
  },

  recordFound(found, report, log) {
    if (found.services.length === 0) return
    report.found.expressServices = found.services.length
    for (const s of found.services)
      log.info(
        `Express service ${s.name}: ECS removes what it made for it with it (${listManaged(s.managed) || 'nothing listed'})`
      )
  },

  decide: found => found,

  steps(plan) {
    if (plan.services.length === 0) return []
    return [
      {
        stage: 'after-services',
        phase: 'express-resources',
        description: `Record what ECS removed with ${count(plan.services.length, 'Express service')}: ${listManaged(plan.services.flatMap(s => s.managed))}; none of it is deleted by this action (others may share the load balancer)`,
        resources: plan.services.flatMap(s => s.managed.map(m => m.id))
      }
    ]
  },

  notes: plan => plan.services.flatMap(s => (s.shared ?? []).map(m => sharedNote(s, m))),

  actions: {
    'after-services': {
      phase: 'Express services',
      needed: plan => plan.services.length > 0,
      run: async (ctx, plan) => {
        const related = relatedReport(ctx.report)
        for (const s of plan.services) {
          for (const m of s.shared ?? [])
            ctx.report.scope?.kept.push({ kind: 'express-resource', id: m.id, reason: sharedNote(s, m) })
          // Ours once this run's DeleteExpressGatewayService was accepted (the services are INACTIVE now).
          if (!ctx.report.services.some(r => r.arn === s.arn)) continue
          related.expressServices = [
            ...(related.expressServices ?? []),
            { name: s.name, arn: s.arn, managed: s.managed, action: 'removed-by-ecs' }
          ]
          ctx.log.info(
            `Express service ${s.name} is deleted; ECS removed with it: ${listManaged(s.managed) || 'nothing listed'}`
          )
        }
      }
    }
  },

  unfinished(plan, report) {
    const done = report.related?.expressServices ?? []
    return plan.services
      .filter(s => !done.some(d => d.arn === s.arn))
      .flatMap(s =>
        s.managed.map((m): Leftover => ({
          kind: 'express-resource',
          id: m.id,
          reason: `${m.type} ECS made for Express service ${s.name}: it goes with the service (DeleteExpressGatewayService), which was not seen deleted before the run stopped`
        }))
      )
  },

  ...removedListSummary({
    label: 'Express services',
    title: 'Express services deleted (ECS removed what it made for them)',
    leftoverKind: 'express-resource',
    found: r => r.found.expressServices,
    removed: r => r.expressServices,
    item: s => `${code(s.name)}: ${listManaged(s.managed) || 'nothing listed'}`
  })
}

/** Why ECS keeps what an Express service that goes shares with one that stays. */
function sharedNote(s: ExpressService, m: ManagedResource & { with: string }): string {
  return `${m.type} ECS made for Express service ${s.name} is shared with Express service ${m.with}, which stays: ECS keeps it`
}

/** `1 load balancer, 2 target groups, …`: what ECS manages, counted by type. */
function listManaged(managed: ManagedResource[]): string {
  const counts = new Map<string, number>()
  for (const m of managed) counts.set(m.type, (counts.get(m.type) ?? 0) + 1)
  return [...counts].map(([type, n]) => count(n, type.replace(/-/g, ' '))).join(', ')
}

function unique(managed: ManagedResource[]): ManagedResource[] {
  const seen = new Set<string>()
  return managed.filter(m => (seen.has(m.id) ? false : (seen.add(m.id), true)))
}

/** Each revision's `ecsManagedResources`, as ManagedResource lists. */
async function describeManaged(
  ctx: Parameters<ResourceKind<ExpressFound, ExpressFound>['find']>[0],
  revisions: string[]
): Promise<Map<string, ManagedResource[]>> {
  const byRevision = new Map<string, ManagedResource[]>()
  for (const batch of chunk(revisions, Limits.describeServiceRevisionsBatch)) {
    const out = await callAws(
      ctx,
      ctx.ecs,
      new DescribeServiceRevisionsCommand({ serviceRevisionArns: batch })
    )
    for (const revision of out.serviceRevisions ?? []) {
      if (revision.serviceRevisionArn && revision.ecsManagedResources)
        byRevision.set(revision.serviceRevisionArn, managedOf(revision.ecsManagedResources))
    }
  }
  return byRevision
}

export function managedOf(r: ECSManagedResources): ManagedResource[] {
  const out: ManagedResource[] = []
  const add = (type: ManagedResource['type'], id: string | undefined): void => {
    if (id) out.push({ type, id })
  }
  for (const path of r.ingressPaths ?? []) {
    add('load-balancer', path.loadBalancer?.arn)
    add('listener', path.listener?.arn)
    add('listener-rule', path.rule?.arn)
    for (const g of path.targetGroups ?? []) add('target-group', g.arn)
    for (const g of path.loadBalancerSecurityGroups ?? []) add('security-group', g.arn)
    add('certificate', path.certificate?.arn)
  }
  add('scalable-target', r.autoScaling?.scalableTarget?.arn)
  for (const p of r.autoScaling?.applicationAutoScalingPolicies ?? []) add('scaling-policy', p.arn)
  for (const a of r.metricAlarms ?? []) add('alarm', a.arn)
  for (const g of r.serviceSecurityGroups ?? []) add('security-group', g.arn)
  for (const g of r.logGroups ?? []) add('log-group', g.arn)
  return out
}
