import { isAvailable, type RelatedPorts } from '../aws/clients.js'
import { tolerateDenied, type ClusterInventory, type InventoryContext } from '../inventory.js'
import type { TriggerMode } from '../settings.js'
import { errorMessage, explainAwsError, isAccessDenied } from '../util/errors.js'
import { describeHosts, hostsOf, type HostInfo } from './hosts.js'
import { checkLogGroups, type LogGroupCheck } from './log-groups.js'
import { namespacesOf, type NamespaceInfo } from './namespace.js'
import { findTriggers, type TriggerInfo } from './triggers.js'
import { checkOtherUsers, type OtherUsersCheck, type OtherUsersRequest } from '../other-users.js'

/** What is around a cluster: what starts its tasks, and what keeps billing once it is gone. */
export interface RelatedInventory {
  /** Undefined with `triggers: keep`: EventBridge was not looked at. */
  triggers?: TriggerInfo[]
  /** The machines behind the container instances, with their EC2 state and owner when read. */
  hosts: HostInfo[]
  /** Why the EC2 instances could not be read (terminate-instances off): owners and states unknown. */
  hostsUnread?: string
  /** Task definition ARNs the cluster's services (all their deployments) and tasks use. */
  taskDefinitions: string[]
  /** delete-log-groups only: the log groups and who else writes to them. */
  logGroups?: LogGroupCheck
  /**
   * deregister-task-definitions or delete-log-groups only: what outside the clusters this run
   * removes uses this cluster's revisions, or writes to its log groups (src/other-users.ts).
   */
  otherUsers?: OtherUsersCheck
  /** What `otherUsers` was asked, to ask again right before anything is removed. */
  otherUsersRequest?: OtherUsersRequest
  namespaces: NamespaceInfo[]
}

export interface RelatedOptions {
  triggers: TriggerMode
  terminateInstances: boolean
  deleteLogGroups: boolean
  deregisterTaskDefinitions: boolean
  /** Every cluster this run removes: none of them counts as another user of a revision. */
  runClusters: readonly string[]
  region: string
}

export type RelatedContext = InventoryContext & RelatedPorts

/** Read only, like the rest of the inventory, so a dry run can show all of it. */
export async function takeRelatedInventory(
  ctx: RelatedContext,
  inventory: ClusterInventory,
  options: RelatedOptions
): Promise<RelatedInventory> {
  const clusterArn = inventory.cluster.arn
  const taskDefinitions = [
    ...new Set([
      ...inventory.services.flatMap(s => s.taskDefinitions ?? []),
      ...inventory.tasks.map(t => t.taskDefinitionArn ?? '').filter(Boolean)
    ])
  ]
  const [triggers, hosts, logGroups] = await Promise.all([
    options.triggers === 'keep' ? undefined : readTriggers(ctx, clusterArn),
    readHosts(ctx, hostsOf(inventory.containerInstances), options.terminateInstances),
    options.deleteLogGroups
      ? tolerateDenied(ctx, checkLogGroups(ctx, taskDefinitions, options.region), undefined)
      : undefined
  ])
  const ownGroups = (logGroups?.groups ?? []).map(g => g.name)
  // Only when something may be removed on its account: no cost otherwise.
  const otherUsersRequest =
    (options.deregisterTaskDefinitions && taskDefinitions.length > 0) || ownGroups.length > 0
      ? {
          clusterArn,
          runClusters: options.runClusters,
          taskDefinitions,
          logGroups: ownGroups,
          region: options.region
        }
      : undefined
  const otherUsers = otherUsersRequest ? await checkOtherUsers(ctx, otherUsersRequest) : undefined
  if (otherUsers?.incomplete)
    ctx.log.warning(`Who else uses the task definitions is not known: ${otherUsers.incomplete}`)
  return {
    ...(triggers ? { triggers } : {}),
    ...hosts,
    taskDefinitions,
    ...(logGroups ? { logGroups } : {}),
    ...(otherUsers && otherUsersRequest ? { otherUsers, otherUsersRequest } : {}),
    namespaces: namespacesOf(inventory)
  }
}

async function readTriggers(ctx: RelatedContext, clusterArn: string): Promise<TriggerInfo[] | undefined> {
  if (!isAvailable(ctx.events)) {
    ctx.log.info('EventBridge is not available to this run: rules that start tasks were not looked for')
    return undefined
  }
  try {
    return await tolerateDenied(ctx, findTriggers(ctx, clusterArn), [])
  } catch (error) {
    if (!isAccessDenied(error)) throw error
    // Reading the rules is on by default: say how to do without it.
    throw new Error(
      `${explainAwsError(error)} To tear down without looking at EventBridge, set triggers: keep.`,
      { cause: error }
    )
  }
}

/**
 * Without terminate-instances, reading EC2 only makes the report precise: a role without
 * ec2:DescribeInstances still gets its teardown, with the instances reported as before. With it,
 * the owners must be known before anything is terminated, so a denial fails the run.
 */
async function readHosts(
  ctx: RelatedContext,
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
