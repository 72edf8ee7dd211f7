import { ECSClient } from '@aws-sdk/client-ecs'
import type { AwsCredentialIdentityProvider } from '@smithy/types'
import { ACTION_NAME, ACTION_VERSION } from '../constants.js'
import type { SendPort } from './call.js'
import { sdk } from './sdk.js'

/**
 * The services around a cluster that keep it busy or keep billing after it is gone: EventBridge
 * rules and EventBridge Scheduler schedules that start its tasks, the EC2 and Systems Manager
 * instances behind its container instances, its log groups, its Service Connect namespace, the
 * load-balancer rules and target groups of its services, their scalable targets and the alarms of
 * their scaling policies.
 */
export interface RelatedPorts {
  events: SendPort
  scheduler: SendPort
  logs: SendPort
  ec2: SendPort
  ssm: SendPort
  servicediscovery: SendPort
  elbv2: SendPort
  autoscaling: SendPort
  cloudwatch: SendPort
}

export interface AwsClients extends RelatedPorts {
  ecs: SendPort
  cloudformation: SendPort
}

/**
 * Adaptive retry with more attempts than the SDK's default 3: a teardown makes bursts of calls
 * (hundreds of StopTask and describes) and throttling is the common failure of bulk deleters.
 */
export const CLIENT_RETRY = { retryMode: 'adaptive', maxAttempts: 8 } as const

/**
 * The run's AWS clients. No endpoint is set here: the SDK honours AWS_ENDPOINT_URL by itself, so
 * the action runs unchanged against an emulator. Creating a client makes no call: a run that never
 * needs a service never reaches it.
 */
export function createAwsClients(region: string, credentials?: AwsCredentialIdentityProvider): AwsClients {
  const common = {
    region,
    ...CLIENT_RETRY,
    customUserAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
    ...(credentials ? { credentials } : {})
  }
  return {
    ecs: new ECSClient(common),
    cloudformation: lazyClient(async () => new (await sdk.cloudformation()).CloudFormationClient(common)),
    events: lazyClient(async () => new (await sdk.eventbridge()).EventBridgeClient(common)),
    scheduler: lazyClient(async () => new (await sdk.scheduler()).SchedulerClient(common)),
    logs: lazyClient(async () => new (await sdk.logs()).CloudWatchLogsClient(common)),
    ec2: lazyClient(async () => new (await sdk.ec2()).EC2Client(common)),
    ssm: lazyClient(async () => new (await sdk.ssm()).SSMClient(common)),
    servicediscovery: lazyClient(
      async () => new (await sdk.servicediscovery()).ServiceDiscoveryClient(common)
    ),
    elbv2: lazyClient(async () => new (await sdk.elbv2()).ElasticLoadBalancingV2Client(common)),
    autoscaling: lazyClient(async () => new (await sdk.autoscaling()).ApplicationAutoScalingClient(common)),
    cloudwatch: lazyClient(async () => new (await sdk.cloudwatch()).CloudWatchClient(common))
  }
}

/** A client built on its first call, from a package loaded then (see sdk.ts). */
function lazyClient(create: () => Promise<SendPort>): SendPort {
  let client: Promise<SendPort> | undefined
  return {
    send: async (command, options) => {
      client ??= create()
      return (await client).send(command, options)
    }
  }
}

/**
 * A stand-in for a client a caller did not provide (a caller that drives ECS alone, such as the
 * benchmark): reads that need it are skipped and said in the log; any call is an error.
 */
export class UnavailablePort implements SendPort {
  constructor(readonly service: string) {}
  send(command: object): Promise<never> {
    return Promise.reject(
      new Error(`${this.service} is not available to this run (${command.constructor.name} was not sent)`)
    )
  }
}

export function isAvailable(port: SendPort): boolean {
  return !(port instanceof UnavailablePort)
}

/** The related ports of `deps`, with a stand-in for each one it lacks. */
export function relatedPorts(deps: Partial<RelatedPorts>): RelatedPorts {
  return {
    events: deps.events ?? new UnavailablePort('EventBridge'),
    scheduler: deps.scheduler ?? new UnavailablePort('EventBridge Scheduler'),
    logs: deps.logs ?? new UnavailablePort('CloudWatch Logs'),
    ec2: deps.ec2 ?? new UnavailablePort('EC2'),
    ssm: deps.ssm ?? new UnavailablePort('Systems Manager'),
    servicediscovery: deps.servicediscovery ?? new UnavailablePort('Cloud Map'),
    elbv2: deps.elbv2 ?? new UnavailablePort('Elastic Load Balancing'),
    autoscaling: deps.autoscaling ?? new UnavailablePort('Application Auto Scaling'),
    cloudwatch: deps.cloudwatch ?? new UnavailablePort('CloudWatch')
  }
}
