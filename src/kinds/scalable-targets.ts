import type { ApplyContext } from '../apply/context.js'
import { isAvailable } from '../aws/clients.js'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { sdk } from '../aws/sdk.js'
import { Limits } from '../constants.js'
import { tolerateDenied } from '../inventory.js'
import { code } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import { forEachPage } from '../util/paginate.js'
import { chunk } from '../util/pool.js'
import {
  count,
  relatedReport,
  shownRows,
  type KindStep,
  type ReportPart,
  type ResourceKind,
  type TeardownScope
} from './kind.js'
import { keptNotes, notDone, type Decision } from './bookkeeping.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../report/report.js' {
  interface RelatedReport {
    /** `suspended` before the services were touched, `deregistered` once they were gone. */
    scalableTargets: { resourceId: string; action: 'suspended' | 'deregistered' }[]
    alarms: { name: string; action: 'deleted' }[]
  }
  interface RelatedFound {
    scalableTargets: number
    scalingAlarms: number
  }
  interface KindLeftovers {
    'scalable-target': true
    alarm: true
  }
}

/**
 * Service auto scaling of the services being removed (always on, like `triggers`). A scheduled
 * action or a step-scaling alarm can raise a service's desired count while it drains, starting
 * tasks the teardown then has to stop again (or, during a graceful drain, never finishing it). So
 * each scalable target is suspended before any service is touched, and deregistered once the
 * services are INACTIVE (its policies and scheduled actions go with it). The alarms of step-scaling
 * policies are not deleted with them and bill: reported, or deleted with `delete-scaling-alarms`
 * when their only actions were these policies.
 */

export const ECS_NAMESPACE = 'ecs'
export const ECS_DIMENSION = 'ecs:service:DesiredCount' as const

export interface ScalableTargetInfo {
  /** `service/<cluster>/<service>`. */
  resourceId: string
  min: number
  max: number
  suspended: boolean
}

export interface ScalingPolicyInfo {
  name: string
  arn: string
  resourceId: string
  type: string
  alarms: string[]
}

export interface ScheduledActionInfo {
  name: string
  resourceId: string
  schedule: string
}

export interface ScalingAlarmInfo {
  name: string
  /** Every action of the alarm (alarm, OK and insufficient-data actions). */
  actions: string[]
}

export interface ScalableTargetsFound {
  targets: ScalableTargetInfo[]
  policies: ScalingPolicyInfo[]
  scheduledActions: ScheduledActionInfo[]
  /** The alarms of the step-scaling policies (those of target-tracking ones go with the target). */
  alarms: ScalingAlarmInfo[]
}

export interface AlarmDecision extends Decision {
  alarm: ScalingAlarmInfo
  /** Its only actions were these policies: it bills for nothing once they are gone. */
  orphaned: boolean
}

export interface ScalableTargetsPlan {
  /** Suspended before the services (those not fully suspended already). */
  suspend: ScalableTargetInfo[]
  /** Deregistered once the services are INACTIVE. */
  deregister: ScalableTargetInfo[]
  policies: ScalingPolicyInfo[]
  scheduledActions: ScheduledActionInfo[]
  alarms: AlarmDecision[]
}

export function resourceIdOf(clusterName: string, serviceName: string): string {
  return `service/${clusterName}/${serviceName}`
}

export function decideScalableTargets(
  found: ScalableTargetsFound,
  deleteScalingAlarms: boolean
): ScalableTargetsPlan {
  const policyArns = new Set(found.policies.map(p => p.arn))
  return {
    suspend: found.targets.filter(t => !t.suspended),
    deregister: found.targets,
    policies: found.policies,
    scheduledActions: found.scheduledActions,
    alarms: found.alarms.map(alarm => {
      const others = alarm.actions.filter(a => !policyArns.has(a))
      if (others.length > 0)
        return {
          alarm,
          delete: false,
          orphaned: false,
          keepReason: `it has other actions too (${others.join(', ')})`
        }
      if (!deleteScalingAlarms)
        return { alarm, delete: false, orphaned: true, keepReason: 'delete-scaling-alarms is off' }
      return { alarm, delete: true, orphaned: true }
    })
  }
}

// ---------------------------------------------------------------- finding (read only)

export type AutoScalingContext = CallContext & { autoscaling: SendPort; cloudwatch: SendPort }

/**
 * How the scalable targets are read. By resource ID (batches of 50): those of the services being
 * removed, and in services mode those of named services AWS has forgotten. By the cluster's prefix,
 * for a whole cluster that shows signs of an earlier teardown (a service already DRAINING, or no
 * service left): every ECS target of the account and Region, kept when its resource ID is
 * `service/<cluster>/…`. A run interrupted after its DeleteService leaves the targets of services
 * AWS may since have forgotten, and only the prefix finds those; a first run on a cluster with
 * services reads by ID, as it makes no more calls than the services need.
 */
export type ScalableTargetsQuery =
  | { resourceIds: string[] }
  | {
      clusterPrefix: string
      /**
       * Resource IDs the prefix also matches that are not this kind's: the Express services' targets,
       * which ECS registered and removes with them (DeleteExpressGatewayService, ECS API model).
       */
      exclude?: string[]
    }

export function scalableTargetsQuery(scope: TeardownScope): ScalableTargetsQuery {
  // Express services count here (a first run on a cluster of Express services alone reads nothing),
  // but their own targets are ECS's, never this kind's.
  const all = [...scope.services, ...(scope.expressServices ?? [])]
  const earlierTeardown = all.length === 0 || all.some(s => s.status !== 'ACTIVE')
  if (scope.wholeCluster && earlierTeardown) {
    const express = (scope.expressServices ?? []).map(s => resourceIdOf(scope.cluster.name, s.name))
    return {
      clusterPrefix: resourceIdOf(scope.cluster.name, ''),
      ...(express.length > 0 ? { exclude: express } : {})
    }
  }
  const names = [...scope.services.map(s => s.name), ...(scope.purgedServices ?? [])]
  return { resourceIds: [...new Set(names.map(name => resourceIdOf(scope.cluster.name, name)))] }
}

export async function findScalableTargets(
  ctx: AutoScalingContext,
  query: ScalableTargetsQuery
): Promise<ScalableTargetsFound> {
  const found: ScalableTargetsFound = { targets: [], policies: [], scheduledActions: [], alarms: [] }
  const ofEcs = async (filter: {
    ResourceIds?: string[]
    ScalableDimension?: typeof ECS_DIMENSION
  }): Promise<void> =>
    forEachPage(async NextToken => {
      const out = await callAws(
        ctx,
        ctx.autoscaling,
        new (await sdk.autoscaling()).DescribeScalableTargetsCommand({
          ServiceNamespace: ECS_NAMESPACE,
          ...filter,
          MaxResults: Limits.autoScalingPageSize,
          NextToken
        })
      )
      for (const t of out.ScalableTargets ?? []) {
        if ('clusterPrefix' in query && !t.ResourceId?.startsWith(query.clusterPrefix)) continue
        if ('clusterPrefix' in query && query.exclude?.includes(t.ResourceId ?? '')) continue
        if (t.ScalableDimension !== undefined && t.ScalableDimension !== ECS_DIMENSION) continue
        const s = t.SuspendedState
        found.targets.push({
          resourceId: t.ResourceId ?? '',
          min: t.MinCapacity ?? 0,
          max: t.MaxCapacity ?? 0,
          suspended: Boolean(
            s?.DynamicScalingInSuspended && s.DynamicScalingOutSuspended && s.ScheduledScalingSuspended
          )
        })
      }
      return out.NextToken
    })
  if ('clusterPrefix' in query) {
    // AWS has no prefix filter, and takes ScalableDimension only with ResourceIds: every ECS target is read.
    await ofEcs({})
  } else {
    if (query.resourceIds.length === 0) return found
    for (const batch of chunk(query.resourceIds, Limits.autoScalingPageSize))
      await ofEcs({ ResourceIds: batch, ScalableDimension: ECS_DIMENSION })
  }
  await Promise.all(
    found.targets.map(async t => {
      await forEachPage(async NextToken => {
        const out = await callAws(
          ctx,
          ctx.autoscaling,
          new (await sdk.autoscaling()).DescribeScalingPoliciesCommand({
            ServiceNamespace: ECS_NAMESPACE,
            ResourceId: t.resourceId,
            ScalableDimension: ECS_DIMENSION,
            MaxResults: Limits.autoScalingPageSize,
            NextToken
          })
        )
        for (const p of out.ScalingPolicies ?? []) {
          found.policies.push({
            name: p.PolicyName ?? '',
            arn: p.PolicyARN ?? '',
            resourceId: t.resourceId,
            type: p.PolicyType ?? '',
            alarms: (p.Alarms ?? []).map(a => a.AlarmName ?? '').filter(Boolean)
          })
        }
        return out.NextToken
      })
      await forEachPage(async NextToken => {
        const out = await callAws(
          ctx,
          ctx.autoscaling,
          new (await sdk.autoscaling()).DescribeScheduledActionsCommand({
            ServiceNamespace: ECS_NAMESPACE,
            ResourceId: t.resourceId,
            ScalableDimension: ECS_DIMENSION,
            MaxResults: Limits.autoScalingPageSize,
            NextToken
          })
        )
        for (const a of out.ScheduledActions ?? []) {
          found.scheduledActions.push({
            name: a.ScheduledActionName ?? '',
            resourceId: t.resourceId,
            schedule: a.Schedule ?? ''
          })
        }
        return out.NextToken
      })
    })
  )
  // The alarms that act on a step policy: by action (the policy's ARN; some emulators leave the
  // policy's Alarms list empty), then any the policy names that the first look did not return.
  const seen = new Set<string>()
  const read = async (filter: { ActionPrefix: string } | { AlarmNames: string[] }): Promise<void> =>
    forEachPage(async NextToken => {
      const out = await callAws(
        ctx,
        ctx.cloudwatch,
        new (await sdk.cloudwatch()).DescribeAlarmsCommand({
          ...filter,
          MaxRecords: Limits.alarmsBatch,
          NextToken
        })
      )
      for (const a of out.MetricAlarms ?? []) {
        if (!a.AlarmName || seen.has(a.AlarmName)) continue
        seen.add(a.AlarmName)
        found.alarms.push({
          name: a.AlarmName,
          actions: [...(a.AlarmActions ?? []), ...(a.OKActions ?? []), ...(a.InsufficientDataActions ?? [])]
        })
      }
      return out.NextToken
    })
  const stepPolicies = found.policies.filter(p => p.type === 'StepScaling')
  for (const p of stepPolicies) await read({ ActionPrefix: p.arn })
  const named = [...new Set(stepPolicies.flatMap(p => p.alarms))].filter(n => !seen.has(n))
  for (const batch of chunk(named, Limits.alarmsBatch)) await read({ AlarmNames: batch })
  return found
}

// ---------------------------------------------------------------- acting

/** Nothing may scale the service while it drains: scheduled scaling and both directions of dynamic scaling stop. */
export async function suspendTargets(
  ctx: ApplyContext,
  targets: ScalableTargetInfo[],
  done: string[]
): Promise<void> {
  for (const t of targets) {
    try {
      await callAws(
        ctx,
        ctx.autoscaling,
        new (await sdk.autoscaling()).RegisterScalableTargetCommand({
          ServiceNamespace: ECS_NAMESPACE,
          ResourceId: t.resourceId,
          ScalableDimension: ECS_DIMENSION,
          SuspendedState: {
            DynamicScalingInSuspended: true,
            DynamicScalingOutSuspended: true,
            ScheduledScalingSuspended: true
          }
        })
      )
    } catch (error) {
      // Deregistered since the inventory, or its service is gone already: nothing left to scale.
      if (
        isAwsError(error, 'ObjectNotFoundException') ||
        (isAwsError(error, 'ValidationException') &&
          // Sent for a target that is not registered, RegisterScalableTarget asks for the capacities of a new one.
          /doesn't exist|does not exist|no scalable target|MinCapacity/i.test(errorMessage(error)))
      ) {
        ctx.log.info(`Scalable target ${t.resourceId} could not be suspended: it or its service is gone`)
        continue
      }
      throw error
    }
    done.push(t.resourceId)
    ctx.log.info(`Suspended scaling of ${t.resourceId}`)
  }
}

export async function deregisterTargets(
  ctx: ApplyContext,
  targets: ScalableTargetInfo[],
  done: string[]
): Promise<void> {
  for (const t of targets) {
    try {
      await callAws(
        ctx,
        ctx.autoscaling,
        new (await sdk.autoscaling()).DeregisterScalableTargetCommand({
          ServiceNamespace: ECS_NAMESPACE,
          ResourceId: t.resourceId,
          ScalableDimension: ECS_DIMENSION
        })
      )
      done.push(t.resourceId)
      ctx.log.info(
        `Deregistered scalable target ${t.resourceId} (its policies and scheduled actions go with it)`
      )
    } catch (error) {
      // ObjectNotFoundException is AWS's answer; moto says ValidationException "No scalable target found".
      const gone =
        isAwsError(error, 'ObjectNotFoundException') ||
        (isAwsError(error, 'ValidationException') && /no scalable target/i.test(errorMessage(error)))
      if (!gone) throw error
      ctx.log.info(`Scalable target ${t.resourceId} is not registered (any more)`)
    }
  }
}

export async function deleteAlarms(ctx: ApplyContext, names: string[], done: string[]): Promise<void> {
  if (names.length === 0) return
  for (const batch of chunk(names, Limits.alarmsBatch)) {
    // DeleteAlarms deletes nothing when one name is unknown: delete only those still there.
    const out = await callAws(
      ctx,
      ctx.cloudwatch,
      new (await sdk.cloudwatch()).DescribeAlarmsCommand({
        AlarmNames: batch,
        MaxRecords: Limits.alarmsBatch
      })
    )
    const present = (out.MetricAlarms ?? []).map(a => a.AlarmName ?? '').filter(Boolean)
    if (present.length === 0) continue
    await callAws(
      ctx,
      ctx.cloudwatch,
      new (await sdk.cloudwatch()).DeleteAlarmsCommand({ AlarmNames: present })
    )
    done.push(...present)
    ctx.log.info(`Deleted ${present.length} step-scaling alarm(s): ${present.join(', ')}`)
  }
}

// ---------------------------------------------------------------- the kind

const noneFound: ScalableTargetsFound = { targets: [], policies: [], scheduledActions: [], alarms: [] }

export const scalableTargetsKind: ResourceKind<ScalableTargetsFound, ScalableTargetsPlan> = {
  name: 'service auto scaling',
  emptyReport: (): ReportPart<'scalableTargets' | 'alarms', 'scalableTargets' | 'scalingAlarms'> => ({
    found: { scalableTargets: 0, scalingAlarms: 0 },
    scalableTargets: [],
    alarms: []
  }),

  find(ctx, scope) {
    if (!isAvailable(ctx.autoscaling)) return Promise.resolve(noneFound)
    return tolerateDenied(ctx, findScalableTargets(ctx, scalableTargetsQuery(scope)), noneFound)
  },

  recordFound(found, report) {
    report.found.scalableTargets = found.targets.length
    report.found.scalingAlarms = found.alarms.length
  },

  decide(found, { settings }) {
    return decideScalableTargets(found, settings.deleteScalingAlarms)
  },

  steps(plan) {
    const steps: KindStep[] = []
    if (plan.suspend.length > 0)
      steps.push({
        stage: 'before-services',
        phase: 'suspend-scaling',
        description: `Suspend scaling of ${count(plan.suspend.length, 'scalable target')} (scheduled actions and scaling policies), so nothing scales a service up while it drains`,
        resources: plan.suspend.map(t => t.resourceId)
      })
    if (plan.deregister.length > 0)
      steps.push({
        stage: 'after-services',
        phase: 'deregister-scalable-targets',
        description: `Deregister ${count(plan.deregister.length, 'scalable target')} (${count(plan.policies.length, 'scaling policy', 'scaling policies')} and ${count(plan.scheduledActions.length, 'scheduled action')} go with them)`,
        resources: plan.deregister.map(t => t.resourceId)
      })
    const alarms = plan.alarms.filter(a => a.delete)
    if (alarms.length > 0)
      steps.push({
        stage: 'after-services',
        phase: 'delete-scaling-alarms',
        description: `Delete ${count(alarms.length, 'step-scaling alarm')} whose only actions were these policies`,
        resources: alarms.map(a => a.alarm.name)
      })
    return steps
  },

  notes(plan) {
    return keptNotes(
      plan.alarms.filter(a => !a.orphaned),
      a => `alarm ${a.alarm.name}`
    )
  },

  actions: {
    'before-services': {
      phase: 'suspend scaling',
      needed: plan => plan.suspend.length > 0,
      run: async (ctx, plan) => {
        const done: string[] = []
        try {
          await suspendTargets(ctx, plan.suspend, done)
        } finally {
          relatedReport(ctx.report).scalableTargets.push(
            ...done.map(resourceId => ({ resourceId, action: 'suspended' as const }))
          )
        }
      }
    },
    'after-services': {
      phase: 'service auto scaling',
      needed: plan => plan.deregister.length > 0 || plan.alarms.length > 0,
      run: (ctx, plan) => applyScalableTargets(ctx, plan)
    }
  },

  unfinished(plan, report) {
    const done = report.related?.scalableTargets ?? []
    return [
      ...notDone(
        plan.deregister,
        t => done.some(d => d.resourceId === t.resourceId && d.action === 'deregistered'),
        { kind: 'scalable-target', id: t => t.resourceId, reason: 'not deregistered before the run stopped' }
      ),
      ...notDone(
        plan.alarms.filter(a => a.orphaned),
        a => report.related?.alarms.some(x => x.name === a.alarm.name) ?? false,
        {
          kind: 'alarm',
          id: a => a.alarm.name,
          reason: 'step-scaling alarm not deleted before the run stopped',
          billing: true
        }
      )
    ]
  },

  countRows(r, left) {
    const rows = [
      {
        label: 'Scalable targets',
        found: r.found.scalableTargets,
        removed: r.scalableTargets.filter(t => t.action === 'deregistered').length,
        leftoverKind: 'scalable-target' as const
      },
      {
        label: 'Step-scaling alarms',
        found: r.found.scalingAlarms,
        removed: r.alarms.length,
        leftoverKind: 'alarm' as const
      }
    ]
    return shownRows(rows, left)
  },

  doneLists(r) {
    return [
      {
        title: 'Scalable targets deregistered',
        items: r.scalableTargets.filter(t => t.action === 'deregistered').map(t => code(t.resourceId))
      },
      { title: 'Step-scaling alarms deleted', items: r.alarms.map(a => code(a.name)) }
    ]
  },

  links: { alarm: (region, id) => consoleLinks.alarm(region, id) }
}

async function applyScalableTargets(ctx: ApplyContext, plan: ScalableTargetsPlan): Promise<void> {
  const related = relatedReport(ctx.report)
  const deregistered: string[] = []
  try {
    await deregisterTargets(ctx, plan.deregister, deregistered)
  } finally {
    related.scalableTargets.push(
      ...deregistered.map(resourceId => ({ resourceId, action: 'deregistered' as const }))
    )
  }
  const deleted: string[] = []
  try {
    await deleteAlarms(
      ctx,
      plan.alarms.filter(a => a.delete).map(a => a.alarm.name),
      deleted
    )
  } finally {
    related.alarms.push(...deleted.map(name => ({ name, action: 'deleted' as const })))
  }
  for (const a of plan.alarms.filter(x => !x.delete)) {
    ctx.report.leftovers.push({
      kind: 'alarm',
      id: a.alarm.name,
      reason: a.orphaned
        ? `step-scaling alarm whose only actions were the removed services' scaling policies: it bills and acts on nothing; delete-scaling-alarms: true deletes it (aws cloudwatch delete-alarms --alarm-names ${a.alarm.name})`
        : `step-scaling alarm kept: ${a.keepReason}`,
      ...(a.orphaned ? { billing: true } : {})
    })
  }
}
