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
  it('lets a burst through at once, then paces the rest at the sustained rate (80% of the bucket)', async () => {
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
    // 40 at once (80% of the 50-token burst), then 4 per second (80% of 5): the 100th after 15 s.
    expect(granted.filter(t => t === 0)).toHaveLength(40)
    expect(Math.max(...granted)).toBeGreaterThanOrEqual(14_900)
    expect(Math.max(...granted)).toBeLessThanOrEqual(15_500)
  })

  it('does not limit operations it has no bucket for', async () => {
    const time = new VirtualTime()
    const limiter = new RateLimiter(time.clock, time.sleep, SPEC)
    await Promise.all(Array.from({ length: 500 }, () => limiter.acquire('DeleteTaskSet')))
    expect(time.clock()).toBe(Date.UTC(2026, 10, 1, 12, 0, 0))
  })

  it('halves the pace when AWS throttles anyway, and recovers as calls go through', async () => {
    const time = new VirtualTime()
    const limiter = new RateLimiter(time.clock, time.sleep, SPEC)
    for (let i = 0; i < 40; i++) await limiter.acquire('DeleteService')
    limiter.throttled('DeleteService')
    const before = time.clock()
    for (let i = 0; i < 10; i++) await limiter.acquire('DeleteService')
    // 2 per second after the halving: 10 calls take about 5 s.
    expect(time.clock() - before).toBeGreaterThanOrEqual(4_500)
    for (let i = 0; i < 200; i++) limiter.succeeded('DeleteService')
    const after = time.clock()
    for (let i = 0; i < 8; i++) await limiter.acquire('DeleteService')
    // Back to 4 per second.
    expect(time.clock() - after).toBeLessThanOrEqual(2_100)
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
    await expect(next).resolves.toBeUndefined()
  })
})
