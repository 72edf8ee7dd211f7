import { SSMServiceException } from '@aws-sdk/client-ssm'
import type { EcsSim } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of Systems Manager's DeregisterManagedInstance: the id must be a managed instance
 * id (mi- and 17 hex digits), and one that is not registered is InvalidInstanceId. Every external
 * container instance of the EcsSim is a registered managed instance here. One test per rule in
 * __tests__/sim/related-sims.test.ts.
 */

export const SSM_MUTATING_OPERATIONS = new Set(['DeregisterManagedInstance'])

const MANAGED_INSTANCE_ID = /^mi-[0-9a-f]{17}$/

export class SsmSim extends ServiceSim {
  /** Managed instance ids deregistered so far. */
  readonly deregistered = new Set<string>()

  constructor(ecs: EcsSim, options: { latencyMs?: number } = {}) {
    super(
      ecs,
      { name: 'Systems Manager', iamPrefix: 'ssm', exception: SSMServiceException },
      SSM_MUTATING_OPERATIONS,
      options.latencyMs
    )
  }

  /** The managed instances still registered: those of the EcsSim's external instances not deregistered. */
  registered(): string[] {
    return [...this.ecs.containerInstances.values()]
      .filter(ci => ci.external && !this.deregistered.has(ci.ec2InstanceId))
      .map(ci => ci.ec2InstanceId)
  }

  protected opDeregisterManagedInstance(input: Record<string, unknown>): unknown {
    const id = String(input.InstanceId ?? '')
    if (!MANAGED_INSTANCE_ID.test(id))
      throw this.error(
        'ValidationException',
        `1 validation error detected: Value '${id}' at 'instanceId' failed to satisfy constraint: Member must satisfy regular expression pattern: (^mi-[0-9a-f]{17}$)`
      )
    if (!this.registered().includes(id))
      throw this.error('InvalidInstanceId', `Instance ${id} is not a registered managed instance.`)
    this.deregistered.add(id)
    return {}
  }
}
