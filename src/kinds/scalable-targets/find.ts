import { callAws, type CallContext, type SendPort } from '../../aws/call.js'
import { sdk } from '../../aws/sdk.js'
import { Limits } from '../../constants.js'
import { forEachPage } from '../../util/paginate.js'
import { chunk } from '../../util/pool.js'
import type { TeardownScope } from '../kind.js'

/**
 * Finding the scalable targets of the services being removed, their scaling policies, scheduled
 * actions and step-scaling alarms (read only), for the kind in src/kinds/scalable-targets.ts.
 */

export const ECS_NAMESPACE = 'ecs'
export const ECS_DIMENSION = 'ecs:service:DesiredCount' as const

export interface ScalableTargetInfo {
  /** `service/<cluster>/<service>`. */
  resourceId: string
  min: number
  max: number
  suspended: boolean
}

export interface ScalingPolicyInfo {
  name: string
  arn: string
  resourceId: string
  type: string
  alarms: string[]
}

export interface ScheduledActionInfo {
  name: string
  resourceId: string
  schedule: string
}

export interface ScalingAlarmInfo {
  name: string
  /** Every action of the alarm (alarm, OK and insufficient-data actions). */
  actions: string[]
}

export interface ScalableTargetsFound {
  targets: ScalableTargetInfo[]
  policies: ScalingPolicyInfo[]
  scheduledActions: ScheduledActionInfo[]
  /** The alarms of the step-scaling policies (those of target-tracking ones go with the target). */
  alarms: ScalingAlarmInfo[]
}

export function resourceIdOf(clusterName: string, serviceName: string): string {
  return `service/${clusterName}/${serviceName}`
}

export type AutoScalingContext = CallContext & { autoscaling: SendPort; cloudwatch: SendPort }

/**
 * How the scalable targets are read. By resource ID (batches of 50): those of the services being
 * removed, and in services mode those of named services AWS has forgotten. By the cluster's prefix,
 * for a whole cluster that shows signs of an earlier teardown (a service already DRAINING, or no
 * service left): every ECS target of the account and Region, kept when its resource ID is
 * `service/<cluster>/…`. A run interrupted after its DeleteService leaves the targets of services
 * AWS may since have forgotten, and only the prefix finds those; a first run on a cluster with
 * services reads by ID, as it makes no more calls than the services need.
 */
export type ScalableTargetsQuery =
  | { resourceIds: string[] }
  | {
      clusterPrefix: string
      /**
       * Resource IDs the prefix also matches that are not this kind's: the Express services' targets,
       * which ECS registered and removes with them (DeleteExpressGatewayService, ECS API model).
       */
      exclude?: string[]
    }

export function scalableTargetsQuery(scope: TeardownScope): ScalableTargetsQuery {
  // Express services count here (a first run on a cluster of Express services alone reads nothing),
  // but their own targets are ECS's, never this kind's.
  const all = [...scope.services, ...(scope.expressServices ?? [])]
  const earlierTeardown = all.length === 0 || all.some(s => s.status !== 'ACTIVE')
  if (scope.wholeCluster && earlierTeardown) {
    const express = (scope.expressServices ?? []).map(s => resourceIdOf(scope.cluster.name, s.name))
    return {
      clusterPrefix: resourceIdOf(scope.cluster.name, ''),
      ...(express.length > 0 ? { exclude: express } : {})
    }
  }
  const names = [...scope.services.map(s => s.name), ...(scope.purgedServices ?? [])]
  return { resourceIds: [...new Set(names.map(name => resourceIdOf(scope.cluster.name, name)))] }
}

export async function findScalableTargets(
  ctx: AutoScalingContext,
  query: ScalableTargetsQuery
): Promise<ScalableTargetsFound> {
  const found: ScalableTargetsFound = { targets: [], policies: [], scheduledActions: [], alarms: [] }
  const ofEcs = async (filter: {
    ResourceIds?: string[]
    ScalableDimension?: typeof ECS_DIMENSION
  }): Promise<void> =>
    forEachPage(async NextToken => {
      const out = await callAws(
        ctx,
        ctx.autoscaling,
        new (await sdk.autoscaling()).DescribeScalableTargetsCommand({
          ServiceNamespace: ECS_NAMESPACE,
          ...filter,
          MaxResults: Limits.autoScalingPageSize,
          NextToken
        })
      )
      for (const t of out.ScalableTargets ?? []) {
        if ('clusterPrefix' in query && !t.ResourceId?.startsWith(query.clusterPrefix)) continue
        if ('clusterPrefix' in query && query.exclude?.includes(t.ResourceId ?? '')) continue
        if (t.ScalableDimension !== undefined && t.ScalableDimension !== ECS_DIMENSION) continue
        const s = t.SuspendedState
        found.targets.push({
          resourceId: t.ResourceId ?? '',
          min: t.MinCapacity ?? 0,
          max: t.MaxCapacity ?? 0,
          suspended: Boolean(
            s?.DynamicScalingInSuspended && s.DynamicScalingOutSuspended && s.ScheduledScalingSuspended
          )
        })
      }
      return out.NextToken
    })
  if ('clusterPrefix' in query) {
    // AWS has no prefix filter, and takes ScalableDimension only with ResourceIds: every ECS target is read.
    await ofEcs({})
  } else {
    if (query.resourceIds.length === 0) return found
    for (const batch of chunk(query.resourceIds, Limits.autoScalingPageSize))
      await ofEcs({ ResourceIds: batch, ScalableDimension: ECS_DIMENSION })
  }
  await Promise.all(
    found.targets.map(async t => {
      const ofTarget = {
        ServiceNamespace: ECS_NAMESPACE,
        ResourceId: t.resourceId,
        ScalableDimension: ECS_DIMENSION,
        MaxResults: Limits.autoScalingPageSize
      } as const
      await forEachPage(async NextToken => {
        const out = await callAws(
          ctx,
          ctx.autoscaling,
          new (await sdk.autoscaling()).DescribeScalingPoliciesCommand({ ...ofTarget, NextToken })
        )
        for (const p of out.ScalingPolicies ?? []) {
          found.policies.push({
            name: p.PolicyName ?? '',
            arn: p.PolicyARN ?? '',
            resourceId: t.resourceId,
            type: p.PolicyType ?? '',
            alarms: (p.Alarms ?? []).map(a => a.AlarmName ?? '').filter(Boolean)
          })
        }
        return out.NextToken
      })
      await forEachPage(async NextToken => {
        const out = await callAws(
          ctx,
          ctx.autoscaling,
          new (await sdk.autoscaling()).DescribeScheduledActionsCommand({ ...ofTarget, NextToken })
        )
        for (const a of out.ScheduledActions ?? [])
          found.scheduledActions.push({
            name: a.ScheduledActionName ?? '',
            resourceId: t.resourceId,
            schedule: a.Schedule ?? ''
          })
        return out.NextToken
      })
    })
  )
  // The alarms that act on a step policy: by action (the policy's ARN; some emulators leave the
  // policy's Alarms list empty), then any the policy names that the first look did not return.
  const seen = new Set<string>()
  const read = async (filter: { ActionPrefix: string } | { AlarmNames: string[] }): Promise<void> =>
    forEachPage(async NextToken => {
      const out = await callAws(
        ctx,
        ctx.cloudwatch,
        new (await sdk.cloudwatch()).DescribeAlarmsCommand({
          ...filter,
          MaxRecords: Limits.alarmsBatch,
          NextToken
        })
      )
      for (const a of out.MetricAlarms ?? []) {
        if (!a.AlarmName || seen.has(a.AlarmName)) continue
        seen.add(a.AlarmName)
        found.alarms.push({
          name: a.AlarmName,
          actions: [...(a.AlarmActions ?? []), ...(a.OKActions ?? []), ...(a.InsufficientDataActions ?? [])]
        })
      }
      return out.NextToken
    })
  const stepPolicies = found.policies.filter(p => p.type === 'StepScaling')
  for (const p of stepPolicies) await read({ ActionPrefix: p.arn })
  const named = [...new Set(stepPolicies.flatMap(p => p.alarms))].filter(n => !seen.has(n))
  for (const batch of chunk(named, Limits.alarmsBatch)) await read({ AlarmNames: batch })
  return found
}
