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
