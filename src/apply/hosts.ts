import { sdk } from '../aws/sdk.js'
import { callAws } from '../aws/call.js'
import type { TeardownPlan } from '../plan.js'
import { describeHosts, GONE_STATES, hostsOf } from '../related/hosts.js'
import type { HostDecision } from '../related/plan.js'
import { newRelatedReport, type Leftover } from '../report/report.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import type { ApplyContext } from './context.js'

/** The report's words for an instance this run could not or would not remove. */
const GENERIC_EC2 =
  'still running and billing: deregistering a container instance does not terminate its EC2 instance; terminate it, or delete the stack or Auto Scaling group that owns it'

/** The decisions for the machines behind the container instances; the generic one without a related plan. */
export function hostDecisions(plan: TeardownPlan): HostDecision[] {
  if (plan.related) return plan.related.hosts
  return hostsOf(plan.containerInstances).map(host =>
    host.external
      ? {
          host,
          action: 'keep',
          billing: false,
          reason: 'external instance still registered with Systems Manager'
        }
      : { host, action: 'keep', billing: true, reason: GENERIC_EC2 }
  )
}

/**
 * What becomes of the machine behind each container instance this run deregistered: terminated
 * (nothing owns it, terminate-instances), deregistered from Systems Manager (external,
 * deregister-ssm-instances), left to the stack that owns it (checked once the stack is deleted),
 * or reported with what keeps it and the fix.
 */
export async function handleHosts(ctx: ApplyContext, decisions: HostDecision[]): Promise<void> {
  const deregistered = new Set(ctx.report.containerInstances.map(ci => ci.arn))
  await Promise.all(
    decisions
      .filter(d => deregistered.has(d.host.containerInstanceArn))
      .map(async d => {
        switch (d.action) {
          case 'terminate':
            return terminate(ctx, d)
          case 'deregister-ssm':
            return deregisterManaged(ctx, d)
          case 'with-stack':
            // Until the stack is confirmed deleted, this is what is true.
            ctx.report.leftovers.push({
              kind: 'ec2-instance',
              id: d.host.instanceId,
              reason: `still ${d.host.state ?? 'running'}: owned by ${d.owner}, and goes only when that stack is deleted, which this run had not finished`,
              billing: true
            })
            return
          case 'keep':
            ctx.report.leftovers.push({
              kind: d.host.external ? 'ssm-instance' : 'ec2-instance',
              id: d.host.instanceId,
              reason: d.reason,
              billing: d.billing
            })
            return
          case 'none':
            return
        }
      })
  )
}

async function terminate(
  ctx: ApplyContext,
  d: Extract<HostDecision, { action: 'terminate' }>
): Promise<void> {
  const id = d.host.instanceId
  try {
    // One instance per call: a protected or vanished instance then fails alone, not its batch.
    await callAws(ctx, ctx.ec2, new (await sdk.ec2()).TerminateInstancesCommand({ InstanceIds: [id] }))
  } catch (error) {
    if (isAwsError(error, 'InvalidInstanceID.NotFound')) {
      ctx.log.info(`EC2 instance ${id} is already gone`)
      return
    }
    if (isAwsError(error, 'OperationNotPermitted')) {
      ctx.report.leftovers.push({
        kind: 'ec2-instance',
        id,
        reason: `still running and billing: EC2 refused to terminate it (${errorMessage(error)}); turn off its termination protection and terminate it`,
        billing: true
      })
      ctx.log.warning(`EC2 refused to terminate ${id}: ${errorMessage(error)}`)
      return
    }
    throw error
  }
  related(ctx).instances.push({ id, containerInstanceId: d.host.containerInstanceId, action: 'terminated' })
  // Billing stops once an instance is shutting-down: no need to wait for terminated.
  ctx.log.info(`Terminating EC2 instance ${id}`)
}

async function deregisterManaged(
  ctx: ApplyContext,
  d: Extract<HostDecision, { action: 'deregister-ssm' }>
): Promise<void> {
  const id = d.host.instanceId
  try {
    await callAws(ctx, ctx.ssm, new (await sdk.ssm()).DeregisterManagedInstanceCommand({ InstanceId: id }))
  } catch (error) {
    if (isAwsError(error, 'InvalidInstanceId')) {
      ctx.log.info(`Managed instance ${id} is not registered with Systems Manager any more`)
      return
    }
    throw error
  }
  related(ctx).instances.push({
    id,
    containerInstanceId: d.host.containerInstanceId,
    action: 'ssm-deregistered'
  })
  ctx.log.info(`Deregistered managed instance ${id} from Systems Manager`)
}

/**
 * After the stack is deleted: its Auto Scaling group is gone, and with it the group's instances.
 * One look at EC2 says whether that is so; only then does the instance stop being a leftover.
 */
export async function confirmStackInstances(ctx: ApplyContext, decisions: HostDecision[]): Promise<void> {
  const pending = decisions.filter(
    (d): d is Extract<HostDecision, { action: 'with-stack' }> =>
      d.action === 'with-stack' &&
      ctx.report.containerInstances.some(ci => ci.arn === d.host.containerInstanceArn)
  )
  if (pending.length === 0) return
  const now = await describeHosts(
    ctx,
    pending.map(d => d.host)
  )
  for (const [i, d] of pending.entries()) {
    const state = now[i]?.state ?? 'unknown'
    const left = ctx.report.leftovers.find(l => l.kind === 'ec2-instance' && l.id === d.host.instanceId)
    if (GONE_STATES.has(state)) {
      ctx.report.leftovers = ctx.report.leftovers.filter(l => l !== left)
      related(ctx).instances.push({
        id: d.host.instanceId,
        containerInstanceId: d.host.containerInstanceId,
        action: 'terminated-with-stack',
        owner: d.owner
      })
      ctx.log.info(`EC2 instance ${d.host.instanceId} is ${state}: it went with ${d.owner}`)
    } else {
      const reason: Leftover = {
        kind: 'ec2-instance',
        id: d.host.instanceId,
        reason: `still ${state} and billing although ${d.owner} was deleted: terminate it`,
        billing: true
      }
      ctx.report.leftovers = [...ctx.report.leftovers.filter(l => l !== left), reason]
      ctx.log.warning(`EC2 instance ${d.host.instanceId} is still ${state} after its stack was deleted`)
    }
  }
}

function related(ctx: ApplyContext): ReturnType<typeof newRelatedReport> {
  return (ctx.report.related ??= newRelatedReport())
}
