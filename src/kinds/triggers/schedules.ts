import { sdk } from '../../aws/sdk.js'
import type { GetScheduleOutput } from '@aws-sdk/client-scheduler'
import type { ApplyContext } from '../../apply/context.js'
import { callAws, type CallContext, type SendPort } from '../../aws/call.js'
import { Limits } from '../../constants.js'
import type { ClusterInfo } from '../../inventory/index.js'
import { isAwsError } from '../../util/errors.js'
import { paginate } from '../../util/paginate.js'
import { relatedReport } from '../kind.js'
import { familyOf } from '../../ecs/task-definitions.js'

/** An EventBridge Scheduler schedule that starts tasks on the cluster. */
export interface ScheduleInfo {
  name: string
  group: string
  state: 'ENABLED' | 'DISABLED'
  /** `ecs`: the templated ECS RunTask target (its Arn is the cluster's); `universal`: aws-sdk:ecs:runTask. */
  target: 'ecs' | 'universal'
}

export type ScheduleContext = CallContext & { scheduler: SendPort }

/** How far in the past UpdateSchedule still accepts a StartDate (it refuses "earlier than 5 minutes ago"). */
const START_DATE_SLACK_MS = 4 * 60_000

/** The universal targets that start tasks, with the cluster in their input. */
const UNIVERSAL_ECS_TARGET = /^arn:aws[a-z-]*:scheduler:::aws-sdk:ecs:(runTask|startTask)$/

/**
 * The schedules that start tasks on this cluster. ListSchedules without a group lists every group's
 * schedules (every page); a templated ECS target names the cluster by its ARN in `Target.Arn`. A
 * universal target (`arn:aws:scheduler:::aws-sdk:ecs:runTask`) names it inside `Target.Input`,
 * which only GetSchedule returns. A schedule deleted between the two reads is skipped.
 */
export async function findSchedules(
  ctx: ScheduleContext,
  cluster: ClusterInfo,
  /**
   * Services mode: only the schedules that start these task definition families are this run's;
   * the task definition of a templated target is then read with GetSchedule too.
   */
  families?: ReadonlySet<string>
): Promise<ScheduleInfo[]> {
  const summaries = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.scheduler,
      new (await sdk.scheduler()).ListSchedulesCommand({
        MaxResults: Limits.schedulerPageSize,
        NextToken: nextToken
      })
    )
    return { items: out.Schedules ?? [], nextToken: out.NextToken }
  })
  const found: ScheduleInfo[] = []
  // Read whole: universal targets (the cluster is in the input), and in services mode templated ones
  // (the task definition is not in the summary).
  const toRead: { name: string; group: string }[] = []
  for (const s of summaries) {
    if (!s.Name) continue
    const group = s.GroupName ?? 'default'
    const arn = s.Target?.Arn ?? ''
    if (arn === cluster.arn && families) {
      toRead.push({ name: s.Name, group })
    } else if (arn === cluster.arn) {
      found.push({
        name: s.Name,
        group,
        state: s.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
        target: 'ecs'
      })
    } else if (UNIVERSAL_ECS_TARGET.test(arn)) {
      toRead.push({ name: s.Name, group })
    }
  }
  const read = await Promise.all(toRead.map(s => getSchedule(ctx, s.name, s.group)))
  for (const schedule of read) {
    if (!schedule?.Name) continue
    const templated = schedule.Target?.Arn === cluster.arn
    if (!templated && !startsTasksOn(schedule, cluster)) continue
    if (families && !families.has(familyOf(taskDefinitionOf(schedule)))) continue
    found.push({
      name: schedule.Name,
      group: schedule.GroupName ?? 'default',
      state: schedule.State === 'DISABLED' ? 'DISABLED' : 'ENABLED',
      target: templated ? 'ecs' : 'universal'
    })
  }
  return found.sort((a, b) => `${a.group}/${a.name}`.localeCompare(`${b.group}/${b.name}`))
}

/**
 * A universal ECS target's input is the RunTask (or StartTask) request: its `cluster` (the SDK's
 * `Cluster`) is the cluster's name or ARN; without one, ECS uses the cluster named `default`.
 */
export function startsTasksOn(
  schedule: GetScheduleOutput,
  cluster: Pick<ClusterInfo, 'name' | 'arn'>
): boolean {
  let input: unknown
  try {
    input = JSON.parse(schedule.Target?.Input ?? '')
  } catch {
    return false
  }
  if (typeof input !== 'object' || input === null) return false
  const key = Object.keys(input).find(k => k.toLowerCase() === 'cluster')
  const named = key === undefined ? 'default' : (input as Record<string, unknown>)[key]
  return named === cluster.name || named === cluster.arn
}

/** The task definition a schedule starts: the templated target's, or the universal target's input's. */
function taskDefinitionOf(schedule: GetScheduleOutput): string {
  const templated = schedule.Target?.EcsParameters?.TaskDefinitionArn
  if (templated) return templated
  try {
    const input = JSON.parse(schedule.Target?.Input ?? '') as Record<string, unknown>
    const key = Object.keys(input).find(k => k.toLowerCase() === 'taskdefinition')
    return key === undefined ? '' : String(input[key])
  } catch {
    return ''
  }
}

/** The whole schedule; undefined when it is gone. */
async function getSchedule(
  ctx: ScheduleContext,
  name: string,
  group: string
): Promise<GetScheduleOutput | undefined> {
  try {
    return await callAws(
      ctx,
      ctx.scheduler,
      new (await sdk.scheduler()).GetScheduleCommand({ Name: name, GroupName: group })
    )
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined
    throw error
  }
}

/** `remove`: a schedule has one target, so the schedule goes. Gone already counts as done. */
export async function deleteSchedule(ctx: ApplyContext, schedule: ScheduleInfo): Promise<void> {
  try {
    await callAws(
      ctx,
      ctx.scheduler,
      new (await sdk.scheduler()).DeleteScheduleCommand({ Name: schedule.name, GroupName: schedule.group })
    )
  } catch (error) {
    if (alreadyDeleted(ctx, schedule, error)) return
    throw error
  }
  record(ctx, schedule, 'deleted')
  ctx.log.info(
    `Deleted EventBridge Scheduler schedule ${scheduleLabel(schedule)}: it no longer starts tasks on this cluster`
  )
}

/**
 * `disable`: UpdateSchedule replaces the whole schedule, so what GetSchedule returns now is sent
 * back whole with only its state changed (anything left out would be reset to its default).
 */
export async function disableSchedule(ctx: ApplyContext, schedule: ScheduleInfo): Promise<void> {
  const current = await getSchedule(ctx, schedule.name, schedule.group)
  if (!current) {
    ctx.log.info(`Schedule ${scheduleLabel(schedule)} is already deleted`)
    return
  }
  if (current.State === 'DISABLED') {
    ctx.log.info(`Schedule ${scheduleLabel(schedule)} is already disabled`)
    return
  }
  try {
    await callAws(
      ctx,
      ctx.scheduler,
      new (await sdk.scheduler()).UpdateScheduleCommand({
        Name: current.Name ?? schedule.name,
        GroupName: current.GroupName ?? schedule.group,
        ScheduleExpression: current.ScheduleExpression,
        ScheduleExpressionTimezone: current.ScheduleExpressionTimezone,
        // Scheduler refuses a StartDate more than 5 minutes in the past; once passed, it changes
        // nothing about what runs next, so it is left out then.
        ...(current.StartDate && current.StartDate.getTime() > ctx.clock() - START_DATE_SLACK_MS
          ? { StartDate: current.StartDate }
          : {}),
        EndDate: current.EndDate,
        Description: current.Description,
        KmsKeyArn: current.KmsKeyArn,
        ActionAfterCompletion: current.ActionAfterCompletion,
        FlexibleTimeWindow: current.FlexibleTimeWindow,
        Target: current.Target,
        State: 'DISABLED'
      })
    )
  } catch (error) {
    if (alreadyDeleted(ctx, schedule, error)) return
    throw error
  }
  record(ctx, schedule, 'disabled')
  ctx.log.info(`Disabled EventBridge Scheduler schedule ${scheduleLabel(schedule)}`)
}

/** A schedule deleted meanwhile starts nothing any more. */
function alreadyDeleted(ctx: ApplyContext, schedule: ScheduleInfo, error: unknown): boolean {
  if (!isAwsError(error, 'ResourceNotFoundException')) return false
  ctx.log.info(`Schedule ${scheduleLabel(schedule)} is already deleted`)
  return true
}

function record(ctx: ApplyContext, schedule: ScheduleInfo, action: 'deleted' | 'disabled'): void {
  relatedReport(ctx.report).schedules.push({ name: schedule.name, group: schedule.group, action })
}

/** `group/name`, as a person finds it in the console. */
export function scheduleLabel(schedule: { name: string; group: string }): string {
  return `${schedule.group}/${schedule.name}`
}
