import { sdk } from '../aws/sdk.js'
import type { Instance } from '@aws-sdk/client-ec2'
import type { ApplyContext } from '../apply/context.js'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { isAvailable } from '../aws/clients.js'
import { Limits, OwnerTags } from '../constants.js'
import type { StackTarget } from '../stack/find.js'
import type { ContainerInstanceInfo } from '../inventory/index.js'
import { code, escapeHtml } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import type { Leftover } from '../report/report.js'
import { errorMessage, isAccessDenied, isAwsError } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { chunk } from '../util/pool.js'
import {
  count,
  relatedReport,
  shownRows,
  type FindContext,
  type KindCountRow,
  type ResourceKind,
  type ReportPart
} from './kind.js'
import type { Settings } from '../settings.js'

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

/** Who launches a replacement for a terminated instance, or deletes it with a stack. */
export interface HostOwner {
  kind: 'auto-scaling-group' | 'stack' | 'fleet'
  /** The group, stack or fleet. */
  name: string
  /** The stack that holds the group (its instances carry the stack's tags too). */
  stack?: string
}

/** The machine behind a container instance. */
export interface HostInfo {
  containerInstanceArn: string
  containerInstanceId: string
  /** i-… for EC2; mi-… (a Systems Manager managed instance) for an external instance. */
  instanceId: string
  external: boolean
  /**
   * EC2 only: the state name (running, stopped, shutting-down, terminated…), `not-found` when EC2
   * no longer knows it, undefined when it could not be read.
   */
  state?: string
  owner?: HostOwner
}

export type HostContext = CallContext & { ec2: SendPort }

/** States in which an instance no longer bills for compute (EBS volumes of a stopped one still do). */
export const GONE_STATES = new Set(['shutting-down', 'terminated', 'not-found'])

export function hostsOf(instances: ContainerInstanceInfo[]): HostInfo[] {
  return instances
    .filter(ci => ci.ec2InstanceId)
    .map(ci => ({
      containerInstanceArn: ci.arn,
      containerInstanceId: ci.id,
      instanceId: ci.ec2InstanceId ?? '',
      external: ci.external === true || /^mi-/.test(ci.ec2InstanceId ?? '')
    }))
}

/**
 * State and owner of the EC2 instances (never the external ones: their mi- ids are not EC2's). An
 * `instance-id` filter rather than InstanceIds: an id EC2 no longer knows is then simply missing
 * from the answer, where InstanceIds would fail the whole call with InvalidInstanceID.NotFound.
 */
export async function describeHosts(ctx: HostContext, hosts: HostInfo[]): Promise<HostInfo[]> {
  const ids = [...new Set(hosts.filter(h => !h.external).map(h => h.instanceId))]
  const found = new Map<string, Instance>()
  for (const batch of chunk(ids, Limits.describeInstancesBatch)) {
    const reservations = await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        ctx.ec2,
        new (await sdk.ec2()).DescribeInstancesCommand({
          Filters: [{ Name: 'instance-id', Values: batch }],
          MaxResults: 1000,
          NextToken: nextToken
        })
      )
      return { items: out.Reservations ?? [], nextToken: out.NextToken }
    })
    for (const instance of reservations.flatMap(r => r.Instances ?? [])) {
      if (instance.InstanceId) found.set(instance.InstanceId, instance)
    }
  }
  return hosts.map(host => {
    if (host.external) return host
    const instance = found.get(host.instanceId)
    if (!instance) return { ...host, state: 'not-found' }
    const owner = ownerOf(instance)
    return { ...host, state: instance.State?.Name ?? 'unknown', ...(owner ? { owner } : {}) }
  })
}

function ownerOf(instance: Instance): HostOwner | undefined {
  const tags = new Map((instance.Tags ?? []).map(t => [t.Key ?? '', t.Value ?? '']))
  const stack = tags.get(OwnerTags.stackName)
  const group = tags.get(OwnerTags.autoScalingGroup)
  if (group) return { kind: 'auto-scaling-group', name: group, ...(stack ? { stack } : {}) }
  const fleet = tags.get(OwnerTags.ec2Fleet) ?? tags.get(OwnerTags.spotFleet)
  if (fleet) return { kind: 'fleet', name: fleet }
  if (stack) return { kind: 'stack', name: stack, stack }
  return undefined
}

/**
 * Without terminate-instances, reading EC2 only makes the report precise: a role without
 * ec2:DescribeInstances still gets its teardown, with the instances reported as before. With it,
 * the owners must be known before anything is terminated, so a denial fails the run.
 */
async function readHosts(
  ctx: FindContext,
  hosts: HostInfo[],
  terminateInstances: boolean
): Promise<{ hosts: HostInfo[]; hostsUnread?: string }> {
  if (!hosts.some(h => !h.external)) return { hosts }
  if (!isAvailable(ctx.ec2)) return { hosts, hostsUnread: 'EC2 is not available to this run' }
  try {
    return { hosts: await describeHosts(ctx, hosts) }
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    if (terminateInstances) {
      if (!ctx.onDenied) throw error
      ctx.onDenied(error)
    } else {
      ctx.log.warning(`Could not read the EC2 instances (${errorMessage(error)}); reporting them as before`)
    }
    return { hosts, hostsUnread: `ec2:DescribeInstances was denied: ${errorMessage(error)}` }
  }
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
  relatedReport(ctx.report).instances.push({
    id,
    containerInstanceId: d.host.containerInstanceId,
    action: 'terminated'
  })
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
  relatedReport(ctx.report).instances.push({
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
