import type {
  AwsCredentialIdentityProvider,
  RetryErrorInfo,
  RetryStrategyV2,
  RetryToken
} from '@smithy/types'
import { ACTION_NAME, ACTION_VERSION } from '../constants.js'
import type { SendPort } from './call.js'
import {
  AWS_SERVICES,
  SERVICE_KEYS,
  type AwsClients,
  type AwsService,
  type RelatedPorts
} from './services.js'

export type { AwsClients, RelatedPorts } from './services.js'

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
 * the action runs unchanged against an emulator. Creating a client makes no call, and a client whose
 * package is loaded on first use loads nothing until then: a run that never needs a service never
 * reaches it.
 */
export function createAwsClients(region: string, credentials?: AwsCredentialIdentityProvider): AwsClients {
  const config = {
    region,
    maxAttempts: SDK_MAX_ATTEMPTS,
    retryStrategy: new TransientRetry(),
    customUserAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
    ...(credentials ? { credentials } : {})
  }
  return Object.fromEntries(
    SERVICE_KEYS.map(key => {
      const client: AwsService['client'] = AWS_SERVICES[key].client
      const port =
        'eager' in client
          ? new client.eager(config)
          : lazyClient(async () => new (await client.lazy())(config))
      return [key, port]
    })
  ) as AwsClients
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
  const related = SERVICE_KEYS.filter(key => !('required' in AWS_SERVICES[key])) as (keyof RelatedPorts)[]
  return Object.fromEntries(
    related.map(key => [key, deps[key] ?? new UnavailablePort(AWS_SERVICES[key].title)])
  ) as RelatedPorts
}
