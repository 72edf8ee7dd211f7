import type { ApplyContext } from '../apply/context.js'
import type { Leftover, LeftoverKind } from '../report/report.js'
import type { KindAction } from './kind.js'
import { keepWhatOthersNowUse, type OtherUsersCheck, type OtherUsersLookup } from './other-users/index.js'

/**
 * The bookkeeping every kind shares: its decisions (remove, or keep and why), the dry run's "will be
 * kept" notes, the leftovers of what it keeps, and what a run that stopped early did not get to.
 */

/** A kind's decision about one resource: it goes, or it stays and `keepReason` says why. */
export interface Decision {
  delete: boolean
  keepReason?: string
}

/** `<what> will be kept: <why>` for each decision that keeps its resource (the dry run's known blockers). */
export function keptNotes<D extends Decision>(decisions: readonly D[], what: (d: D) => string): string[] {
  return decisions.filter(d => !d.delete).map(d => `${what(d)} will be kept: ${d.keepReason}`)
}

/** Into the report's leftovers, `kept: <why>`, each decision that keeps its resource. */
export function reportKept<D extends Decision>(
  ctx: Pick<ApplyContext, 'report'>,
  kind: LeftoverKind,
  decisions: readonly D[],
  id: (d: D) => string
): void {
  for (const d of decisions.filter(d => !d.delete))
    ctx.report.leftovers.push({ kind, id: id(d), reason: `kept: ${d.keepReason}` })
}

/** Keeps one resource the kind meant to remove, found in use at the last look: a leftover and a log line. */
export function keepOne(
  ctx: Pick<ApplyContext, 'report' | 'log'>,
  leftover: { kind: LeftoverKind; id: string; what: string },
  reason: string
): void {
  ctx.report.leftovers.push({ kind: leftover.kind, id: leftover.id, reason: `kept: ${reason}` })
  ctx.log.info(`${leftover.what} is kept: ${reason}`)
}

/**
 * For a run that stopped early: what the plan meant to remove (`planned`) that the report does not
 * show done, as leftovers, `not deleted before the run stopped` unless `reason` says otherwise.
 */
export function notDone<T>(
  planned: readonly T[],
  done: (item: T) => boolean,
  leftover: {
    kind: LeftoverKind
    id: (item: T) => string
    reason?: string | ((item: T) => string)
    billing?: boolean
  }
): Leftover[] {
  return planned
    .filter(item => !done(item))
    .map(item => ({
      kind: leftover.kind,
      id: leftover.id(item),
      reason:
        typeof leftover.reason === 'function'
          ? leftover.reason(item)
          : (leftover.reason ?? 'not deleted before the run stopped'),
      ...(leftover.billing ? { billing: true } : {})
    }))
}

/**
 * The action of a kind that removes only what nothing outside the run uses (log groups, Cloud Map
 * services): who else uses them is asked again right before, which only ever keeps more.
 */
export function removeUnlessOthersUse<D extends Decision>(spec: {
  phase: string
  /** One resource, in the log line of the second look. */
  noun: string
  keepReason: (d: D, fresh: OtherUsersCheck) => string | undefined
  remove: (ctx: ApplyContext, decisions: D[]) => Promise<void>
}): KindAction<{ decisions: D[]; otherUsers?: OtherUsersLookup }> {
  return {
    phase: spec.phase,
    needed: plan => plan.decisions.length > 0,
    run: async (ctx, plan) =>
      spec.remove(ctx, await keepWhatOthersNowUse(ctx, plan, spec.keepReason, spec.noun))
  }
}
