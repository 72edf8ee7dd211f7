import { describe, expect, it } from '@jest/globals'
import { TransientRetry } from '../../src/aws/clients.js'

describe('the SDK retry strategy', () => {
  it('leaves throttles to the run, so the pacer sees every one', async () => {
    const strategy = new TransientRetry()
    const token = await strategy.acquireInitialRetryToken()
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: 'THROTTLING' })).rejects.toThrow()
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: 'CLIENT_ERROR' })).rejects.toThrow()
    await expect(strategy.refreshRetryTokenForRetry(token, { errorType: 'SERVER_ERROR' })).rejects.toThrow()
  })

  it('retries a transient failure twice (3 attempts), with a short jittered backoff', async () => {
    const strategy = new TransientRetry()
    const first = await strategy.acquireInitialRetryToken()
    expect(first.getRetryCount()).toBe(0)
    const second = await strategy.refreshRetryTokenForRetry(first, { errorType: 'TRANSIENT' })
    expect(second.getRetryCount()).toBe(1)
    expect(second.getRetryDelay()).toBeGreaterThanOrEqual(0)
    expect(second.getRetryDelay()).toBeLessThanOrEqual(200)
    const third = await strategy.refreshRetryTokenForRetry(second, { errorType: 'TRANSIENT' })
    expect(third.getRetryCount()).toBe(2)
    await expect(strategy.refreshRetryTokenForRetry(third, { errorType: 'TRANSIENT' })).rejects.toThrow()
  })
})
