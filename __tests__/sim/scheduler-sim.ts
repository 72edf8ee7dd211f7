import { SchedulerServiceException } from '@aws-sdk/client-scheduler'
import { ACCOUNT, type EcsSim } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of EventBridge Scheduler (botocore `scheduler` 2021-06-30) as a teardown meets it,
 * on the EcsSim's virtual time, with schedules that really start tasks: while a `rate` schedule is
 * ENABLED, every `rateMs` it runs a task on its cluster, from a templated ECS target (`Target.Arn`
 * is the cluster's ARN, `EcsParameters.TaskDefinitionArn`) or from the universal target
 * `arn:aws:scheduler:::aws-sdk:ecs:runTask` (the RunTask request in `Target.Input`).
 * - ListSchedules: `MaxResults` 1–100, pages with NextToken; filters GroupName (a group that does not
 *   exist is ResourceNotFoundException), NamePrefix and State; every group without GroupName; the
 *   summaries carry Target.Arn only (never the input).
 * - GetSchedule, UpdateSchedule, DeleteSchedule: GroupName left out means `default`; a schedule
 *   that does not exist is ResourceNotFoundException.
 * - UpdateSchedule replaces the whole schedule: ScheduleExpression, FlexibleTimeWindow (with Mode)
 *   and Target (with Arn and RoleArn) are required (ValidationException), and every optional field
 *   left out is reset (Description, StartDate, Input…). A StartDate more than 5 minutes in the past
 *   is refused (ValidationException).
 * One test per rule in __tests__/sim/scheduler-sim.test.ts.
 */

export interface SimScheduleTarget {
  Arn: string
  RoleArn: string
  Input?: string
  EcsParameters?: { TaskDefinitionArn: string; TaskCount?: number; LaunchType?: string }
}

export interface SimSchedule {
  Name: string
  GroupName: string
  Arn: string
  ScheduleExpression: string
  State: 'ENABLED' | 'DISABLED'
  FlexibleTimeWindow: { Mode: string; MaximumWindowInMinutes?: number }
  Target: SimScheduleTarget
  Description?: string
  StartDate?: Date
  ScheduleExpressionTimezone?: string
  /** From `rate(n seconds|minutes)`: how often it fires; undefined for other expressions. */
  rateMs?: number
  /** Virtual time of the last firing accounted for. */
  firedUntil: number
}

export const SCHEDULER_MUTATING_OPERATIONS = new Set([
  'CreateSchedule',
  'UpdateSchedule',
  'DeleteSchedule',
  'CreateScheduleGroup',
  'DeleteScheduleGroup'
])

/** The universal target that runs ECS tasks. */
export const UNIVERSAL_RUN_TASK = 'arn:aws:scheduler:::aws-sdk:ecs:runTask'

const START_DATE_SLACK_MS = 5 * 60_000

export class SchedulerSim extends ServiceSim {
  readonly groups = new Set<string>(['default'])
  /** By `group/name`. */
  readonly schedules = new Map<string, SimSchedule>()
  /** Tasks the schedules started, in order. */
  readonly started: { schedule: string; at: number; taskArn: string }[] = []

  constructor(ecs: EcsSim, options: { latencyMs?: number } = {}) {
    super(
      ecs,
      { name: 'EventBridge Scheduler', iamPrefix: 'scheduler', exception: SchedulerServiceException },
      SCHEDULER_MUTATING_OPERATIONS,
      options.latencyMs
    )
    ecs.observers.push(now => this.fire(now))
  }

  // ---------------------------------------------------------------- building a scenario

  createGroup(name: string): void {
    this.groups.add(name)
  }

  /** A `rate` schedule that runs `taskDefinitionArn` on `clusterArn`, with a templated ECS target. */
  putEcsSchedule(
    name: string,
    clusterArn: string,
    taskDefinitionArn: string,
    opts: { group?: string; rateMs?: number; state?: SimSchedule['State'] } = {}
  ): SimSchedule {
    return this.put(name, opts, {
      Arn: clusterArn,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/scheduler-ecs`,
      EcsParameters: { TaskDefinitionArn: taskDefinitionArn, TaskCount: 1, LaunchType: 'EC2' }
    })
  }

  /** A `rate` schedule with the universal target aws-sdk:ecs:runTask: the request in its input. */
  putUniversalSchedule(
    name: string,
    request: Record<string, unknown>,
    opts: { group?: string; rateMs?: number; state?: SimSchedule['State'] } = {}
  ): SimSchedule {
    return this.put(name, opts, {
      Arn: UNIVERSAL_RUN_TASK,
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/scheduler-ecs`,
      Input: JSON.stringify(request)
    })
  }

  /** Any other target (a Lambda function, a queue…). */
  putOtherSchedule(name: string, arn: string, opts: { group?: string } = {}): SimSchedule {
    return this.put(name, opts, { Arn: arn, RoleArn: `arn:aws:iam::${ACCOUNT}:role/scheduler-other` })
  }

  private put(
    name: string,
    opts: { group?: string; rateMs?: number; state?: SimSchedule['State'] },
    target: SimScheduleTarget
  ): SimSchedule {
    const group = opts.group ?? 'default'
    if (!this.groups.has(group)) throw new Error(`no schedule group ${group}: createGroup first`)
    const rateMs = opts.rateMs ?? 60_000
    const schedule: SimSchedule = {
      Name: name,
      GroupName: group,
      Arn: `arn:aws:scheduler:${this.region}:${ACCOUNT}:schedule/${group}/${name}`,
      ScheduleExpression: `rate(${Math.round(rateMs / 60_000) || 1} minutes)`,
      State: opts.state ?? 'ENABLED',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: target,
      Description: `starts ${name}`,
      StartDate: new Date(this.now),
      rateMs,
      firedUntil: this.now
    }
    this.schedules.set(`${group}/${name}`, schedule)
    return schedule
  }

  /**
   * Every firing due since the last look starts its task, as long as the schedule is enabled and
   * its cluster is ACTIVE. Runs before each ECS and Scheduler call.
   */
  fire(now: number): void {
    for (const schedule of this.schedules.values()) {
      if (!schedule.rateMs) continue
      while (schedule.firedUntil + schedule.rateMs <= now) {
        schedule.firedUntil += schedule.rateMs
        if (schedule.State !== 'ENABLED') continue
        const run = this.runTaskRequest(schedule.Target)
        if (!run) continue
        const cluster = this.ecs.clusters.get(run.cluster)
        // RunTask on a deleted cluster fails; the schedule itself does not notice.
        if (!cluster || this.ecs.clusterStatus(cluster) !== 'ACTIVE') continue
        const task = this.ecs.runTask(cluster.arn, {
          taskDefinition: run.taskDefinition,
          startedBy: `scheduler/${schedule.Name}`.slice(0, 36)
        })
        this.started.push({
          schedule: `${schedule.GroupName}/${schedule.Name}`,
          at: schedule.firedUntil,
          taskArn: task.arn
        })
      }
    }
  }

  /** The cluster (ARN) and task definition a target runs, if it runs ECS tasks. */
  private runTaskRequest(target: SimScheduleTarget): { cluster: string; taskDefinition: string } | undefined {
    if (target.EcsParameters)
      return { cluster: target.Arn, taskDefinition: target.EcsParameters.TaskDefinitionArn }
    if (target.Arn !== UNIVERSAL_RUN_TASK || !target.Input) return undefined
    const request = JSON.parse(target.Input) as { Cluster?: string; TaskDefinition?: string }
    const ref = request.Cluster ?? 'default'
    const cluster = [...this.ecs.clusters.values()].find(c => c.arn === ref || c.name === ref)
    return cluster && request.TaskDefinition
      ? { cluster: cluster.arn, taskDefinition: request.TaskDefinition }
      : undefined
  }

  protected override settle(): void {
    this.fire(this.now)
  }

  // ---------------------------------------------------------------- the API

  protected opListSchedules(input: Record<string, unknown>): unknown {
    const max = input.MaxResults === undefined ? 100 : Number(input.MaxResults)
    if (!Number.isInteger(max) || max < 1 || max > 100)
      throw this.validation('maxResults', 'must be less than or equal to 100 and greater than or equal to 1')
    if (input.GroupName !== undefined && !this.groups.has(String(input.GroupName)))
      throw this.error(
        'ResourceNotFoundException',
        `Schedule group ${String(input.GroupName)} does not exist.`
      )
    const all = [...this.schedules.values()]
      .filter(s => input.GroupName === undefined || s.GroupName === input.GroupName)
      .filter(s => input.NamePrefix === undefined || s.Name.startsWith(String(input.NamePrefix)))
      .filter(s => input.State === undefined || s.State === input.State)
      .sort((a, b) => key(a).localeCompare(key(b)))
    const page = this.page(
      all,
      key,
      input.NextToken,
      max,
      `schedules:${String(input.GroupName ?? '*')}`,
      () => this.validation('nextToken', 'is not valid')
    )
    return {
      Schedules: page.items.map(s => ({
        Arn: s.Arn,
        Name: s.Name,
        GroupName: s.GroupName,
        State: s.State,
        Target: { Arn: s.Target.Arn }
      })),
      NextToken: page.nextToken
    }
  }

  protected opGetSchedule(input: Record<string, unknown>): unknown {
    const s = this.require(input)
    return {
      Arn: s.Arn,
      Name: s.Name,
      GroupName: s.GroupName,
      ScheduleExpression: s.ScheduleExpression,
      State: s.State,
      FlexibleTimeWindow: s.FlexibleTimeWindow,
      Target: s.Target,
      ...(s.Description !== undefined ? { Description: s.Description } : {}),
      ...(s.StartDate !== undefined ? { StartDate: s.StartDate } : {}),
      ...(s.ScheduleExpressionTimezone !== undefined
        ? { ScheduleExpressionTimezone: s.ScheduleExpressionTimezone }
        : {})
    }
  }

  protected opUpdateSchedule(input: Record<string, unknown>): unknown {
    for (const field of ['ScheduleExpression', 'FlexibleTimeWindow', 'Target'] as const)
      if (input[field] === undefined) throw this.validation(field, 'must not be null')
    const window = input.FlexibleTimeWindow as { Mode?: string; MaximumWindowInMinutes?: number }
    if (!window.Mode) throw this.validation('flexibleTimeWindow.mode', 'must not be null')
    const target = input.Target as Partial<SimScheduleTarget>
    if (!target.Arn || !target.RoleArn) throw this.validation('target.roleArn', 'must not be null')
    const s = this.require(input)
    const start = input.StartDate as Date | undefined
    if (start !== undefined && start.getTime() < this.now - START_DATE_SLACK_MS)
      throw this.error(
        'ValidationException',
        'The StartDate you specify cannot be earlier than 5 minutes ago.'
      )
    // The whole schedule is replaced: what the request leaves out goes back to its default.
    s.ScheduleExpression = String(input.ScheduleExpression)
    s.FlexibleTimeWindow = {
      Mode: window.Mode,
      ...(window.MaximumWindowInMinutes ? { MaximumWindowInMinutes: window.MaximumWindowInMinutes } : {})
    }
    s.Target = structuredClone(target) as SimScheduleTarget
    s.State = input.State === 'DISABLED' ? 'DISABLED' : 'ENABLED'
    s.Description = input.Description as string | undefined
    s.StartDate = start
    s.ScheduleExpressionTimezone = input.ScheduleExpressionTimezone as string | undefined
    return { ScheduleArn: s.Arn }
  }

  protected opDeleteSchedule(input: Record<string, unknown>): unknown {
    const s = this.require(input)
    this.schedules.delete(key(s))
    return {}
  }

  // ---------------------------------------------------------------- rules of the model

  private require(input: Record<string, unknown>): SimSchedule {
    if (typeof input.Name !== 'string' || input.Name === '') throw this.validation('name', 'must not be null')
    const group = input.GroupName === undefined ? 'default' : String(input.GroupName)
    const s = this.schedules.get(`${group}/${input.Name}`)
    if (!s) throw this.error('ResourceNotFoundException', `Schedule ${input.Name} does not exist.`)
    return s
  }

  private validation(field: string, problem: string): Error {
    return this.error(
      'ValidationException',
      `1 validation error detected: Value at '${field}' failed to satisfy constraint: Member ${problem}`
    )
  }
}

function key(s: SimSchedule): string {
  return `${s.GroupName}/${s.Name}`
}
