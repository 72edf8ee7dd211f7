import type { GetScheduleCommandOutput } from '@aws-sdk/client-scheduler'
import { sdk } from '../aws/sdk.js'
import type { ApplyContext } from '../apply/context.js'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { Limits } from '../constants.js'
import { code } from '../report/html.js'
import type { Leftover } from '../report/report.js'
import type { TriggerMode } from '../settings.js'
import { isAwsError } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { count, relatedReport, rowWhenAny, type FindContext, type ResourceKind } from './kind.js'
import { familiesToStop, familyOfRef, readStarters } from './shared.js'

/**
 * What else starts tasks on the cluster: EventBridge Scheduler schedules whose target is the
 * cluster (input `triggers`, like the EventBridge rules). A schedule has one target, so `remove`
 * deletes the schedule and `disable` disables it; `keep` does not look. In services mode only the
 * schedules that start a family of the services being removed (one no other service runs) are this
 * run's. Before any service is touched, so nothing starts tasks while the services drain.
 */

export interface ScheduleInfo {
  name: string
  group: string
  taskDefinition: string
  /** GetSchedule's answer: UpdateSchedule must restate the whole schedule to disable it. */
  definition: GetScheduleCommandOutput
}

export interface SchedulesPlan {
  mode: TriggerMode
  schedules: ScheduleInfo[]
}

/** Undefined: not looked at (`triggers: keep`, or Scheduler not available to this run). */
export type SchedulesFound = ScheduleInfo[] | undefined

export const schedulesKind: ResourceKind<SchedulesFound, SchedulesPlan> = {
  name: 'EventBridge Scheduler schedules',

  async find(ctx, scope, settings) {
    if (settings.triggers === 'keep') return undefined
    const families = familiesToStop(scope)
    if (families?.size === 0) return []
    return readStarters(ctx, ctx.scheduler, 'EventBridge Scheduler', () =>
      findSchedules(ctx, scope.cluster.arn, families)
    )
  },

  recordFound(found, report, log) {
    report.found.schedules = found?.length ?? 0
    for (const s of found ?? [])
      log.info(`EventBridge Scheduler schedule ${s.group}/${s.name} starts tasks on this cluster`)
  },

  decide(found, { settings }) {
    return { mode: settings.triggers, schedules: settings.triggers === 'keep' ? [] : (found ?? []) }
  },

  steps(plan) {
    if (plan.schedules.length === 0) return []
    return [
      {
        stage: 'before-services',
        phase: 'schedules',
        description: `${plan.mode === 'disable' ? 'Disable' : 'Delete'} ${count(plan.schedules.length, 'EventBridge Scheduler schedule')} that start tasks on this cluster`,
        resources: plan.schedules.map(s => `${s.group}/${s.name}`)
      }
    ]
  },

  notes: () => [],

  actions: {
    'before-services': {
      phase: 'EventBridge Scheduler schedules',
      needed: plan => plan.schedules.length > 0,
      run: async (ctx, plan) => {
        await Promise.all(plan.schedules.map(s => stopSchedule(ctx, s, plan.mode)))
      }
    }
  },

  unfinished(plan, report) {
    const done = report.related?.schedules ?? []
    return plan.schedules
      .filter(s => !done.some(d => d.name === s.name && d.group === s.group))
      .map((s): Leftover => ({
        kind: 'schedule',
        id: `${s.group}/${s.name}`,
        reason: 'may still start tasks on this cluster: not changed before the run stopped'
      }))
  },

  countRows(r, left) {
    return rowWhenAny(
      {
        label: 'Scheduler schedules starting tasks',
        found: r.found.schedules ?? 0,
        removed: r.schedules?.length ?? 0,
        leftoverKind: 'schedule'
      },
      left
    )
  },

  doneLists(r) {
    return [
      {
        title: 'EventBridge Scheduler schedules that started tasks',
        items: (r.schedules ?? []).map(s => `${code(`${s.group}/${s.name}`)}: ${s.action}`)
      }
    ]
  }
}

type SchedulerContext = CallContext & { scheduler: SendPort }

/**
 * The schedules whose target is this cluster: every page of ListSchedules (all groups; a summary
 * names only the target's Arn), then GetSchedule for each of those to learn the task definition.
 * A schedule deleted between the two reads is skipped.
 */
async function findSchedules(
  ctx: FindContext,
  clusterArn: string,
  families: ReadonlySet<string> | undefined
): Promise<ScheduleInfo[]> {
  const summaries = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.scheduler,
      new (await sdk.scheduler()).ListSchedulesCommand({
        MaxResults: Limits.eventsPageSize,
        NextToken: nextToken
      })
    )
    return { items: out.Schedules ?? [], nextToken: out.NextToken }
  })
  const onCluster = summaries.filter(s => s.Target?.Arn === clusterArn && s.Name)
  const found = await Promise.all(onCluster.map(s => readSchedule(ctx, s.Name!, s.GroupName ?? 'default')))
  return found.filter(
    (s): s is ScheduleInfo => s !== undefined && (!families || families.has(familyOfRef(s.taskDefinition)))
  )
}

async function readSchedule(
  ctx: SchedulerContext,
  name: string,
  group: string
): Promise<ScheduleInfo | undefined> {
  try {
    const definition = await callAws(
      ctx,
      ctx.scheduler,
      new (await sdk.scheduler()).GetScheduleCommand({ Name: name, GroupName: group })
    )
    return {
      name,
      group,
      taskDefinition: definition.Target?.EcsParameters?.TaskDefinitionArn ?? '',
      definition
    }
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined
    throw error
  }
}

async function stopSchedule(ctx: ApplyContext, s: ScheduleInfo, mode: TriggerMode): Promise<void> {
  const d = s.definition
  try {
    if (mode === 'disable') {
      await callAws(
        ctx,
        ctx.scheduler,
        new (await sdk.scheduler()).UpdateScheduleCommand({
          Name: s.name,
          GroupName: s.group,
          ScheduleExpression: d.ScheduleExpression,
          ScheduleExpressionTimezone: d.ScheduleExpressionTimezone,
          StartDate: d.StartDate,
          EndDate: d.EndDate,
          Description: d.Description,
          KmsKeyArn: d.KmsKeyArn,
          Target: d.Target,
          FlexibleTimeWindow: d.FlexibleTimeWindow,
          ActionAfterCompletion: d.ActionAfterCompletion,
          State: 'DISABLED'
        })
      )
    } else {
      await callAws(
        ctx,
        ctx.scheduler,
        new (await sdk.scheduler()).DeleteScheduleCommand({ Name: s.name, GroupName: s.group })
      )
    }
  } catch (error) {
    if (!isAwsError(error, 'ResourceNotFoundException')) throw error
    ctx.log.info(`EventBridge Scheduler schedule ${s.group}/${s.name} is already deleted`)
    return
  }
  const action = mode === 'disable' ? 'disabled' : 'deleted'
  const related = relatedReport(ctx.report)
  related.schedules = [...(related.schedules ?? []), { name: s.name, group: s.group, action }]
  ctx.log.info(
    `${action === 'disabled' ? 'Disabled' : 'Deleted'} EventBridge Scheduler schedule ${s.group}/${s.name}`
  )
}
