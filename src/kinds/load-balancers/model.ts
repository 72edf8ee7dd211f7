import type { SendPort } from '../../aws/call.js'
import type { InventoryContext } from '../../inventory/index.js'
import type { OtherUsersLookup } from '../other-users/index.js'
import type { Decision } from '../bookkeeping.js'

/**
 * What the load-balancers kind (src/kinds/load-balancers.ts) finds and decides: the listener rules
 * and target groups of the removed services, as plain data, and the names and commands the report
 * gives them.
 */

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

export interface RuleDecision extends Decision {
  rule: ListenerRuleInfo
}

export interface TargetGroupDecision extends Decision {
  group: TargetGroupInfo
  services: string[]
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

/** The command that removes a rule or a group, for the report (never run by this action unless told). */
export const removeCommand = {
  rule: (arn: string) => `aws elbv2 delete-rule --rule-arn ${arn}`,
  targetGroup: (arn: string) => `aws elbv2 delete-target-group --target-group-arn ${arn}`,
  latticeTargetGroup: (arn: string) => `aws vpc-lattice delete-target-group --target-group-identifier ${arn}`
}

/** What the kind may call while it looks (read only). */
export type LoadBalancerContext = InventoryContext & { elbv2: SendPort; otherUsers?: OtherUsersLookup }
