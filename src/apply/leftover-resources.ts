import { sdk } from '../aws/sdk.js'
import { DeregisterTaskDefinitionCommand } from '@aws-sdk/client-ecs'
import { callAws } from '../aws/call.js'
import { namespaceUsers, resolveNamespace } from '../related/namespace.js'
import {
  revisionOf,
  type LogGroupDecision,
  type NamespaceDecision,
  type TaskDefinitionFamily
} from '../related/plan.js'
import { newRelatedReport, type RelatedReport } from '../report/report.js'
import { DeadlineError, errorMessage, isAwsError } from '../util/errors.js'
import { retryUntil } from '../util/poll.js'
import type { ApplyContext } from './context.js'

/**
 * What ECS leaves behind once the cluster is gone: log groups, task definitions and the Service
 * Connect namespace, each only when its option asks for it and nothing else uses it.
 */

export async function deleteLogGroups(ctx: ApplyContext, decisions: LogGroupDecision[]): Promise<void> {
  for (const d of decisions.filter(d => !d.delete)) {
    ctx.report.leftovers.push({ kind: 'log-group', id: d.group.name, reason: `kept: ${d.keepReason}` })
  }
  await Promise.all(decisions.filter(d => d.delete).map(d => deleteLogGroup(ctx, d.group.name)))
}

async function deleteLogGroup(ctx: ApplyContext, name: string): Promise<void> {
  const result = await retryUntil(
    ctx,
    { deadline: ctx.deadline, minDelayMs: 2_000, maxDelayMs: 15_000 },
    async () => {
      try {
        await callAws(ctx, ctx.logs, new (await sdk.logs()).DeleteLogGroupCommand({ logGroupName: name }))
        return { done: true, value: 'deleted' as const }
      } catch (error) {
        // Deleted with the stack, or never created (awslogs-create-group off and no task ever ran).
        if (isAwsError(error, 'ResourceNotFoundException')) return { done: true, value: 'gone' as const }
        if (isAwsError(error, 'OperationAbortedException'))
          return { done: false, reason: errorMessage(error) }
        throw error
      }
    }
  )
  if (!result.done)
    throw new DeadlineError(`log group ${name} could not be deleted before the deadline: ${result.reason}`)
  if (result.value === 'gone') {
    ctx.log.info(`Log group ${name} does not exist (any more)`)
    return
  }
  related(ctx).logGroups.push({ name, action: 'deleted' })
  ctx.log.info(`Deleted log group ${name}`)
}

export async function deregisterTaskDefinitions(
  ctx: ApplyContext,
  families: TaskDefinitionFamily[],
  kept: { arn: string; reason: string }[] = []
): Promise<void> {
  for (const k of kept) {
    ctx.report.leftovers.push({ kind: 'task-definition', id: revisionOf(k.arn), reason: `kept: ${k.reason}` })
  }
  await Promise.all(
    families.map(async family => {
      const done: string[] = []
      for (const arn of family.arns) {
        try {
          await callAws(ctx, ctx.ecs, new DeregisterTaskDefinitionCommand({ taskDefinition: arn }))
        } catch (error) {
          // INACTIVE already (its stack deregistered it, or an earlier run), or deleted since.
          if (
            isAwsError(error, 'ClientException', 'InvalidParameterException') &&
            /inactive|not found|does not exist|unable to/i.test(errorMessage(error))
          ) {
            ctx.log.info(`Task definition ${revisionOf(arn)} is already deregistered`)
            continue
          }
          throw error
        }
        done.push(revisionOf(arn))
        ctx.log.info(`Deregistered task definition ${revisionOf(arn)}`)
      }
      if (done.length > 0)
        related(ctx).taskDefinitions.push({ family: family.family, revisions: done, action: 'deregistered' })
    })
  )
}

export async function deleteNamespaces(ctx: ApplyContext, decisions: NamespaceDecision[]): Promise<void> {
  for (const d of decisions.filter(d => !d.delete)) {
    ctx.report.leftovers.push({ kind: 'namespace', id: d.namespace.ref, reason: `kept: ${d.keepReason}` })
  }
  for (const d of decisions.filter(d => d.delete)) await deleteNamespace(ctx, d)
}

async function deleteNamespace(ctx: ApplyContext, d: NamespaceDecision): Promise<void> {
  const ns = d.namespace
  const keep = (reason: string): void => {
    ctx.report.leftovers.push({ kind: 'namespace', id: ns.ref, reason: `kept: ${reason}` })
    ctx.log.info(`Namespace ${ns.ref} is kept: ${reason}`)
  }
  const resolved = await resolveNamespace(ctx, ns)
  if (!resolved) {
    ctx.log.info(`Namespace ${ns.ref} is not (or no longer) in Cloud Map`)
    return
  }
  const users = await namespaceUsers(ctx, resolved, ctx.clusterArn)
  if (users.length > 0) return keep(`still used by ${users.join(', ')}`)
  let operationId: string | undefined
  try {
    operationId = (
      await callAws(
        ctx,
        ctx.servicediscovery,
        new (await sdk.servicediscovery()).DeleteNamespaceCommand({ Id: resolved.id })
      )
    ).OperationId
  } catch (error) {
    if (isAwsError(error, 'NamespaceNotFound')) {
      ctx.log.info(`Namespace ${ns.ref} is already deleted`)
      return
    }
    if (isAwsError(error, 'ResourceInUse')) return keep(`Cloud Map refused: ${errorMessage(error)}`)
    throw error
  }
  ctx.log.info(`Deleting namespace ${ns.ref}`)
  if (operationId) {
    // DeleteNamespace only starts the deletion: its operation says how it ended.
    const outcome = await retryUntil(
      ctx,
      { deadline: ctx.deadline, minDelayMs: 1_000, maxDelayMs: ctx.pollIntervalMs },
      async () => {
        const op = (
          await callAws(
            ctx,
            ctx.servicediscovery,
            new (await sdk.servicediscovery()).GetOperationCommand({ OperationId: operationId })
          )
        ).Operation
        if (op?.Status === 'SUCCESS') return { done: true, value: undefined }
        if (op?.Status === 'FAIL') return { done: true, value: op.ErrorMessage ?? op.ErrorCode ?? 'failed' }
        return { done: false, reason: `operation ${operationId} is ${op?.Status ?? 'unknown'}` }
      }
    )
    if (!outcome.done)
      throw new DeadlineError(`namespace ${ns.ref} was not deleted before the deadline: ${outcome.reason}`)
    if (outcome.value !== undefined) return keep(`Cloud Map could not delete it: ${outcome.value}`)
  }
  related(ctx).namespaces.push({ ref: ns.ref, action: 'deleted' })
  ctx.log.info(`Namespace ${ns.ref} is deleted`)
}

function related(ctx: ApplyContext): RelatedReport {
  return (ctx.report.related ??= newRelatedReport())
}
