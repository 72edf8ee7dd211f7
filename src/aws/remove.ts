import { awsErrorName, DeadlineError, errorMessage, isAwsError } from '../util/errors.js'
import { retryUntil, type PollContext } from '../util/poll.js'

/**
 * An answer of AWS, known by its error name (any of `codes`) and, where one name covers several
 * causes, by its message too.
 */
export interface AwsAnswer {
  codes: readonly string[]
  message?: RegExp
}

/** True when `error` is one of `answers`. */
export function isAnswer(error: unknown, answers: readonly AwsAnswer[] | undefined): boolean {
  return (answers ?? []).some(
    a => isAwsError(error, ...a.codes) && (!a.message || a.message.test(errorMessage(error)))
  )
}

export interface Removal<T> {
  /** What is removed, for the live log's wait line and the deadline's error ("target group web"). */
  what: string
  /** The one AWS call that removes it; its answer is returned. */
  call: () => Promise<T>
  /** Refusals that mean it is gone already (deleted by someone else, by an earlier run): done. */
  gone?: readonly AwsAnswer[]
  /** Refusals that mean "not yet" (what still holds it is on its way out): tried again, with backoff. */
  notYet?: readonly AwsAnswer[]
  /**
   * Called on each "not yet" refusal, and awaited, before the next try: a log line, or what must
   * happen before AWS can accept (wait for the tasks, stop the stragglers).
   */
  onNotYet?: (reason: string) => Promise<void> | void
  /**
   * The live log's wait line, "Waiting for <waitingFor> (<AWS's last refusal>)". Default
   * "<what> to be removed"; false: told by AWS's last refusal alone.
   */
  waitingFor?: string | false
  deadline: number
  /** Backoff between tries: from `minDelayMs`, doubling, at most `maxDelayMs`. Default 2 s to 15 s. */
  minDelayMs?: number
  maxDelayMs?: number
  /** The deadline error's message, from AWS's last refusal. Default "<what> could not be removed …". */
  onDeadline?: (reason: string) => string
}

/** `gone`: the resource was gone already; `code` is AWS's answer that said so (ServiceNotActiveException). */
export type Removed<T> = { outcome: 'removed'; value: T } | { outcome: 'gone'; code: string }

/**
 * The one shape of every removal (Terraform's `RetryWhen` with its not-found check): call AWS;
 * "not found" means done; a refusal that only says "not yet" is tried again until the deadline,
 * which then fails the run naming AWS's last refusal; any other error is the caller's to handle.
 */
export async function removeWithRetry<T>(ctx: PollContext, removal: Removal<T>): Promise<Removed<T>> {
  const result = await retryUntil<Removed<T>>(
    ctx,
    {
      deadline: removal.deadline,
      minDelayMs: removal.minDelayMs ?? 2_000,
      maxDelayMs: removal.maxDelayMs ?? 15_000,
      ...(removal.waitingFor !== false ? { what: removal.waitingFor ?? `${removal.what} to be removed` } : {})
    },
    async () => {
      try {
        return { done: true, value: { outcome: 'removed', value: await removal.call() } }
      } catch (error) {
        if (isAnswer(error, removal.gone))
          return { done: true, value: { outcome: 'gone', code: awsErrorName(error) } }
        if (!isAnswer(error, removal.notYet)) throw error
        await removal.onNotYet?.(errorMessage(error))
        return { done: false, reason: errorMessage(error) }
      }
    }
  )
  if (!result.done)
    throw new DeadlineError(
      removal.onDeadline?.(result.reason) ??
        `${removal.what} could not be removed before the deadline: ${result.reason}`
    )
  return result.value
}
