import { SchedulerServiceException } from '@aws-sdk/client-scheduler'
import { ACCOUNT, type EcsSim } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of the EventBridge Scheduler calls a teardown makes, on the EcsSim's virtual time:
 * - A schedule has one target; an ECS target's Arn is the cluster's ARN. An ENABLED schedule with a
 *   rate starts its tasks on the cluster at each firing (nothing once the cluster is gone).
 * - ListSchedules: every group, or one (GroupName); MaxResults 1–100; pages with NextToken; each
 *   summary names its target's Arn only (the task definition needs GetSchedule).
 * - GetSchedule, DeleteSchedule, UpdateSchedule: ResourceNotFoundException for an unknown schedule
 *   (GroupName default `default`). UpdateSchedule replaces the whole schedule: ScheduleExpression,
 *   Target and FlexibleTimeWindow are required (ValidationException otherwise).
 * One test per rule in __tests__/sim/scheduler-sim.test.ts.
 */

export interface SimScheduleTarget {
  Arn: string
  RoleArn: string
  EcsParameters?: { TaskDefinitionArn: string; TaskCount?: number }
}

export interface SimSchedule {
  name: string
  group: string
  state: 'ENABLED' | 'DISABLED'
  expression: string
  target: SimScheduleTarget
  flexibleTimeWindow: { Mode: string }
  /** Fires every rateMs of virtual time (a `rate(...)` expression). */
  rateMs?: number
  firedUntil: number
}

export const SCHEDULER_MUTATING_OPERATIONS = new Set(['DeleteSchedule', 'UpdateSchedule', 'CreateSchedule'])

export class SchedulerSim extends ServiceSim {
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

  /** A schedule that runs one task of `taskDefinitionArn` on `clusterArn` every `rateMs`. */
  createEcsSchedule(
    name: string,
    clusterArn: string,
    taskDefinitionArn: string,
    opts: { rateMs?: number; group?: string; state?: SimSchedule['state'] } = {}
  ): SimSchedule {
    const schedule: SimSchedule = {
      name,
      group: opts.group ?? 'default',
      state: opts.state ?? 'ENABLED',
      expression: `rate(${Math.max(1, Math.round((opts.rateMs ?? 3_600_000) / 60_000))} minutes)`,
      target: {
        Arn: clusterArn,
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/scheduler-ecs`,
        EcsParameters: { TaskDefinitionArn: taskDefinitionArn, TaskCount: 1 }
      },
      flexibleTimeWindow: { Mode: 'OFF' },
      ...(opts.rateMs ? { rateMs: opts.rateMs } : {}),
      firedUntil: this.now
    }
    this.schedules.set(this.key(schedule.group, name), schedule)
    return schedule
  }

  fire(now: number): void {
    for (const s of this.schedules.values()) {
      if (!s.rateMs) continue
      while (s.firedUntil + s.rateMs <= now) {
        s.firedUntil += s.rateMs
        const ecs = s.target.EcsParameters
        if (s.state !== 'ENABLED' || !ecs) continue
        const cluster = this.ecs.clusters.get(s.target.Arn)
        if (!cluster || this.ecs.clusterStatus(cluster) !== 'ACTIVE') continue
        const task = this.ecs.runTask(s.target.Arn, {
          taskDefinition: ecs.TaskDefinitionArn,
          startedBy: `scheduler/${s.name}`
        })
        this.started.push({ schedule: s.name, at: s.firedUntil, taskArn: task.arn })
      }
    }
  }

  protected override settle(): void {
    this.fire(this.now)
  }

  // ---------------------------------------------------------------- the API

  protected opListSchedules(input: Record<string, unknown>): unknown {
    const size = input.MaxResults === undefined ? 100 : Number(input.MaxResults)
    if (!Number.isInteger(size) || size < 1 || size > 100)
      throw this.error('ValidationException', 'MaxResults must be between 1 and 100.')
    const group = input.GroupName as string | undefined
    const items = [...this.schedules.values()]
      .filter(s => !group || s.group === group)
      .sort((a, b) => this.key(a.group, a.name).localeCompare(this.key(b.group, b.name)))
    const page = this.page(
      items,
      s => this.key(s.group, s.name),
      input.NextToken,
      size,
      `schedules:${group ?? ''}`,
      () => this.error('ValidationException', 'The NextToken is not valid.')
    )
    return {
      Schedules: page.items.map(s => ({
        Arn: this.arnOf(s),
        Name: s.name,
        GroupName: s.group,
        State: s.state,
        Target: { Arn: s.target.Arn }
      })),
      NextToken: page.nextToken
    }
  }

  protected opGetSchedule(input: Record<string, unknown>): unknown {
    const s = this.require(input)
    return {
      Arn: this.arnOf(s),
      Name: s.name,
      GroupName: s.group,
      State: s.state,
      ScheduleExpression: s.expression,
      FlexibleTimeWindow: s.flexibleTimeWindow,
      Target: s.target
    }
  }

  protected opDeleteSchedule(input: Record<string, unknown>): unknown {
    const s = this.require(input)
    this.schedules.delete(this.key(s.group, s.name))
    return {}
  }

  protected opUpdateSchedule(input: Record<string, unknown>): unknown {
    const s = this.require(input)
    for (const field of ['ScheduleExpression', 'Target', 'FlexibleTimeWindow'])
      if (input[field] === undefined)
        throw this.error('ValidationException', `1 validation error detected: ${field} must not be null.`)
    s.expression = String(input.ScheduleExpression)
    s.target = input.Target as SimScheduleTarget
    s.flexibleTimeWindow = input.FlexibleTimeWindow as SimSchedule['flexibleTimeWindow']
    s.state = input.State === 'DISABLED' ? 'DISABLED' : 'ENABLED'
    return { ScheduleArn: this.arnOf(s) }
  }

  private require(input: Record<string, unknown>): SimSchedule {
    const group = (input.GroupName as string | undefined) ?? 'default'
    const s = this.schedules.get(this.key(group, String(input.Name ?? '')))
    if (!s) throw this.error('ResourceNotFoundException', `Schedule ${String(input.Name)} does not exist.`)
    return s
  }

  arnOf(s: SimSchedule): string {
    return `arn:aws:scheduler:${this.region}:${ACCOUNT}:schedule/${s.group}/${s.name}`
  }

  private key(group: string, name: string): string {
    return `${group}/${name}`
  }
}
