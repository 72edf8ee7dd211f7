import type { TriggerMode } from '../settings.js'
import type { StackTarget } from '../stack.js'
import { GONE_STATES, type HostInfo } from './hosts.js'
import type { RelatedInventory } from './inventory.js'
import type { LogGroupUse } from './log-groups.js'
import type { NamespaceInfo } from './namespace.js'
import type { TriggerInfo } from './triggers.js'

/** What happens to the machine behind one container instance, once it is deregistered. */
export type HostDecision =
  | { host: HostInfo; action: 'terminate' }
  /** Owned by the stack delete-stack deletes in this run: it goes with the stack, and is checked after. */
  | { host: HostInfo; action: 'with-stack'; stack: string; owner: string }
  | { host: HostInfo; action: 'deregister-ssm' }
  | { host: HostInfo; action: 'keep'; reason: string; billing: boolean }
  /** Already terminated, or unknown to EC2: nothing left to do or to report. */
  | { host: HostInfo; action: 'none' }

export interface LogGroupDecision {
  group: LogGroupUse
  delete: boolean
  keepReason?: string
}

export interface TaskDefinitionFamily {
  family: string
  /** The revisions (ARNs) the cluster's services and tasks used. */
  arns: string[]
}

export interface NamespaceDecision {
  namespace: NamespaceInfo
  /** Delete once the cluster is gone, if by then nothing else uses it. */
  delete: boolean
  keepReason?: string
}

export interface RelatedPlan {
  triggerMode: TriggerMode
  /** The rules to act on before anything else (none with `keep`). */
  triggers: TriggerInfo[]
  hosts: HostDecision[]
  /** Decided only with delete-log-groups. */
  logGroups: LogGroupDecision[]
  taskDefinitions: TaskDefinitionFamily[]
  deregisterTaskDefinitions: boolean
  namespaces: NamespaceDecision[]
  /** Notes for the plan: what is kept although an option asked for it, and why. */
  notes: string[]
}

export interface RelatedPlanOptions {
  triggers: TriggerMode
  terminateInstances: boolean
  deregisterSsmInstances: boolean
  deregisterTaskDefinitions: boolean
  deleteNamespace: boolean
  region: string
}

export function planRelated(
  related: RelatedInventory,
  options: RelatedPlanOptions,
  stack?: StackTarget
): RelatedPlan {
  const hosts = related.hosts.map(host => decideHost(host, options, related.hostsUnread, stack))
  const logGroups = (related.logGroups?.groups ?? []).map(group =>
    decideLogGroup(group, related.logGroups!, options.region, related.shared?.families ?? {})
  )
  const namespaces = related.namespaces.map(namespace => decideNamespace(namespace, options.deleteNamespace))
  const triggers = options.triggers === 'keep' ? [] : (related.triggers ?? [])
  const notes: string[] = []
  if (options.triggers === 'disable') {
    for (const t of triggers.filter(t => t.otherTargets > 0))
      notes.push(
        `EventBridge rule ${t.rule} will be disabled as a whole, which also stops its ${t.otherTargets} other target(s)`
      )
  }
  if (options.terminateInstances) {
    for (const d of hosts)
      if (d.action === 'keep' && !d.host.external) notes.push(`${d.host.instanceId}: ${d.reason}`)
  }
  for (const d of logGroups)
    if (!d.delete) notes.push(`log group ${d.group.name} will be kept: ${d.keepReason}`)
  for (const t of related.shared?.taskDefinitions ?? [])
    notes.push(`task definition ${revisionOf(t.arn)} will be kept: ${t.users.join(', ')} also use(s) it`)
  if (options.triggers !== 'keep') {
    for (const [family, users] of Object.entries(related.shared?.families ?? {}))
      notes.push(
        `EventBridge rules that start family ${family} on this cluster will be kept: ${users.join(', ')} also run(s) it`
      )
  }
  if (options.deleteNamespace) {
    for (const d of namespaces)
      if (!d.delete) notes.push(`namespace ${d.namespace.ref} will be kept: ${d.keepReason}`)
  }
  return {
    triggerMode: options.triggers,
    triggers,
    hosts,
    logGroups,
    taskDefinitions: families(related.taskDefinitions),
    deregisterTaskDefinitions: options.deregisterTaskDefinitions,
    namespaces,
    notes
  }
}

function decideHost(
  host: HostInfo,
  options: RelatedPlanOptions,
  unread: string | undefined,
  stack: StackTarget | undefined
): HostDecision {
  if (host.external) {
    return options.deregisterSsmInstances
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
  if (options.terminateInstances) return { host, action: 'terminate' }
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

function decideLogGroup(
  group: LogGroupUse,
  check: NonNullable<RelatedInventory['logGroups']>,
  region: string,
  sharedFamilies: Record<string, string[]>
): LogGroupDecision {
  const sharers = group.families.flatMap(f => sharedFamilies[f] ?? [])
  if (sharers.length > 0) {
    return {
      group,
      delete: false,
      keepReason: `${[...new Set(sharers)].join(', ')} also run(s) task definitions of ${group.families.join(', ')}, which write to it`
    }
  }
  if (check.tooManyFamilies) {
    return {
      group,
      delete: false,
      keepReason:
        'the account has more ACTIVE task definition families than this run checks, so another user cannot be ruled out'
    }
  }
  if (group.region !== region) {
    return {
      group,
      delete: false,
      keepReason: `it is in ${group.region}, not the cluster's Region ${region}; delete it there if nothing else writes to it`
    }
  }
  const users = check.usedElsewhere[group.name] ?? []
  if (users.length > 0) {
    return {
      group,
      delete: false,
      keepReason: `task definition family ${users.join(', ')} (latest ACTIVE revision) also writes to it`
    }
  }
  return { group, delete: true }
}

function decideNamespace(namespace: NamespaceInfo, deleteNamespace: boolean): NamespaceDecision {
  if (!deleteNamespace) {
    return {
      namespace,
      delete: false,
      keepReason:
        'ECS leaves Service Connect namespaces behind: delete-namespace: true deletes it once nothing else uses it'
    }
  }
  return { namespace, delete: true }
}

/** Task definition ARNs grouped by family (`…:task-definition/family:revision`). */
function families(arns: string[]): TaskDefinitionFamily[] {
  const byFamily = new Map<string, string[]>()
  for (const arn of arns) {
    const family = familyOf(arn)
    if (!family) continue
    byFamily.set(family, [...(byFamily.get(family) ?? []), arn])
  }
  return [...byFamily].map(([family, list]) => ({ family, arns: list.sort() }))
}

export function familyOf(arn: string): string | undefined {
  const name = arn.slice(arn.lastIndexOf('/') + 1)
  const colon = name.lastIndexOf(':')
  return colon > 0 ? name.slice(0, colon) : undefined
}

export function revisionOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1)
}
