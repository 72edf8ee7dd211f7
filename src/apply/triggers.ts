import { sdk } from '../aws/sdk.js'
import { callAws } from '../aws/call.js'
import { Limits } from '../constants.js'
import type { RelatedPlan } from '../related/plan.js'
import type { TriggerInfo } from '../related/triggers.js'
import { newRelatedReport } from '../report/report.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import { chunk } from '../util/pool.js'
import type { ApplyContext } from './context.js'

/**
 * Before anything else: the EventBridge rules that start tasks on the cluster stop doing so, or
 * the scheduled tasks they start would keep the cluster from ever being empty. `remove` takes only
 * this cluster's targets off each rule; `disable` turns the whole rule off.
 */
export async function stopTriggers(ctx: ApplyContext, related: RelatedPlan): Promise<void> {
  await Promise.all(
    related.triggers.map(trigger =>
      related.triggerMode === 'disable' ? disableRule(ctx, trigger) : removeTargets(ctx, trigger)
    )
  )
}

async function removeTargets(ctx: ApplyContext, trigger: TriggerInfo): Promise<void> {
  try {
    for (const ids of chunk(trigger.targetIds, Limits.removeTargetsBatch)) {
      const out = await callAws(
        ctx,
        ctx.events,
        new (await sdk.eventbridge()).RemoveTargetsCommand({ Rule: trigger.rule, Ids: ids })
      )
      const failed = out.FailedEntries ?? []
      if ((out.FailedEntryCount ?? failed.length) > 0) {
        throw new Error(
          `EventBridge did not remove ${failed.length} target(s) of rule ${trigger.rule}: ${failed
            .map(f => `${f.TargetId}: ${f.ErrorCode} ${f.ErrorMessage ?? ''}`.trim())
            .join('; ')}`
        )
      }
    }
  } catch (error) {
    if (settled(ctx, trigger, error)) return
    throw error
  }
  record(ctx, trigger, 'targets-removed')
  ctx.log.info(
    `Removed ${trigger.targetIds.length} target(s) of EventBridge rule ${trigger.rule}: it no longer starts tasks on this cluster`
  )
}

async function disableRule(ctx: ApplyContext, trigger: TriggerInfo): Promise<void> {
  try {
    await callAws(ctx, ctx.events, new (await sdk.eventbridge()).DisableRuleCommand({ Name: trigger.rule }))
  } catch (error) {
    if (settled(ctx, trigger, error)) return
    throw error
  }
  record(ctx, trigger, 'disabled')
  ctx.log.info(`Disabled EventBridge rule ${trigger.rule}`)
}

/**
 * A rule deleted meanwhile starts nothing any more. A rule another AWS service manages refuses
 * changes: it is reported and the teardown goes on (a task it starts is stopped like any other).
 */
function settled(ctx: ApplyContext, trigger: TriggerInfo, error: unknown): boolean {
  if (isAwsError(error, 'ResourceNotFoundException')) {
    ctx.log.info(`EventBridge rule ${trigger.rule} is already deleted`)
    return true
  }
  if (isAwsError(error, 'ManagedRuleException')) {
    ctx.report.leftovers.push({
      kind: 'trigger',
      id: trigger.rule,
      reason: `managed by another AWS service, which refused the change (${errorMessage(error)}): it may still start tasks on this cluster; change it through the service that owns it`
    })
    ctx.log.warning(`EventBridge rule ${trigger.rule} is managed by another service and was left as it is`)
    return true
  }
  return false
}

function record(ctx: ApplyContext, trigger: TriggerInfo, action: 'targets-removed' | 'disabled'): void {
  const related = (ctx.report.related ??= newRelatedReport())
  related.triggers.push({ rule: trigger.rule, targets: trigger.targetIds, action })
}
