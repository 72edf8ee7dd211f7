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

/**
 * ECS's default buckets, from "Request throttling for the Amazon ECS API" (AWS documentation).
 * Accounts can have higher quotas; other callers in the account share the same buckets. Operations
 * in no category (DeleteTaskSet, for one) are not limited here.
 */
export const ECS_API_BUCKETS: readonly BucketSpec[] = [
  {
    category: 'cluster read',
    operations: ['DescribeClusters', 'ListClusters'],
    burst: 50,
    refillPerSecond: 20
  },
  {
    category: 'cluster modify',
    operations: ['DeleteCluster', 'PutClusterCapacityProviders'],
    burst: 20,
    refillPerSecond: 1
  },
  {
    category: 'capacity provider modify',
    operations: ['DeleteCapacityProvider'],
    burst: 10,
    refillPerSecond: 1
  },
  {
    category: 'capacity provider read',
    operations: ['DescribeCapacityProviders'],
    burst: 50,
    refillPerSecond: 20
  },
  {
    category: 'cluster resource modify',
    operations: ['DeregisterContainerInstance', 'StopTask'],
    burst: 100,
    refillPerSecond: 40
  },
  {
    category: 'cluster resource read',
    operations: ['DescribeContainerInstances', 'DescribeTasks', 'ListContainerInstances', 'ListTasks'],
    burst: 100,
    refillPerSecond: 20
  },
  {
    category: 'service modify',
    operations: ['DeleteService', 'UpdateService'],
    burst: 50,
    refillPerSecond: 5
  },
  {
    category: 'service read',
    operations: ['DescribeServices', 'ListServices'],
    burst: 100,
    refillPerSecond: 20
  }
]

/** The share of each bucket this run allows itself, leaving room for the account's other callers. */
const OWN_SHARE = 0.8
/** The slowest a throttled category is slowed to, as a share of its documented rate. */
const FLOOR_SHARE = 0.1

interface Bucket {
  spec: BucketSpec
  tokens: number
  at: number
  /** The rate in use: lowered when AWS throttles anyway, raised back slowly as calls go through. */
  rate: number
  /** Callers waiting for a token, in order. */
  queue: Promise<void>
}

/**
 * Paces calls to ECS's published token buckets, so a teardown of hundreds of services spends its
 * calls on work instead of on ThrottlingException and retries. When AWS throttles anyway (other
 * callers share the account's buckets), the category's pace halves, and it recovers by a little with
 * each call that goes through. One limiter serves a whole run: every cluster of a sweep shares it.
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
        tokens: spec.burst * OWN_SHARE,
        at: clock(),
        rate: spec.refillPerSecond * OWN_SHARE,
        queue: Promise.resolve()
      }
      for (const operation of spec.operations) this.buckets.set(operation, bucket)
    }
  }

  /** Waits until `operation` may be sent. Callers of one category are served in order. */
  async acquire(operation: string, signal?: AbortSignal): Promise<void> {
    const bucket = this.buckets.get(operation)
    if (!bucket) return
    const turn = bucket.queue.then(() => this.take(bucket, signal))
    // The next caller waits for this one's token, whether it was granted or the wait was cancelled.
    bucket.queue = turn.catch(() => undefined)
    await turn
  }

  /** AWS throttled `operation` in spite of the pacing: slow its category down. */
  throttled(operation: string): void {
    const bucket = this.buckets.get(operation)
    if (!bucket) return
    bucket.rate = Math.max(bucket.spec.refillPerSecond * FLOOR_SHARE, bucket.rate / 2)
    bucket.tokens = Math.min(bucket.tokens, 0)
  }

  /** A call of `operation` went through: let its category's pace recover toward its share. */
  succeeded(operation: string): void {
    const bucket = this.buckets.get(operation)
    if (!bucket) return
    bucket.rate = Math.min(bucket.spec.refillPerSecond * OWN_SHARE, bucket.rate * 1.05)
  }

  private async take(bucket: Bucket, signal?: AbortSignal): Promise<void> {
    for (;;) {
      const now = this.clock()
      bucket.tokens = Math.min(
        bucket.spec.burst * OWN_SHARE,
        bucket.tokens + ((now - bucket.at) / 1000) * bucket.rate
      )
      bucket.at = now
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
