import type { ApplyContext } from '../apply/context.js'
import { isAvailable } from '../aws/clients.js'
import { callAws, type SendPort } from '../aws/call.js'
import { sdk } from '../aws/sdk.js'
import { Limits } from '../constants.js'
import { tolerateDenied, type InventoryContext, type ServiceInfo } from '../inventory.js'
import { describeUsers, type OtherUsersCheck, type OtherUsersLookup } from './other-users/index.js'
import { code } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import { DeadlineError, errorMessage, isAccessDenied, isAwsError } from '../util/errors.js'
import { forEachPage } from '../util/paginate.js'
import { chunk } from '../util/pool.js'
import { retryUntil } from '../util/poll.js'
import { count, relatedReport, type ResourceKind, type ReportPart } from './kind.js'
import { lastPartOfArn } from '../util/arn.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../report/report.js' {
  interface RelatedReport {
    listenerRules: { arn: string; action: 'deleted' }[]
    targetGroups: { arn: string; name: string; action: 'deleted' }[]
  }
  interface RelatedFound {
    listenerRules: number
    targetGroups: number
  }
  interface KindLeftovers {
    'listener-rule': true
    'target-group': true
    'load-balancer': true
    'lattice-target-group': true
  }
}

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
  listenerPort?: number
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
  /** `deregistration_delay.timeout_seconds` in ms; absent when it could not be read. */
  deregistrationDelayMs?: number
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
  /** Per group ARN: who outside the run's clusters still uses it, in words. */
  usedElsewhere: Record<string, string[]>
  /** Services mode: per group ARN, the cluster's other services that use it (they stay). */
  neighbourUsers?: Record<string, string[]>
  /** Why other users could not be ruled out (a denied read, an account over the bound, the deadline). */
  othersUnknown?: string
  /** The run's look at the other clusters, taken again right before the first deletion. */
  lookup?: OtherUsersLookup
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
  /**
   * Per removed service whose groups' delays are all known: the longest, for which its tasks stay
   * DEACTIVATING before they stop (the tasks' wait schedule, apply/context.ts).
   */
  drainDelayMs: Record<string, number>
  /** What it was decided from: decided again once the other clusters are looked at afresh. */
  found: LoadBalancersFound
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

/** `listener on port 443`, or the listener's id when the port is not known. */
function listenerName(rule: ListenerRuleInfo): string {
  return rule.listenerPort
    ? `listener on port ${rule.listenerPort}`
    : `listener ${lastPartOfArn(rule.listenerArn)}`
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

/**
 * Per removed service, the longest deregistration delay of its groups that still exist; a service
 * with a group whose delay is not known is left out (its wait keeps the plain schedule).
 */
export function drainDelays(found: LoadBalancersFound): Record<string, number> {
  const groups = new Map(found.targetGroups.map(g => [g.arn, g]))
  const perService = new Map<string, (number | undefined)[]>()
  for (const ref of found.refs) {
    const group = groups.get(ref.targetGroupArn)
    if (group)
      perService.set(ref.service, [...(perService.get(ref.service) ?? []), group.deregistrationDelayMs])
  }
  const out: Record<string, number> = {}
  for (const [service, delays] of perService) {
    const known = delays.filter((d): d is number => d !== undefined)
    if (known.length === delays.length) out[service] = Math.max(...known)
  }
  return out
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

/** The command that removes a rule or a group, for the report (never run by this action unless told). */
export const removeCommand = {
  rule: (arn: string) => `aws elbv2 delete-rule --rule-arn ${arn}`,
  targetGroup: (arn: string) => `aws elbv2 delete-target-group --target-group-arn ${arn}`,
  latticeTargetGroup: (arn: string) => `aws vpc-lattice delete-target-group --target-group-identifier ${arn}`
}

// ---------------------------------------------------------------- finding (read only)

export type LoadBalancerContext = InventoryContext & { elbv2: SendPort; otherUsers?: OtherUsersLookup }

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

/** Services mode: the target groups (primary and blue/green alternate) the cluster's other services use. */
function neighbourTargetGroups(services: ServiceInfo[]): Record<string, string[]> {
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
async function describeTargetGroups(ctx: LoadBalancerContext, arns: string[]): Promise<TargetGroupInfo[]> {
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

/**
 * The group's deregistration delay in ms, read only to time the services' waits: a denied read, a
 * group deleted meanwhile or an odd value is "not known" (the waits keep their plain schedule).
 */
async function deregistrationDelay(ctx: LoadBalancerContext, arn: string): Promise<number | undefined> {
  try {
    const out = await callAws(
      ctx,
      ctx.elbv2,
      new (await sdk.elbv2()).DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn })
    )
    const value = out.Attributes?.find(a => a.Key === 'deregistration_delay.timeout_seconds')?.Value
    const seconds = value === undefined ? NaN : Number(value)
    return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined
  } catch (error) {
    if (isAccessDenied(error) || isAwsError(error, 'TargetGroupNotFoundException', 'TargetGroupNotFound'))
      return undefined
    throw error
  }
}

async function describeListeners(
  ctx: LoadBalancerContext,
  loadBalancerArn: string
): Promise<{ arn: string; loadBalancerArn: string; port?: number }[]> {
  const out: { arn: string; loadBalancerArn: string; port?: number }[] = []
  await forEachPage(async Marker => {
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
        if (l.ListenerArn)
          out.push({ arn: l.ListenerArn, loadBalancerArn, ...(l.Port ? { port: l.Port } : {}) })
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
  loadBalancerArn: string,
  listenerPort?: number
): Promise<ListenerRuleInfo[]> {
  const out: ListenerRuleInfo[] = []
  await forEachPage(async Marker => {
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
          ...(listenerPort ? { listenerPort } : {}),
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
        reason: `kept: ${targets} target(s) are still registered in it, so something else uses it; once nothing does, remove it with: ${removeCommand.targetGroup(d.group.arn)}`
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
          // Deleted by someone else since the last look.
          if (isAwsError(error, 'TargetGroupNotFoundException', 'TargetGroupNotFound'))
            return { done: true, value: undefined }
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
    const rules = (await Promise.all(listeners.map(l => describeRules(ctx, l.arn, lb, l.port)))).flat()
    if (rules.some(r => !r.isDefault)) continue
    let targets = 0
    try {
      await forEachPage(async Marker => {
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

// ---------------------------------------------------------------- the kind

const emptyFound: LoadBalancersFound = {
  refs: [],
  namedRules: [],
  latticeTargetGroups: [],
  targetGroups: [],
  rules: [],
  usedElsewhere: {}
}

export const loadBalancersKind: ResourceKind<LoadBalancersFound, LoadBalancersPlan> = {
  name: 'load balancer rules and target groups',
  emptyReport: (): ReportPart<'listenerRules' | 'targetGroups', 'listenerRules' | 'targetGroups'> => ({
    found: { listenerRules: 0, targetGroups: 0 },
    listenerRules: [],
    targetGroups: []
  }),

  find(ctx, scope, settings) {
    if (
      !isAvailable(ctx.elbv2) ||
      !scope.services.some(
        s => (s.loadBalancers ?? []).length > 0 || (s.vpcLatticeTargetGroups ?? []).length > 0
      )
    )
      return Promise.resolve(emptyFound)
    const neighbourUsers = neighbourTargetGroups(scope.neighbours?.services ?? [])
    return tolerateDenied(
      ctx,
      findLoadBalancers(ctx, scope.services, settings.deleteTargetGroups).then(found =>
        Object.keys(neighbourUsers).length > 0 ? { ...found, neighbourUsers } : found
      ),
      emptyFound
    )
  },

  recordFound(found, report, log) {
    const plan = decideLoadBalancers(found, false)
    report.found.targetGroups = plan.targetGroups.length
    report.found.listenerRules = plan.rules.length
    if (found.othersUnknown) log.info(`Target groups will be kept: ${found.othersUnknown}`)
  },

  decide(found, { settings }) {
    return decideLoadBalancers(found, settings.deleteTargetGroups)
  },

  steps(plan) {
    const rules = plan.rules.filter(r => r.delete)
    const groups = plan.targetGroups.filter(g => g.delete)
    if (rules.length === 0 && groups.length === 0) return []
    return [
      {
        stage: 'after-services',
        phase: 'delete-target-groups',
        description: `Delete ${count(rules.length, 'listener rule')} and ${count(groups.length, 'target group')} only the removed services use`,
        resources: [...rules.map(r => r.rule.arn), ...groups.map(g => g.group.arn)]
      }
    ]
  },

  notes(plan) {
    if (!plan.deleting) return []
    return [
      ...plan.rules
        .filter(r => !r.delete)
        .map(r => `listener rule ${r.rule.arn} will be kept: ${r.keepReason}`),
      ...plan.targetGroups
        .filter(g => !g.delete)
        .map(g => `target group ${g.group.name} will be kept: ${g.keepReason}`)
    ]
  },

  actions: {
    // Also without delete-target-groups: what is left is reported, with the command that removes it.
    'after-services': {
      phase: 'load balancer rules and target groups',
      needed: plan => plan.rules.length + plan.targetGroups.length + plan.latticeTargetGroups.length > 0,
      run: (ctx, plan) => applyLoadBalancers(ctx, plan)
    }
  },

  unfinished(plan, report) {
    const done = report.related
    return [
      ...plan.rules
        .filter(r => r.delete && !done?.listenerRules.some(x => x.arn === r.rule.arn))
        .map(r => ({
          kind: 'listener-rule' as const,
          id: r.rule.arn,
          reason: 'not deleted before the run stopped'
        })),
      ...plan.targetGroups
        .filter(g => g.delete && !done?.targetGroups.some(x => x.arn === g.group.arn))
        .map(g => ({
          kind: 'target-group' as const,
          id: g.group.arn,
          reason: 'not deleted before the run stopped'
        }))
    ]
  },

  countRows(r, left) {
    const rows = [
      {
        label: 'Listener rules',
        found: r.found.listenerRules,
        removed: r.listenerRules.length,
        leftoverKind: 'listener-rule' as const
      },
      {
        label: 'Target groups',
        found: r.found.targetGroups,
        removed: r.targetGroups.length,
        leftoverKind: 'target-group' as const
      }
    ]
    return rows.filter(row => row.found > 0 || row.removed > 0 || left(row.leftoverKind) > 0)
  },

  doneLists(r) {
    return [
      { title: 'Listener rules deleted', items: r.listenerRules.map(x => code(x.arn)) },
      { title: 'Target groups deleted', items: r.targetGroups.map(x => code(x.name)) }
    ]
  },

  links: {
    'target-group': (region, id) => consoleLinks.targetGroup(region, id),
    'load-balancer': (region, id) => consoleLinks.loadBalancer(region, id)
  }
}

async function applyLoadBalancers(ctx: ApplyContext, planned: LoadBalancersPlan): Promise<void> {
  const related = relatedReport(ctx.report)
  // A neighbour may have started using a group while the cluster emptied: look again before deleting.
  const lookup = planned.found.lookup
  const plan =
    planned.deleting && lookup
      ? decideLoadBalancers(withOtherUsers(planned.found, await lookup.beforeRemoving(ctx)), true)
      : planned
  const done = { rules: [] as string[], targetGroups: [] as string[] }
  if (plan.deleting) {
    try {
      await deleteRulesAndGroups(ctx, plan, done)
    } finally {
      for (const arn of done.rules) related.listenerRules.push({ arn, action: 'deleted' })
      for (const arn of done.targetGroups)
        related.targetGroups.push({
          arn,
          name: plan.targetGroups.find(g => g.group.arn === arn)?.group.name ?? nameOfArn(arn),
          action: 'deleted'
        })
    }
  }
  for (const d of plan.rules.filter(r => !r.delete)) {
    ctx.report.leftovers.push({
      kind: 'listener-rule',
      id: d.rule.arn,
      reason: `${d.rule.isDefault ? 'default rule' : `rule ${d.rule.priority}`} of the ${listenerName(d.rule)} on load balancer ${nameOfArn(d.rule.loadBalancerArn)}, forwarding to ${d.rule.forwardsTo.map(t => nameOfArn(t.targetGroupArn)).join(', ')}; kept: ${d.keepReason}${d.rule.isDefault ? '' : `; remove it with: ${removeCommand.rule(d.rule.arn)}`}`
    })
  }
  for (const d of plan.targetGroups.filter(g => !g.delete)) {
    ctx.report.leftovers.push({
      kind: 'target-group',
      id: d.group.arn,
      reason: `target group ${d.group.name} of ${d.services.join(', ')}${d.group.loadBalancerArns.length ? ` on load balancer ${d.group.loadBalancerArns.map(nameOfArn).join(', ')}` : ''}; kept: ${d.keepReason}; once no rule forwards to it, remove it with: ${removeCommand.targetGroup(d.group.arn)}`
    })
  }
  for (const l of plan.latticeTargetGroups) {
    ctx.report.leftovers.push({
      kind: 'lattice-target-group',
      id: l.arn,
      reason: `VPC Lattice target group of ${l.service}: reported only; once nothing uses it, remove it with: ${removeCommand.latticeTargetGroup(l.arn)}`
    })
  }
  // A load balancer on which this run deleted no rule still has the rules the plan saw: one with a
  // rule of its own left is not idle, and needs no second look.
  const changed = new Set(
    done.rules.map(arn => plan.rules.find(d => d.rule.arn === arn)?.rule.loadBalancerArn)
  )
  const stillRouting = (lb: string): boolean =>
    !changed.has(lb) && plan.found.rules.some(r => r.loadBalancerArn === lb && !r.isDefault)
  for (const lb of await idleLoadBalancers(
    ctx,
    plan.loadBalancerArns.filter(lb => !stillRouting(lb))
  )) {
    ctx.report.leftovers.push({
      kind: 'load-balancer',
      id: lb,
      reason: `load balancer ${nameOfArn(lb)} has no listener rule but its default ones and no registered target left: it serves nothing and bills by the hour; never deleted by this action (aws elbv2 delete-load-balancer --load-balancer-arn ${lb})`,
      billing: true
    })
  }
}
