import { sdk } from '../aws/sdk.js'
import type { AutoScalingGroup } from '@aws-sdk/client-auto-scaling'
import type { ApplyContext } from '../apply/context.js'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { isAvailable } from '../aws/clients.js'
import type { StackTarget } from '../stack/find.js'
import { code, escapeHtml } from '../report/html.js'
import { errorMessage, isAccessDenied } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { chunk } from '../util/pool.js'
import { count, relatedReport, type ReportPart, type ResourceKind } from './kind.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../report/report.js' {
  interface RelatedReport {
    scaleInProtection: {
      /** The Auto Scaling group. */
      group: string
      /** Its instances that were protected from scale-in. */
      instances: string[]
      /** `cleared`: the stack deleted by this run owns the group; `kept`: reported, with the command. */
      action: 'cleared' | 'kept'
    }[]
  }
  interface RelatedFound {
    protectedInstances: number
  }
}

/**
 * Instances protected from scale-in in the Auto Scaling groups behind the cluster (its capacity
 * providers' groups, and the groups of its container instances' EC2 instances). An ECS capacity
 * provider with managed termination protection (CDK's AsgCapacityProvider turns it on by default)
 * has ECS mark the group's instances ProtectedFromScaleIn, and the protection outlives the
 * container instances. CloudFormation deletes a group by scaling it to 0, which never terminates a
 * protected instance: the stack deletion hangs in DELETE_IN_PROGRESS (aws/aws-cdk#14732, #18179,
 * aws/containers-roadmap#2862; the group's activity says "Could not scale to desired capacity
 * because all remaining instances are protected from scale-in",
 * aws-samples/aws-fault-injection-simulator-workshop#114). So, for a group the stack deleted by
 * this run owns, the protection is cleared (SetInstanceProtection, at most 50 instances per call:
 * the autoscaling model) once the cluster's contents are gone, right before DeleteStack; any other
 * group's protected instances are reported with the commands that really remove them.
 */

export interface ProtectedGroup {
  name: string
  /** NewInstancesProtectedFromScaleIn: the instances it launches are protected too. */
  protectsNew: boolean
  /** Its instances protected from scale-in. */
  instances: string[]
}

export interface ScaleInFound {
  groups: ProtectedGroup[]
  /** Why the groups could not be read (the report then says nothing of protection). */
  unread?: string
}

export interface ScaleInPlan {
  /** Groups the stack deleted by this run owns: their protection is cleared before DeleteStack. */
  clear: ProtectedGroup[]
  /**
   * The groups could not be read during the inventory, and the stack deleted by this run has these:
   * they are read again before DeleteStack (denied again: a warning, and the stack is deleted as before).
   */
  recheck: string[]
  /** Groups that stay: their protected instances are reported. */
  keep: ProtectedGroup[]
  unread?: string
}

type AsgContext = CallContext & { ec2AutoScaling: SendPort }

/** SetInstanceProtection and DescribeAutoScalingInstances: at most 50 instance ids (the autoscaling model). */
const INSTANCES_PER_CALL = 50
/** DescribeAutoScalingGroups: 50 names by default (more with MaxRecords, up to 100). */
const GROUPS_PER_CALL = 50

export const scaleInProtectionKind: ResourceKind<ScaleInFound, ScaleInPlan> = {
  name: 'instance scale-in protection',
  emptyReport: (): ReportPart<'scaleInProtection', 'protectedInstances'> => ({
    found: { protectedInstances: 0 },
    scaleInProtection: []
  }),
  beforeAbsentClusterStack: releaseStackGroups,

  async find(ctx, scope) {
    if (!scope.wholeCluster) return { groups: [] }
    const fromProviders = (scope.capacityProviders ?? [])
      .map(cp => groupNameOf(cp.autoScalingGroupArn))
      .filter((name): name is string => name !== undefined)
    const instanceIds = scope.containerInstances
      .filter(ci => ci.ec2InstanceId && !ci.external && !/^mi-/.test(ci.ec2InstanceId))
      .map(ci => ci.ec2InstanceId!)
    if (fromProviders.length === 0 && instanceIds.length === 0) return { groups: [] }
    // A caller that drives ECS alone (the benchmark) gives no EC2 Auto Scaling client: nothing is said.
    if (!isAvailable(ctx.ec2AutoScaling)) return { groups: [] }
    try {
      const names = new Set([...fromProviders, ...(await groupsOfInstances(ctx, instanceIds))])
      return { groups: await protectedGroups(ctx, [...names]) }
    } catch (error) {
      if (!isAccessDenied(error)) throw error
      ctx.onDenied?.(error)
      ctx.log.warning(
        `Could not read the Auto Scaling groups behind the cluster (${errorMessage(error)}): instances protected from scale-in are not known`
      )
      return { groups: [], unread: errorMessage(error) }
    }
  },

  recordFound(found, report, log) {
    report.found.protectedInstances = found.groups.reduce((n, g) => n + g.instances.length, 0)
    for (const g of found.groups)
      log.info(
        `Auto Scaling group ${g.name}: ${count(g.instances.length, 'instance')} protected from scale-in`
      )
  },

  decide(found, { stack }) {
    const owned = new Set(stack?.autoScalingGroups ?? [])
    return {
      clear: found.groups.filter(g => owned.has(g.name)),
      recheck: found.unread ? [...owned] : [],
      keep: found.groups.filter(g => !owned.has(g.name)),
      ...(found.unread ? { unread: found.unread } : {})
    }
  },

  steps(plan) {
    const recheck =
      plan.recheck.length > 0
        ? [
            {
              stage: 'before-stack' as const,
              phase: 'scale-in-protection',
              description: `Read the stack's Auto Scaling ${plan.recheck.length === 1 ? 'group' : 'groups'} ${plan.recheck.join(', ')} again (not readable during the inventory) and remove any scale-in protection of their instances`,
              resources: plan.recheck
            }
          ]
        : []
    return recheck.concat(
      plan.clear.map(g => ({
        stage: 'before-stack' as const,
        phase: 'scale-in-protection',
        description: `Remove scale-in protection from the ${count(g.instances.length, 'instance')} of Auto Scaling group ${g.name}, which the stack deletes (CloudFormation cannot scale a group with protected instances to 0)`,
        resources: g.instances
      }))
    )
  },

  notes(plan) {
    const unread =
      plan.recheck.length > 0
        ? [
            `The Auto Scaling groups behind the cluster could not be read (${plan.unread}): instances of the stack's ${plan.recheck.join(', ')} protected from scale-in would hold up its deletion until the deadline; they are read again before DeleteStack (autoscaling:DescribeAutoScalingGroups, autoscaling:SetInstanceProtection).`
          ]
        : []
    return unread.concat(
      plan.keep.map(
        g =>
          `Auto Scaling group ${g.name} is not deleted by this run, and ${count(g.instances.length, 'instance')} of it ${g.instances.length === 1 ? 'is' : 'are'} protected from scale-in: scaling the group to 0 does not terminate ${g.instances.length === 1 ? 'it' : 'them'}. ${keepCommand(g)}`
      )
    )
  },

  actions: {
    'before-stack': {
      phase: 'scale-in protection',
      needed: plan => plan.clear.length > 0 || plan.recheck.length > 0,
      // Groups unread during the inventory are read here, and skipped with a warning if denied again.
      run: (ctx, plan) =>
        clearProtection(ctx, [...new Set([...plan.clear.map(g => g.name), ...plan.recheck])])
    },
    // Once the instances' fate is told (the hosts kind, earlier in KINDS): the command that removes them.
    'after-instances': {
      phase: 'instances protected from scale-in',
      needed: plan => plan.keep.length > 0,
      run: async (ctx, plan) => reportKept(ctx, plan.keep)
    }
  },

  unfinished(plan, report) {
    const done = new Set(report.related?.scaleInProtection.map(p => p.group))
    return plan.clear
      .filter(g => !done.has(g.name))
      .flatMap(g =>
        g.instances.map(id => ({
          kind: 'ec2-instance' as const,
          id,
          reason: `still protected from scale-in in Auto Scaling group ${g.name}, so its stack's deletion cannot finish: ${keepCommand(g)}`,
          billing: true
        }))
      )
  },

  // The instances are counted in the EC2 instances row (hosts kind); the protection is in the lists.
  countRows: () => [],

  doneLists(r) {
    return [
      {
        title: 'Scale-in protection',
        items: r.scaleInProtection
          .filter(p => p.instances.length > 0)
          .map(
            p =>
              `Auto Scaling group ${code(p.group)}: ${p.action === 'cleared' ? 'protection removed from' : 'still protected:'} ${escapeHtml(p.instances.join(', '))}`
          )
      }
    ]
  }
}

/** `arn:aws:autoscaling:…:autoScalingGroup:<uuid>:autoScalingGroupName/<name>` → `<name>`. */
export function groupNameOf(arn: string | undefined): string | undefined {
  const i = arn?.indexOf(':autoScalingGroupName/') ?? -1
  return arn && i >= 0 ? arn.slice(i + ':autoScalingGroupName/'.length) : undefined
}

/** The commands that really remove a group's protected instances (scaling to 0 alone does not). */
function keepCommand(g: ProtectedGroup): string {
  const ids = g.instances.slice(0, INSTANCES_PER_CALL).join(' ')
  return `Remove the protection first (aws autoscaling set-instance-protection --auto-scaling-group-name ${g.name} --no-protected-from-scale-in --instance-ids ${ids}${g.instances.length > INSTANCES_PER_CALL ? ', 50 instances per call' : ''}), then scale the group to 0 (aws autoscaling update-auto-scaling-group --auto-scaling-group-name ${g.name} --min-size 0 --desired-capacity 0${g.protectsNew ? ' --no-new-instances-protected-from-scale-in' : ''}) or delete it (aws autoscaling delete-auto-scaling-group --auto-scaling-group-name ${g.name} --force-delete)`
}

/** The groups of these EC2 instances (DescribeAutoScalingInstances; an unknown id is ignored). */
async function groupsOfInstances(ctx: AsgContext, ids: string[]): Promise<string[]> {
  const names = new Set<string>()
  for (const batch of chunk([...new Set(ids)], INSTANCES_PER_CALL)) {
    const instances = await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        ctx.ec2AutoScaling,
        new (await sdk.ec2AutoScaling()).DescribeAutoScalingInstancesCommand({
          InstanceIds: batch,
          MaxRecords: INSTANCES_PER_CALL,
          NextToken: nextToken
        })
      )
      return { items: out.AutoScalingInstances ?? [], nextToken: out.NextToken }
    })
    for (const i of instances) if (i.AutoScalingGroupName) names.add(i.AutoScalingGroupName)
  }
  return [...names]
}

/** The groups (DescribeAutoScalingGroups) that have instances protected from scale-in, with those instances. */
export async function protectedGroups(ctx: AsgContext, names: string[]): Promise<ProtectedGroup[]> {
  const groups: AutoScalingGroup[] = []
  for (const batch of chunk(names, GROUPS_PER_CALL)) {
    groups.push(
      ...(await paginate(async nextToken => {
        const out = await callAws(
          ctx,
          ctx.ec2AutoScaling,
          new (await sdk.ec2AutoScaling()).DescribeAutoScalingGroupsCommand({
            AutoScalingGroupNames: batch,
            NextToken: nextToken
          })
        )
        return { items: out.AutoScalingGroups ?? [], nextToken: out.NextToken }
      }))
    )
  }
  return groups
    .map(g => ({
      name: g.AutoScalingGroupName ?? '',
      protectsNew: g.NewInstancesProtectedFromScaleIn === true,
      instances: (g.Instances ?? [])
        .filter(i => i.ProtectedFromScaleIn && i.InstanceId && !/^Terminat/.test(i.LifecycleState ?? ''))
        .map(i => i.InstanceId!)
    }))
    .filter(g => g.instances.length > 0)
}

/**
 * Right before DeleteStack: the groups are read again (the group may have replaced an instance since
 * the plan, protected if it protects new ones) and every protected instance is released.
 */
async function clearProtection(
  ctx: AsgContext & { log: ApplyContext['log']; report: ApplyContext['report'] },
  names: string[]
): Promise<void> {
  let now: ProtectedGroup[]
  try {
    now = await protectedGroups(ctx, names)
  } catch (error) {
    // Denied again (the groups were unread during the inventory too): the stack is deleted as it was
    // before this check existed; a group with protected instances then holds it until the deadline.
    if (!isAccessDenied(error)) throw error
    ctx.log.warning(
      `Could not read Auto Scaling ${names.join(', ')} (${errorMessage(error)}): if ${names.length === 1 ? 'its' : 'their'} instances are protected from scale-in, the stack's deletion waits until the deadline`
    )
    return
  }
  for (const name of names) {
    const current = now.find(x => x.name === name)
    const instances = current?.instances ?? []
    for (const batch of chunk(instances, INSTANCES_PER_CALL)) {
      await callAws(
        ctx,
        ctx.ec2AutoScaling,
        new (await sdk.ec2AutoScaling()).SetInstanceProtectionCommand({
          AutoScalingGroupName: name,
          InstanceIds: batch,
          ProtectedFromScaleIn: false
        })
      )
    }
    // Recorded also when nothing is protected any more: the group is then ready for its deletion (a
    // re-run that found the cluster gone has no `related` part: its log says it).
    ctx.report.related?.scaleInProtection.push({ group: name, instances, action: 'cleared' })
    if (instances.length === 0) {
      ctx.log.info(`Auto Scaling group ${name} has no instance protected from scale-in`)
      continue
    }
    ctx.log.info(
      `Removed scale-in protection from ${count(instances.length, 'instance')} of Auto Scaling group ${name}, so CloudFormation can delete it`
    )
  }
}

/**
 * A re-run that finds the cluster gone and its stack still there (perhaps held DELETE_IN_PROGRESS by
 * its group's protected instances, by an earlier run without this release): the stack's groups are
 * read and, unless `dryRun`, released before DeleteStack. Returns the dry run's step, if any. A
 * denied read is a warning (the stack is deleted as before).
 */
export async function releaseStackGroups(
  ctx: AsgContext & { log: ApplyContext['log']; report: ApplyContext['report'] },
  stack: StackTarget,
  dryRun: boolean
): Promise<{ description: string; resources: string[] }[]> {
  const names = stack.autoScalingGroups ?? []
  if (names.length === 0 || !isAvailable(ctx.ec2AutoScaling)) return []
  if (!dryRun) {
    await clearProtection(ctx, names)
    return []
  }
  try {
    return (await protectedGroups(ctx, names)).map(g => ({
      description: `Remove scale-in protection from the ${count(g.instances.length, 'instance')} of Auto Scaling group ${g.name}, which the stack deletes`,
      resources: g.instances
    }))
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    ctx.log.warning(`Could not read Auto Scaling ${names.join(', ')}: ${errorMessage(error)}`)
    return []
  }
}

/**
 * A group that stays: each protected instance is reported (the hosts kind's leftover for it gets
 * the commands that really remove it; one it did not report is added).
 */
function reportKept(ctx: ApplyContext, groups: ProtectedGroup[]): void {
  for (const g of groups) {
    relatedReport(ctx.report).scaleInProtection.push({
      group: g.name,
      instances: g.instances,
      action: 'kept'
    })
    for (const id of g.instances) {
      const reason = `still running and billing, protected from scale-in in Auto Scaling group ${g.name}, which this run does not delete: scaling the group to 0 does not terminate it. ${keepCommand(g)}`
      const left = ctx.report.leftovers.find(l => l.kind === 'ec2-instance' && l.id === id)
      if (left) left.reason = reason
      else ctx.report.leftovers.push({ kind: 'ec2-instance', id, reason, billing: true })
    }
    ctx.log.warning(
      `Auto Scaling group ${g.name}: ${count(g.instances.length, 'instance')} protected from scale-in left running. ${keepCommand(g)}`
    )
  }
}
