import { callAws } from '../../aws/call.js'
import { sdk } from '../../aws/sdk.js'
import { isAccessDenied, isAwsError } from '../../util/errors.js'
import type { LoadBalancerContext, LoadBalancersFound } from './model.js'

/**
 * The drain delays: how long a removed service's tasks stay DEACTIVATING while their targets drain
 * (the target groups' deregistration delay), which times the tasks' waits (apply/context.ts).
 */

/**
 * The group's deregistration delay in ms, read only to time the services' waits: a denied read, a
 * group deleted meanwhile or an odd value is "not known" (the waits keep their plain schedule).
 */
export async function deregistrationDelay(
  ctx: LoadBalancerContext,
  arn: string
): Promise<number | undefined> {
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
