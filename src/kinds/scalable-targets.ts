import type { ApplyContext } from '../apply/context.js'
import { isAvailable } from '../aws/clients.js'
import { callAws } from '../aws/call.js'
import { sdk } from '../aws/sdk.js'
import { Limits } from '../constants.js'
import { tolerateDenied } from '../inventory/index.js'
import { code } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import { chunk } from '../util/pool.js'
import {
  ECS_DIMENSION,
  ECS_NAMESPACE,
  findScalableTargets,
  scalableTargetsQuery,
  type ScalableTargetInfo,
  type ScalableTargetsFound,
  type ScalingAlarmInfo,
  type ScalingPolicyInfo,
  type ScheduledActionInfo
} from './scalable-targets/find.js'
import {
  count,
  countRow,
  relatedReport,
  shownRows,
  type KindStep,
  type ReportPart,
  type ResourceKind
} from './kind.js'
import { keptNotes, notDone, type Decision } from './bookkeeping.js'
import { removeWithRetry } from '../aws/remove.js'

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
    const result = await removeWithRetry(ctx, {
      what: `scalable target ${t.resourceId}`,
      call: async () =>
        callAws(
          ctx,
          ctx.autoscaling,
          new (await sdk.autoscaling()).DeregisterScalableTargetCommand({
            ServiceNamespace: ECS_NAMESPACE,
            ResourceId: t.resourceId,
            ScalableDimension: ECS_DIMENSION
          })
        ),
      // ObjectNotFoundException is AWS's answer; moto says ValidationException "No scalable target found".
      gone: [
        { codes: ['ObjectNotFoundException'] },
        { codes: ['ValidationException'], message: /no scalable target/i }
      ],
      deadline: ctx.deadline
    })
    if (result.outcome === 'gone') {
      ctx.log.info(`Scalable target ${t.resourceId} is not registered (any more)`)
      continue
    }
    done.push(t.resourceId)
    ctx.log.info(
      `Deregistered scalable target ${t.resourceId} (its policies and scheduled actions go with it)`
    )
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
    const deregistered = r.scalableTargets.filter(t => t.action === 'deregistered').length
    return shownRows(
      [
        countRow('Scalable targets', r.found.scalableTargets, deregistered, 'scalable-target'),
        countRow('Step-scaling alarms', r.found.scalingAlarms, r.alarms.length, 'alarm')
      ],
      left
    )
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
