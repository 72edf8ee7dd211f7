import { ApplicationAutoScalingServiceException } from '@aws-sdk/client-application-auto-scaling'
import type { CloudWatchSim } from './cloudwatch-sim.js'
import { ACCOUNT, type EcsSim } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of Application Auto Scaling for ECS services, after botocore's
 * `application-autoscaling` service-2.json, on the EcsSim's virtual time, that really scales: a
 * scheduled action fires at its time (`at(…)`, or every period of `rate(…)`) and a step-scaling
 * policy runs when one of its CloudWatch alarms goes into ALARM; each sets the service's desired
 * count through ECS's UpdateService, which ECS refuses once the service is DRAINING or INACTIVE.
 * - DescribeScalableTargets, DescribeScalingPolicies, DescribeScheduledActions: ServiceNamespace is
 *   required; MaxResults 1–50 (ValidationException); NextToken (InvalidNextTokenException when it
 *   is not one of this list's).
 * - DescribeScalableTargets: at most 50 ResourceIds (the model's ResourceIdsMaxLen1600, max 50), and
 *   ScalableDimension only with ResourceIds ("If you specify a scalable dimension, you must also
 *   specify a resource ID", the model's documentation); both a ValidationException. There is no
 *   prefix filter: without ResourceIds it lists every target of the namespace.
 * - RegisterScalableTarget: a new target needs MinCapacity and MaxCapacity, and an ACTIVE ECS
 *   service (ValidationException); for a registered one it changes only what it is given
 *   (SuspendedState included): assumed, not verified, that it does not look at the service again.
 *   A suspended target ignores its scheduled actions (ScheduledScalingSuspended) and its policies
 *   (DynamicScalingOutSuspended / DynamicScalingInSuspended).
 * - DeregisterScalableTarget: ObjectNotFoundException for a target that is not registered; it
 *   deletes the target's policies and scheduled actions, and the alarms of its target-tracking
 *   policies, but not the alarms of its step-scaling policies.
 * - Deleting the ECS service leaves its scalable target registered.
 * One test per rule in __tests__/sim/autoscaling-sim.test.ts.
 */

export const AUTOSCALING_MUTATING_OPERATIONS = new Set([
  'RegisterScalableTarget',
  'DeregisterScalableTarget',
  'PutScalingPolicy',
  'DeleteScalingPolicy',
  'PutScheduledAction',
  'DeleteScheduledAction'
])

export const ECS_DIMENSION = 'ecs:service:DesiredCount'

export interface SimScalableTarget {
  resourceId: string
  min: number
  max: number
  createdAt: number
  suspended: { in: boolean; out: boolean; scheduled: boolean }
}

export interface SimScalingPolicy {
  name: string
  arn: string
  resourceId: string
  type: 'StepScaling' | 'TargetTrackingScaling'
  /** Step scaling: how many tasks one alarm adds (negative: removes). */
  adjustment: number
  alarms: string[]
}

export interface SimScheduledAction {
  name: string
  arn: string
  resourceId: string
  schedule: string
  min?: number
  max?: number
  /** Virtual time of the next firing; undefined once an `at(…)` action has fired. */
  nextAt?: number
  periodMs?: number
}

/** What each firing did, for a test to read. */
export interface SimScalingEvent {
  at: number
  by: string
  resourceId: string
  desiredCount?: number
  refused?: string
  suspended?: boolean
}

const RATE = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/
const AT = /^at\((\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\)$/

export class AutoScalingSim extends ServiceSim {
  readonly targets = new Map<string, SimScalableTarget>()
  readonly policies = new Map<string, SimScalingPolicy>()
  readonly scheduledActions = new Map<string, SimScheduledAction>()
  readonly events: SimScalingEvent[] = []
  private seq = 0

  constructor(
    ecs: EcsSim,
    private readonly cloudwatch: CloudWatchSim,
    options: { latencyMs?: number } = {}
  ) {
    super(
      ecs,
      {
        name: 'Application Auto Scaling',
        iamPrefix: 'application-autoscaling',
        exception: ApplicationAutoScalingServiceException
      },
      AUTOSCALING_MUTATING_OPERATIONS,
      options.latencyMs
    )
    ecs.observers.push(now => this.fire(now))
    cloudwatch.actionHandlers.push(arn => this.runPolicy(arn))
  }

  // ---------------------------------------------------------------- building a scenario

  static resourceId(cluster: string, service: string): string {
    return `service/${cluster}/${service}`
  }

  registerTarget(resourceId: string, min = 1, max = 10): SimScalableTarget {
    const target: SimScalableTarget = {
      resourceId,
      min,
      max,
      createdAt: this.now,
      suspended: { in: false, out: false, scheduled: false }
    }
    this.targets.set(resourceId, target)
    return target
  }

  /** A step-scaling policy that adds `adjustment` tasks, and the alarm that runs it. */
  putStepPolicy(resourceId: string, name: string, adjustment = 2): SimScalingPolicy {
    const policy = this.putPolicy(resourceId, name, 'StepScaling', adjustment)
    const alarm = this.cloudwatch.putAlarm(`${name}-alarm`, [policy.arn])
    policy.alarms.push(alarm.name)
    return policy
  }

  /** A target-tracking policy, with the two alarms Application Auto Scaling makes and owns. */
  putTargetTrackingPolicy(resourceId: string, name: string): SimScalingPolicy {
    const policy = this.putPolicy(resourceId, name, 'TargetTrackingScaling', 0)
    for (const side of ['AlarmHigh', 'AlarmLow']) {
      const alarm = this.cloudwatch.putAlarm(`TargetTracking-${resourceId}-${side}-${this.hex()}`, [
        policy.arn
      ])
      policy.alarms.push(alarm.name)
    }
    return policy
  }

  /** A scheduled action: `at(yyyy-mm-ddThh:mm:ss)` (UTC) or `rate(N minutes|hours|days)`. */
  putScheduledAction(
    resourceId: string,
    name: string,
    schedule: string,
    capacity: { min?: number; max?: number }
  ): SimScheduledAction {
    let nextAt: number
    let periodMs: number | undefined
    const rate = RATE.exec(schedule)
    const at = AT.exec(schedule)
    if (rate) {
      const unit = rate[2]!.startsWith('minute')
        ? 60_000
        : rate[2]!.startsWith('hour')
          ? 3_600_000
          : 86_400_000
      periodMs = Number(rate[1]) * unit
      nextAt = this.now + periodMs
    } else if (at) {
      nextAt = Date.parse(`${at[1]}Z`)
    } else throw new Error(`the simulator does not model the schedule ${schedule}`)
    const action: SimScheduledAction = {
      name,
      arn: `arn:aws:autoscaling:${this.region}:${ACCOUNT}:scheduledAction:${this.hex()}:resource/ecs/${resourceId}:scheduledActionName/${name}`,
      resourceId,
      schedule,
      ...capacity,
      nextAt,
      ...(periodMs ? { periodMs } : {})
    }
    this.scheduledActions.set(action.arn, action)
    return action
  }

  // ---------------------------------------------------------------- scaling by itself

  /** Every scheduled action due since the last look fires, in time order. */
  fire(now: number): void {
    for (;;) {
      const due = [...this.scheduledActions.values()]
        .filter(a => a.nextAt !== undefined && a.nextAt <= now)
        .sort((a, b) => a.nextAt! - b.nextAt!)[0]
      if (!due) return
      const at = due.nextAt!
      due.nextAt = due.periodMs ? at + due.periodMs : undefined
      const target = this.targets.get(due.resourceId)
      if (!target) continue
      if (target.suspended.scheduled) {
        this.events.push({ at, by: due.name, resourceId: due.resourceId, suspended: true })
        continue
      }
      if (due.min !== undefined) target.min = due.min
      if (due.max !== undefined) target.max = due.max
      this.scaleTo(target, due.name, current => Math.min(target.max, Math.max(target.min, current)), at)
    }
  }

  private runPolicy(policyArn: string): void {
    const policy = [...this.policies.values()].find(p => p.arn === policyArn)
    if (!policy || policy.type !== 'StepScaling') return
    const target = this.targets.get(policy.resourceId)
    if (!target) return
    if (policy.adjustment > 0 ? target.suspended.out : target.suspended.in) {
      this.events.push({ at: this.now, by: policy.name, resourceId: policy.resourceId, suspended: true })
      return
    }
    this.scaleTo(
      target,
      policy.name,
      c => Math.min(target.max, Math.max(target.min, c + policy.adjustment)),
      this.now
    )
  }

  private scaleTo(
    target: SimScalableTarget,
    by: string,
    desired: (current: number) => number,
    at: number
  ): void {
    const [, cluster, service] = target.resourceId.split('/')
    const s = [...this.ecs.services.values()].find(
      x => x.name === service && x.clusterArn.endsWith(`:cluster/${cluster}`) && !x.purged
    )
    const current = s?.desiredCount ?? 0
    const next = desired(current)
    const event: SimScalingEvent = { at, by, resourceId: target.resourceId, desiredCount: next }
    this.events.push(event)
    if (next === current && s && this.ecs.serviceStatus(s) === 'ACTIVE') return
    try {
      this.ecs.updateServiceFromAws({ cluster: cluster!, service: service!, desiredCount: next })
    } catch (error) {
      event.refused = (error as Error).name
    }
  }

  protected override settle(): void {
    this.fire(this.now)
  }

  // ---------------------------------------------------------------- the API

  protected opDescribeScalableTargets(input: Record<string, unknown>): unknown {
    this.requireNamespace(input)
    const ids = input.ResourceIds as string[] | undefined
    if (ids && ids.length > 50)
      throw this.error('ValidationException', 'ResourceIds: member must have length less than or equal to 50')
    if (input.ScalableDimension !== undefined && !ids?.length)
      throw this.error(
        'ValidationException',
        'If you specify a scalable dimension, you must also specify a resource ID'
      )
    const targets = [...this.targets.values()]
      .filter(t => !ids || ids.includes(t.resourceId))
      .filter(() => input.ScalableDimension === undefined || input.ScalableDimension === ECS_DIMENSION)
      .sort((a, b) => a.resourceId.localeCompare(b.resourceId))
    const page = this.tokenPage(targets, t => t.resourceId, input, 'targets')
    return {
      ScalableTargets: page.items.map(t => ({
        ServiceNamespace: 'ecs',
        ResourceId: t.resourceId,
        ScalableDimension: ECS_DIMENSION,
        MinCapacity: t.min,
        MaxCapacity: t.max,
        RoleARN: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ecs.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_ECSService`,
        CreationTime: new Date(t.createdAt),
        SuspendedState: {
          DynamicScalingInSuspended: t.suspended.in,
          DynamicScalingOutSuspended: t.suspended.out,
          ScheduledScalingSuspended: t.suspended.scheduled
        },
        ScalableTargetARN: `arn:aws:application-autoscaling:${this.region}:${ACCOUNT}:scalable-target/${Buffer.from(t.resourceId).toString('hex').slice(0, 28)}`
      })),
      NextToken: page.nextToken
    }
  }

  protected opDescribeScalingPolicies(input: Record<string, unknown>): unknown {
    this.requireNamespace(input)
    const names = input.PolicyNames as string[] | undefined
    const policies = [...this.policies.values()]
      .filter(p => input.ResourceId === undefined || p.resourceId === input.ResourceId)
      .filter(p => !names || names.includes(p.name))
      .sort((a, b) => a.arn.localeCompare(b.arn))
    const page = this.tokenPage(policies, p => p.arn, input, 'policies')
    return {
      ScalingPolicies: page.items.map(p => ({
        PolicyARN: p.arn,
        PolicyName: p.name,
        ServiceNamespace: 'ecs',
        ResourceId: p.resourceId,
        ScalableDimension: ECS_DIMENSION,
        PolicyType: p.type,
        ...(p.type === 'StepScaling'
          ? {
              StepScalingPolicyConfiguration: {
                AdjustmentType: 'ChangeInCapacity',
                StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: p.adjustment }]
              }
            }
          : {
              TargetTrackingScalingPolicyConfiguration: {
                TargetValue: 50,
                PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' }
              }
            }),
        Alarms: p.alarms.map(name => ({
          AlarmName: name,
          AlarmARN: `arn:aws:cloudwatch:${this.region}:${ACCOUNT}:alarm:${name}`
        })),
        CreationTime: new Date(0)
      })),
      NextToken: page.nextToken
    }
  }

  protected opDescribeScheduledActions(input: Record<string, unknown>): unknown {
    this.requireNamespace(input)
    const names = input.ScheduledActionNames as string[] | undefined
    const actions = [...this.scheduledActions.values()]
      .filter(a => input.ResourceId === undefined || a.resourceId === input.ResourceId)
      .filter(a => !names || names.includes(a.name))
      .sort((a, b) => a.arn.localeCompare(b.arn))
    const page = this.tokenPage(actions, a => a.arn, input, 'scheduled-actions')
    return {
      ScheduledActions: page.items.map(a => ({
        ScheduledActionName: a.name,
        ScheduledActionARN: a.arn,
        ServiceNamespace: 'ecs',
        Schedule: a.schedule,
        ResourceId: a.resourceId,
        ScalableDimension: ECS_DIMENSION,
        ScalableTargetAction: {
          ...(a.min !== undefined ? { MinCapacity: a.min } : {}),
          ...(a.max !== undefined ? { MaxCapacity: a.max } : {})
        },
        CreationTime: new Date(0)
      })),
      NextToken: page.nextToken
    }
  }

  protected opRegisterScalableTarget(input: Record<string, unknown>): unknown {
    const resourceId = this.requireKey(input)
    let target = this.targets.get(resourceId)
    if (!target) {
      if (input.MinCapacity === undefined || input.MaxCapacity === undefined)
        throw this.error(
          'ValidationException',
          'MinCapacity and MaxCapacity are required to register a new scalable target'
        )
      const [, cluster, service] = resourceId.split('/')
      const s = [...this.ecs.services.values()].find(
        x => x.name === service && x.clusterArn.endsWith(`:cluster/${cluster}`) && !x.purged
      )
      if (!s || this.ecs.serviceStatus(s) !== 'ACTIVE')
        throw this.error('ValidationException', `ECS service doesn't exist: ${resourceId}`)
      target = this.registerTarget(resourceId, Number(input.MinCapacity), Number(input.MaxCapacity))
    } else {
      if (input.MinCapacity !== undefined) target.min = Number(input.MinCapacity)
      if (input.MaxCapacity !== undefined) target.max = Number(input.MaxCapacity)
    }
    const state = input.SuspendedState as
      | {
          DynamicScalingInSuspended?: boolean
          DynamicScalingOutSuspended?: boolean
          ScheduledScalingSuspended?: boolean
        }
      | undefined
    if (state) {
      target.suspended = {
        in: state.DynamicScalingInSuspended ?? target.suspended.in,
        out: state.DynamicScalingOutSuspended ?? target.suspended.out,
        scheduled: state.ScheduledScalingSuspended ?? target.suspended.scheduled
      }
    }
    return {
      ScalableTargetARN: `arn:aws:application-autoscaling:${this.region}:${ACCOUNT}:scalable-target/${Buffer.from(resourceId).toString('hex').slice(0, 28)}`
    }
  }

  protected opDeregisterScalableTarget(input: Record<string, unknown>): unknown {
    const resourceId = this.requireKey(input)
    if (!this.targets.has(resourceId)) {
      throw this.error(
        'ObjectNotFoundException',
        `No scalable target registered for service namespace: ecs, resource ID: ${resourceId}, scalable dimension: ${ECS_DIMENSION}`
      )
    }
    this.targets.delete(resourceId)
    for (const [arn, p] of this.policies) {
      if (p.resourceId !== resourceId) continue
      this.policies.delete(arn)
      // Application Auto Scaling owns the alarms of a target-tracking policy; a step policy's are the user's.
      if (p.type === 'TargetTrackingScaling') for (const a of p.alarms) this.cloudwatch.alarms.delete(a)
    }
    for (const [arn, a] of this.scheduledActions)
      if (a.resourceId === resourceId) this.scheduledActions.delete(arn)
    return {}
  }

  // ---------------------------------------------------------------- rules of the model

  private putPolicy(
    resourceId: string,
    name: string,
    type: SimScalingPolicy['type'],
    adjustment: number
  ): SimScalingPolicy {
    const policy: SimScalingPolicy = {
      name,
      arn: `arn:aws:autoscaling:${this.region}:${ACCOUNT}:scalingPolicy:${this.hex()}:resource/ecs/${resourceId}:policyName/${name}`,
      resourceId,
      type,
      adjustment,
      alarms: []
    }
    this.policies.set(policy.arn, policy)
    return policy
  }

  private requireNamespace(input: Record<string, unknown>): void {
    if (input.ServiceNamespace === undefined)
      throw this.error(
        'ValidationException',
        "1 validation error detected: Value null at 'serviceNamespace' failed to satisfy constraint: Member must not be null"
      )
    if (input.ServiceNamespace !== 'ecs')
      throw new Error(
        `the Application Auto Scaling simulator models the ecs namespace only, not ${String(input.ServiceNamespace)}`
      )
  }

  private requireKey(input: Record<string, unknown>): string {
    this.requireNamespace(input)
    if (typeof input.ResourceId !== 'string' || typeof input.ScalableDimension !== 'string')
      throw this.error('ValidationException', 'ResourceId and ScalableDimension are required')
    if (input.ScalableDimension !== ECS_DIMENSION)
      throw this.error(
        'ValidationException',
        `Unsupported scalable dimension ${input.ScalableDimension} for namespace ecs`
      )
    if (!/^service\/[^/]+\/[^/]+$/.test(input.ResourceId))
      throw this.error('ValidationException', `Unsupported resource ID ${input.ResourceId} for namespace ecs`)
    return input.ResourceId
  }

  private tokenPage<T>(items: T[], key: (item: T) => string, input: Record<string, unknown>, kind: string) {
    const size = input.MaxResults === undefined ? 50 : Number(input.MaxResults)
    if (!Number.isInteger(size) || size < 1 || size > 50)
      throw this.error(
        'ValidationException',
        "1 validation error detected: Value at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 50"
      )
    return this.page(items, key, input.NextToken, size, kind, () =>
      this.error('InvalidNextTokenException', 'Invalid token')
    )
  }

  private hex(): string {
    return (this.seq++).toString(16).padStart(8, '0')
  }
}
