import type { Clock, Sleep } from './time.js'

export interface PollContext {
  clock: Clock
  sleep: Sleep
  signal: AbortSignal
}

export type WaitOutcome<T> =
  /** The condition held. `state` is undefined when the resource is gone, which counts as done. */
  | { done: true; state: T | undefined }
  /** The deadline passed first; `state` is the last one seen. */
  | { done: false; state: T | undefined }

interface Waiter<T> {
  id: string
  isDone: (state: T | undefined) => boolean
  deadline: number
  resolve: (outcome: WaitOutcome<T>) => void
  reject: (error: unknown) => void
  last: T | undefined
}

/**
 * Waits on many resources of one kind with one polling loop: every round describes all watched
 * resources in batches (DescribeTasks takes 100, DescribeServices 10), so a hundred waits cost a
 * call per round instead of a hundred. A resource that AWS no longer knows is passed to `isDone` as
 * `undefined`: for a teardown, gone is done, unlike the SDK's stock waiters.
 */
export class BatchPoller<T> {
  private readonly waiters = new Set<Waiter<T>>()
  private running = false

  constructor(
    private readonly ctx: PollContext,
    private readonly options: {
      intervalMs: number
      /** States of the given ids; an id missing from the map is gone. */
      describe: (ids: string[]) => Promise<Map<string, T>>
    }
  ) {}

  waitUntil(
    id: string,
    isDone: (state: T | undefined) => boolean,
    deadline: number
  ): Promise<WaitOutcome<T>> {
    return new Promise((resolve, reject) => {
      this.waiters.add({ id, isDone, deadline, resolve, reject, last: undefined })
      if (!this.running) void this.loop()
    })
  }

  private async loop(): Promise<void> {
    this.running = true
    try {
      while (this.waiters.size > 0) {
        const now = this.ctx.clock()
        const nearest = Math.min(...[...this.waiters].map(w => w.deadline))
        // The first look comes one interval after the wait starts: whatever was just asked of AWS
        // (a stop, a delete) is never finished at once, so an immediate look would be wasted.
        await this.ctx.sleep(Math.max(0, Math.min(this.options.intervalMs, nearest - now)), this.ctx.signal)
        const watched = [...this.waiters]
        const states = await this.options.describe([...new Set(watched.map(w => w.id))])
        const after = this.ctx.clock()
        for (const waiter of watched) {
          const state = states.get(waiter.id)
          waiter.last = state
          if (waiter.isDone(state)) this.settle(waiter, { done: true, state })
          else if (after >= waiter.deadline) this.settle(waiter, { done: false, state })
        }
      }
    } catch (error) {
      for (const waiter of [...this.waiters]) {
        this.waiters.delete(waiter)
        waiter.reject(error)
      }
    } finally {
      this.running = false
    }
  }

  private settle(waiter: Waiter<T>, outcome: WaitOutcome<T>): void {
    this.waiters.delete(waiter)
    waiter.resolve(outcome)
  }
}

/**
 * Tries `attempt` until it reports done or the deadline passes, backing off between tries. Used
 * for calls AWS refuses while an earlier change settles (DeleteCluster right after draining).
 */
export async function retryUntil<T>(
  ctx: PollContext,
  options: { deadline: number; minDelayMs: number; maxDelayMs: number },
  attempt: () => Promise<{ done: true; value: T } | { done: false; reason: string }>
): Promise<{ done: true; value: T } | { done: false; reason: string }> {
  let delay = options.minDelayMs
  for (;;) {
    const result = await attempt()
    if (result.done) return result
    const now = ctx.clock()
    if (now + delay > options.deadline) return result
    await ctx.sleep(delay, ctx.signal)
    delay = Math.min(options.maxDelayMs, delay * 2)
  }
}
