import { callAws } from '../../aws/call.js'
import { sdk } from '../../aws/sdk.js'
import { Limits } from '../../constants.js'
import { lastPartOfArn } from '../../util/arn.js'
import { isAwsError } from '../../util/errors.js'
import { forEachPage } from '../../util/paginate.js'
import type { ForwardTarget, ListenerRuleInfo, LoadBalancerContext } from './model.js'

/** The listeners of a load balancer and their rules, as the kind reads them (read only). */

/** `listener on port 443`, or the listener's id when the port is not known. */
export function listenerName(rule: ListenerRuleInfo): string {
  return rule.listenerPort
    ? `listener on port ${rule.listenerPort}`
    : `listener ${lastPartOfArn(rule.listenerArn)}`
}

export async function describeListeners(
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
