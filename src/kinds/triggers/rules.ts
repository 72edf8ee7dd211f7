import { sdk } from '../../aws/sdk.js'
import type { ApplyContext } from '../../apply/context.js'
import { callAws, type CallContext, type SendPort } from '../../aws/call.js'
import { Limits } from '../../constants.js'
import { errorMessage, isAwsError } from '../../util/errors.js'
import { paginate } from '../../util/paginate.js'
import { chunk } from '../../util/pool.js'
import { relatedReport } from '../kind.js'
import { familyOf } from '../../ecs/task-definitions.js'

/** An EventBridge rule, on any event bus of the account, with targets that start tasks on the cluster. */
export interface TriggerInfo {
  rule: string
  /** Its event bus, when it is not the default one. */
  bus?: string
  /** The rule's targets that point at this cluster: their ids, for RemoveTargets. */
  targetIds: string[]
  /** The task definitions those targets start, as the targets name them. */
  taskDefinitions: string[]
  /** The rule also has targets elsewhere (kept by `remove`, stopped too by `disable`). */
  otherTargets: number
}

export type TriggerContext = CallContext & { events: SendPort }

/** The default event bus: EventBusName is left out for it, as AWS's own default. */
const DEFAULT_BUS = 'default'

/**
 * The rules whose targets start tasks on this cluster, on every event bus of the account
 * (ListEventBuses, every page; a custom bus's rules fire like the default bus's). An ECS target's
 * Arn is the cluster's ARN, so ListRuleNamesByTarget with it finds exactly those rules (every page);
 * each rule's targets are then read to pick out the ones for this cluster. A rule or bus deleted
 * between the reads is skipped.
 */
export async function findTriggers(
  ctx: TriggerContext,
  clusterArn: string,
  /** Services mode: only the targets that start these task definition families are this run's. */
  families?: ReadonlySet<string>
): Promise<TriggerInfo[]> {
  const buses = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.events,
      new (await sdk.eventbridge()).ListEventBusesCommand({
        Limit: Limits.eventsPageSize,
        NextToken: nextToken
      })
    )
    return { items: (out.EventBuses ?? []).map(b => b.Name ?? '').filter(Boolean), nextToken: out.NextToken }
  })
  // The default bus is always there, whatever a partial answer says.
  const all = [...new Set([DEFAULT_BUS, ...buses])]
  const found = await Promise.all(all.map(bus => findOnBus(ctx, clusterArn, bus, families)))
  return found.flat()
}

async function findOnBus(
  ctx: TriggerContext,
  clusterArn: string,
  bus: string,
  families: ReadonlySet<string> | undefined
): Promise<TriggerInfo[]> {
  const onBus = bus === DEFAULT_BUS ? {} : { EventBusName: bus }
  let rules: string[]
  try {
    rules = await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        ctx.events,
        new (await sdk.eventbridge()).ListRuleNamesByTargetCommand({
          TargetArn: clusterArn,
          ...onBus,
          Limit: Limits.eventsPageSize,
          NextToken: nextToken
        })
      )
      return { items: out.RuleNames ?? [], nextToken: out.NextToken }
    })
  } catch (error) {
    // A custom bus deleted since it was listed has no rules left.
    if (bus !== DEFAULT_BUS && isAwsError(error, 'ResourceNotFoundException')) return []
    throw error
  }
  const found = await Promise.all(
    [...new Set(rules)].map(rule => readTargets(ctx, rule, clusterArn, bus, families))
  )
  return found.filter((t): t is TriggerInfo => t !== undefined && t.targetIds.length > 0)
}

async function readTargets(
  ctx: TriggerContext,
  rule: string,
  clusterArn: string,
  bus: string,
  families: ReadonlySet<string> | undefined
): Promise<TriggerInfo | undefined> {
  try {
    const targets = await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        ctx.events,
        new (await sdk.eventbridge()).ListTargetsByRuleCommand({
          Rule: rule,
          ...(bus === DEFAULT_BUS ? {} : { EventBusName: bus }),
          Limit: Limits.eventsPageSize,
          NextToken: nextToken
        })
      )
      return { items: out.Targets ?? [], nextToken: out.NextToken }
    })
    const mine = targets.filter(
      t =>
        t.Arn === clusterArn &&
        (!families || families.has(familyOf(t.EcsParameters?.TaskDefinitionArn ?? '')))
    )
    return {
      rule,
      ...(bus === DEFAULT_BUS ? {} : { bus }),
      targetIds: mine.map(t => t.Id ?? '').filter(Boolean),
      taskDefinitions: [...new Set(mine.map(t => t.EcsParameters?.TaskDefinitionArn ?? '').filter(Boolean))],
      otherTargets: targets.length - mine.length
    }
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined
    throw error
  }
}

export async function removeTargets(ctx: ApplyContext, trigger: TriggerInfo): Promise<void> {
  try {
    for (const ids of chunk(trigger.targetIds, Limits.removeTargetsBatch)) {
      const out = await callAws(
        ctx,
        ctx.events,
        new (await sdk.eventbridge()).RemoveTargetsCommand({
          Rule: trigger.rule,
          ...onBus(trigger),
          Ids: ids
        })
      )
      const failed = out.FailedEntries ?? []
      if ((out.FailedEntryCount ?? failed.length) > 0) {
        throw new Error(
          `EventBridge did not remove ${failed.length} target(s) of rule ${ruleLabel(trigger)}: ${failed
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
    `Removed ${trigger.targetIds.length} target(s) of EventBridge rule ${ruleLabel(trigger)}: it no longer starts tasks on this cluster`
  )
}

export async function disableRule(ctx: ApplyContext, trigger: TriggerInfo): Promise<void> {
  try {
    await callAws(
      ctx,
      ctx.events,
      new (await sdk.eventbridge()).DisableRuleCommand({ Name: trigger.rule, ...onBus(trigger) })
    )
  } catch (error) {
    if (settled(ctx, trigger, error)) return
    throw error
  }
  record(ctx, trigger, 'disabled')
  ctx.log.info(`Disabled EventBridge rule ${ruleLabel(trigger)}`)
}

/**
 * A rule deleted meanwhile starts nothing any more. A rule another AWS service manages refuses
 * changes: it is reported and the teardown goes on (a task it starts is stopped like any other).
 */
function settled(ctx: ApplyContext, trigger: TriggerInfo, error: unknown): boolean {
  if (isAwsError(error, 'ResourceNotFoundException')) {
    ctx.log.info(`EventBridge rule ${ruleLabel(trigger)} is already deleted`)
    return true
  }
  if (isAwsError(error, 'ManagedRuleException')) {
    ctx.report.leftovers.push({
      kind: 'trigger',
      id: ruleLabel(trigger),
      reason: `managed by another AWS service, which refused the change (${errorMessage(error)}): it may still start tasks on this cluster; change it through the service that owns it`
    })
    ctx.log.warning(
      `EventBridge rule ${ruleLabel(trigger)} is managed by another service and was left as it is`
    )
    return true
  }
  return false
}

function record(ctx: ApplyContext, trigger: TriggerInfo, action: 'targets-removed' | 'disabled'): void {
  relatedReport(ctx.report).triggers.push({
    rule: trigger.rule,
    ...(trigger.bus ? { bus: trigger.bus } : {}),
    targets: trigger.targetIds,
    action
  })
}

function onBus(trigger: TriggerInfo): { EventBusName?: string } {
  return trigger.bus ? { EventBusName: trigger.bus } : {}
}

/** The rule as a person finds it: its name, and its bus when it is not the default one. */
export function ruleLabel(trigger: { rule: string; bus?: string }): string {
  return trigger.bus ? `${trigger.bus}/${trigger.rule}` : trigger.rule
}
