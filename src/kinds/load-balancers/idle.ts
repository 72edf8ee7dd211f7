import type { ApplyContext } from '../../apply/context.js'
import { callAws } from '../../aws/call.js'
import { sdk } from '../../aws/sdk.js'
import { Limits } from '../../constants.js'
import { isAwsError } from '../../util/errors.js'
import { forEachPage } from '../../util/paginate.js'
import { describeListeners, describeRules } from './rules.js'

/**
 * A load balancer these rules and groups were on that has no rule but its default ones left and no
 * registered target in any group: it serves nothing and bills by the hour. Never deleted here.
 */
export async function idleLoadBalancers(ctx: ApplyContext, arns: string[]): Promise<string[]> {
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
