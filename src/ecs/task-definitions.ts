import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionFamiliesCommand,
  type TaskDefinition
} from '@aws-sdk/client-ecs'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { Limits } from '../constants.js'
import { lastPartOfArn } from '../util/arn.js'
import { isAwsError } from '../util/errors.js'
import { forEachPage } from '../util/paginate.js'

/**
 * ECS task definitions, read only: what the kinds (log groups, task definitions, triggers) and the
 * look at who else uses them need to know of a revision. No kind lives here.
 */

export type TaskDefinitionContext = CallContext & { ecs: SendPort }

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

/** Every ACTIVE family, or undefined as soon as there are more than `bound` (no page past that is read). */
export async function activeFamilies(
  ctx: TaskDefinitionContext,
  bound: number
): Promise<string[] | undefined> {
  const families: string[] = []
  let over = false
  await forEachPage(async nextToken => {
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
    over = families.length > bound
    return over ? undefined : out.nextToken
  })
  return over ? undefined : [...new Set(families)]
}

/** The family of a task definition ARN or name, with or without its `:revision`. */
export function familyOf(ref: string): string {
  const name = lastPartOfArn(ref)
  return /:\d+$/.test(name) ? name.slice(0, name.lastIndexOf(':')) : name
}

/** True when the ARN or name names one revision (`family:7`), not a family. */
export function isRevision(ref: string): boolean {
  return /:\d+$/.test(lastPartOfArn(ref))
}
