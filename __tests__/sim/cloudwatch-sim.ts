import { CloudWatchServiceException } from '@aws-sdk/client-cloudwatch'
import { ACCOUNT, type EcsSim } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A minimal strict model of CloudWatch metric alarms, after botocore's `cloudwatch` service-2.json:
 * the alarms a step-scaling policy acts on. DeleteScalingPolicy does not delete them, so they
 * outlive the cluster and bill.
 * - DescribeAlarms: AlarmNames (at most 100), AlarmNamePrefix, ActionPrefix; MaxRecords 1–100
 *   (ValidationError), NextToken (InvalidNextToken when it is not one of this list's).
 * - DeleteAlarms: 1–100 names; if one does not exist, nothing is deleted (ResourceNotFound).
 * `trigger(name)` puts an alarm in ALARM: each of its actions that is an Application Auto Scaling
 * policy runs (see AutoScalingSim). One test per rule in __tests__/sim/autoscaling-sim.test.ts.
 */

export const CLOUDWATCH_MUTATING_OPERATIONS = new Set(['DeleteAlarms', 'PutMetricAlarm', 'SetAlarmState'])

export interface SimAlarm {
  name: string
  arn: string
  alarmActions: string[]
  state: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA'
}

export class CloudWatchSim extends ServiceSim {
  readonly alarms = new Map<string, SimAlarm>()
  /** Called with each action ARN of an alarm that goes into ALARM. */
  readonly actionHandlers: ((actionArn: string) => void)[] = []

  constructor(ecs: EcsSim, options: { latencyMs?: number } = {}) {
    super(
      ecs,
      { name: 'CloudWatch', iamPrefix: 'cloudwatch', exception: CloudWatchServiceException },
      CLOUDWATCH_MUTATING_OPERATIONS,
      options.latencyMs
    )
  }

  putAlarm(name: string, alarmActions: string[]): SimAlarm {
    const alarm: SimAlarm = {
      name,
      arn: `arn:aws:cloudwatch:${this.region}:${ACCOUNT}:alarm:${name}`,
      alarmActions,
      state: 'OK'
    }
    this.alarms.set(name, alarm)
    return alarm
  }

  /** The alarm goes into ALARM and its actions run. */
  trigger(name: string): void {
    const alarm = this.alarms.get(name)
    if (!alarm) throw new Error(`no alarm ${name} in the simulator`)
    alarm.state = 'ALARM'
    for (const action of alarm.alarmActions) for (const handle of this.actionHandlers) handle(action)
  }

  protected override deniedName(): string {
    return 'AccessDenied'
  }

  protected opDescribeAlarms(input: Record<string, unknown>): unknown {
    const names = input.AlarmNames as string[] | undefined
    if (names && names.length > 100)
      throw this.error(
        'ValidationError',
        "Value at 'alarmNames' failed to satisfy constraint: Member must have length less than or equal to 100"
      )
    const size = input.MaxRecords === undefined ? 50 : Number(input.MaxRecords)
    if (!Number.isInteger(size) || size < 1 || size > 100)
      throw this.error(
        'ValidationError',
        "Value at 'maxRecords' failed to satisfy constraint: Member must have value between 1 and 100"
      )
    const prefix = typeof input.AlarmNamePrefix === 'string' ? input.AlarmNamePrefix : undefined
    const actionPrefix = typeof input.ActionPrefix === 'string' ? input.ActionPrefix : undefined
    const alarms = [...this.alarms.values()]
      .filter(a => !names || names.includes(a.name))
      .filter(a => prefix === undefined || a.name.startsWith(prefix))
      .filter(a => actionPrefix === undefined || a.alarmActions.some(x => x.startsWith(actionPrefix)))
      .sort((a, b) => a.name.localeCompare(b.name))
    const page = this.page(
      alarms,
      a => a.name,
      input.NextToken,
      size,
      'alarms',
      () => this.error('InvalidNextToken', 'The service returned an invalid next token.')
    )
    return {
      MetricAlarms: page.items.map(a => ({
        AlarmName: a.name,
        AlarmArn: a.arn,
        ActionsEnabled: true,
        AlarmActions: a.alarmActions,
        OKActions: [],
        InsufficientDataActions: [],
        StateValue: a.state,
        MetricName: 'CPUUtilization',
        Namespace: 'AWS/ECS'
      })),
      CompositeAlarms: [],
      NextToken: page.nextToken
    }
  }

  protected opDeleteAlarms(input: Record<string, unknown>): unknown {
    const names = (input.AlarmNames as string[] | undefined) ?? []
    if (names.length < 1 || names.length > 100)
      throw this.error(
        'ValidationError',
        "Value at 'alarmNames' failed to satisfy constraint: Member must have length between 1 and 100"
      )
    const missing = names.filter(n => !this.alarms.has(n))
    if (missing.length > 0) throw this.error('ResourceNotFound', `Alarm ${missing[0]} does not exist.`, 404)
    for (const n of names) this.alarms.delete(n)
    return {}
  }
}
