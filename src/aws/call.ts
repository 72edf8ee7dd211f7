import type { GetOutputType } from '@smithy/types'
import type { Logger } from '../log.js'
import { CancelledError, DeadlineError, isThrottling } from '../util/errors.js'
import type { WaitBoard } from '../util/poll.js'
import type { Pool } from '../util/pool.js'
import type { Clock, Sleep } from '../util/time.js'

/**
 * What an AWS client must offer: the SDK's `client.send`. The strict simulator in the tests offers
 * the same, so every module talks to AWS the same way in production and under test.
 */
export interface SendPort {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  send(command: any, options?: { abortSignal?: AbortSignal }): Promise<any>
  /** Paces the calls of this client to the service's rate limits (the ECS client has one). */
  pacer?: Pacer
  /** Starts loading the client's code now, ahead of its first call (lazily loaded clients). */
  warm?(): void
}

/** Waits for the right to send, and learns from AWS's throttles. */
export interface Pacer {
  /** Resolves with the time the right was granted. */
  acquire(operation: string, signal?: AbortSignal): Promise<number>
  /** AWS throttled `operation` although it was sent with a right granted at `grantedAt`. */
  throttled(operation: string, grantedAt: number): void
}

/** Everything a call to AWS needs besides the client: injected, never imported globally. */
export interface CallContext {
  pool: Pool
  clock: Clock
  sleep: Sleep
  signal: AbortSignal
  log: Logger
  /** Epoch milliseconds after which no new call starts. */
  deadline: number
  /** The live log's board of waits (src/report/phase-log.ts): what a wait says while it waits. */
  waits?: WaitBoard
}

/** Backoff after a throttle: a paced client also waits for its next token, so its jitter is small. */
const THROTTLE_BASE_DELAY_MS = { paced: 50, unpaced: 500 }
const THROTTLE_MAX_DELAY_MS = 20_000

export function operationName(command: object): string {
  return command.constructor.name.replace(/Command$/, '')
}

/**
 * Sends one command through the run's shared concurrency bound.
 *
 * Throttling is handled here, not by the SDK (see clients.ts): the client's pacer learns of every
 * throttle and slows only the category that was throttled, and the call is tried again (after its
 * next token, with a little jitter, backing off for unpaced clients) until the deadline: a teardown
 * must not give up halfway while its deadline is still far. Every other error goes to the caller,
 * which knows whether it means "already gone", "try again later" or a real failure.
 */
export async function callAws<C extends object>(
  ctx: CallContext,
  port: SendPort,
  command: C
): Promise<GetOutputType<C>> {
  const operation = operationName(command)
  let grantedAt = 0
  for (let attempt = 0; ; attempt++) {
    if (ctx.signal.aborted) throw new CancelledError()
    try {
      // The token comes before the pool slot: a call waiting for its rate limit must not hold a slot
      // that a call of another category could use.
      grantedAt = (await port.pacer?.acquire(operation, ctx.signal)) ?? ctx.clock()
      const output = await ctx.pool.run(() => port.send(command, { abortSignal: ctx.signal }))
      ctx.log.debug(`aws ${operation} ok`)
      return output as GetOutputType<C>
    } catch (error) {
      if (ctx.signal.aborted) throw new CancelledError()
      if (!isThrottling(error)) throw error
      port.pacer?.throttled(operation, grantedAt)
      const base = port.pacer ? THROTTLE_BASE_DELAY_MS.paced : THROTTLE_BASE_DELAY_MS.unpaced
      const cap = Math.min(THROTTLE_MAX_DELAY_MS, base * 2 ** Math.min(attempt, 10))
      const delay = Math.random() * cap
      if (ctx.clock() + delay >= ctx.deadline) {
        throw new DeadlineError(`AWS kept throttling ${operation} until the deadline`)
      }
      ctx.log.debug(`aws ${operation} throttled; retrying in ${Math.round(delay)} ms`)
      await ctx.sleep(delay, ctx.signal)
    }
  }
}
