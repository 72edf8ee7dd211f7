import type { Cluster } from '@aws-sdk/client-ecs'
import type { ApplyContext } from '../../apply/context.js'
import { Limits } from '../../constants.js'
import {
  describeClusters,
  listClusterArns,
  listLiveTasks,
  listServices,
  type InventoryContext
} from '../../inventory/index.js'
import { awslogsGroups, describe as describeTaskDefinition } from '../../ecs/task-definitions.js'
import { lastPartOfArn } from '../../util/arn.js'
import { count } from '../../util/text.js'
import type { SweepNeighbours } from './sweep.js'
import type { OtherUse, OtherUsersCheck } from './types.js'
import { DeadlineError, errorMessage, isAccessDenied, isAwsError, isCancellation } from '../../util/errors.js'

export type { OtherUse, OtherUsersCheck } from './types.js'
export { SweepNeighbours } from './sweep.js'
export { familiesToStop, sharedWithNeighbours, type SharedUse } from './neighbours.js'

/**
 * Who else uses a task definition revision, a target group, or a Cloud Map service-discovery
 * service. A revision is not tied to a cluster: the same one may run
 * in a preview cluster and in production, and so may the log group its containers write to. Before
 * either is removed, every other ACTIVE cluster of the Region is read: its services (every
 * deployment and task set) and its running tasks. Clusters removed by the same run are not read
 * here: they are other users until they are gone, from their own inventories (src/kinds/other-users/sweep.ts).
 * The look is bounded (Limits.otherUsers); when it cannot be completed (a denied read, an account
 * over the bound, the deadline) the answer says why, and the caller keeps everything.
 */

export interface OtherUsersRequest {
  /** The cluster being torn down. */
  clusterArn: string
  /** Every cluster this run removes (names or ARNs), a sweep's included: not other users. */
  runClusters: readonly string[]
  /** Also read the log groups the revisions used elsewhere write to (delete-log-groups). */
  logGroups: boolean
  region: string
  /**
   * A sweep's clusters, which are users of one another's until they are gone: counted right before
   * a removal (src/kinds/other-users/sweep.ts), not at the plan.
   */
  sweep?: SweepNeighbours
}

/**
 * One teardown's look at who else uses what it may remove, shared by the kinds that need it (log
 * groups, task definitions, target groups, Cloud Map services): taken once for the plan, and once more right before the first removal
 * it guards, since a neighbour may start using a revision while the cluster empties.
 */
export class OtherUsersLookup {
  private atPlanLook: Promise<OtherUsersCheck> | undefined
  private freshLook: Promise<OtherUsersCheck> | undefined
  private logGroupsLook: Promise<OtherUsersCheck> | undefined

  constructor(readonly request: OtherUsersRequest) {}

  atPlan(ctx: InventoryContext): Promise<OtherUsersCheck> {
    const sweep = this.request.sweep
    return (this.atPlanLook ??= sweep
      ? sweep.planLook(ctx, shared => checkOtherUsers(shared, this.request))
      : checkOtherUsers(ctx, this.request))
  }

  /**
   * The plan's look with the log groups the other clusters write to, read even when
   * delete-log-groups is off: asked only for a stack to delete that owns log groups (src/stack/owns.ts).
   */
  atPlanWithLogGroups(ctx: InventoryContext): Promise<OtherUsersCheck> {
    if (this.request.logGroups) return this.atPlan(ctx)
    return (this.logGroupsLook ??= checkOtherUsers(ctx, { ...this.request, logGroups: true }))
  }

  async beforeRemoving(ctx: InventoryContext): Promise<OtherUsersCheck> {
    const fresh = await (this.freshLook ??= checkOtherUsers(ctx, this.request))
    const sweep = this.request.sweep
    if (!sweep || fresh.incomplete) return fresh
    // The sweep's clusters as they are now: one gone since the last asking no longer counts.
    return withSweep(fresh, await sweep.users(ctx, this.request.clusterArn, this.request.logGroups))
  }
}

/** The fresh look and the sweep's other clusters' use, as one answer. */
function withSweep(
  fresh: OtherUsersCheck,
  sweep: Awaited<ReturnType<SweepNeighbours['users']>>
): OtherUsersCheck {
  const merged = <T>(
    a: Record<string, T[]> | undefined,
    b: Record<string, T[]> | undefined
  ): Record<string, T[]> => {
    const out: Record<string, T[]> = { ...a }
    for (const [key, list] of Object.entries(b ?? {})) out[key] = [...(out[key] ?? []), ...list]
    return out
  }
  return {
    ...fresh,
    taskDefinitions: merged(fresh.taskDefinitions, sweep.taskDefinitions),
    logGroups: merged(fresh.logGroups, sweep.logGroups),
    targetGroups: merged(fresh.targetGroups, sweep.targetGroups),
    discoveryServices: merged(fresh.discoveryServices, sweep.discoveryServices),
    ...(sweep.incomplete ? { incomplete: sweep.incomplete } : {})
  }
}

export async function checkOtherUsers(
  ctx: InventoryContext,
  request: OtherUsersRequest
): Promise<OtherUsersCheck> {
  const check: OtherUsersCheck = {
    taskDefinitions: {},
    logGroups: {},
    targetGroups: {},
    discoveryServices: {},
    clustersChecked: 0
  }
  try {
    const uses = await usesElsewhere(ctx, request, check)
    if (typeof uses === 'string') return { ...check, incomplete: uses }
    check.taskDefinitions = Object.fromEntries(uses)
    if (request.logGroups) {
      const incomplete = await writersElsewhere(ctx, request, uses, check)
      if (incomplete) return { ...check, incomplete }
    }
    return check
  } catch (error) {
    if (isCancellation(error, ctx.signal)) throw error
    return { ...check, incomplete: whyIncomplete(error) }
  }
}

/** Every revision the other clusters' services and running tasks use, with who uses it; or why not known. */
async function usesElsewhere(
  ctx: InventoryContext,
  request: OtherUsersRequest,
  check: OtherUsersCheck
): Promise<Map<string, OtherUse[]> | string> {
  const excluded = new Set([request.clusterArn, ...request.runClusters].map(lastPartOfArn))
  const arns = (await listClusterArns(ctx)).filter(arn => !excluded.has(lastPartOfArn(arn)))
  if (arns.length > Limits.otherUsers.clusters)
    return `the Region has ${arns.length} other clusters, more than the ${Limits.otherUsers.clusters} this run reads`
  const clusters = (await describeClusters(ctx, arns)).filter(c => c.status === 'ACTIVE')
  const services = sum(clusters, c => c.activeServicesCount ?? 0)
  const tasks = sum(clusters, c => (c.runningTasksCount ?? 0) + (c.pendingTasksCount ?? 0))
  if (services > Limits.otherUsers.services)
    return `the other clusters have ${services} services, more than the ${Limits.otherUsers.services} this run reads`
  if (tasks > Limits.otherUsers.tasks)
    return `the other clusters run ${tasks} tasks, more than the ${Limits.otherUsers.tasks} this run reads`

  const uses = new Map<string, OtherUse[]>()
  const add = (arn: string, use: OtherUse): void => {
    const list = uses.get(arn) ?? []
    if (!list.some(u => u.cluster === use.cluster && u.service === use.service && u.task === use.task))
      list.push(use)
    uses.set(arn, list)
  }
  const read = await Promise.all(clusters.map(cluster => readCluster(ctx, cluster)))
  for (const { name, services: found, tasks: running } of read) {
    for (const service of found) {
      for (const arn of service.taskDefinitions ?? []) add(arn, { cluster: name, service: service.name })
      for (const lb of service.loadBalancers ?? []) {
        for (const tg of [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn]) {
          if (tg) ((check.targetGroups ??= {})[tg] ??= []).push({ cluster: name, service: service.name })
        }
      }
      // A service at desired count 0 has no instance registered, and still needs its registry.
      for (const registry of service.serviceRegistries ?? [])
        ((check.discoveryServices ??= {})[registry] ??= []).push({ cluster: name, service: service.name })
    }
    for (const task of running) {
      if (!task.taskDefinitionArn) continue
      // A service's task is reported by its service; a task of a service already deleted, by itself.
      if (task.serviceName && found.some(s => s.name === task.serviceName))
        add(task.taskDefinitionArn, { cluster: name, service: task.serviceName })
      else add(task.taskDefinitionArn, { cluster: name, task: `${task.id} (${task.group})` })
    }
  }
  check.clustersChecked = clusters.length
  return uses
}

async function readCluster(
  ctx: InventoryContext,
  cluster: Cluster
): Promise<{
  name: string
  services: Awaited<ReturnType<typeof listServices>>
  tasks: Awaited<ReturnType<typeof listLiveTasks>>
}> {
  const arn = cluster.clusterArn ?? ''
  const name = cluster.clusterName ?? lastPartOfArn(arn)
  try {
    const [services, tasks] = await Promise.all([
      listServices(ctx, arn),
      listLiveTasks(ctx, arn, ['RUNNING'])
    ])
    return { name, services, tasks }
  } catch (error) {
    // Deleted since it was listed: it uses nothing any more.
    if (isAwsError(error, 'ClusterNotFoundException')) return { name, services: [], tasks: [] }
    throw new OtherClusterError(name, error)
  }
}

/**
 * The log groups the revisions used elsewhere write to (one DescribeTaskDefinition per distinct
 * revision, bounded), in `check.logGroups`. Returns why it is incomplete, or undefined.
 */
async function writersElsewhere(
  ctx: InventoryContext,
  request: OtherUsersRequest,
  uses: Map<string, OtherUse[]>,
  check: OtherUsersCheck
): Promise<string | undefined> {
  if (uses.size > Limits.otherUsers.revisions)
    return `the other clusters use ${uses.size} task definition revisions, more than the ${Limits.otherUsers.revisions} this run reads for log groups`
  const described = await Promise.all(
    [...uses.keys()].map(async arn => ({ arn, td: await describeTaskDefinition(ctx, arn) }))
  )
  for (const { arn, td } of described) {
    if (!td) continue
    for (const group of awslogsGroups(td, request.region)) {
      if (group.region !== request.region) continue
      ;(check.logGroups[group.name] ??= []).push({ revision: arn, users: uses.get(arn) ?? [] })
    }
  }
  return undefined
}

class OtherClusterError extends Error {
  constructor(
    readonly cluster: string,
    override readonly cause: unknown
  ) {
    super(`cluster ${cluster} could not be read: ${errorMessage(cause)}`)
  }
}

function whyIncomplete(error: unknown): string {
  const cause = error instanceof OtherClusterError ? error.cause : error
  const where = error instanceof OtherClusterError ? ` (cluster ${error.cluster})` : ''
  if (cause instanceof DeadlineError)
    return `the run's deadline passed before the other clusters were read${where}`
  if (isAccessDenied(cause)) return `reading the other clusters was denied${where}: ${errorMessage(cause)}`
  return `the other clusters could not be read${where}: ${errorMessage(cause)}`
}

function sum<T>(items: T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0)
}

/**
 * A kind's decisions again with the look taken right before its first removal: it only ever keeps
 * more. `noun` names one resource in the log line.
 */
export async function keepWhatOthersNowUse<D extends { delete: boolean; keepReason?: string }>(
  ctx: ApplyContext,
  plan: { decisions: D[]; otherUsers?: OtherUsersLookup },
  keepReason: (decision: D, fresh: OtherUsersCheck) => string | undefined,
  noun: string
): Promise<D[]> {
  const { decisions, otherUsers: lookup } = plan
  if (!lookup || !decisions.some(d => d.delete)) return decisions
  const fresh = await lookup.beforeRemoving(ctx)
  const now = decisions.map(d => {
    const reason = d.delete ? keepReason(d, fresh) : undefined
    return reason ? { ...d, delete: false, keepReason: reason } : d
  })
  const kept = now.filter((d, i) => d.delete !== decisions[i]!.delete).length
  ctx.log.info(
    `Looked again at who else uses them: ${kept > 0 ? `${count(kept, `more ${noun}`)} kept` : 'nothing new'}`
  )
  return now
}

/** Why something the run's services use must be kept for `users`' sake; undefined when there are none. */
function usedElsewhereReason(
  others: OtherUsersCheck | undefined,
  users: (check: OtherUsersCheck) => OtherUse[] | undefined,
  notLooked = 'another user cannot be ruled out: the other clusters were not read'
): string | undefined {
  if (!others) return notLooked
  if (others.incomplete) return `another user cannot be ruled out: ${others.incomplete}`
  const found = users(others)
  return found?.length ? `still used by ${describeUsers(found)}` : undefined
}

/** Why a revision must not be deregistered; undefined when nothing outside the run's clusters uses it. */
export function taskDefinitionKeepReason(
  arn: string,
  others: OtherUsersCheck | undefined
): string | undefined {
  return usedElsewhereReason(
    others,
    check => check.taskDefinitions[arn],
    'who else uses it was not looked at'
  )
}

/** Why a log group must be kept for another cluster's sake; undefined when nothing used elsewhere writes to it. */
export function logGroupKeepReason(name: string, others: OtherUsersCheck | undefined): string | undefined {
  if (!others) return 'another user cannot be ruled out: the other clusters were not read'
  if (others.incomplete) return `another user cannot be ruled out: ${others.incomplete}`
  const writers = others.logGroups[name] ?? []
  if (writers.length === 0) return undefined
  return `task definition ${writers.map(w => lastPartOfArn(w.revision)).join(', ')} writes to it and is still used by ${describeUsers(writers.flatMap(w => w.users))}`
}

/** Why a Cloud Map service must be kept for another cluster's sake; undefined when no service elsewhere registers in it. */
export function discoveryServiceKeepReason(
  arn: string,
  others: OtherUsersCheck | undefined
): string | undefined {
  return usedElsewhereReason(others, check => check.discoveryServices?.[arn])
}

/** Who uses a revision, in words: `cluster production (service api)`. */
export function describeUsers(users: OtherUse[]): string {
  const shown = users
    .slice(0, 3)
    .map(u => `cluster ${u.cluster} (${u.service ? `service ${u.service}` : `task ${u.task ?? '?'}`})`)
  return shown.join(', ') + (users.length > 3 ? ` and ${users.length - 3} more` : '')
}
