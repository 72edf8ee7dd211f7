import { ECSClient } from '@aws-sdk/client-ecs'
import type {
  AwsCredentialIdentityProvider,
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken
} from '@smithy/types'
import { ACTION_NAME, ACTION_VERSION } from '../constants.js'
import type { SendPort } from './call.js'
import { sdk } from './sdk.js'

/**
 * The services around a cluster that keep it busy or keep billing after it is gone: EventBridge
 * rules and EventBridge Scheduler schedules that start its tasks, the EC2 and Systems Manager
 * instances behind its container instances, its log groups, its Service Connect namespace, the
 * load-balancer rules and target groups of its services, their scalable targets and the alarms of
 * their scaling policies, and the CodeDeploy deployments of its blue/green services.
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
  codedeploy: SendPort
  /** EC2 Auto Scaling (the groups behind capacity providers and container instances); `autoscaling` is Application Auto Scaling. */
  ec2AutoScaling: SendPort
}

export interface AwsClients extends RelatedPorts {
  ecs: SendPort
  cloudformation: SendPort
}

/** Attempts the SDK makes for a transient failure (a network error, a timeout): its default. */
const SDK_MAX_ATTEMPTS = 3
const SDK_RETRY_BASE_MS = 100
const SDK_RETRY_MAX_MS = 5_000

/**
 * The SDK retries what only it can see (a connection reset, a timeout) and leaves throttles to the
 * run: callAws tells the ECS pacer, which slows down only the bucket AWS throttled and recovers as
 * it refills, then tries again until the deadline. The SDK's adaptive mode is not used: its
 * client-side rate limiter is one per client, so a throttled DescribeTasks would slow every later
 * DeleteService and StopTask too (with 20% of calls throttled, a run took 4 to 5 times as long),
 * and retries inside the SDK would hide the throttles from the pacer.
 */
export class TransientRetry implements RetryStrategyV2 {
  constructor(private readonly maxAttempts = SDK_MAX_ATTEMPTS) {}

  async acquireInitialRetryToken(): Promise<RetryToken> {
    return retryToken(0, 0)
  }

  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const count = token.getRetryCount() + 1
    if (errorInfo.errorType !== 'TRANSIENT' || count >= this.maxAttempts) {
      throw new Error('not retried by the SDK')
    }
    return retryToken(count, Math.random() * Math.min(SDK_RETRY_MAX_MS, SDK_RETRY_BASE_MS * 2 ** count))
  }

  recordSuccess(): void {}
}

function retryToken(count: number, delayMs: number): RetryToken {
  return { getRetryCount: () => count, getRetryDelay: () => delayMs }
}

/**
 * The run's AWS clients. No endpoint is set here: the SDK honours AWS_ENDPOINT_URL by itself, so
 * the action runs unchanged against an emulator. Creating a client makes no call: a run that never
 * needs a service never reaches it.
 */
export function createAwsClients(region: string, credentials?: AwsCredentialIdentityProvider): AwsClients {
  const common = {
    region,
    maxAttempts: SDK_MAX_ATTEMPTS,
    retryStrategy: new TransientRetry(),
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
    cloudwatch: lazyClient(async () => new (await sdk.cloudwatch()).CloudWatchClient(common)),
    codedeploy: lazyClient(async () => new (await sdk.codedeploy()).CodeDeployClient(common)),
    ec2AutoScaling: lazyClient(async () => new (await sdk.ec2AutoScaling()).AutoScalingClient(common))
  }
}

/**
 * A client built from a package loaded on demand (see sdk.ts): on its first call, or earlier when
 * `warm` says the run will need it, so that loading its code overlaps the ECS calls instead of
 * delaying the first call to it.
 */
function lazyClient(create: () => Promise<SendPort>): SendPort {
  let client: Promise<SendPort> | undefined
  return {
    send: async (command, options) => {
      client ??= create()
      return (await client).send(command, options)
    },
    warm: () => {
      client ??= create()
      // A failure to load shows on the first call; a warm-up alone must not be an unhandled rejection.
      client.catch(() => undefined)
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
    cloudwatch: deps.cloudwatch ?? new UnavailablePort('CloudWatch'),
    codedeploy: deps.codedeploy ?? new UnavailablePort('CodeDeploy'),
    ec2AutoScaling: deps.ec2AutoScaling ?? new UnavailablePort('EC2 Auto Scaling')
  }
}
