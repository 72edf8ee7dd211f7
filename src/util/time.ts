import { CancelledError } from './errors.js'

/** Milliseconds since the epoch. Injected so tests and the benchmark can run on virtual time. */
export type Clock = () => number

/** Waits `ms`, or rejects with CancelledError as soon as `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

export const systemClock: Clock = () => Date.now()

export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(new CancelledError())
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      },
      Math.max(0, ms)
    )
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(new CancelledError())
    }
    signal?.addEventListener('abort', onAbort, { once: true })
  })

export function throwIfAborted(signal: AbortSignal): void {
  if (signal.aborted) throw new CancelledError()
}

/** A duration as a person reads it in the log: `45 s`, `1 min 05 s`, `1 h 02 min`. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000))
  const h = Math.floor(total / 3600)
  const min = Math.floor((total % 3600) / 60)
  const s = total % 60
  if (h > 0) return `${h} h ${String(min).padStart(2, '0')} min`
  if (min > 0) return `${min} min ${String(s).padStart(2, '0')} s`
  return `${s} s`
}
