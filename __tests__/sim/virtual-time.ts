import { CancelledError } from '../../src/util/errors.js'
import type { Clock, Sleep } from '../../src/util/time.js'

interface Timer {
  at: number
  seq: number
  resolve: () => void
}

/**
 * Discrete-event time for the simulator. `sleep` parks the caller; once every piece of work is
 * parked (the microtask queue has drained and a macrotask turn has passed), time jumps to the
 * earliest wake-up. Parallel waits overlap as they would on a real clock, so a run that takes
 * twenty minutes of AWS time finishes in milliseconds, and wall time is measured in virtual time.
 */
export class VirtualTime {
  private current: number
  private readonly timers: Timer[] = []
  private seq = 0
  private scheduled = false

  constructor(start = Date.UTC(2026, 10, 1, 12, 0, 0)) {
    this.current = start
  }

  readonly clock: Clock = () => this.current

  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(new CancelledError())
      const timer: Timer = {
        at: this.current + Math.max(0, ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
      }
      const onAbort = (): void => {
        const i = this.timers.indexOf(timer)
        if (i >= 0) this.timers.splice(i, 1)
        reject(new CancelledError())
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.timers.push(timer)
      this.schedule()
    })

  /** Runs `fn` at virtual time `at` (or now, if past): for events such as a cancellation mid-run. */
  at(at: number, fn: () => void): void {
    void this.sleep(Math.max(0, at - this.current)).then(fn)
  }

  get pendingTimers(): number {
    return this.timers.length
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(() => {
      this.scheduled = false
      this.advance()
    })
  }

  private advance(): void {
    if (this.timers.length === 0) return
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq)
    const next = this.timers[0]!.at
    this.current = Math.max(this.current, next)
    const due = this.timers.filter(t => t.at <= this.current)
    this.timers.splice(0, due.length)
    for (const t of due) t.resolve()
    if (this.timers.length > 0) this.schedule()
  }
}
