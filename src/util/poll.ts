import type { Clock, Sleep } from './time.js'

export interface PollContext {
  clock: Clock
  sleep: Sleep
  signal: AbortSignal
  /** Where waits say what they wait for while they wait (the live log's heartbeat, PhaseLog). */
  waits?: WaitBoard
}

/** A wait in progress, told from what its last look saw: no look is made to tell it. */
export interface Waiting {
  /** What it waits for now, and since when (undefined: nothing worth saying). */
  tell(now: number): { what: string; since: number } | undefined
}

/**
 * Where waits are announced while they last: a heartbeat tells every wait on the board at a fixed
 * pace, from the clock and sleep it was given (src/report/phase-log.ts).
 */
export interface WaitBoard {
  /** Puts a wait on the board; the returned function takes it off (call it when the wait ends). */
  begin(wait: Waiting): () => void
}

/** One waiter of a BatchPoller as its heartbeat sees it. */
export interface WaitView<T> {
  id: string
  since: number
  /** When it can be done at the earliest (after a known drain); `since` when nothing is known. */
  canEndFrom: number
  /** Looked at since the wait began: `state` is this wait's look, not what was known before it. */
  looked: boolean
  /** What the last look saw, or what was known when the wait began; undefined: gone. */
  state: T | undefined
}

export type WaitOutcome<T> =
  /** The condition held. `state` is undefined when the resource is gone, which counts as done. */
  | { done: true; state: T | undefined }
  /** The deadline passed first; `state` is the last one seen. */
  | { done: false; state: T | undefined }

/**
 * When a poller looks: the first look `firstMs` after it starts (0: at once), then further apart by
 * `factor` each round in which nothing it looked at changed, never more than `ceilingMs` apart. A
 * round in which some of what it looked at finished keeps the pace; a round in which everything it
 * looked at was done looks again at once (what finishes tends to finish in groups).
 */
export interface PollSchedule {
  firstMs: number
  /** The second look comes this long after the first when nothing changed; then `factor` times more. */
  stepMs: number
  factor: number
  ceilingMs: number
  /**
   * How long after a wait can first end (when it starts, or at its not-before moment) AWS has
   * finished at the latest, as far as the action knows (a task's stop timeout). Until then the looks
   * keep doubling past the ceiling but never sleep past that moment, where one look settles most
   * waits; after it, they come every `ceilingMs`.
   */
  settleByMs?: number
  /**
   * A wait that could not end before a known moment (`waitUntil`'s notBeforeMs) is not looked at
   * before it; from there its looks come this fraction of the time it has waited after it and apart
   * (never past its settle-by moment): a wait known to last a minute is not looked at every second
   * once it may be over, and is seen done at most about that fraction late. 1 when not given.
   */
  resumeFraction?: number
}

interface Waiter<T> {
  id: string
  /** When the wait began. */
  since: number
  /**
   * When it can be done at the earliest, as far as the action knows (a load-balancer drain that must
   * run its course): its settle-by moment counts from here, and it is not looked at before
   * `lookFrom` (unless its deadline comes first).
   */
  canEndFrom: number
  /** Its first look: after `canEndFrom` when it waits for that moment (waitUntil), else on the schedule. */
  lookFrom: number
  /** Looked at already: from then on it follows the poller's schedule. */
  looked: boolean
  isDone: (state: T | undefined) => boolean
  deadline: number
  resolve: (outcome: WaitOutcome<T>) => void
  reject: (error: unknown) => void
  last: T | undefined
  /** What was known of it when the wait began (for the heartbeat until the first look). */
  known: T | undefined
}

/**
 * Waits on many resources of one kind with one polling loop. A round describes at most one batch
 * (DescribeTasks takes 100, DescribeServices 10): the resources waited on longest, which were asked
 * first and so tend to finish first, plus any whose deadline has come. While they are not done, the
 * others are not either, so a hundred waits cost one call per round instead of ten; once a batch is
 * done, the next round comes at once. A resource that AWS no longer knows is passed to `isDone` as
 * `undefined`: for a teardown, gone is done, unlike the SDK's stock waiters.
 *
 * The rounds follow `schedule`, and never sleep past the moment the oldest wait should be over
 * (`settleByMs`) nor past the nearest deadline: a waiter whose deadline has come is looked at and
 * settled then.
 */
export class BatchPoller<T> {
  private readonly waiters = new Set<Waiter<T>>()
  private running = false

  constructor(
    private readonly ctx: PollContext,
    private readonly options: {
      schedule: PollSchedule
      /** The most ids one round describes, besides those whose deadline has come. */
      batchSize: number
      /** States of the given ids; an id missing from the map is gone. */
      describe: (ids: string[]) => Promise<Map<string, T>>
      /** What the waits still open are waiting for, for the heartbeat (ctx.waits). */
      tell?: (waits: WaitView<T>[], now: number) => string | undefined
    }
  ) {}

  /**
   * Waits until `isDone` holds for `id`. `notBeforeMs`: how long after now it can be done at the
   * earliest, as far as the action knows (a task behind a load balancer is deregistered from its
   * target groups, for their whole deregistration delay, before ECS sends it SIGTERM). It is not
   * looked at before then: its looks come a `resumeFraction` of the time already waited after it
   * and apart (at least `firstMs`), and its settle-by moment counts from it. Its deadline still
   * comes first. `known`: its state when the wait begins, as last seen (told by the heartbeat until
   * the first look).
   */
  waitUntil(
    id: string,
    isDone: (state: T | undefined) => boolean,
    deadline: number,
    notBeforeMs = 0,
    known?: T
  ): Promise<WaitOutcome<T>> {
    return new Promise((resolve, reject) => {
      const since = this.ctx.clock()
      const { firstMs, resumeFraction: fraction = 1, settleByMs = Infinity } = this.options.schedule
      const delayed = notBeforeMs > 0
      const canEndFrom = since + Math.max(0, notBeforeMs)
      // The first look after that moment: a fraction of the time waited, but never past the moment
      // AWS must be done (a 300 s delay would otherwise put it 75 s on, past a 30 s stop timeout).
      const firstLookMs = Math.min(Math.max(firstMs, fraction * notBeforeMs), settleByMs)
      this.waiters.add({
        id,
        since,
        canEndFrom,
        lookFrom: delayed ? canEndFrom + firstLookMs : since,
        looked: false,
        isDone,
        deadline,
        resolve,
        reject,
        last: undefined,
        known
      })
      if (!this.running) void this.loop()
    })
  }

  private async loop(): Promise<void> {
    this.running = true
    const { schedule, batchSize } = this.options
    let sleepMs = schedule.firstMs
    /** The backoff's current gap between looks, kept while things finish one by one. */
    let paceMs = schedule.stepMs
    let nextStepMs = schedule.stepMs
    const endTelling = this.ctx.waits?.begin({ tell: now => this.tell(now) })
    try {
      while (this.waiters.size > 0) {
        const nearest = Math.min(...[...this.waiters].map(w => w.deadline))
        const startNow = this.ctx.clock()
        if (![...this.waiters].some(w => inSchedule(w, startNow))) {
          // Nothing can be done yet: sleep until the first wait can, and go on backing off from the
          // time it has waited already.
          const first = [...this.waiters].reduce((a, b) => (b.lookFrom < a.lookFrom ? b : a))
          sleepMs = first.lookFrom - startNow
          paceMs = schedule.stepMs
          nextStepMs = Math.max(
            schedule.stepMs,
            (schedule.resumeFraction ?? 1) * (first.lookFrom - first.since)
          )
        }
        await this.ctx.sleep(Math.max(0, Math.min(sleepMs, nearest - startNow)), this.ctx.signal)
        const now = this.ctx.clock()
        // Insertion order is the order the waits began: the oldest first. A wait whose first look is
        // due within the next step joins this round (waits asked together are looked at together).
        const due = [...this.waiters].filter(w => w.deadline <= now)
        const ids = new Set(due.map(w => w.id))
        for (const w of this.waiters) {
          if (ids.size >= Math.max(batchSize, due.length)) break
          if (inSchedule(w, now + schedule.stepMs)) ids.add(w.id)
        }
        if (ids.size === 0) continue
        const watched = [...this.waiters].filter(w => ids.has(w.id))
        const states = await this.options.describe([...ids])
        const after = this.ctx.clock()
        let finished = 0
        for (const waiter of watched) {
          const state = states.get(waiter.id)
          waiter.last = state
          waiter.looked = true
          if (waiter.isDone(state)) {
            finished++
            this.settle(waiter, { done: true, state })
          } else if (after >= waiter.deadline) this.settle(waiter, { done: false, state })
        }
        if (finished === watched.length) {
          // Everything looked at was done: the next batch has likely finished too.
          sleepMs = 0
        } else if (finished > 0) {
          // Things are finishing one by one: keep the pace, neither faster nor slower.
          sleepMs = paceMs
        } else {
          paceMs = this.nextSleep(nextStepMs, after)
          sleepMs = paceMs
          nextStepMs *= schedule.factor
        }
        // A wait that can first be looked at sooner is looked at then, without changing the pace.
        sleepMs = Math.min(sleepMs, this.untilFirstLook(after))
      }
    } catch (error) {
      for (const waiter of [...this.waiters]) {
        this.waiters.delete(waiter)
        waiter.reject(error)
      }
    } finally {
      this.running = false
      endTelling?.()
    }
  }

  /** The open waits as the heartbeat tells them: from the last look, no new one. */
  private tell(now: number): { what: string; since: number } | undefined {
    if (!this.options.tell || this.waiters.size === 0) return undefined
    const views = [...this.waiters].map(w => ({
      id: w.id,
      since: w.since,
      canEndFrom: w.canEndFrom,
      looked: w.looked,
      state: w.looked ? w.last : w.known
    }))
    const what = this.options.tell(views, now)
    return what === undefined ? undefined : { what, since: Math.min(...views.map(v => v.since)) }
  }

  /** The backoff's next sleep, from the moment the oldest wait being looked at could first end. */
  private nextSleep(stepMs: number, now: number): number {
    const oldest = [...this.waiters].find(w => inSchedule(w, now))
    return backoffSleep(this.options.schedule, stepMs, oldest?.canEndFrom ?? now, now)
  }

  /** How long until a wait not looked at yet is first looked at (Infinity: none such). */
  private untilFirstLook(now: number): number {
    return Math.min(...[...this.waiters].filter(w => !inSchedule(w, now)).map(w => w.lookFrom - now))
  }

  private settle(waiter: Waiter<T>, outcome: WaitOutcome<T>): void {
    this.waiters.delete(waiter)
    waiter.resolve(outcome)
  }
}

/** A wait follows the poller's schedule once its first look is due, or it was looked at already. */
function inSchedule(waiter: { looked: boolean; lookFrom: number }, now: number): boolean {
  return waiter.looked || waiter.lookFrom <= now
}

/**
 * A backoff step as `schedule` allows it for a wait that began at `since`: up to its settle-by
 * moment while that is ahead (the step may then pass the ceiling), else at most the ceiling.
 */
export function backoffSleep(schedule: PollSchedule, stepMs: number, since: number, now: number): number {
  const settleAt = schedule.settleByMs !== undefined ? since + schedule.settleByMs : undefined
  if (settleAt !== undefined && now < settleAt) return Math.min(stepMs, settleAt - now)
  return Math.min(stepMs, schedule.ceilingMs)
}

/**
 * One resource's wait on `schedule`: the first look after `firstMs`, then backing off, until `look`
 * reports done or the deadline passes; no sleep goes past the deadline, and the last look is at it.
 */
export async function pollUntil<T>(
  ctx: PollContext,
  options: { deadline: number; schedule: PollSchedule; what?: string },
  look: () => Promise<{ done: true; value: T } | { done: false; reason: string }>
): Promise<{ done: true; value: T } | { done: false; reason: string }> {
  const { deadline, schedule } = options
  const since = ctx.clock()
  let sleepMs = schedule.firstMs
  let stepMs = schedule.stepMs
  const told = tellWait(ctx, options.what, since)
  try {
    for (;;) {
      await ctx.sleep(Math.max(0, Math.min(sleepMs, deadline - ctx.clock())), ctx.signal)
      const result = await look()
      const now = ctx.clock()
      if (result.done || now >= deadline) return result
      told.reason = result.reason
      sleepMs = backoffSleep(schedule, stepMs, since, now)
      stepMs *= schedule.factor
    }
  } finally {
    told.end()
  }
}

/**
 * Puts a pollUntil/retryUntil wait on the heartbeat's board: "Waiting for <what>: <the last
 * reason it is not done>". Without `what`, the wait is told by its reason alone.
 */
function tellWait(
  ctx: PollContext,
  what: string | undefined,
  since: number
): { reason: string | undefined; end: () => void } {
  const told: { reason: string | undefined; end: () => void } = { reason: undefined, end: () => undefined }
  const end = ctx.waits?.begin({
    tell: () => {
      if (what) return { what: `Waiting for ${what}${told.reason ? ` (${told.reason})` : ''}`, since }
      return told.reason ? { what: `Waiting: ${told.reason}`, since } : undefined
    }
  })
  if (end) told.end = end
  return told
}

/**
 * Tries `attempt` until it reports done or the deadline passes, backing off between tries. Used
 * for calls AWS refuses while an earlier change settles (DeleteCluster right after draining).
 */
export async function retryUntil<T>(
  ctx: PollContext,
  options: { deadline: number; minDelayMs: number; maxDelayMs: number; what?: string },
  attempt: () => Promise<{ done: true; value: T } | { done: false; reason: string }>
): Promise<{ done: true; value: T } | { done: false; reason: string }> {
  let delay = options.minDelayMs
  let told: ReturnType<typeof tellWait> | undefined
  try {
    for (;;) {
      const result = await attempt()
      if (result.done) return result
      const now = ctx.clock()
      if (now + delay > options.deadline) return result
      // A wait from its first refusal on: a call accepted at once was no wait.
      told ??= tellWait(ctx, options.what, now)
      told.reason = result.reason
      await ctx.sleep(delay, ctx.signal)
      delay = Math.min(options.maxDelayMs, delay * 2)
    }
  } finally {
    told?.end()
  }
}
