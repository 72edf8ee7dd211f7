import { sdk } from './aws/sdk.js'
import type { Stack, StackResourceSummary, StackStatus } from '@aws-sdk/client-cloudformation'
import { createHash } from 'node:crypto'
import { callAws, type CallContext, type SendPort } from './aws/call.js'
import type { StackReport } from './report/report.js'
import { errorMessage, isAwsError } from './util/errors.js'
import { paginate } from './util/paginate.js'

/**
 * Finding the CloudFormation stack that built a cluster, and knowing before anything in the cluster
 * is touched whether CloudFormation would refuse to delete it. Read only: no call here changes
 * anything, so a dry run and the early refusal can use all of it.
 */

export type StackContext = CallContext & { cloudformation: SendPort }

export type StackFoundBy = NonNullable<StackReport['foundBy']>

export interface StackTarget {
  name: string
  /** The StackId (ARN): once deleted, a stack can only be described by it. */
  id: string
  status: string
  foundBy: StackFoundBy
  terminationProtection: boolean
  /** The stack has an AWS::ECS::Cluster resource for this cluster: deleting it deletes the cluster. */
  ownsCluster: boolean
  /** Other live stacks that matched as well as this one (console names); non-empty means ambiguous. */
  otherMatches: string[]
  /** Its AWS::AutoScaling::AutoScalingGroup resources (names): their instances go with the stack. */
  autoScalingGroups?: string[]
  /** Its security groups, subnets and VPCs (physical ids): a network interface in one holds it up. */
  networkResources?: string[]
  /**
   * Services mode: what the stack owns outside the selected services (`name (type)`). Deleting it
   * would delete those too, so a non-empty list is a refusal.
   */
  alsoOwns?: string[]
}

export interface StackNotFound {
  notFound: true
  /** The names (or ARNs) looked for, in order. */
  searched: string[]
  /** The `stack-name` input, when it was given: then not finding it is a refusal. */
  requested?: string
  /** The requested stack exists only as DELETE_COMPLETE. */
  alreadyDeleted?: boolean
}

export type StackLookup = StackTarget | StackNotFound

export interface ClusterRef {
  name: string
  arn: string
  tags: Record<string, string>
}

/** Where the old console wizard, ecs-cli and the current console put their stacks. */
export const StackNames = {
  consoleWizard: (cluster: string) => `EC2ContainerService-${cluster}`,
  ecsCli: (cluster: string) => `amazon-ecs-cli-setup-${cluster}`,
  consolePrefix: (cluster: string) => `Infra-ECS-Cluster-${cluster}-`
} as const

const CONSOLE_SUFFIX = /^[0-9a-f]{8}$/i

const DELETE_COMPLETE: StackStatus = 'DELETE_COMPLETE'

/** Every status but DELETE_COMPLETE: a deleted stack is not a stack to delete. */
export async function liveStackStatuses(): Promise<StackStatus[]> {
  const { StackStatus } = await sdk.cloudformation()
  return Object.values(StackStatus).filter(s => s !== DELETE_COMPLETE)
}

/**
 * Statuses from which CloudFormation will not start a deletion. AWS answers ValidationError "Stack
 * [x] cannot be deleted while in status UPDATE_IN_PROGRESS" (also seen for
 * UPDATE_COMPLETE_CLEANUP_IN_PROGRESS); the other operations in progress are refused here too,
 * verified or not, because deleting a stack that is being created, rolled back or imported races
 * whoever is changing it. DELETE_IN_PROGRESS is not refused (the deletion is already running: wait
 * for it), nor REVIEW_IN_PROGRESS (a stack with a change set and no resources; DeleteStack takes it).
 */
const CANNOT_DELETE_WHILE = new Set<string>([
  'CREATE_IN_PROGRESS',
  'ROLLBACK_IN_PROGRESS',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'IMPORT_IN_PROGRESS',
  'IMPORT_ROLLBACK_IN_PROGRESS'
])

export function isStackTarget(lookup: StackLookup): lookup is StackTarget {
  return !('notFound' in lookup)
}

/**
 * The stack to delete with the cluster, in this order: the `stack-name` input (it must exist);
 * the stack named in the cluster's aws:cloudformation tags; `EC2ContainerService-<cluster>` (old
 * console wizard); `amazon-ecs-cli-setup-<cluster>` (ecs-cli); a live
 * `Infra-ECS-Cluster-<cluster>-<8 hex>` (current console). Only live stacks count.
 */
export async function findStack(
  ctx: StackContext,
  cluster: ClusterRef,
  stackName?: string
): Promise<StackLookup> {
  const searched: string[] = []
  if (stackName) {
    searched.push(stackName)
    const stack = await describeStack(ctx, stackName)
    if (!stack || !isLive(stack)) {
      return { notFound: true, searched, requested: stackName, ...(stack ? { alreadyDeleted: true } : {}) }
    }
    return toTarget(ctx, stack, 'stack-name', cluster)
  }

  // The stack id is exact (a stack deleted and re-created under the same name has a new id); the
  // name is the fallback for tags copied by hand.
  const tagged = cluster.tags['aws:cloudformation:stack-id'] || cluster.tags['aws:cloudformation:stack-name']
  if (tagged) {
    searched.push(tagged)
    const stack = await describeStack(ctx, tagged)
    if (stack && isLive(stack)) return toTarget(ctx, stack, 'tag', cluster)
  }

  for (const [name, foundBy] of [
    [StackNames.consoleWizard(cluster.name), 'console-wizard-name'],
    [StackNames.ecsCli(cluster.name), 'ecs-cli-name']
  ] as const) {
    searched.push(name)
    const stack = await describeStack(ctx, name)
    if (stack && isLive(stack)) return toTarget(ctx, stack, foundBy, cluster)
  }

  const prefix = StackNames.consolePrefix(cluster.name)
  searched.push(`${prefix}<8 hex>`)
  const matches = await listLiveStacksNamed(ctx, name => {
    return name.startsWith(prefix) && CONSOLE_SUFFIX.test(name.slice(prefix.length))
  })
  if (matches.length === 0) return { notFound: true, searched }
  if (matches.length === 1) return toTarget(ctx, await required(ctx, matches[0]!), 'console-name', cluster)
  // Several console stacks for one cluster name (a cluster deleted and re-created): the one that
  // owns this very cluster is the one; when that does not single one out, nothing is chosen.
  const targets = await Promise.all(
    matches.map(async id => toTarget(ctx, await required(ctx, id), 'console-name', cluster))
  )
  const owners = targets.filter(t => t.ownsCluster)
  if (owners.length === 1) return owners[0]!
  const [first, ...rest] = targets
  return { ...first!, otherMatches: rest.map(t => t.name) }
}

/** Judges one live stack resource in services mode: why it is outside the selection, or undefined. */
export type OutsideSelection = (resource: StackResourceSummary) => string | undefined

/**
 * Services mode: the stack that owns the selected services: the `stack-name` input (it must exist),
 * else the stack in their aws:cloudformation tags. Selected services of several stacks make an
 * ambiguous lookup (a refusal); `outside` lists what else the stack owns.
 */
export async function findStackOfServices(
  ctx: StackContext,
  cluster: ClusterRef,
  services: { tags?: Record<string, string> }[],
  stackName: string | undefined,
  outside: OutsideSelection
): Promise<StackLookup> {
  const refs = stackName
    ? [stackName]
    : [
        ...new Set(
          services
            .map(s => s.tags?.['aws:cloudformation:stack-id'] || s.tags?.['aws:cloudformation:stack-name'])
            .filter((ref): ref is string => Boolean(ref))
        )
      ]
  if (refs.length === 0)
    return { notFound: true, searched: ["the selected services' aws:cloudformation tags"] }
  const stacks = await Promise.all(refs.map(ref => describeStack(ctx, ref)))
  if (stackName && (!stacks[0] || !isLive(stacks[0]))) {
    return {
      notFound: true,
      searched: refs,
      requested: stackName,
      ...(stacks[0] ? { alreadyDeleted: true } : {})
    }
  }
  const live = [
    ...new Map(stacks.filter((s): s is Stack => !!s && isLive(s)).map(s => [s.StackId, s])).values()
  ]
  if (live.length === 0) return { notFound: true, searched: refs }
  const [first, ...rest] = await Promise.all(
    live.map(stack => toTarget(ctx, stack, stackName ? 'stack-name' : 'tag', cluster, outside))
  )
  return { ...first!, otherMatches: rest.map(t => t.name) }
}

/**
 * Services mode: what a stack may own and still go with the selected services. The services
 * themselves, task definitions no other service runs, target groups no other service uses, and the
 * kinds that belong to one service (its roles, log groups, listener rules, scaling, discovery,
 * schedules, security groups, alarms). Anything else (the cluster, its capacity, load balancers and
 * listeners, namespaces, nested stacks, networks…) is outside: it is shared, or may be.
 */
export function outsideServices(selection: {
  services: { name: string; arn: string }[]
  /** Task definition ARNs another service or task of the cluster runs. */
  sharedTaskDefinitions: ReadonlySet<string>
  /** Target group ARNs another service of the cluster uses. */
  sharedTargetGroups: ReadonlySet<string>
}): OutsideSelection {
  const arns = new Set(selection.services.map(s => s.arn))
  const names = new Set(selection.services.map(s => s.name))
  return r => {
    const type = r.ResourceType ?? ''
    const id = r.PhysicalResourceId ?? ''
    const what = `${id.slice(id.lastIndexOf('/') + 1) || r.LogicalResourceId} (${type})`
    switch (type) {
      case 'AWS::ECS::Service':
        return arns.has(id) || names.has(id.slice(id.lastIndexOf('/') + 1)) ? undefined : `service ${what}`
      case 'AWS::ECS::TaskDefinition':
        return selection.sharedTaskDefinitions.has(id)
          ? `task definition ${what}, another service runs it`
          : undefined
      case 'AWS::ElasticLoadBalancingV2::TargetGroup':
        return selection.sharedTargetGroups.has(id)
          ? `target group ${what}, another service uses it`
          : undefined
      default:
        return PER_SERVICE_TYPES.has(type) ? undefined : what
    }
  }
}

/** What an awsvpc task's network interface sits in: CloudFormation cannot delete them while it exists. */
const NETWORK_TYPES = new Set(['AWS::EC2::SecurityGroup', 'AWS::EC2::Subnet', 'AWS::EC2::VPC'])

const PER_SERVICE_TYPES = new Set([
  'AWS::Logs::LogGroup',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::ElasticLoadBalancingV2::ListenerRule',
  'AWS::ApplicationAutoScaling::ScalableTarget',
  'AWS::ApplicationAutoScaling::ScalingPolicy',
  'AWS::ServiceDiscovery::Service',
  'AWS::Events::Rule',
  'AWS::Scheduler::Schedule',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
  'AWS::Route53::RecordSet',
  'AWS::CloudWatch::Alarm',
  'AWS::SSM::Parameter',
  'AWS::SecretsManager::Secret',
  'AWS::CDK::Metadata'
])

/**
 * Why CloudFormation would refuse (or this action will not ask) to delete the stack, in one line
 * that says what to do; undefined when nothing known up front stands in the way. A stack that was
 * not found and not asked for is not a refusal: there is nothing to delete.
 */
export function stackRefusal(lookup: StackLookup): string | undefined {
  if (!isStackTarget(lookup)) {
    if (!lookup.requested) return undefined
    return lookup.alreadyDeleted
      ? `Stack ${lookup.requested} (input 'stack-name') was already deleted (DELETE_COMPLETE): remove stack-name, or name the stack that built this cluster.`
      : `Stack ${lookup.requested} (input 'stack-name') does not exist in this Region: check the name and the region input, or remove stack-name to find the stack from the cluster.`
  }
  const t = lookup
  if (t.alsoOwns && t.otherMatches.length > 0) {
    return `The selected services belong to several stacks (${[t.name, ...t.otherMatches].join(', ')}): set stack-name to the one to delete, or select the services of one stack.`
  }
  if (t.alsoOwns && t.alsoOwns.length > 0) {
    const shown =
      t.alsoOwns.slice(0, 10).join(', ') +
      (t.alsoOwns.length > 10 ? ` and ${t.alsoOwns.length - 10} more` : '')
    return `Stack ${t.name} owns the selected services but also what is outside the selection: ${shown}. Deleting it would delete those too: set delete-stack: false to remove only the services, or take those resources out of the stack.`
  }
  if (t.otherMatches.length > 0) {
    return `Several stacks could have built this cluster (${[t.name, ...t.otherMatches].join(', ')}), and none is the single owner of it: set stack-name to the one to delete.`
  }
  if (t.terminationProtection) {
    // Turning protection off is the owner's decision; this action never does it.
    return `Stack ${t.name} has termination protection enabled, so CloudFormation would refuse to delete it, and this action never turns it off. If the stack should go, turn it off yourself (aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${t.name}) and run again, or set delete-stack: false.`
  }
  if (CANNOT_DELETE_WHILE.has(t.status)) {
    const how =
      t.status === 'UPDATE_IN_PROGRESS'
        ? `wait until the update ends (or cancel it: aws cloudformation cancel-update-stack --stack-name ${t.name})`
        : 'wait until that operation ends'
    return `Stack ${t.name} is ${t.status}, and CloudFormation cannot start a deletion until it ends: ${how}, then run again.`
  }
  return undefined
}

/** The report entry for what was found, before any deletion. */
export function stackReport(lookup: StackLookup): StackReport {
  if (!isStackTarget(lookup)) {
    return {
      name: lookup.requested ?? '',
      searched: lookup.searched,
      status: lookup.alreadyDeleted ? 'DELETE_COMPLETE' : 'NOT_FOUND',
      ownsCluster: false,
      deleted: false,
      failedResources: []
    }
  }
  return {
    name: lookup.name,
    id: lookup.id,
    foundBy: lookup.foundBy,
    status: lookup.status,
    ownsCluster: lookup.ownsCluster,
    deleted: false,
    failedResources: []
  }
}

/**
 * The DeleteStack ClientRequestToken for this run: the same for every call of one run attempt, so
 * a DeleteStack retried after a lost answer never starts a second deletion; different for the next
 * attempt, so a re-run really retries a deletion that ended in DELETE_FAILED (CloudFormation takes
 * a token it has seen as a repeat of that request). Outside GitHub Actions the run's start time
 * stands in for the run id.
 */
export function stackDeleteToken(
  stack: string,
  run: { runId?: string; runAttempt?: string; startedAt: number }
): string {
  const clean = (s: string): string => s.replace(/[^a-zA-Z0-9]/g, '').slice(0, 40)
  const runId = clean(run.runId ?? '') || `local${Math.floor(run.startedAt)}`
  const attempt = clean(run.runAttempt ?? '') || '1'
  const hash = createHash('sha256').update(stack).digest('hex').slice(0, 16)
  // [a-zA-Z0-9][-a-zA-Z0-9]*, at most 128: the prefix starts with a letter and the rest is clean.
  return `ecs-teardown-${runId}-${attempt}-${hash}`
}

/** DescribeStacks for one name or ARN; undefined when CloudFormation does not know it. */
export async function describeStack(ctx: StackContext, ref: string): Promise<Stack | undefined> {
  try {
    const out = await callAws(
      ctx,
      ctx.cloudformation,
      new (await sdk.cloudformation()).DescribeStacksCommand({ StackName: ref })
    )
    return out.Stacks?.[0]
  } catch (error) {
    if (isStackMissing(error)) return undefined
    throw error
  }
}

/** CloudFormation's answer for a stack it does not know: ValidationError "Stack with id X does not exist". */
export function isStackMissing(error: unknown): boolean {
  return isAwsError(error, 'ValidationError') && /does not exist/i.test(errorMessage(error))
}

function isLive(stack: Stack): boolean {
  return stack.StackStatus !== DELETE_COMPLETE
}

async function required(ctx: StackContext, id: string): Promise<Stack> {
  const stack = await describeStack(ctx, id)
  if (!stack) throw new Error(`stack ${id} was listed but then could not be described`)
  return stack
}

/** StackIds of the live stacks whose name passes `match`: every page of ListStacks. */
async function listLiveStacksNamed(ctx: StackContext, match: (name: string) => boolean): Promise<string[]> {
  const summaries = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.cloudformation,
      new (await sdk.cloudformation()).ListStacksCommand({
        StackStatusFilter: await liveStackStatuses(),
        NextToken: nextToken
      })
    )
    return { items: out.StackSummaries ?? [], nextToken: out.NextToken }
  })
  return summaries
    .filter(s => s.StackName && s.StackId && s.StackStatus !== DELETE_COMPLETE && match(s.StackName))
    .map(s => s.StackId!)
}

async function toTarget(
  ctx: StackContext,
  stack: Stack,
  foundBy: StackFoundBy,
  cluster: ClusterRef,
  outside?: OutsideSelection
): Promise<StackTarget> {
  const id = stack.StackId ?? ''
  const resources = await readResources(ctx, id || (stack.StackName ?? ''), cluster, outside)
  return {
    name: stack.StackName ?? '',
    id,
    status: stack.StackStatus ?? 'UNKNOWN',
    foundBy,
    terminationProtection: stack.EnableTerminationProtection === true,
    ownsCluster: resources.ownsCluster,
    otherMatches: [],
    autoScalingGroups: resources.autoScalingGroups,
    networkResources: resources.networkResources,
    ...(resources.alsoOwns ? { alsoOwns: resources.alsoOwns } : {})
  }
}

/**
 * Whether the stack has an AWS::ECS::Cluster whose physical id is this cluster (its Ref is the
 * name), and which Auto Scaling groups it holds.
 */
async function readResources(
  ctx: StackContext,
  stackRef: string,
  cluster: ClusterRef,
  outside?: OutsideSelection
): Promise<{
  ownsCluster: boolean
  autoScalingGroups: string[]
  networkResources: string[]
  alsoOwns?: string[]
}> {
  const resources = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.cloudformation,
      new (await sdk.cloudformation()).ListStackResourcesCommand({
        StackName: stackRef,
        NextToken: nextToken
      })
    )
    return { items: out.StackResourceSummaries ?? [], nextToken: out.NextToken }
  })
  const live = resources.filter(r => r.ResourceStatus !== 'DELETE_COMPLETE')
  return {
    ownsCluster: live.some(
      r =>
        r.ResourceType === 'AWS::ECS::Cluster' &&
        (r.PhysicalResourceId === cluster.name || r.PhysicalResourceId === cluster.arn)
    ),
    autoScalingGroups: live
      .filter(r => r.ResourceType === 'AWS::AutoScaling::AutoScalingGroup' && r.PhysicalResourceId)
      .map(r => r.PhysicalResourceId!),
    networkResources: live
      .filter(r => NETWORK_TYPES.has(r.ResourceType ?? '') && r.PhysicalResourceId)
      .map(r => r.PhysicalResourceId!),
    ...(outside ? { alsoOwns: live.map(outside).filter((why): why is string => why !== undefined) } : {})
  }
}
