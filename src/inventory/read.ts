import type { GetOutputType } from '@smithy/types'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import { isAccessDenied } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { chunk } from '../util/pool.js'
import type { InventoryContext } from './types.js'

/**
 * Every ARN an ECS list call returns, every page of 100: `command` makes one page's command from
 * `maxResults` and `nextToken`, `arns` takes its answer's ARNs.
 */
export function listEveryPage<C extends object>(
  ctx: InventoryContext,
  command: (page: { maxResults: number; nextToken: string | undefined }) => C,
  arns: (out: GetOutputType<C>) => string[] | undefined
): Promise<string[]> {
  return paginate(async nextToken => {
    const out = await callAws(ctx, ctx.ecs, command({ maxResults: Limits.listPageSize, nextToken }))
    return { items: arns(out) ?? [], nextToken: (out as { nextToken?: string }).nextToken }
  })
}

/**
 * An ECS describe call over `arns` in batches of `size`, concurrently: what it describes
 * (`present`), and the ARNs of its failures (`missing`).
 */
export async function describeInBatches<T, O extends { failures?: { arn?: string }[] }>(
  arns: string[],
  size: number,
  describe: (batch: string[]) => Promise<O>,
  found: (out: O) => T[]
): Promise<{ present: T[]; missing: string[] }> {
  const batches = await Promise.all(chunk(arns, size).map(describe))
  const present: T[] = []
  const missing: string[] = []
  for (const out of batches) {
    present.push(...found(out))
    missing.push(...(out.failures ?? []).map(f => f.arn ?? '').filter(Boolean))
  }
  return { present, missing }
}

/** A dry run records a denied read as a blocker and goes on with `fallback`; a real run fails on it. */
export async function tolerateDenied<T, F>(
  ctx: InventoryContext,
  read: Promise<T>,
  fallback: F
): Promise<T | F> {
  if (!ctx.onDenied) return read
  try {
    return await read
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    ctx.onDenied(error)
    return fallback
  }
}

export function unique<T>(items: T[]): T[] {
  return [...new Set(items)]
}
