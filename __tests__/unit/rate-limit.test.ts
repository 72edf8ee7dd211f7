import { describe, expect, it } from '@jest/globals'
import { RateLimiter, type BucketSpec } from '../../src/aws/rate-limit.js'
import { VirtualTime } from '../sim/virtual-time.js'

const SPEC: BucketSpec[] = [
  {
    category: 'service modify',
    operations: ['DeleteService', 'UpdateService'],
    burst: 50,
    refillPerSecond: 5
  }
]

describe('RateLimiter', () => {
  it('lets a burst through at once (80% of the bucket), then paces the rest at the documented rate', async () => {
    const time = new VirtualTime()
    const limiter = new RateLimiter(time.clock, time.sleep, SPEC)
    const start = time.clock()
    const granted: number[] = []
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        limiter
          .acquire(i % 2 ? 'DeleteService' : 'UpdateService')
          .then(() => granted.push(time.clock() - start))
      )
    )
    // 40 at once (80% of the 50-token burst), then 5 per second: the 100th after 12 s.
    expect(granted.filter(t => t === 0)).toHaveLength(40)
    expect(Math.max(...granted)).toBeGreaterThanOrEqual(11_900)
    expect(Math.max(...granted)).toBeLessThanOrEqual(12_300)
  })

  it('does not limit operations it has no bucket for', async () => {
    const time = new VirtualTime()
    const limiter = new RateLimiter(time.clock, time.sleep, SPEC)
    await Promise.all(Array.from({ length: 500 }, () => limiter.acquire('DeleteTaskSet')))
    expect(time.clock()).toBe(Date.UTC(2026, 10, 1, 12, 0, 0))
  })

  it('on a throttle empties only that bucket; halves its rate only when a call sent after that is throttled too; recovers as it refills', async () => {
    const time = new VirtualTime()
    const limiter = new RateLimiter(time.clock, time.sleep, [
      ...SPEC,
      { category: 'service read', operations: ['DescribeServices'], burst: 100, refillPerSecond: 20 }
    ])
    const grants: number[] = []
    for (let i = 0; i < 40; i++) grants.push(await limiter.acquire('DeleteService'))
    // Two calls of the same burst throttled: one signal, the bucket is empty, the rate stays.
    limiter.throttled('DeleteService', grants[0]!)
    limiter.throttled('DeleteService', grants[1]!)
    expect(limiter.rateOf('DeleteService')).toBe(5)
    let before = time.clock()
    const next = await limiter.acquire('DeleteService')
    expect(time.clock() - before).toBe(200)
    // Another category is not slowed.
    before = time.clock()
    await limiter.acquire('DescribeServices')
    expect(time.clock()).toBe(before)
    // A call granted after the reaction is throttled too: someone else takes the tokens.
    limiter.throttled('DeleteService', next)
    expect(limiter.rateOf('DeleteService')).toBe(2.5)
    // Recovered in the time a full bucket takes to refill (50 / 5 per second = 10 s).
    await time.sleep(10_000)
    expect(limiter.rateOf('DeleteService')).toBe(5)
  })

  it('gives up its place when the run is cancelled, without blocking the callers behind it', async () => {
    const time = new VirtualTime()
    const limiter = new RateLimiter(time.clock, time.sleep, SPEC)
    for (let i = 0; i < 40; i++) await limiter.acquire('DeleteService')
    const controller = new AbortController()
    const cancelled = limiter.acquire('DeleteService', controller.signal)
    const next = limiter.acquire('DeleteService')
    controller.abort()
    await expect(cancelled).rejects.toMatchObject({ name: 'CancelledError' })
    // The next caller gets the token the cancelled one would have had, one refill interval later.
    await expect(next).resolves.toBe(Date.UTC(2026, 10, 1, 12, 0, 0) + 200)
  })
})
