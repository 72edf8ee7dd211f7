import type { ApplyContext } from '../../apply/context.js'
import { callAws } from '../../aws/call.js'
import { sdk } from '../../aws/sdk.js'
import { Limits } from '../../constants.js'
import type { ServiceInfo } from '../../inventory/index.js'
import { isAwsError } from '../../util/errors.js'
import { chunk } from '../../util/pool.js'
import { deregistrationDelay } from './drain.js'
import {
  nameOfArn,
  removeCommand,
  type LoadBalancerContext,
  type LoadBalancersPlan,
  type ServiceTargetGroupRef,
  type TargetGroupInfo
} from './model.js'
import { removeWithRetry } from '../../aws/remove.js'

/**
 * The target groups the removed services name (and their VPC Lattice groups, reported only): read,
 * and deleted with their listener rules.
 */

/** The target-group references of the services being removed (every `loadBalancers` entry). */
export function serviceTargetGroups(services: ServiceInfo[]): {
  refs: ServiceTargetGroupRef[]
  namedRules: string[]
  latticeTargetGroups: { service: string; arn: string }[]
} {
  const refs: ServiceTargetGroupRef[] = []
  const namedRules: string[] = []
  const latticeTargetGroups: { service: string; arn: string }[] = []
  for (const s of services) {
    for (const lb of s.loadBalancers ?? []) {
      if (lb.targetGroupArn)
        refs.push({ service: s.name, targetGroupArn: lb.targetGroupArn, role: 'primary' })
      const blueGreen = lb.advancedConfiguration
      if (blueGreen?.alternateTargetGroupArn)
        refs.push({ service: s.name, targetGroupArn: blueGreen.alternateTargetGroupArn, role: 'alternate' })
      for (const rule of [blueGreen?.productionListenerRule, blueGreen?.testListenerRule])
        if (rule && !namedRules.includes(rule)) namedRules.push(rule)
    }
    for (const arn of s.vpcLatticeTargetGroups ?? []) latticeTargetGroups.push({ service: s.name, arn })
  }
  return { refs, namedRules, latticeTargetGroups }
}

/** Services mode: the target groups (primary and blue/green alternate) the cluster's other services use. */
export function neighbourTargetGroups(services: ServiceInfo[]): Record<string, string[]> {
  const users: Record<string, string[]> = {}
  for (const s of services) {
    for (const lb of s.loadBalancers ?? []) {
      for (const arn of [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn]) {
        if (arn) users[arn] = [...new Set([...(users[arn] ?? []), `service ${s.name} of this cluster`])]
      }
    }
  }
  return users
}

/**
 * The groups that still exist, by ARN; a group deleted already is left out. DescribeTargetGroups
 * takes 20 ARNs a call, and fails whole on one unknown ARN: a batch that fails so is asked again one
 * ARN a call, which keeps the others.
 *
 * Each group's deregistration delay is read (one DescribeTargetGroupAttributes call a group) only
 * when the groups fit in one such batch. The delay only times the waits: knowing it spares the looks
 * at one batch of tasks during the drain (a dozen for a 60 s delay, sixty for AWS's default 300 s),
 * whatever the number of groups, so past a few groups the reads cost more calls than they save.
 */
export async function describeTargetGroups(
  ctx: LoadBalancerContext,
  arns: string[]
): Promise<TargetGroupInfo[]> {
  const batches = chunk(arns, Limits.describeTargetGroupsBatch)
  const pages = await Promise.all(
    batches.map(async batch => {
      try {
        return await describeTargetGroupBatch(ctx, batch)
      } catch (error) {
        if (batch.length === 1 || !isTargetGroupNotFound(error)) throw error
        return (await Promise.all(batch.map(arn => describeTargetGroupBatch(ctx, [arn])))).flat()
      }
    })
  )
  const groups = pages.flat()
  const readDelays = groups.length <= Limits.describeTargetGroupsBatch
  const out = await Promise.all(
    groups.map(async (g): Promise<TargetGroupInfo> => {
      const delayMs = readDelays ? await deregistrationDelay(ctx, g.arn) : undefined
      return delayMs !== undefined ? { ...g, deregistrationDelayMs: delayMs } : g
    })
  )
  return out.sort((a, b) => a.arn.localeCompare(b.arn))
}

/** One DescribeTargetGroups call; a single ARN that AWS no longer knows gives no group. */
async function describeTargetGroupBatch(
  ctx: LoadBalancerContext,
  arns: string[]
): Promise<TargetGroupInfo[]> {
  try {
    const page = await callAws(
      ctx,
      ctx.elbv2,
      new (await sdk.elbv2()).DescribeTargetGroupsCommand({ TargetGroupArns: arns })
    )
    return (page.TargetGroups ?? []).map(g => ({
      arn: g.TargetGroupArn ?? '',
      name: g.TargetGroupName ?? nameOfArn(g.TargetGroupArn ?? ''),
      loadBalancerArns: g.LoadBalancerArns ?? []
    }))
  } catch (error) {
    if (arns.length === 1 && isTargetGroupNotFound(error)) return []
    throw error
  }
}

function isTargetGroupNotFound(error: unknown): boolean {
  return isAwsError(error, 'TargetGroupNotFoundException', 'TargetGroupNotFound')
}

/** Deletes the rules, then the groups (a rule's deletion takes a moment to release its groups). */
export async function deleteRulesAndGroups(
  ctx: ApplyContext,
  plan: LoadBalancersPlan,
  done: { rules: string[]; targetGroups: string[] }
): Promise<void> {
  for (const d of plan.rules.filter(r => r.delete)) {
    const rule = await removeWithRetry(ctx, {
      what: `listener rule ${d.rule.arn}`,
      call: async () =>
        callAws(ctx, ctx.elbv2, new (await sdk.elbv2()).DeleteRuleCommand({ RuleArn: d.rule.arn })),
      gone: [{ codes: ['RuleNotFoundException', 'RuleNotFound'] }],
      deadline: ctx.deadline
    })
    ctx.log.info(
      rule.outcome === 'removed'
        ? `Deleted listener rule ${d.rule.priority} of ${nameOfArn(d.rule.loadBalancerArn)}`
        : `Listener rule ${d.rule.arn} does not exist (any more)`
    )
    done.rules.push(d.rule.arn)
  }
  for (const d of plan.targetGroups.filter(g => g.delete)) {
    // Last look: a target registered since the inventory means something else uses the group now.
    let targets: number
    try {
      const health = await callAws(
        ctx,
        ctx.elbv2,
        new (await sdk.elbv2()).DescribeTargetHealthCommand({ TargetGroupArn: d.group.arn })
      )
      targets = (health.TargetHealthDescriptions ?? []).filter(
        t => !['draining', 'unused'].includes(t.TargetHealth?.State ?? '')
      ).length
    } catch (error) {
      if (!isAwsError(error, 'TargetGroupNotFoundException', 'TargetGroupNotFound')) throw error
      ctx.log.info(`Target group ${d.group.name} does not exist (any more)`)
      continue
    }
    if (targets > 0) {
      ctx.report.leftovers.push({
        kind: 'target-group',
        id: d.group.arn,
        reason: `kept: ${targets} target(s) are still registered in it, so something else uses it; once nothing does, remove it with: ${removeCommand.targetGroup(d.group.arn)}`
      })
      continue
    }
    await removeWithRetry(ctx, {
      what: `target group ${d.group.name}`,
      call: async () =>
        callAws(
          ctx,
          ctx.elbv2,
          new (await sdk.elbv2()).DeleteTargetGroupCommand({ TargetGroupArn: d.group.arn })
        ),
      // Deleted by someone else since the last look.
      gone: [{ codes: ['TargetGroupNotFoundException', 'TargetGroupNotFound'] }],
      // A rule just deleted still holds the group for a moment.
      notYet: [{ codes: ['ResourceInUseException', 'ResourceInUse'] }],
      deadline: ctx.deadline,
      maxDelayMs: 10_000,
      onDeadline: reason => `target group ${d.group.name} could not be deleted before the deadline: ${reason}`
    })
    done.targetGroups.push(d.group.arn)
    ctx.log.info(`Deleted target group ${d.group.name}`)
  }
}
