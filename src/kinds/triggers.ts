import { sdk } from '../aws/sdk.js'
import type { ApplyContext } from '../apply/context.js'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { Limits } from '../constants.js'
import { code } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import type { Leftover } from '../report/report.js'
import type { TriggerMode } from '../settings.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { chunk } from '../util/pool.js'
import { count, relatedReport, type ResourceKind } from './kind.js'
import { familiesToStop, familyOfRef, readStarters, sharedWithNeighbours } from './shared.js'

/**
 * What starts tasks on the cluster: EventBridge rules with an ECS target on it (input `triggers`).
 * Before any service is touched they stop doing so, or the scheduled tasks they start would keep
 * the cluster from ever being empty. `remove` takes only this cluster's targets off each rule;
 * `disable` turns the whole rule off; `keep` does not look.
 */

export interface TriggersPlan {
  mode: TriggerMode
  /** The rules to act on before anything else (none with `keep`). */
  triggers: TriggerInfo[]
  /** Services mode: families another service of the cluster runs too: rules starting them are kept. */
  sharedFamilies?: { family: string; users: string[] }[]
  /**
   * Services mode with `disable`: rules that also have other targets, which disabling would stop
   * too; only this run's targets are removed from them.
   */
  removeOnly?: string[]
}

/** Undefined: not looked at (`triggers: keep`, or EventBridge not available to this run). */
export type TriggersFound = TriggerInfo[] | undefined

export const triggersKind: ResourceKind<TriggersFound, TriggersPlan> = {
  name: 'EventBridge rules',

  async find(ctx, scope, settings) {
    if (settings.triggers === 'keep') return undefined
    const families = familiesToStop(scope)
    if (families?.size === 0) return []
    return readStarters(ctx, ctx.events, 'EventBridge', () => findTriggers(ctx, scope.cluster.arn, families))
  },

  recordFound(found, report, log) {
    report.found.triggers = found?.length ?? 0
    for (const t of found ?? [])
      log.info(`EventBridge rule ${t.rule} starts tasks on this cluster (${t.targetIds.length} target(s))`)
  },

  decide(found, { settings, scope }) {
    const shared = settings.triggers === 'keep' ? new Map() : sharedWithNeighbours(scope).families
    return {
      mode: settings.triggers,
      triggers: settings.triggers === 'keep' ? [] : (found ?? []),
      ...(!scope.wholeCluster && settings.triggers === 'disable'
        ? { removeOnly: (found ?? []).filter(t => t.otherTargets > 0).map(t => t.rule) }
        : {}),
      ...(shared.size > 0
        ? { sharedFamilies: [...shared].map(([family, users]) => ({ family, users: users as string[] })) }
        : {})
    }
  },

  steps(plan) {
    if (plan.triggers.length === 0) return []
    return [
      {
        // First: nothing may start tasks on the cluster while it is being emptied.
        stage: 'before-services',
        phase: 'triggers',
        description:
          plan.mode === 'disable'
            ? `Disable ${count(plan.triggers.length, 'EventBridge rule')} that start tasks on this cluster`
            : `Remove this cluster's targets from ${count(plan.triggers.length, 'EventBridge rule')} that start its tasks`,
        resources: plan.triggers.map(t => t.rule)
      }
    ]
  },

  notes(plan) {
    const kept = (plan.sharedFamilies ?? []).map(
      f =>
        `EventBridge targets that start family ${f.family} on this cluster will be kept: ${f.users.join(', ')} also run(s) it`
    )
    if (plan.mode !== 'disable') return kept
    return [
      ...plan.triggers
        .filter(t => t.otherTargets > 0)
        .map(t =>
          plan.removeOnly?.includes(t.rule)
            ? `EventBridge rule ${t.rule} also has ${t.otherTargets} other target(s): only this run's targets will be removed from it, not the whole rule disabled`
            : `EventBridge rule ${t.rule} will be disabled as a whole, which also stops its ${t.otherTargets} other target(s)`
        ),
      ...kept
    ]
  },

  actions: {
    'before-services': {
      phase: 'EventBridge rules',
      needed: plan => plan.triggers.length > 0,
      run: async (ctx, plan) => {
        await Promise.all(
          plan.triggers.map(trigger =>
            plan.mode === 'disable' && !plan.removeOnly?.includes(trigger.rule)
              ? disableRule(ctx, trigger)
              : removeTargets(ctx, trigger)
          )
        )
      }
    }
  },

  unfinished(plan, report) {
    const done = report.related?.triggers ?? []
    return plan.triggers
      .filter(t => !done.some(d => d.rule === t.rule))
      .map((t): Leftover => ({
        kind: 'trigger',
        id: t.rule,
        reason: 'may still start tasks on this cluster: not changed before the run stopped'
      }))
  },

  countRows(r, left) {
    const row = {
      label: 'EventBridge rules starting tasks',
      found: r.found.triggers,
      removed: r.triggers.length,
      leftoverKind: 'trigger' as const
    }
    return row.found > 0 || row.removed > 0 || left('trigger') > 0 ? [row] : []
  },

  doneLists(r) {
    return [
      {
        title: 'EventBridge rules that started tasks',
        items: r.triggers.map(t =>
          t.action === 'disabled'
            ? `${code(t.rule)}: disabled`
            : `${code(t.rule)}: ${t.targets.length} target(s) removed (${t.targets.map(code).join(', ')})`
        )
      }
    ]
  },

  links: { trigger: (region, id) => consoleLinks.eventRule(region, id) }
}

/** An EventBridge rule (default event bus) with targets that start tasks on the cluster. */
export interface TriggerInfo {
  rule: string
  /** The rule's targets that point at this cluster: their ids, for RemoveTargets. */
  targetIds: string[]
  /** The task definitions those targets start, as the targets name them. */
  taskDefinitions: string[]
  /** The rule also has targets elsewhere (kept by `remove`, stopped too by `disable`). */
  otherTargets: number
}

export type TriggerContext = CallContext & { events: SendPort }

/**
 * The rules whose targets start tasks on this cluster. An ECS target's Arn is the cluster's ARN, so
 * ListRuleNamesByTarget with it finds exactly those rules (every page); each rule's targets are then
 * read to pick out the ones for this cluster. A rule deleted between the two reads is skipped.
 */
export async function findTriggers(
  ctx: TriggerContext,
  clusterArn: string,
  /** Services mode: only the targets that start these task definition families. */
  families?: ReadonlySet<string>
): Promise<TriggerInfo[]> {
  const rules = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.events,
      new (await sdk.eventbridge()).ListRuleNamesByTargetCommand({
        TargetArn: clusterArn,
        Limit: Limits.eventsPageSize,
        NextToken: nextToken
      })
    )
    return { items: out.RuleNames ?? [], nextToken: out.NextToken }
  })
  const found = await Promise.all(
    [...new Set(rules)].map(rule => readTargets(ctx, rule, clusterArn, families))
  )
  return found.filter((t): t is TriggerInfo => t !== undefined && t.targetIds.length > 0)
}

async function readTargets(
  ctx: TriggerContext,
  rule: string,
  clusterArn: string,
  families: ReadonlySet<string> | undefined
): Promise<TriggerInfo | undefined> {
  try {
    const targets = await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        ctx.events,
        new (await sdk.eventbridge()).ListTargetsByRuleCommand({
          Rule: rule,
          Limit: Limits.eventsPageSize,
          NextToken: nextToken
        })
      )
      return { items: out.Targets ?? [], nextToken: out.NextToken }
    })
    const mine = targets.filter(
      t =>
        t.Arn === clusterArn &&
        (!families || families.has(familyOfRef(t.EcsParameters?.TaskDefinitionArn ?? '')))
    )
    return {
      rule,
      targetIds: mine.map(t => t.Id ?? '').filter(Boolean),
      taskDefinitions: [...new Set(mine.map(t => t.EcsParameters?.TaskDefinitionArn ?? '').filter(Boolean))],
      otherTargets: targets.length - mine.length
    }
  } catch (error) {
    if (isAwsError(error, 'ResourceNotFoundException')) return undefined
    throw error
  }
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
  relatedReport(ctx.report).triggers.push({ rule: trigger.rule, targets: trigger.targetIds, action })
}
