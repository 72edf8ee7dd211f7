import { CloudWatchLogsServiceException } from '@aws-sdk/client-cloudwatch-logs'
import type { EcsSim } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of the CloudWatch Logs calls a teardown makes: DeleteLogGroup refuses a name that
 * is not a log group name (InvalidParameterException) and answers ResourceNotFoundException for a
 * group that does not exist. One test per rule in __tests__/sim/related-sims.test.ts.
 */

export const LOGS_MUTATING_OPERATIONS = new Set(['DeleteLogGroup', 'CreateLogGroup'])

const LOG_GROUP_NAME = /^[.\-_/#A-Za-z0-9]{1,512}$/

export class LogsSim extends ServiceSim {
  readonly groups = new Map<string, { createdAt: number; storedBytes: number }>()

  constructor(ecs: EcsSim, options: { latencyMs?: number } = {}) {
    super(
      ecs,
      { name: 'CloudWatch Logs', iamPrefix: 'logs', exception: CloudWatchLogsServiceException },
      LOGS_MUTATING_OPERATIONS,
      options.latencyMs
    )
  }

  createLogGroup(name: string, storedBytes = 1_000_000): void {
    this.groups.set(name, { createdAt: this.now, storedBytes })
  }

  protected opDeleteLogGroup(input: Record<string, unknown>): unknown {
    const name = String(input.logGroupName ?? '')
    if (!LOG_GROUP_NAME.test(name))
      throw this.error(
        'InvalidParameterException',
        `1 validation error detected: Value '${name}' at 'logGroupName' failed to satisfy constraint`
      )
    if (!this.groups.has(name))
      throw this.error('ResourceNotFoundException', 'The specified log group does not exist.')
    this.groups.delete(name)
    return {}
  }
}
