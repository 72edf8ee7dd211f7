import { sdk } from '../aws/sdk.js'
import type { Stack, StackResourceSummary, StackStatus } from '@aws-sdk/client-cloudformation'
import { createHash } from 'node:crypto'
import { callAws } from '../aws/call.js'
import type { StackReport } from '../report/report.js'
import { paginate } from '../util/paginate.js'
import { describeStack, isStackMissing, type StackContext } from './describe.js'
import { exportNames, findImporters } from './exports.js'

/** Judges one live stack resource: why it is outside what goes, or undefined (src/stack/owns.ts). */
export type OutsideSelection = (resource: StackResourceSummary) => string | undefined

/**
 * Finding the CloudFormation stack that built a cluster, and knowing before anything in the cluster
 * is touched whether CloudFormation would refuse to delete it. Read only: no call here changes
 * anything, so a dry run and the early refusal can use all of it.
 */

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
   * Services mode, and a stack that imports the stack to delete: what it owns outside the services
   * being removed (`name (type)`). Deleting it would delete those too, so a non-empty list is a refusal.
   */
  alsoOwns?: string[]
  /**
   * What it owns that another cluster may use (`outside` given): its task definition revisions,
   * target groups and log groups. An importer's are checked against the other clusters (owns.ts).
   */
  usedElsewhere?: { type: string; id: string }[]
  /** An importer: why whether another cluster uses what it owns cannot be known (a refusal). */
  cannotKnow?: string
  /** Its export names (Outputs with an Export). */
  exports?: string[]
  /** The live stacks that import its exports (and theirs), in deletion order: deleted before it. */
  importers?: ImportingStack[]
  /** A nested stack: the stack it belongs to (its ParentId), which alone can delete it. */
  parent?: string
}

/** A stack that imports exports of the stack to delete; it goes first, or the deletion is refused. */
export interface ImportingStack extends StackTarget {
  /** The export names it imports. */
  imports: string[]
  /** The stacks whose exports it imports (names). */
  from: string[]
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

  // No tag (or a stale one): CloudFormation itself says which stack holds the cluster, whose
  // physical id (what Ref gives) is its name.
  searched.push(`the stack holding AWS::ECS::Cluster ${cluster.name} (DescribeStackResources)`)
  const holder = await stackHolding(ctx, cluster.name, 'AWS::ECS::Cluster')
  if (holder) return toTarget(ctx, holder, 'stack-resource', cluster)

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

/**
 * The live stack that holds the resource of this type and physical id: DescribeStackResources by
 * PhysicalResourceId answers it with its StackId (API reference: "to find which stack the instance
 * belongs to"); a ValidationError "... does not exist" when no stack holds it.
 */
async function stackHolding(ctx: StackContext, physicalId: string, type: string): Promise<Stack | undefined> {
  let resources
  try {
    const out = await callAws(
      ctx,
      ctx.cloudformation,
      new (await sdk.cloudformation()).DescribeStackResourcesCommand({ PhysicalResourceId: physicalId })
    )
    resources = out.StackResources ?? []
  } catch (error) {
    if (isStackMissing(error)) return undefined
    throw error
  }
  // A physical id is unique per type only: a log group may bear the cluster's name.
  const held = resources.find(
    r =>
      r.ResourceType === type && r.PhysicalResourceId === physicalId && r.ResourceStatus !== 'DELETE_COMPLETE'
  )
  const stack = held?.StackId ? await describeStack(ctx, held.StackId) : undefined
  return stack && isLive(stack) ? stack : undefined
}

/**
 * The stacks that import the exports of the stack to delete (and theirs, in turn), each judged by
 * `outside`: one that owns anything else makes the deletion a refusal (stackRefusal).
 */
export async function withImporters(
  ctx: StackContext,
  target: StackTarget,
  cluster: ClusterRef,
  outside: OutsideSelection
): Promise<StackTarget> {
  if (!target.exports || target.exports.length === 0) return target
  const importers = await findImporters(ctx, { name: target.name, exports: target.exports })
  if (importers.length === 0) return target
  return {
    ...target,
    importers: await Promise.all(
      importers.map(async i => ({
        ...(await toTarget(ctx, i.stack, 'imports', cluster, outside)),
        imports: i.imports,
        from: i.from
      }))
    )
  }
}

/**
 * Services mode: the stack that owns the selected services: the `stack-name` input (it must exist),
 * else the stack in their aws:cloudformation tags. Selected services of several stacks make an
 * ambiguous lookup (a refusal); `outside` lists what else the stack owns.
 */
export async function findStackOfServices(
  ctx: StackContext,
  cluster: ClusterRef,
  services: { arn?: string; tags?: Record<string, string> }[],
  stackName: string | undefined,
  outside: OutsideSelection
): Promise<StackLookup> {
  const tagOf = (s: { tags?: Record<string, string> }): string | undefined =>
    s.tags?.['aws:cloudformation:stack-id'] || s.tags?.['aws:cloudformation:stack-name'] || undefined
  // A service without the tags: the stack holding its AWS::ECS::Service (physical id: its ARN).
  const untagged = stackName ? [] : services.filter(s => !tagOf(s) && s.arn)
  const holders = await Promise.all(untagged.map(s => stackHolding(ctx, s.arn!, 'AWS::ECS::Service')))
  const refs = stackName
    ? [stackName]
    : [
        ...new Set([
          ...services.map(tagOf).filter((ref): ref is string => Boolean(ref)),
          ...holders.map(h => h?.StackId).filter((ref): ref is string => Boolean(ref))
        ])
      ]
  if (refs.length === 0)
    return {
      notFound: true,
      searched: [
        "the selected services' aws:cloudformation tags",
        ...(untagged.length > 0
          ? ['the stacks holding their AWS::ECS::Service (DescribeStackResources)']
          : [])
      ]
    }
  const byTag = new Set(services.map(tagOf))
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
    live.map(stack =>
      toTarget(
        ctx,
        stack,
        stackName
          ? 'stack-name'
          : byTag.has(stack.StackId) || byTag.has(stack.StackName)
            ? 'tag'
            : 'stack-resource',
        cluster,
        outside
      )
    )
  )
  return { ...first!, otherMatches: rest.map(t => t.name) }
}

/** What an awsvpc task's network interface sits in: CloudFormation cannot delete them while it exists. */
const NETWORK_TYPES = new Set(['AWS::EC2::SecurityGroup', 'AWS::EC2::Subnet', 'AWS::EC2::VPC'])

/**
 * What a stack owns that a service or task of another cluster may use: a revision is not tied to a
 * cluster, nor is the log group it writes to or the target group a service names.
 */
const OTHER_CLUSTERS_MAY_USE = new Set([
  'AWS::ECS::TaskDefinition',
  'AWS::ElasticLoadBalancingV2::TargetGroup',
  'AWS::Logs::LogGroup'
])

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
    ...(resources.alsoOwns ? { alsoOwns: resources.alsoOwns } : {}),
    ...(resources.usedElsewhere?.length ? { usedElsewhere: resources.usedElsewhere } : {}),
    ...(exportNames(stack).length > 0 ? { exports: exportNames(stack) } : {}),
    ...(stack.ParentId ? { parent: stack.ParentId } : {})
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
  usedElsewhere?: { type: string; id: string }[]
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
    ...(outside
      ? {
          alsoOwns: live.map(outside).filter((why): why is string => why !== undefined),
          usedElsewhere: live
            .filter(r => OTHER_CLUSTERS_MAY_USE.has(r.ResourceType ?? '') && r.PhysicalResourceId)
            .map(r => ({ type: r.ResourceType!, id: r.PhysicalResourceId! }))
        }
      : {})
  }
}
