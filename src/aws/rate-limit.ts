import type { Clock, Sleep } from '../util/time.js'
import type { Pacer, SendPort } from './call.js'

/** One of ECS's API token buckets: per account and Region, shared by every caller in it. */
export interface BucketSpec {
  category: string
  operations: readonly string[]
  /** Bucket size: the most calls in one burst. */
  burst: number
  /** Tokens added per second: the sustained rate. */
  refillPerSecond: number
}

function bucket(
  category: string,
  burst: number,
  refillPerSecond: number,
  operations: readonly string[]
): BucketSpec {
  return { category, operations, burst, refillPerSecond }
}

/**
 * ECS's default buckets (category, burst, refill per second, operations), from "Request throttling
 * for the Amazon ECS API" (AWS documentation). Accounts can have higher quotas; other callers in the
 * account share the same buckets. Operations in no category (DeleteTaskSet, for one) are not limited
 * here.
 */
export const ECS_API_BUCKETS: readonly BucketSpec[] = [
  bucket('cluster read', 50, 20, ['DescribeClusters', 'ListClusters']),
  bucket('cluster modify', 20, 1, ['DeleteCluster', 'PutClusterCapacityProviders']),
  bucket('capacity provider modify', 10, 1, ['DeleteCapacityProvider']),
  bucket('capacity provider read', 50, 20, ['DescribeCapacityProviders']),
  bucket('cluster resource modify', 100, 40, ['DeregisterContainerInstance', 'StopTask']),
  bucket('cluster resource read', 100, 20, [
    'DescribeContainerInstances',
    'DescribeTasks',
    'ListContainerInstances',
    'ListTasks'
  ]),
  bucket('service modify', 50, 5, ['DeleteService', 'UpdateService']),
  bucket('service read', 100, 20, ['DescribeServices', 'ListServices']),
  bucket('task definition read', 50, 20, [
    'DescribeTaskDefinition',
    'ListTaskDefinitionFamilies',
    'ListTaskDefinitions'
  ]),
  bucket('task definition modify', 20, 1, ['DeregisterTaskDefinition'])
]

/**
 * The share of each bucket's burst this run takes, leaving the account's other callers room for
 * theirs. The refill is used in full: it is the rate AWS allows, and when other callers take part of
 * it AWS throttles and the bucket slows down (below).
 */
const BURST_SHARE = 0.8
/** The slowest a throttled category is slowed to, as a share of its documented rate. */
const FLOOR_SHARE = 0.1

interface Bucket {
  spec: BucketSpec
  tokens: number
  at: number
  /** The rate in use: lowered when AWS throttles again after the bucket reacted, recovering with time. */
  rate: number
  /** When the last throttle was taken into account (epoch ms), or -Infinity. */
  throttledAt: number
  /** Callers waiting for a token, in order. */
  queue: Promise<void>
}

/**
 * Paces calls to ECS's published token buckets, so a teardown of hundreds of services spends its
 * calls on work instead of on ThrottlingException and retries. A throttle from AWS (other callers
 * share the account's buckets, or the account's quotas differ) says that AWS's bucket is empty now:
 * this category's bucket is emptied too, so its next call waits for the next token, and no other
 * category is slowed. A throttle of a call granted after that reaction means someone else keeps
 * taking the tokens: the category's rate halves. The rate recovers toward the documented one as
 * AWS's bucket would refill, in the time a full bucket takes to refill (burst / refill rate). One
 * limiter serves a whole run: every cluster of a sweep shares it.
 */
export class RateLimiter implements Pacer {
  private readonly buckets = new Map<string, Bucket>()
  /** Milliseconds callers spent waiting for a token, by category: the benchmark reports it. */
  readonly waitedMs = new Map<string, number>()

  constructor(
    private readonly clock: Clock,
    private readonly sleep: Sleep,
    specs: readonly BucketSpec[] = ECS_API_BUCKETS
  ) {
    for (const spec of specs) {
      const bucket: Bucket = {
        spec,
        tokens: spec.burst * BURST_SHARE,
        at: clock(),
        rate: spec.refillPerSecond,
        throttledAt: -Infinity,
        queue: Promise.resolve()
      }
      for (const operation of spec.operations) this.buckets.set(operation, bucket)
    }
  }

  /**
   * Waits until `operation` may be sent; resolves with the time the token was granted (to pass to
   * `throttled`). Callers of one category are served in order.
   */
  async acquire(operation: string, signal?: AbortSignal): Promise<number> {
    const bucket = this.buckets.get(operation)
    if (!bucket) return this.clock()
    const turn = bucket.queue.then(() => this.take(bucket, signal))
    // The next caller waits for this one's token, whether it was granted or the wait was cancelled.
    bucket.queue = turn.catch(() => undefined)
    await turn
    return this.clock()
  }

  /** AWS throttled `operation`, sent with a token granted at `grantedAt`: slow its category down. */
  throttled(operation: string, grantedAt: number): void {
    const bucket = this.buckets.get(operation)
    if (!bucket) return
    this.refill(bucket)
    // Calls already in flight when the bucket reacted to a throttle say nothing new.
    if (grantedAt > bucket.throttledAt && bucket.throttledAt > -Infinity && bucket.tokens <= 1) {
      bucket.rate = Math.max(bucket.spec.refillPerSecond * FLOOR_SHARE, bucket.rate / 2)
    }
    if (grantedAt > bucket.throttledAt) bucket.throttledAt = this.clock()
    bucket.tokens = Math.min(bucket.tokens, 0)
  }

  /** The rate `operation` is paced at now, in calls per second (for the tests and the benchmark). */
  rateOf(operation: string): number | undefined {
    const bucket = this.buckets.get(operation)
    if (!bucket) return undefined
    this.refill(bucket)
    return bucket.rate
  }

  private refill(bucket: Bucket): void {
    const now = this.clock()
    const elapsed = Math.max(0, now - bucket.at)
    bucket.tokens = Math.min(bucket.spec.burst * BURST_SHARE, bucket.tokens + (elapsed / 1000) * bucket.rate)
    const full = bucket.spec.refillPerSecond
    if (bucket.rate < full) {
      // Back to the documented rate in the time AWS's bucket takes to refill completely.
      const recoveryMs = (bucket.spec.burst / full) * 1000
      bucket.rate = Math.min(
        full,
        bucket.rate + (full - bucket.spec.refillPerSecond * FLOOR_SHARE) * (elapsed / recoveryMs)
      )
    }
    bucket.at = now
  }

  private async take(bucket: Bucket, signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.refill(bucket)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return
      }
      const wait = Math.ceil(((1 - bucket.tokens) / bucket.rate) * 1000)
      this.waitedMs.set(bucket.spec.category, (this.waitedMs.get(bucket.spec.category) ?? 0) + wait)
      await this.sleep(wait, signal)
    }
  }
}

/** The same client, paced by `limiter`: its calls wait for their category's token. */
export function paced(port: SendPort, limiter: Pacer): SendPort {
  return { send: (command, options) => port.send(command, options), pacer: limiter }
}
