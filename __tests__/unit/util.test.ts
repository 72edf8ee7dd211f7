import { describe, expect, it } from '@jest/globals'
import { callAws, type CallContext } from '../../src/aws/call.js'
import { MemoryLogger } from '../../src/log.js'
import { DeadlineError } from '../../src/util/errors.js'
import { forEachPage, paginate } from '../../src/util/paginate.js'
import { BatchPoller, retryUntil } from '../../src/util/poll.js'
import { Pool } from '../../src/util/pool.js'
import { VirtualTime } from '../sim/virtual-time.js'

class FakeCommand {
  constructor(readonly input: unknown) {}
}

function context(time: VirtualTime, extra: Partial<CallContext> = {}): CallContext {
  return {
    pool: new Pool(4),
    clock: time.clock,
    sleep: time.sleep,
    signal: new AbortController().signal,
    log: new MemoryLogger(),
    deadline: time.clock() + 60_000,
    ...extra
  }
}

describe('paginate', () => {
  it('follows nextToken to the last page', async () => {
    const pages: Record<string, { items: number[]; nextToken?: string }> = {
      start: { items: [1, 2], nextToken: 'a' },
      a: { items: [3], nextToken: 'b' },
      b: { items: [4] }
    }
    expect(await paginate(async token => pages[token ?? 'start']!)).toEqual([1, 2, 3, 4])
  })

  it('stops on a token that repeats instead of looping forever', async () => {
    await expect(paginate(async () => ({ items: [1], nextToken: 'same' }))).rejects.toThrow(/same nextToken/)
  })
})

describe('forEachPage', () => {
  it('reads page after page until no token comes back, and refuses a token that comes back twice', async () => {
    const seen: (string | undefined)[] = []
    const next: Record<string, string | undefined> = { start: 'm1', m1: 'm2', m2: undefined }
    await forEachPage(async marker => {
      seen.push(marker)
      return next[marker ?? 'start']
    })
    expect(seen).toEqual([undefined, 'm1', 'm2'])
    await expect(forEachPage(async () => 'same')).rejects.toThrow(/same nextToken/)
  })
})

describe('Pool', () => {
  it('never runs more than its limit at once', async () => {
    const time = new VirtualTime()
    const pool = new Pool(3)
    let active = 0
    let peak = 0
    await Promise.all(
      Array.from({ length: 10 }, () =>
        pool.run(async () => {
          active++
          peak = Math.max(peak, active)
          await time.sleep(100)
          active--
        })
      )
    )
    expect(peak).toBe(3)
    expect(pool.peak).toBe(3)
  })
})

describe('callAws', () => {
  it('keeps retrying throttling beyond the SDK attempts, and passes other errors through', async () => {
    const time = new VirtualTime()
    let calls = 0
    const port = {
      send: async () => {
        calls++
        if (calls < 5) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })
        return { ok: true }
      }
    }
    await expect(callAws(context(time), port, new FakeCommand({}))).resolves.toEqual({ ok: true })
    expect(calls).toBe(5)
    const failing = {
      send: async () => Promise.reject(Object.assign(new Error('nope'), { name: 'AccessDeniedException' }))
    }
    await expect(callAws(context(time), failing, new FakeCommand({}))).rejects.toMatchObject({
      name: 'AccessDeniedException'
    })
  })

  it('gives up on throttling at the deadline', async () => {
    const time = new VirtualTime()
    const port = {
      send: async () =>
        Promise.reject(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
    }
    await expect(
      callAws(context(time, { deadline: time.clock() + 5_000 }), port, new FakeCommand({}))
    ).rejects.toBeInstanceOf(DeadlineError)
    expect(time.clock()).toBeLessThanOrEqual(Date.UTC(2026, 10, 1, 12, 0, 5))
  })
})

describe('BatchPoller', () => {
  it('describes all watched ids in one round and treats gone as done', async () => {
    const time = new VirtualTime()
    const rounds: string[][] = []
    const stopsAt: Record<string, number> = { a: time.clock() + 10_000, b: time.clock() + 20_000 }
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      {
        intervalMs: 5_000,
        describe: async ids => {
          rounds.push(ids)
          // 'c' is gone: AWS no longer knows it.
          return new Map(
            ids.filter(id => id !== 'c').map(id => [id, time.clock() >= stopsAt[id]! ? 'STOPPED' : 'RUNNING'])
          )
        }
      }
    )
    const done = (s: string | undefined) => s === undefined || s === 'STOPPED'
    const deadline = time.clock() + 60_000
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map(id => poller.waitUntil(id, done, deadline)))
    expect([a!.done, b!.done, c!.done]).toEqual([true, true, true])
    expect(c!.state).toBeUndefined()
    expect(rounds[0]).toEqual(['a', 'b', 'c'])
    expect(rounds).toHaveLength(4)
  })

  it('reports the deadline instead of waiting past it', async () => {
    const time = new VirtualTime()
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      { intervalMs: 5_000, describe: async ids => new Map(ids.map(id => [id, 'RUNNING'])) }
    )
    const outcome = await poller.waitUntil('a', s => s === 'STOPPED', time.clock() + 12_000)
    expect(outcome).toEqual({ done: false, state: 'RUNNING' })
    expect(time.clock()).toBe(Date.UTC(2026, 10, 1, 12, 0, 12))
  })

  it('stops waiting at once when the run is cancelled', async () => {
    const time = new VirtualTime()
    const controller = new AbortController()
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: controller.signal },
      { intervalMs: 5_000, describe: async ids => new Map(ids.map(id => [id, 'RUNNING'])) }
    )
    const wait = poller.waitUntil('a', s => s === 'STOPPED', time.clock() + 600_000)
    time.at(time.clock() + 7_000, () => controller.abort())
    await expect(wait).rejects.toMatchObject({ name: 'CancelledError' })
    expect(time.clock()).toBeLessThan(Date.UTC(2026, 10, 1, 12, 0, 11))
  })
})

describe('retryUntil', () => {
  it('backs off between attempts and returns the last refusal at the deadline', async () => {
    const time = new VirtualTime()
    const at: number[] = []
    const result = await retryUntil(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      { deadline: time.clock() + 30_000, minDelayMs: 2_000, maxDelayMs: 8_000 },
      async () => {
        at.push(time.clock())
        return { done: false, reason: 'ClusterContainsTasksException' }
      }
    )
    expect(result).toEqual({ done: false, reason: 'ClusterContainsTasksException' })
    const gaps = at.slice(1).map((t, i) => t - at[i]!)
    expect(gaps).toEqual([2_000, 4_000, 8_000, 8_000, 8_000])
  })
})
