import type { ApplyContext } from '../apply/context.js'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { sdk } from '../aws/sdk.js'
import { Limits } from '../constants.js'
import { describeOtherClusters, listServices, type ServiceInfo } from '../inventory.js'
import { DeadlineError, errorMessage, isAccessDenied, isAwsError } from '../util/errors.js'
import { retryUntil } from '../util/poll.js'

/**
 * The listener rules and target groups of the services being removed (input
 * `delete-target-groups`). DeleteService leaves them: on a load balancer shared by preview
 * environments they pile up to the quota of 100 rules and the next deployment fails. Found from
 * each service's `loadBalancers` (and the blue/green alternate group and listener rules); reported
 * by default, deleted with the input once the services are INACTIVE. A rule is deleted only when
 * every group it forwards to goes; a default action, a group another service uses and any load
 * balancer are never deleted.
 */

// ---------------------------------------------------------------- what is found

/** A target group a removed service names, and how. */
export interface ServiceTargetGroupRef {
  service: string
  targetGroupArn: string
  /** `alternate`: the blue/green deployment's second group (advancedConfiguration). */
  role: 'primary' | 'alternate'
}

export interface ForwardTarget {
  targetGroupArn: string
  weight: number
}

export interface ListenerRuleInfo {
  arn: string
  listenerArn: string
  loadBalancerArn: string
  /** `default` for a listener's default rule. */
  priority: string
  isDefault: boolean
  forwardsTo: ForwardTarget[]
}

export interface TargetGroupInfo {
  arn: string
  name: string
  loadBalancerArns: string[]
}

export interface LoadBalancersFound {
  refs: ServiceTargetGroupRef[]
  /** The blue/green production and test listener rules the services name. */
  namedRules: string[]
  /** VPC Lattice target groups of the services' deployments: reported only. */
  latticeTargetGroups: { service: string; arn: string }[]
  /** The groups that still exist (a group named by a service may have been deleted already). */
  targetGroups: TargetGroupInfo[]
  /** Every rule, default ones included, of every listener of the groups' load balancers. */
  rules: ListenerRuleInfo[]
  /** Per group ARN: other services (`cluster/service`) that still use it. */
  usedElsewhere: Record<string, string[]>
  /** Why other users could not be ruled out (the account has too many clusters to look at). */
  othersUnknown?: string
}

// ---------------------------------------------------------------- what is decided

export interface RuleDecision {
  rule: ListenerRuleInfo
  delete: boolean
  keepReason?: string
}

export interface TargetGroupDecision {
  group: TargetGroupInfo
  services: string[]
  delete: boolean
  keepReason?: string
}

export interface LoadBalancersPlan {
  /** With delete-target-groups; otherwise everything is reported. */
  deleting: boolean
  rules: RuleDecision[]
  targetGroups: TargetGroupDecision[]
  latticeTargetGroups: { service: string; arn: string }[]
  /** The load balancers the rules and groups are on: checked afterwards for having nothing left. */
  loadBalancerArns: string[]
}

/** The rule ARN's listener: `…:listener-rule/app/<lb>/<id>/<listener>/<rule>` → `…:listener/app/<lb>/<id>/<listener>`. */
export function listenerOfRule(ruleArn: string): string {
  return ruleArn.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, '')
}

export function nameOfArn(arn: string): string {
  // targetgroup/<name>/<id> and loadbalancer/app/<name>/<id>
  const parts = arn.split('/')
  return parts.length >= 3 ? parts[parts.length - 2]! : arn
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
    const others = found.usedElsewhere[g.arn] ?? []
    if (others.length > 0) groupKeep.set(g.arn, `service ${others.join(', ')} still uses it`)
    else if (found.othersUnknown) groupKeep.set(g.arn, found.othersUnknown)
  }
  const ours = new Set(existing.map(g => g.arn))
  const relevant = found.rules.filter(
    r => r.forwardsTo.some(t => ours.has(t.targetGroupArn)) || found.namedRules.includes(r.arn)
  )

  // A kept group keeps every rule that forwards to it, and a kept rule keeps its groups: settle both.
  const ruleKeep = new Map<string, string>()
  for (let changed = true; changed;) {
    changed = false
    for (const r of relevant) {
      if (ruleKeep.has(r.arn)) continue
      const reason = ruleKeepReason(r, ours, groupKeep)
      if (reason) {
        ruleKeep.set(r.arn, reason)
        changed = true
        for (const t of r.forwardsTo) {
          if (ours.has(t.targetGroupArn) && !groupKeep.has(t.targetGroupArn)) {
            groupKeep.set(
              t.targetGroupArn,
              r.isDefault
                ? `it is the default action of listener ${nameOfArn(r.listenerArn)} (a default action is never changed)`
                : `listener rule ${r.priority} also forwards to a target group that stays`
            )
          }
        }
      }
    }
  }
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
  if (rule.isDefault)
    return `it is the default rule of listener ${nameOfArn(rule.listenerArn)} (never deleted)`
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

/** The command that removes a rule or a group, for the report (never run by this action unless told). */
export const removeCommand = {
  rule: (arn: string) => `aws elbv2 delete-rule --rule-arn ${arn}`,
  targetGroup: (arn: string) => `aws elbv2 delete-target-group --target-group-arn ${arn}`,
  latticeTargetGroup: (arn: string) => `aws vpc-lattice delete-target-group --target-group-identifier ${arn}`
}

// ---------------------------------------------------------------- finding (read only)

export type LoadBalancerContext = CallContext & { ecs: SendPort; elbv2: SendPort }

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

export async function findLoadBalancers(
  ctx: LoadBalancerContext,
  clusterArn: string,
  services: ServiceInfo[],
  wholeCluster: boolean,
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
  found.rules = (await Promise.all(listeners.map(l => describeRules(ctx, l.arn, l.loadBalancerArn)))).flat()
  // Only a deletion needs to know who else uses a group: a report names the groups either way.
  if (!deleteTargetGroups) return found
  try {
    const others = await otherServicesUsing(ctx, clusterArn, new Set(groupArns), services, wholeCluster)
    if (others === undefined)
      found.othersUnknown = `the account has more than ${Limits.loadBalancerClustersChecked} other clusters, so another service using it cannot be ruled out`
    else found.usedElsewhere = others
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    found.othersUnknown = `the other clusters' services could not be read (${errorMessage(error)}), so another service using it cannot be ruled out`
  }
  return found
}

/** The groups that still exist, by ARN; a group deleted already is left out. */
async function describeTargetGroups(ctx: LoadBalancerContext, arns: string[]): Promise<TargetGroupInfo[]> {
  const out: TargetGroupInfo[] = []
  // DescribeTargetGroups with ARNs fails whole on one unknown ARN: one ARN per call keeps the others.
  await Promise.all(
    arns.map(async arn => {
      try {
        const page = await callAws(
          ctx,
          ctx.elbv2,
          new (await sdk.elbv2()).DescribeTargetGroupsCommand({ TargetGroupArns: [arn] })
        )
        for (const g of page.TargetGroups ?? [])
          out.push({
            arn: g.TargetGroupArn ?? arn,
            name: g.TargetGroupName ?? nameOfArn(arn),
            loadBalancerArns: g.LoadBalancerArns ?? []
          })
      } catch (error) {
        if (!isAwsError(error, 'TargetGroupNotFoundException', 'TargetGroupNotFound')) throw error
      }
    })
  )
  return out.sort((a, b) => a.arn.localeCompare(b.arn))
}

async function describeListeners(
  ctx: LoadBalancerContext,
  loadBalancerArn: string
): Promise<{ arn: string; loadBalancerArn: string }[]> {
  const out: { arn: string; loadBalancerArn: string }[] = []
  await eachMarkerPage(async Marker => {
    try {
      const page = await callAws(
        ctx,
        ctx.elbv2,
        new (await sdk.elbv2()).DescribeListenersCommand({
          LoadBalancerArn: loadBalancerArn,
          PageSize: Limits.elbPageSize,
          Marker
        })
      )
      for (const l of page.Listeners ?? [])
        if (l.ListenerArn) out.push({ arn: l.ListenerArn, loadBalancerArn })
      return page.NextMarker
    } catch (error) {
      if (isAwsError(error, 'LoadBalancerNotFoundException', 'LoadBalancerNotFound')) return undefined
      throw error
    }
  })
  return out
}

export async function describeRules(
  ctx: LoadBalancerContext,
  listenerArn: string,
  loadBalancerArn: string
): Promise<ListenerRuleInfo[]> {
  const out: ListenerRuleInfo[] = []
  await eachMarkerPage(async Marker => {
    try {
      const page = await callAws(
        ctx,
        ctx.elbv2,
        new (await sdk.elbv2()).DescribeRulesCommand({
          ListenerArn: listenerArn,
          PageSize: Limits.elbPageSize,
          Marker
        })
      )
      for (const r of page.Rules ?? []) {
        if (!r.RuleArn) continue
        out.push({
          arn: r.RuleArn,
          listenerArn,
          loadBalancerArn,
          priority: r.Priority ?? '',
          isDefault: r.IsDefault === true,
          forwardsTo: forwardTargets(r.Actions ?? [])
        })
      }
      return page.NextMarker
    } catch (error) {
      if (isAwsError(error, 'ListenerNotFoundException', 'ListenerNotFound')) return undefined
      throw error
    }
  })
  return out
}

/** The groups an action list forwards to: `TargetGroupArn`, or each group of a weighted `ForwardConfig`. */
export function forwardTargets(
  actions: {
    Type?: string
    TargetGroupArn?: string
    ForwardConfig?: { TargetGroups?: { TargetGroupArn?: string; Weight?: number }[] }
  }[]
): ForwardTarget[] {
  const out: ForwardTarget[] = []
  for (const a of actions) {
    if (a.Type !== 'forward') continue
    const groups = a.ForwardConfig?.TargetGroups ?? []
    if (groups.length > 0) {
      for (const g of groups)
        if (g.TargetGroupArn) out.push({ targetGroupArn: g.TargetGroupArn, weight: g.Weight ?? 1 })
    } else if (a.TargetGroupArn) out.push({ targetGroupArn: a.TargetGroupArn, weight: 1 })
  }
  return out
}

async function eachMarkerPage(
  read: (marker: string | undefined) => Promise<string | undefined>
): Promise<void> {
  const seen = new Set<string>()
  let marker: string | undefined
  do {
    marker = (await read(marker)) || undefined
    if (marker !== undefined) {
      if (seen.has(marker)) throw new Error('Elastic Load Balancing returned the same NextMarker twice')
      seen.add(marker)
    }
  } while (marker)
}

/**
 * Per group ARN, the services outside the teardown that name it: every ACTIVE service of every
 * other cluster (and of this one when only some of its services go). Undefined when the account
 * has more clusters than Limits.loadBalancerClustersChecked: the answer would not be complete.
 */
async function otherServicesUsing(
  ctx: LoadBalancerContext,
  clusterArn: string,
  groups: Set<string>,
  removed: ServiceInfo[],
  wholeCluster: boolean
): Promise<Record<string, string[]> | undefined> {
  const clusters = await describeOtherClusters(ctx, clusterArn)
  if (clusters.length > Limits.loadBalancerClustersChecked) return undefined
  const arns = clusters.map(c => c.clusterArn ?? '').filter(Boolean)
  if (!wholeCluster) arns.push(clusterArn)
  const removedArns = new Set(removed.map(s => s.arn))
  const usage: Record<string, string[]> = {}
  const lists = await Promise.all(arns.map(async arn => ({ arn, services: await listServices(ctx, arn) })))
  for (const { arn, services } of lists) {
    const clusterName = arn.slice(arn.lastIndexOf('/') + 1)
    for (const s of services) {
      if (removedArns.has(s.arn)) continue
      for (const lb of s.loadBalancers ?? []) {
        for (const tg of [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn]) {
          if (tg && groups.has(tg)) (usage[tg] ??= []).push(`${clusterName}/${s.name}`)
        }
      }
    }
  }
  return usage
}

// ---------------------------------------------------------------- removing

export type LoadBalancerApplyContext = ApplyContext

/** Deletes the rules, then the groups (a rule's deletion takes a moment to release its groups). */
export async function deleteRulesAndGroups(
  ctx: LoadBalancerApplyContext,
  plan: LoadBalancersPlan,
  done: { rules: string[]; targetGroups: string[] }
): Promise<void> {
  for (const d of plan.rules.filter(r => r.delete)) {
    try {
      await callAws(ctx, ctx.elbv2, new (await sdk.elbv2()).DeleteRuleCommand({ RuleArn: d.rule.arn }))
      ctx.log.info(`Deleted listener rule ${d.rule.priority} of ${nameOfArn(d.rule.loadBalancerArn)}`)
    } catch (error) {
      if (!isAwsError(error, 'RuleNotFoundException', 'RuleNotFound')) throw error
      ctx.log.info(`Listener rule ${d.rule.arn} does not exist (any more)`)
    }
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
        reason: `kept: ${targets} target(s) are still registered in it, so something else uses it; ${removeCommand.targetGroup(d.group.arn)} once nothing does`
      })
      continue
    }
    const result = await retryUntil(
      ctx,
      { deadline: ctx.deadline, minDelayMs: 2_000, maxDelayMs: 10_000 },
      async () => {
        try {
          await callAws(
            ctx,
            ctx.elbv2,
            new (await sdk.elbv2()).DeleteTargetGroupCommand({ TargetGroupArn: d.group.arn })
          )
          return { done: true, value: undefined }
        } catch (error) {
          // A rule just deleted still holds the group for a moment.
          if (isAwsError(error, 'ResourceInUseException', 'ResourceInUse'))
            return { done: false, reason: errorMessage(error) }
          throw error
        }
      }
    )
    if (!result.done)
      throw new DeadlineError(
        `target group ${d.group.name} could not be deleted before the deadline: ${result.reason}`
      )
    done.targetGroups.push(d.group.arn)
    ctx.log.info(`Deleted target group ${d.group.name}`)
  }
}

/**
 * A load balancer these rules and groups were on that has no rule but its default ones left and no
 * registered target in any group: it serves nothing and bills by the hour. Never deleted here.
 */
export async function idleLoadBalancers(ctx: LoadBalancerApplyContext, arns: string[]): Promise<string[]> {
  const idle: string[] = []
  for (const lb of arns) {
    const listeners = await describeListeners(ctx, lb)
    const rules = (await Promise.all(listeners.map(l => describeRules(ctx, l.arn, lb)))).flat()
    if (rules.some(r => !r.isDefault)) continue
    let targets = 0
    try {
      await eachMarkerPage(async Marker => {
        const page = await callAws(
          ctx,
          ctx.elbv2,
          new (await sdk.elbv2()).DescribeTargetGroupsCommand({
            LoadBalancerArn: lb,
            PageSize: Limits.elbPageSize,
            Marker
          })
        )
        for (const g of page.TargetGroups ?? []) {
          const health = await callAws(
            ctx,
            ctx.elbv2,
            new (await sdk.elbv2()).DescribeTargetHealthCommand({ TargetGroupArn: g.TargetGroupArn })
          )
          targets += (health.TargetHealthDescriptions ?? []).length
        }
        return page.NextMarker
      })
    } catch (error) {
      if (isAwsError(error, 'LoadBalancerNotFoundException', 'LoadBalancerNotFound')) continue
      throw error
    }
    if (targets === 0) idle.push(lb)
  }
  return idle
}
