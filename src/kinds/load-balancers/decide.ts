import { describeUsers, type OtherUsersCheck } from '../other-users/index.js'
import type { ServiceInfo } from '../../inventory/index.js'
import { drainDelays } from './drain.js'
import {
  nameOfArn,
  type ListenerRuleInfo,
  type LoadBalancerContext,
  type LoadBalancersFound,
  type LoadBalancersPlan
} from './model.js'
import { describeListeners, describeRules, listenerName } from './rules.js'
import { describeTargetGroups, serviceTargetGroups } from './target-groups.js'

/** Finding the rules and groups (read only), and deciding which go. */

export async function findLoadBalancers(
  ctx: LoadBalancerContext,
  services: ServiceInfo[],
  deleteTargetGroups: boolean
): Promise<LoadBalancersFound> {
  const { refs, namedRules, latticeTargetGroups } = serviceTargetGroups(services)
  const found: LoadBalancersFound = {
    refs,
    namedRules,
    latticeTargetGroups,
    targetGroups: [],
    rules: [],
    usedElsewhere: {}
  }
  const groupArns = [...new Set(refs.map(r => r.targetGroupArn))]
  if (groupArns.length === 0) return found
  found.targetGroups = await describeTargetGroups(ctx, groupArns)
  const loadBalancers = [...new Set(found.targetGroups.flatMap(g => g.loadBalancerArns))]
  const listeners = (await Promise.all(loadBalancers.map(lb => describeListeners(ctx, lb)))).flat()
  found.rules = (
    await Promise.all(listeners.map(l => describeRules(ctx, l.arn, l.loadBalancerArn, l.port)))
  ).flat()
  // Only a deletion needs to know who else uses a group: a report names the groups either way.
  if (!deleteTargetGroups) return found
  if (!ctx.otherUsers)
    return { ...found, othersUnknown: 'another user cannot be ruled out: the other clusters were not read' }
  return withOtherUsers({ ...found, lookup: ctx.otherUsers }, await ctx.otherUsers.atPlan(ctx))
}

/** What the other clusters' services say about the groups: who uses each, or why that is not known. */
export function withOtherUsers(found: LoadBalancersFound, others: OtherUsersCheck): LoadBalancersFound {
  if (others.incomplete)
    return { ...found, othersUnknown: `another user cannot be ruled out: ${others.incomplete}` }
  const usedElsewhere: Record<string, string[]> = {}
  for (const g of found.targetGroups) {
    const users = others.targetGroups?.[g.arn]
    if (users) usedElsewhere[g.arn] = [describeUsers(users)]
  }
  const known: LoadBalancersFound = { ...found, usedElsewhere }
  delete known.othersUnknown
  return known
}

/**
 * Which rules and groups go. A group goes when only removed services use it and no rule that stays
 * forwards to it; a rule goes when it is not a default rule and every group it forwards to goes
 * (a weighted rule that also sends traffic elsewhere is kept: deleting it would cut that traffic).
 */
export function decideLoadBalancers(
  found: LoadBalancersFound,
  deleteTargetGroups: boolean
): LoadBalancersPlan {
  const services = new Map<string, string[]>()
  for (const ref of found.refs)
    services.set(ref.targetGroupArn, [...(services.get(ref.targetGroupArn) ?? []), ref.service])
  const existing = found.targetGroups.filter(g => services.has(g.arn))
  const groupKeep = new Map<string, string>()
  for (const g of existing) {
    const others = [...(found.usedElsewhere[g.arn] ?? []), ...(found.neighbourUsers?.[g.arn] ?? [])]
    if (others.length > 0) groupKeep.set(g.arn, `still used by ${others.join(', ')}`)
    else if (found.othersUnknown) groupKeep.set(g.arn, found.othersUnknown)
  }
  const ours = new Set(existing.map(g => g.arn))
  const relevant = found.rules.filter(
    r => r.forwardsTo.some(t => ours.has(t.targetGroupArn)) || found.namedRules.includes(r.arn)
  )

  // A group another service uses keeps every rule that forwards to it (deleting the rule would cut
  // that service's traffic); a kept rule keeps the groups it forwards to (AWS refuses otherwise).
  // A group kept only because a kept rule forwards to it does not keep its other rules: they send
  // traffic to the removed services alone.
  const ruleKeep = new Map<string, string>()
  for (const r of relevant) {
    const reason = ruleKeepReason(r, ours, groupKeep)
    if (reason) ruleKeep.set(r.arn, reason)
  }
  const heldBy = new Map<string, string>()
  for (const r of relevant) {
    if (!ruleKeep.has(r.arn)) continue
    for (const t of r.forwardsTo) {
      if (ours.has(t.targetGroupArn) && !groupKeep.has(t.targetGroupArn) && !heldBy.has(t.targetGroupArn)) {
        heldBy.set(
          t.targetGroupArn,
          r.isDefault
            ? `it is the default action of the ${listenerName(r)} (a default action is never changed)`
            : `listener rule ${r.priority}, which stays, also forwards to it`
        )
      }
    }
  }
  for (const [arn, reason] of heldBy) groupKeep.set(arn, reason)
  const notDeleting = 'delete-target-groups is off'
  return {
    deleting: deleteTargetGroups,
    rules: relevant.map(rule => {
      const keep = ruleKeep.get(rule.arn) ?? (deleteTargetGroups ? undefined : notDeleting)
      return keep ? { rule, delete: false, keepReason: keep } : { rule, delete: true }
    }),
    targetGroups: existing.map(group => {
      const keep = groupKeep.get(group.arn) ?? (deleteTargetGroups ? undefined : notDeleting)
      const base = { group, services: services.get(group.arn) ?? [] }
      return keep ? { ...base, delete: false, keepReason: keep } : { ...base, delete: true }
    }),
    latticeTargetGroups: found.latticeTargetGroups,
    found,
    drainDelayMs: drainDelays(found),
    loadBalancerArns: [
      ...new Set([...existing.flatMap(g => g.loadBalancerArns), ...relevant.map(r => r.loadBalancerArn)])
    ].sort()
  }
}

function ruleKeepReason(
  rule: ListenerRuleInfo,
  ours: Set<string>,
  groupKeep: Map<string, string>
): string | undefined {
  if (rule.isDefault) return `it is the default rule of the ${listenerName(rule)} (never deleted)`
  // A blue/green listener rule the service names, that no longer forwards to its groups.
  if (!rule.forwardsTo.some(t => ours.has(t.targetGroupArn)))
    return "it forwards to none of the removed services' target groups"
  const outside = rule.forwardsTo
    .filter(t => !ours.has(t.targetGroupArn))
    .map(t => nameOfArn(t.targetGroupArn))
  if (outside.length > 0)
    return `it also forwards to ${outside.join(', ')}, which is not the removed services'`
  const kept = rule.forwardsTo
    .filter(t => groupKeep.has(t.targetGroupArn))
    .map(t => nameOfArn(t.targetGroupArn))
  if (kept.length > 0) return `it forwards to ${kept.join(', ')}, which stays`
  return undefined
}
