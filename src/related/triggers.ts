import { sdk } from '../aws/sdk.js'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { Limits } from '../constants.js'
import { isAwsError } from '../util/errors.js'
import { paginate } from '../util/paginate.js'

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
  /** Services mode: only targets that start these task definition families are this run's. */
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

/** The family of a task definition ARN or name, with or without its `:revision`. */
export function familyOfRef(ref: string): string {
  const name = ref.slice(ref.lastIndexOf('/') + 1)
  return /:\d+$/.test(name) ? name.slice(0, name.lastIndexOf(':')) : name
}
