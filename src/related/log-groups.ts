import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { Limits } from '../constants.js'
import { isAwsError } from '../util/errors.js'

/** A log group the cluster's task definitions send container logs to (the awslogs driver). */
export interface LogGroupUse {
  name: string
  /** `awslogs-region`, else the cluster's region. */
  region: string
  /** This cluster's task definition families that write to it. */
  families: string[]
}

export interface LogGroupCheck {
  groups: LogGroupUse[]
  /** Per group name: the other families whose latest ACTIVE revision writes to it. */
  usedElsewhere: Record<string, string[]>
  /** ACTIVE families read to find those users. */
  familiesChecked: number
  /** More ACTIVE families than the bound: no one checked, every group is kept. */
  tooManyFamilies?: boolean
}

export type TaskDefinitionContext = CallContext & { ecs: SendPort }

/**
 * The log groups of the given task definitions, and who else writes to them. A task definition is
 * not tied to a cluster, so "someone else" is judged by family, with a bounded number of calls: every
 * ACTIVE family (ListTaskDefinitionFamilies, pages of 100) and its latest ACTIVE revision (one
 * DescribeTaskDefinition each). A family whose latest revision is one this cluster ran counts as this
 * cluster's own. With more than Limits.logGroupFamiliesChecked families nothing is read and every
 * group is kept: the answer would not be complete.
 */
export async function checkLogGroups(
  ctx: TaskDefinitionContext,
  taskDefinitionArns: string[],
  region: string
): Promise<LogGroupCheck> {
  const used = new Set(taskDefinitionArns)
  const mine = await Promise.all([...used].map(arn => describe(ctx, arn)))
  const groups = new Map<string, LogGroupUse>()
  for (const td of mine) {
    if (!td) continue
    for (const group of awslogsGroups(td, region)) {
      const entry = groups.get(group.name) ?? { ...group, families: [] }
      if (td.family && !entry.families.includes(td.family)) entry.families.push(td.family)
      groups.set(group.name, entry)
    }
  }
  const check: LogGroupCheck = { groups: [...groups.values()], usedElsewhere: {}, familiesChecked: 0 }
  if (groups.size === 0) return check

  const families = await activeFamilies(ctx, Limits.logGroupFamiliesChecked)
  if (!families) return { ...check, tooManyFamilies: true }
  check.familiesChecked = families.length
  const latest = await Promise.all(families.map(family => describe(ctx, family)))
  for (const td of latest) {
    // Only an ACTIVE revision can start new tasks (some emulators answer a family with an INACTIVE one).
    if (!td?.family || td.status !== 'ACTIVE' || used.has(td.taskDefinitionArn ?? '')) continue
    for (const group of awslogsGroups(td, region)) {
      const mineToo = groups.get(group.name)
      if (!mineToo || mineToo.region !== group.region) continue
      const users = (check.usedElsewhere[group.name] ??= [])
      if (!users.includes(td.family)) users.push(td.family)
    }
  }
  return check
}

/** The awslogs log groups of a task definition's containers, with their regions. */
export function awslogsGroups(td: TaskDefinition, region: string): { name: string; region: string }[] {
  const out: { name: string; region: string }[] = []
  for (const container of td.containerDefinitions ?? []) {
    const log = container.logConfiguration
    const name = log?.logDriver === 'awslogs' ? log.options?.['awslogs-group'] : undefined
    if (name && !out.some(g => g.name === name)) {
      out.push({ name, region: log?.options?.['awslogs-region'] || region })
    }
  }
  return out
}

/** A revision (ARN or family:revision), or a family's latest ACTIVE one; undefined when there is none. */
export async function describe(ctx: TaskDefinitionContext, ref: string): Promise<TaskDefinition | undefined> {
  try {
    const out = await callAws(ctx, ctx.ecs, new DescribeTaskDefinitionCommand({ taskDefinition: ref }))
    return out.taskDefinition
  } catch (error) {
    // A family deregistered since it was listed, or a revision ECS has deleted.
    if (isAwsError(error, 'ClientException', 'InvalidParameterException')) return undefined
    throw error
  }
}

/** Every ACTIVE family, or undefined as soon as there are more than `bound`. */
async function activeFamilies(ctx: TaskDefinitionContext, bound: number): Promise<string[] | undefined> {
  const families: string[] = []
  const seen = new Set<string>()
  let nextToken: string | undefined
  do {
    const out = await callAws(
      ctx,
      ctx.ecs,
      new ListTaskDefinitionFamiliesCommand({
        status: 'ACTIVE',
        maxResults: Limits.familiesPageSize,
        nextToken
      })
    )
    families.push(...(out.families ?? []))
    if (families.length > bound) return undefined
    nextToken = out.nextToken || undefined
    if (nextToken !== undefined) {
      if (seen.has(nextToken)) throw new Error('ListTaskDefinitionFamilies returned the same nextToken twice')
      seen.add(nextToken)
    }
  } while (nextToken)
  return [...new Set(families)]
}
