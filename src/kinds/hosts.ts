import { sdk } from '../aws/sdk.js'
import type { ApplyContext } from '../apply/context.js'
import { callAws } from '../aws/call.js'
import type { StackTarget } from '../stack/find.js'
import { code, escapeHtml } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import type { Leftover } from '../report/report.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import {
  count,
  relatedReport,
  shownRows,
  type KindCountRow,
  type ResourceKind,
  type ReportPart
} from './kind.js'
import type { Settings } from '../settings.js'
import { describeHosts, GONE_STATES, hostsOf, readHosts, type HostInfo } from './hosts/find.js'
import { removeWithRetry } from '../aws/remove.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../report/report.js' {
  interface RelatedReport {
    instances: {
      id: string
      containerInstanceId: string
      action: 'terminated' | 'terminated-with-stack' | 'ssm-deregistered'
      /** With `terminated-with-stack`: the group and stack that owned it. */
      owner?: string
    }[]
  }
  interface RelatedFound {
    ec2Instances: number
    externalInstances: number
  }
  interface KindLeftovers {
    'ec2-instance': true
    'ssm-instance': true
  }
}

/**
 * The machines behind the container instances: EC2 instances (input `terminate-instances`) and
 * external ECS Anywhere instances registered with Systems Manager (`deregister-ssm-instances`).
 * Deregistering a container instance leaves its machine running and billing; once the container
 * instances are deregistered, each machine is terminated, deregistered, left to the stack that
 * owns it (and checked after the stack is deleted), or reported with what keeps it and the fix.
 */

export interface HostsFound {
  /** The machines behind the container instances, with their EC2 state and owner when read. */
  hosts: HostInfo[]
  /** Why the EC2 instances could not be read (terminate-instances off): owners and states unknown. */
  hostsUnread?: string
}

export interface HostsPlan {
  decisions: HostDecision[]
  /** terminate-instances was asked for: an EC2 instance kept anyway is worth a note in the plan. */
  terminateInstances: boolean
}

/** What happens to the machine behind one container instance, once it is deregistered. */
export type HostDecision =
  | { host: HostInfo; action: 'terminate' }
  /** Owned by the stack delete-stack deletes in this run: it goes with the stack, and is checked after. */
  | { host: HostInfo; action: 'with-stack'; stack: string; owner: string }
  | { host: HostInfo; action: 'deregister-ssm' }
  | { host: HostInfo; action: 'keep'; reason: string; billing: boolean }
  /** Already terminated, or unknown to EC2: nothing left to do or to report. */
  | { host: HostInfo; action: 'none' }

export const hostsKind: ResourceKind<HostsFound, HostsPlan> = {
  name: 'EC2 and external instances',
  emptyReport: (): ReportPart<'instances', 'ec2Instances' | 'externalInstances'> => ({
    found: { ec2Instances: 0, externalInstances: 0 },
    instances: []
  }),

  hints: plan => ({ handlesHosts: hostsHandled(plan) }),

  find(ctx, scope, settings) {
    return readHosts(ctx, hostsOf(scope.containerInstances), settings.terminateInstances)
  },

  recordFound(found, report) {
    report.found.ec2Instances = found.hosts.filter(h => !h.external).length
    report.found.externalInstances = found.hosts.filter(h => h.external).length
  },

  decide(found, { settings, stack }) {
    return {
      decisions: found.hosts.map(host => decideHost(host, settings, found.hostsUnread, stack)),
      terminateInstances: settings.terminateInstances
    }
  },

  steps(plan) {
    const terminate = plan.decisions.filter(d => d.action === 'terminate')
    const ssm = plan.decisions.filter(d => d.action === 'deregister-ssm')
    const withStack = plan.decisions.filter(d => d.action === 'with-stack')
    return [
      ...(terminate.length > 0
        ? [
            {
              stage: 'after-instances' as const,
              phase: 'terminate-instances',
              description: `Terminate the ${count(terminate.length, 'EC2 instance')} behind them that nothing owns`,
              resources: terminate.map(d => d.host.instanceId)
            }
          ]
        : []),
      ...(ssm.length > 0
        ? [
            {
              stage: 'after-instances' as const,
              phase: 'deregister-ssm-instances',
              description: `Deregister ${count(ssm.length, 'external instance')} from Systems Manager`,
              resources: ssm.map(d => d.host.instanceId)
            }
          ]
        : []),
      ...(withStack.length > 0
        ? [
            {
              stage: 'after-cluster' as const,
              phase: 'stack-instances',
              description: `Check that the ${count(withStack.length, 'EC2 instance')} the stack's Auto Scaling group owned went with the stack`,
              resources: withStack.map(d => d.host.instanceId)
            }
          ]
        : [])
    ]
  },

  notes(plan) {
    if (!plan.terminateInstances) return []
    return plan.decisions.flatMap(d =>
      d.action === 'keep' && !d.host.external ? [`${d.host.instanceId}: ${d.reason}`] : []
    )
  },

  actions: {
    // Always: a machine that stays is reported, with what keeps it.
    'after-instances': {
      phase: 'EC2 and external instances',
      needed: () => true,
      run: (ctx, plan) => handleHosts(ctx, plan.decisions)
    },
    'after-cluster': {
      phase: 'instances of the stack',
      needed: plan => plan.decisions.some(d => d.action === 'with-stack'),
      run: (ctx, plan) => confirmStackInstances(ctx, plan.decisions)
    }
  },

  unfinished(plan, report) {
    const left: Leftover[] = []
    for (const d of plan.decisions) {
      if (report.related?.instances.some(i => i.id === d.host.instanceId)) continue
      if (d.action === 'terminate')
        left.push({
          kind: 'ec2-instance',
          id: d.host.instanceId,
          reason: 'still running and billing: not terminated before the run stopped',
          billing: true
        })
      else if (d.action === 'with-stack')
        left.push({
          kind: 'ec2-instance',
          id: d.host.instanceId,
          reason: `still running and billing: owned by ${d.owner}, which was not deleted before the run stopped`,
          billing: true
        })
      else if (d.action === 'deregister-ssm')
        left.push({
          kind: 'ssm-instance',
          id: d.host.instanceId,
          reason: 'still registered with Systems Manager: not deregistered before the run stopped'
        })
    }
    return left
  },

  countRows(r, left) {
    const instances = (action: string): number => r.instances.filter(i => i.action === action).length
    const rows: KindCountRow[] = [
      {
        label: 'EC2 instances',
        found: r.found.ec2Instances,
        removed: instances('terminated') + instances('terminated-with-stack'),
        leftoverKind: 'ec2-instance' as const
      },
      {
        label: 'External (SSM) instances',
        found: r.found.externalInstances,
        removed: instances('ssm-deregistered'),
        leftoverKind: 'ssm-instance' as const
      }
    ]
    return shownRows(rows, left)
  },

  doneLists(r) {
    const words = {
      terminated: 'terminated',
      'terminated-with-stack': 'terminated with',
      'ssm-deregistered': 'deregistered from Systems Manager'
    } as const
    return [
      {
        title: 'Instances behind the container instances',
        items: r.instances.map(
          i =>
            `${code(i.id)} (container instance ${code(i.containerInstanceId)}): ${words[i.action]}${i.owner ? ` ${escapeHtml(i.owner)}` : ''}`
        )
      }
    ]
  },

  links: {
    'ec2-instance': (region, id) => consoleLinks.ec2Instance(region, id),
    'ssm-instance': (region, id) => consoleLinks.managedInstance(region, id)
  }
}

/** Whether the plan does something about the machines (else the plan says they keep running). */
export function hostsHandled(plan: HostsPlan | undefined): boolean {
  return (plan?.decisions ?? []).some(d => d.action !== 'keep' && d.action !== 'none')
}

function decideHost(
  host: HostInfo,
  settings: Settings,
  unread: string | undefined,
  stack: StackTarget | undefined
): HostDecision {
  if (host.external) {
    return settings.deregisterSsmInstances
      ? { host, action: 'deregister-ssm' }
      : {
          host,
          action: 'keep',
          billing: false,
          reason: `external instance still registered with Systems Manager (ECS deregistration does not touch it; the machine itself is yours): deregister-ssm-instances: true deregisters it, or run aws ssm deregister-managed-instance --instance-id ${host.instanceId} (advanced-tier managed instances are billed while registered)`
        }
  }
  if (host.state === undefined) {
    return {
      host,
      action: 'keep',
      billing: true,
      reason: `still running and billing: deregistering a container instance does not terminate its EC2 instance; terminate it, or delete the stack or Auto Scaling group that owns it (its owner is unknown: ${unread ?? 'EC2 could not be read'})`
    }
  }
  if (GONE_STATES.has(host.state)) return { host, action: 'none' }
  const owner = host.owner
  if (owner) {
    const ownersStack = owner.stack ?? (owner.kind === 'stack' ? owner.name : undefined)
    const inStack =
      stack &&
      (ownersStack === stack.name ||
        (owner.kind === 'auto-scaling-group' && (stack.autoScalingGroups ?? []).includes(owner.name)))
    if (stack && inStack) {
      const what =
        owner.kind === 'auto-scaling-group'
          ? `Auto Scaling group ${owner.name} of stack ${stack.name}`
          : `stack ${stack.name}`
      return { host, action: 'with-stack', stack: stack.name, owner: what }
    }
    return { host, action: 'keep', billing: true, reason: ownerReason(host, owner) }
  }
  if (settings.terminateInstances) return { host, action: 'terminate' }
  return {
    host,
    action: 'keep',
    billing: true,
    reason:
      host.state === 'stopped'
        ? 'stopped, its EBS volumes still billing: deregistering a container instance does not terminate its EC2 instance; terminate-instances: true terminates it'
        : `still ${host.state} and billing: deregistering a container instance does not terminate its EC2 instance; terminate-instances: true terminates it`
  }
}

function ownerReason(host: HostInfo, owner: NonNullable<HostInfo['owner']>): string {
  const state = `still ${host.state} and billing`
  switch (owner.kind) {
    case 'auto-scaling-group':
      return `${state}, owned by Auto Scaling group ${owner.name}${owner.stack ? ` (stack ${owner.stack})` : ''}: not terminated, the group would launch a replacement; ${owner.stack ? `delete stack ${owner.stack} (delete-stack: true, stack-name: ${owner.stack}), or ` : ''}scale the group to 0 (aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${owner.name} --min-size 0 --desired-capacity 0)`
    case 'stack':
      return `${state}, owned by CloudFormation stack ${owner.name}: not terminated (the stack would no longer match it); delete the stack (delete-stack: true, stack-name: ${owner.name})`
    case 'fleet':
      return `${state}, owned by EC2 fleet ${owner.name}: not terminated, the fleet would launch a replacement; delete the fleet or set its target capacity to 0`
  }
}

/**
 * What becomes of the machine behind each container instance this run deregistered: terminated
 * (nothing owns it, terminate-instances), deregistered from Systems Manager (external,
 * deregister-ssm-instances), left to the stack that owns it (checked once the stack is deleted),
 * or reported with what keeps it and the fix.
 */
async function handleHosts(ctx: ApplyContext, decisions: HostDecision[]): Promise<void> {
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
    const result = await removeWithRetry(ctx, {
      what: `EC2 instance ${id}`,
      // One instance per call: a protected or vanished instance then fails alone, not its batch.
      call: async () =>
        callAws(ctx, ctx.ec2, new (await sdk.ec2()).TerminateInstancesCommand({ InstanceIds: [id] })),
      gone: [{ codes: ['InvalidInstanceID.NotFound'] }],
      deadline: ctx.deadline
    })
    if (result.outcome === 'gone') return ctx.log.info(`EC2 instance ${id} is already gone`)
  } catch (error) {
    if (!isAwsError(error, 'OperationNotPermitted')) throw error
    ctx.report.leftovers.push({
      kind: 'ec2-instance',
      id,
      reason: `still running and billing: EC2 refused to terminate it (${errorMessage(error)}); turn off its termination protection and terminate it`,
      billing: true
    })
    ctx.log.warning(`EC2 refused to terminate ${id}: ${errorMessage(error)}`)
    return
  }
  recordHost(ctx, d.host, 'terminated')
  // Billing stops once an instance is shutting-down: no need to wait for terminated.
  ctx.log.info(`Terminating EC2 instance ${id}`)
}

async function deregisterManaged(
  ctx: ApplyContext,
  d: Extract<HostDecision, { action: 'deregister-ssm' }>
): Promise<void> {
  const id = d.host.instanceId
  const result = await removeWithRetry(ctx, {
    what: `managed instance ${id}`,
    call: async () =>
      callAws(ctx, ctx.ssm, new (await sdk.ssm()).DeregisterManagedInstanceCommand({ InstanceId: id })),
    gone: [{ codes: ['InvalidInstanceId'] }],
    deadline: ctx.deadline
  })
  if (result.outcome === 'gone')
    return ctx.log.info(`Managed instance ${id} is not registered with Systems Manager any more`)
  recordHost(ctx, d.host, 'ssm-deregistered')
  ctx.log.info(`Deregistered managed instance ${id} from Systems Manager`)
}

function recordHost(ctx: ApplyContext, host: HostInfo, action: 'terminated' | 'ssm-deregistered'): void {
  relatedReport(ctx.report).instances.push({
    id: host.instanceId,
    containerInstanceId: host.containerInstanceId,
    action
  })
}

/**
 * After the stack is deleted: its Auto Scaling group is gone, and with it the group's instances.
 * One look at EC2 says whether that is so; only then does the instance stop being a leftover.
 */
async function confirmStackInstances(ctx: ApplyContext, decisions: HostDecision[]): Promise<void> {
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
      relatedReport(ctx.report).instances.push({
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
