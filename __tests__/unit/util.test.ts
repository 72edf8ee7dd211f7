import { describe, expect, it } from '@jest/globals'
import { pollSchedules } from '../../src/apply/context.js'
import { callAws, type CallContext } from '../../src/aws/call.js'
import { MemoryLogger } from '../../src/log.js'
import { DeadlineError } from '../../src/util/errors.js'
import { forEachPage, paginate } from '../../src/util/paginate.js'
import { PhaseLog } from '../../src/report/phase-log.js'
import { newClusterReport } from '../../src/report/report.js'
import { BatchPoller, pollUntil, retryUntil, type WaitBoard } from '../../src/util/poll.js'
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
  const SCHEDULE = { firstMs: 1_000, stepMs: 500, factor: 2, ceilingMs: 5_000 }

  it('looks first soon, backs off toward the ceiling, and ends right after the state changes', async () => {
    const time = new VirtualTime()
    const start = time.clock()
    const looks: number[] = []
    const stopsAt = start + 20_000
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      {
        schedule: SCHEDULE,
        batchSize: 100,
        describe: async ids => {
          looks.push(time.clock() - start)
          return new Map(ids.map(id => [id, time.clock() >= stopsAt ? 'STOPPED' : 'RUNNING']))
        }
      }
    )
    const outcome = await poller.waitUntil('a', s => s === 'STOPPED', start + 600_000)
    expect(outcome).toEqual({ done: true, state: 'STOPPED' })
    // 1 s, then 0.5 s doubling each round up to the 5 s ceiling.
    expect(looks).toEqual([1_000, 1_500, 2_500, 4_500, 8_500, 13_500, 18_500, 23_500])
    // The wait ends at the first look after the change, at most one ceiling later.
    expect(time.clock() - stopsAt).toBeLessThanOrEqual(SCHEDULE.ceilingMs)
  })

  it('doubles past the ceiling until the moment the wait should be over, looks then, and after it every ceiling', async () => {
    const time = new VirtualTime()
    const start = time.clock()
    const looks: number[] = []
    // One task stops at its stop timeout (31 s after the wait began), one never.
    const stopsAt: Record<string, number> = { a: start + 31_000, b: Infinity }
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      {
        schedule: { ...SCHEDULE, firstMs: 1_000, stepMs: 1_000, settleByMs: 32_000 },
        batchSize: 1,
        describe: async ids => {
          looks.push(time.clock() - start)
          return new Map(ids.map(id => [id, time.clock() >= stopsAt[id]! ? 'STOPPED' : 'RUNNING']))
        }
      }
    )
    const stopped = (s: string | undefined) => s === 'STOPPED'
    const [a, b] = await Promise.all([
      poller.waitUntil('a', stopped, start + 600_000),
      poller.waitUntil('b', stopped, start + 50_000)
    ])
    expect(a!.done).toBe(true)
    expect(b).toEqual({ done: false, state: 'RUNNING' })
    // The first after 1 s, then 1, 2, 4, 8 s apart (past the 5 s ceiling), the one at 32 s that finds a
    // stopped; b at once and from then on every 5 s, the last one at its deadline.
    expect(looks).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 32_000, 37_000, 42_000, 47_000, 50_000
    ])
  })

  it('describes one batch a round, the oldest waits first, goes on at once when a batch is done, and treats gone as done', async () => {
    const time = new VirtualTime()
    const start = time.clock()
    const rounds: { at: number; ids: string[] }[] = []
    // a and b stop after 10 s; c is gone (AWS no longer knows it); d stops after 30 s.
    const stopsAt: Record<string, number> = { a: start + 10_000, b: start + 10_000, d: start + 30_000 }
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      {
        schedule: SCHEDULE,
        batchSize: 2,
        describe: async ids => {
          rounds.push({ at: time.clock() - start, ids })
          return new Map(
            ids.filter(id => id !== 'c').map(id => [id, time.clock() >= stopsAt[id]! ? 'STOPPED' : 'RUNNING'])
          )
        }
      }
    )
    const done = (s: string | undefined) => s === undefined || s === 'STOPPED'
    const outcomes = await Promise.all(
      ['a', 'b', 'c', 'd'].map(id => poller.waitUntil(id, done, start + 600_000))
    )
    expect(outcomes.map(o => o.done)).toEqual([true, true, true, true])
    expect(outcomes[2]!.state).toBeUndefined()
    // Until a and b are done, only they are looked at; then c and d at once.
    expect(rounds.filter(r => r.at < 10_000).every(r => r.ids.join() === 'a,b')).toBe(true)
    const afterAB = rounds.findIndex(r => r.ids.includes('c'))
    expect(rounds[afterAB]!.at).toBe(rounds[afterAB - 1]!.at)
    expect(rounds[afterAB]!.ids).toEqual(['c', 'd'])
    expect(rounds.at(-1)!.ids).toEqual(['d'])
    expect(rounds.at(-1)!.at - 30_000).toBeLessThanOrEqual(SCHEDULE.ceilingMs)
  })

  it('reports the deadline instead of waiting past it', async () => {
    const time = new VirtualTime()
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      { schedule: SCHEDULE, batchSize: 100, describe: async ids => new Map(ids.map(id => [id, 'RUNNING'])) }
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
      { schedule: SCHEDULE, batchSize: 100, describe: async ids => new Map(ids.map(id => [id, 'RUNNING'])) }
    )
    const wait = poller.waitUntil('a', s => s === 'STOPPED', time.clock() + 600_000)
    time.at(time.clock() + 7_000, () => controller.abort())
    await expect(wait).rejects.toMatchObject({ name: 'CancelledError' })
    expect(time.clock()).toBeLessThan(Date.UTC(2026, 10, 1, 12, 0, 8))
  })

  it('does not look at a wait before it can be done (a load-balancer drain), then looks a fraction of the time waited apart', async () => {
    const time = new VirtualTime()
    const start = time.clock()
    const rounds: { at: number; ids: string[] }[] = []
    // x: no load balancer, STOPPED 2 s after its wait began; y and z: behind a target group with a
    // 60 s deregistration delay (asked 300 ms apart), STOPPED 20 s after it.
    const doneAt: Record<string, number> = { x: start + 2_000, y: start + 80_000, z: start + 80_300 }
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      {
        // The tasks' schedule as the action uses it (1 s first, settle by 32 s, a quarter after a drain).
        schedule: pollSchedules(5_000).tasks,
        batchSize: 10,
        describe: async ids => {
          rounds.push({ at: time.clock() - start, ids })
          return new Map(ids.map(id => [id, time.clock() >= doneAt[id]! ? 'STOPPED' : 'STOPPING']))
        }
      }
    )
    const stopped = (s: string | undefined) => s === 'STOPPED'
    const x = poller.waitUntil('x', stopped, start + 600_000)
    const y = poller.waitUntil('y', stopped, start + 600_000, 60_000)
    await time.sleep(300)
    const z = poller.waitUntil('z', stopped, start + 600_000, 60_000)
    expect(await Promise.all([x, y, z])).toEqual([
      { done: true, state: 'STOPPED' },
      { done: true, state: 'STOPPED' },
      { done: true, state: 'STOPPED' }
    ])
    // x on its own schedule; y and z not before their delay, then together (asked 300 ms apart): a
    // quarter of the 60 s waited after it, then a quarter of the 75 s waited later but no later than
    // the settle-by moment (60 + 32 s), where they are done.
    expect(rounds).toEqual([
      { at: 1_000, ids: ['x'] },
      { at: 2_000, ids: ['x'] },
      { at: 75_000, ids: ['y', 'z'] },
      { at: 92_000, ids: ['y', 'z'] }
    ])
    expect(time.clock() - doneAt.z!).toBeLessThanOrEqual(12_000)
  })

  it("after a long known delay, looks first no later than the stop timeout's end", async () => {
    const time = new VirtualTime()
    const start = time.clock()
    const looks: number[] = []
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      {
        // The tasks' schedule as the action uses it (1 s first, settle by 32 s, a quarter after a drain).
        schedule: pollSchedules(5_000).tasks,
        batchSize: 100,
        describe: async ids => {
          looks.push(time.clock() - start)
          return new Map(ids.map(id => [id, time.clock() - start >= 331_000 ? 'STOPPED' : 'STOPPING']))
        }
      }
    )
    // AWS's default 300 s deregistration delay, then a task that waits out its 30 s stop timeout:
    // a quarter of 300 s would be 75 s, past the 32 s by which it must be done.
    const outcome = await poller.waitUntil('t', s => s === 'STOPPED', start + 600_000, 300_000)
    expect(outcome).toEqual({ done: true, state: 'STOPPED' })
    expect(looks).toEqual([332_000])
  })

  it('never sleeps past the deadline for a wait that cannot be done before it', async () => {
    const time = new VirtualTime()
    const start = time.clock()
    const looks: number[] = []
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal },
      {
        schedule: { firstMs: 0, stepMs: 1_000, factor: 2, ceilingMs: 5_000 },
        batchSize: 10,
        describe: async ids => {
          looks.push(time.clock() - start)
          return new Map(ids.map(id => [id, 'DEACTIVATING']))
        }
      }
    )
    // A 300 s deregistration delay, a deadline 20 s away: one look, at the deadline.
    const outcome = await poller.waitUntil('y', s => s === 'STOPPED', start + 20_000, 300_000)
    expect(outcome).toEqual({ done: false, state: 'DEACTIVATING' })
    expect(looks).toEqual([20_000])
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

describe('the heartbeat of the waits (PhaseLog as the board)', () => {
  /** A wait of 45 s on a poller, with or without a board; the looks it makes and the log it writes. */
  async function wait45s(withBoard: boolean) {
    const time = new VirtualTime()
    const start = time.clock()
    const looks: number[] = []
    const log = new MemoryLogger(time.clock)
    const board: WaitBoard | undefined = withBoard
      ? new PhaseLog(log, newClusterReport('c1', 'us-east-1'), time.clock, {
          sleep: time.sleep,
          signal: new AbortController().signal
        })
      : undefined
    const poller = new BatchPoller<string>(
      { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal, waits: board },
      {
        schedule: pollSchedules(5_000).tasks,
        batchSize: 100,
        tell: (waits, now) =>
          `${waits.length} waits, ${waits.filter(w => w.looked).length} looked at ${now - start}`,
        describe: async ids => {
          looks.push(time.clock() - start)
          return new Map(ids.map(id => [id, time.clock() - start >= 45_000 ? 'STOPPED' : 'RUNNING']))
        }
      }
    )
    await poller.waitUntil('a', s => s === 'STOPPED', start + 600_000)
    const end = time.clock() - start
    // Whatever was left sleeping would now move the clock.
    await new Promise(resolve => setImmediate(resolve))
    await new Promise(resolve => setImmediate(resolve))
    return { looks, end, lines: log.lines, at: log.at.map(t => t - start), pending: time.pendingTimers, time }
  }

  it('tells the wait every 10 s from its last look, makes no look of its own, and stops with the wait', async () => {
    const told = await wait45s(true)
    const silent = await wait45s(false)
    // The same looks at the same moments, and the same end.
    expect(told.looks).toEqual(silent.looks)
    expect(told.end).toBe(silent.end)
    expect(told.lines).toEqual([
      'c1: 1 waits, 1 looked at 10000; 10 s elapsed',
      'c1: 1 waits, 1 looked at 20000; 20 s elapsed',
      'c1: 1 waits, 1 looked at 30000; 30 s elapsed',
      'c1: 1 waits, 1 looked at 40000; 40 s elapsed'
    ])
    expect(told.at).toEqual([10_000, 20_000, 30_000, 40_000])
    expect(told.pending).toBe(0)
  })

  it('tells a retried call by its last refusal, and a poll by what it waits for', async () => {
    const time = new VirtualTime()
    const start = time.clock()
    const log = new MemoryLogger(time.clock)
    const board = new PhaseLog(log, newClusterReport('c1', 'us-east-1'), time.clock, {
      sleep: time.sleep,
      signal: new AbortController().signal
    })
    const ctx = { clock: time.clock, sleep: time.sleep, signal: new AbortController().signal, waits: board }
    await retryUntil(ctx, { deadline: start + 600_000, minDelayMs: 2_000, maxDelayMs: 20_000 }, async () =>
      time.clock() - start >= 25_000 ? { done: true, value: 1 } : { done: false, reason: 'cluster has tasks' }
    )
    await pollUntil(
      ctx,
      {
        deadline: time.clock() + 600_000,
        schedule: { firstMs: 2_000, stepMs: 2_000, factor: 2, ceilingMs: 15_000 },
        what: 'stack s to be deleted'
      },
      async () =>
        time.clock() - start >= 45_000
          ? { done: true, value: 1 }
          : { done: false, reason: 'DELETE_IN_PROGRESS' }
    )
    expect(log.lines).toEqual([
      'c1: Waiting: cluster has tasks; 10 s elapsed',
      'c1: Waiting: cluster has tasks; 20 s elapsed',
      // The retry's last refusal came at 14 s, its next try at 30 s: told at 30 s first.
      'c1: Waiting: cluster has tasks; 30 s elapsed',
      'c1: Waiting for stack s to be deleted (DELETE_IN_PROGRESS); 10 s elapsed'
    ])
    await new Promise(resolve => setImmediate(resolve))
    expect(time.pendingTimers).toBe(0)
  })
})
