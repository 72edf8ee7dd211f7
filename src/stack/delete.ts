import { sdk } from '../aws/sdk.js'
import type { StackEvent } from '@aws-sdk/client-cloudformation'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import type { ClusterReport, StackReport } from '../report/report.js'
import { describeStack, type StackContext } from './describe.js'
import { deletionWaves } from './exports.js'
import type { StackTarget } from './find.js'
import { stackReport } from './refusal.js'
import { DeadlineError, errorMessage, isAwsError } from '../util/errors.js'
import { pollUntil } from '../util/poll.js'

/** The stack's report, with what a person needs when the deletion did not finish. */
export interface StackDeletionReport extends StackReport {
  /** CloudFormation's StackStatusReason at the end, e.g. "The following resource(s) failed to delete: [X]." */
  statusReason?: string
  /** On DELETE_FAILED: the command a person would run next (never run by this action). */
  nextCommand?: string
}

export interface DeleteStackOptions {
  clientRequestToken: string
  /** Epoch milliseconds: stop waiting then and report the last status seen. */
  deadline: number
  pollIntervalMs: number
  /** Filled in as the deletion goes, so a cancellation mid-wait still leaves the last status seen. */
  report?: StackDeletionReport
}

/**
 * DeleteStack, then waits on the StackId (by name, a deleted stack is only "does not exist"; by id
 * it reads DELETE_COMPLETE) until DELETE_COMPLETE, DELETE_FAILED or the deadline. Never decides
 * success: the caller reads `deleted` and `status`. Cancellation and unexpected AWS errors are
 * thrown, with `opts.report` holding what was seen until then.
 */
export async function deleteStack(
  ctx: StackContext,
  target: StackTarget,
  opts: DeleteStackOptions
): Promise<StackDeletionReport> {
  const report: StackDeletionReport = opts.report ?? stackReport(target)
  report.status = target.status
  // Someone (an earlier attempt of this run, say) is already deleting it: asking again adds nothing.
  if (target.status !== 'DELETE_IN_PROGRESS') {
    try {
      await callAws(
        ctx,
        ctx.cloudformation,
        new (await sdk.cloudformation()).DeleteStackCommand({
          StackName: target.id,
          ClientRequestToken: opts.clientRequestToken
        })
      )
    } catch (error) {
      // Protection turned on, or an operation started, since stackRefusal looked.
      if (isAwsError(error, 'ValidationError')) {
        throw new Error(`CloudFormation refused to delete stack ${target.name}: ${errorMessage(error)}`, {
          cause: error
        })
      }
      throw error
    }
    // Accepted: the deletion has started (or was already running), whatever the deadline allows next.
    report.status = 'DELETE_IN_PROGRESS'
    ctx.log.info(`Deleting stack ${target.name} (${target.id})`)
  } else {
    ctx.log.info(`Stack ${target.name} is already being deleted; waiting for it`)
  }

  // CloudFormation takes seconds for an empty stack, minutes for one with instances: the first look
  // soon, then backing off to the poll interval.
  await pollUntil(
    ctx,
    {
      deadline: opts.deadline,
      schedule: { firstMs: 2_000, stepMs: 2_000, factor: 2, ceilingMs: opts.pollIntervalMs },
      what: `stack ${target.name} to be deleted`
    },
    async () => {
      const stack = await describeStack(ctx, target.id)
      if (!stack) {
        // Gone even by id (a deletion older than CloudFormation's memory): deleted all the same.
        report.status = 'DELETE_COMPLETE'
        return { done: true, value: undefined }
      }
      // The live log tells each change of the stack's status when a look sees it.
      const status = stack.StackStatus ?? 'UNKNOWN'
      if (status !== report.status) ctx.log.progress?.(`Stack ${target.name}: ${report.status} → ${status}`)
      report.status = status
      report.statusReason = stack.StackStatusReason
      return status === 'DELETE_IN_PROGRESS'
        ? { done: false, reason: status }
        : { done: true, value: undefined }
    }
  )

  if (report.status === 'DELETE_COMPLETE') {
    report.deleted = true
    delete report.statusReason
    ctx.log.info(`Stack ${target.name} is deleted`)
    return report
  }
  if (report.status === 'DELETE_IN_PROGRESS') {
    ctx.log.warning(`Stack ${target.name} was still DELETE_IN_PROGRESS at the deadline`)
    return report
  }
  // DELETE_FAILED, or the deletion ended in a status that is not a deletion (CloudFormation gives up
  // before touching a resource while another stack imports one of its exports, and the stack goes
  // back to its status: aws/aws-sdk#383, boto/botocore#2590).
  report.failedResources = await failedResources(ctx, target)
  report.nextCommand = nextCommand(target, report.failedResources, report.statusReason)
  ctx.log.warning(
    `Stack ${target.name} ended ${report.status}${report.statusReason ? `: ${report.statusReason}` : ''}`
  )
  return report
}

/**
 * The resources whose deletion failed in the latest deletion: stack events, newest first, read
 * back to the stack's own DELETE_IN_PROGRESS event (where this deletion started), so failures of
 * earlier attempts do not show. Events carry AWS's timestamps, so no comparison with the runner's
 * clock is needed. The newest failure per logical id is kept.
 */
async function failedResources(
  ctx: StackContext,
  target: StackTarget
): Promise<StackReport['failedResources']> {
  const failed = new Map<string, StackReport['failedResources'][number]>()
  let nextToken: string | undefined
  const seen = new Set<string>()
  try {
    for (;;) {
      const out = await callAws(
        ctx,
        ctx.cloudformation,
        new (await sdk.cloudformation()).DescribeStackEventsCommand({
          StackName: target.id,
          NextToken: nextToken
        })
      )
      for (const event of out.StackEvents ?? []) {
        if (isStackItself(event, target)) {
          if (event.ResourceStatus === 'DELETE_IN_PROGRESS') return [...failed.values()]
          continue
        }
        if (event.ResourceStatus !== 'DELETE_FAILED' || !event.LogicalResourceId) continue
        if (failed.has(event.LogicalResourceId)) continue
        failed.set(event.LogicalResourceId, {
          logicalId: event.LogicalResourceId,
          type: event.ResourceType ?? '',
          reason: event.ResourceStatusReason ?? ''
        })
      }
      nextToken = out.NextToken || undefined
      if (!nextToken || seen.has(nextToken)) break
      seen.add(nextToken)
    }
  } catch (error) {
    // The failure itself is the news; not being able to explain it must not hide it.
    ctx.log.warning(`Could not read the events of stack ${target.name}: ${errorMessage(error)}`)
  }
  return [...failed.values()]
}

function isStackItself(event: StackEvent, target: StackTarget): boolean {
  // A nested stack is also an AWS::CloudFormation::Stack, with its own id as physical id.
  if (event.ResourceType !== 'AWS::CloudFormation::Stack') return false
  return event.PhysicalResourceId
    ? event.PhysicalResourceId === target.id
    : event.LogicalResourceId === target.name
}

/** CloudFormation's reason for a deletion it gave up because a live stack imports an export. */
const EXPORT_IN_USE = /^Export (\S+) cannot be deleted as it is in use by (.+)$/

/**
 * What a person runs next after a deletion that did not finish, matching its cause. An export in
 * use: see who imports it, and delete (or change) those stacks first; forcing the deletion does not
 * help there (FORCE_DELETE_STACK and RetainResources apply to a DELETE_FAILED stack only). After
 * DELETE_FAILED, once what blocked it is dealt with (or kept): delete again keeping the resources
 * that failed, which CloudFormation then leaves in place; without a known failed resource, the
 * forced deletion does the same for whatever failed.
 */
export function nextCommand(
  target: Pick<StackTarget, 'name' | 'id'>,
  failed: StackReport['failedResources'],
  statusReason?: string
): string {
  const region = /^arn:[^:]+:cloudformation:([^:]+):/.exec(target.id)?.[1]
  const inRegion = region ? ` --region ${region}` : ''
  const base = `aws cloudformation delete-stack --stack-name ${target.name}${inRegion}`
  const inUse = EXPORT_IN_USE.exec(statusReason?.trim() ?? '')
  if (inUse) {
    const importers = inUse[2]!.split(/,\s*|\s+and\s+/).filter(Boolean)
    return `aws cloudformation list-imports --export-name ${inUse[1]}${inRegion} (imported by ${importers.join(', ')}: delete or change those stacks first), then ${base}`
  }
  return failed.length > 0
    ? `${base} --retain-resources ${failed.map(f => f.logicalId).join(' ')}`
    : `${base} --deletion-mode FORCE_DELETE_STACK`
}

/**
 * The delete-stack phase of a teardown: deletes the stack and records it in the cluster's report.
 * Anything but DELETE_COMPLETE fails the cluster, with the failed resources and the next command in
 * the report and the message.
 */
export interface StackPhaseContext extends CallContext {
  cloudformation?: SendPort
  /** The DeleteStack request token of this run for a stack (by StackId). */
  stackToken?: (stackId: string) => string
  report: ClusterReport
  pollIntervalMs: number
}

export async function removeStack(
  ctx: StackPhaseContext,
  target: StackTarget,
  /** Where its report goes: the cluster's `stack`, or one of its `importers`. */
  report: StackDeletionReport
): Promise<void> {
  if (!ctx.cloudformation || !ctx.stackToken)
    throw new Error('delete-stack needs a CloudFormation client and a request token')
  const stackCtx = { ...ctx, cloudformation: ctx.cloudformation }
  await deleteStack(stackCtx, target, {
    clientRequestToken: ctx.stackToken(target.id),
    deadline: ctx.deadline,
    pollIntervalMs: ctx.pollIntervalMs,
    report
  })
  if (report.deleted) return
  if (report.status === 'DELETE_IN_PROGRESS') {
    ctx.report.leftovers.push({
      kind: 'stack',
      id: target.name,
      reason: 'still DELETE_IN_PROGRESS at the deadline'
    })
    throw new DeadlineError(`stack ${target.name} was still DELETE_IN_PROGRESS at the deadline`)
  }
  ctx.report.leftovers.push({
    kind: 'stack',
    id: target.name,
    reason: `${report.status}${report.statusReason ? `: ${report.statusReason}` : ''}`
  })
  for (const r of report.failedResources) {
    ctx.report.leftovers.push({
      kind: 'stack-resource',
      id: r.logicalId,
      reason: `${r.type} could not be deleted: ${r.reason}`
    })
  }
  const failed = report.failedResources.map(r => `${r.logicalId} (${r.type}): ${r.reason}`).join('; ')
  throw new Error(
    `Stack ${target.name} ended ${report.status}${failed ? `; failed resources: ${failed}` : report.statusReason ? `: ${report.statusReason}` : ''}. Next: ${report.nextCommand ?? `aws cloudformation delete-stack --stack-name ${target.name}`}`
  )
}

/**
 * Deletes the stack, after the stacks that import its exports (wave by wave, each waited for by
 * StackId until DELETE_COMPLETE), recording each in the cluster's report. The first that does not
 * reach DELETE_COMPLETE fails the cluster, and nothing after it is asked.
 */
export async function removeStacks(ctx: StackPhaseContext, stack: StackTarget): Promise<void> {
  const report: StackDeletionReport = stackReport(stack)
  ctx.report.stack = report
  // Before deleting the stack(s): the place for waits on what CloudFormation cannot delete yet.
  for (const wave of deletionWaves(stack.importers ?? [])) {
    const results = await Promise.allSettled(
      wave.map(i => removeStack(ctx, i, report.importers!.find(r => r.name === i.name) ?? stackReport(i)))
    )
    const failed = results.find(r => r.status === 'rejected')
    if (failed) throw failed.reason
  }
  await removeStack(ctx, stack, report)
}
