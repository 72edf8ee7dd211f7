import { isAvailable, type RelatedPorts } from '../aws/clients.js'
import {
  tolerateDenied,
  type ClusterInventory,
  type InventoryContext,
  type ServiceScope
} from '../inventory.js'
import type { TriggerMode } from '../settings.js'
import { errorMessage, explainAwsError, isAccessDenied } from '../util/errors.js'
import { describeHosts, hostsOf, type HostInfo } from './hosts.js'
import { checkLogGroups, type LogGroupCheck } from './log-groups.js'
import { namespacesOf, type NamespaceInfo } from './namespace.js'
import { familyOfRef, findTriggers, type TriggerInfo } from './triggers.js'

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
  namespaces: NamespaceInfo[]
  /**
   * Services mode: what the selected services share with the cluster's other services and tasks,
   * which is kept: task definition revisions (left out of `taskDefinitions`) and families.
   */
  shared?: {
    taskDefinitions: { arn: string; users: string[] }[]
    /** Family → the other services and tasks that run a revision of it. */
    families: Record<string, string[]>
  }
}

export interface RelatedOptions {
  triggers: TriggerMode
  terminateInstances: boolean
  deleteLogGroups: boolean
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
  const used = [
    ...new Set([
      ...inventory.services.flatMap(s => s.taskDefinitions ?? []),
      ...inventory.tasks.map(t => t.taskDefinitionArn ?? '').filter(Boolean)
    ])
  ]
  const shared = inventory.scope ? sharedWithNeighbours(used, inventory.scope) : undefined
  const taskDefinitions = shared ? used.filter(arn => !shared.users.has(arn)) : used
  // Services mode: a rule starts this run's tasks when it starts a family no other service runs.
  const families = shared
    ? new Set(taskDefinitions.map(familyOfRef).filter(f => !(f in shared.families)))
    : undefined
  const [triggers, hosts, logGroups] = await Promise.all([
    options.triggers === 'keep' || families?.size === 0 ? undefined : readTriggers(ctx, clusterArn, families),
    readHosts(ctx, hostsOf(inventory.containerInstances), options.terminateInstances),
    options.deleteLogGroups
      ? // Every revision the services use, shared ones too: their log groups are then kept, and said.
        tolerateDenied(ctx, checkLogGroups(ctx, used, options.region), undefined)
      : undefined
  ])
  return {
    ...(triggers ? { triggers } : {}),
    ...hosts,
    taskDefinitions,
    ...(logGroups ? { logGroups } : {}),
    // The cluster's Service Connect namespace stays with the cluster in services mode.
    namespaces: inventory.scope ? [] : namespacesOf(inventory),
    ...(shared
      ? {
          shared: {
            taskDefinitions: used
              .filter(arn => shared.users.has(arn))
              .map(arn => ({ arn, users: shared.users.get(arn)! })),
            families: shared.families
          }
        }
      : {})
  }
}

/**
 * Which other services of the cluster run the task definitions the selected services use: every
 * deployment of theirs, and their tasks. Standalone tasks are not users: they are not touched, and
 * a running task does not need its revision to stay ACTIVE.
 */
function sharedWithNeighbours(
  used: string[],
  scope: ServiceScope
): { users: Map<string, string[]>; families: Record<string, string[]> } {
  const byArn = new Map<string, string[]>()
  const families: Record<string, string[]> = {}
  const add = (arn: string, service: string): void => {
    const user = `service ${service}`
    byArn.set(arn, [...new Set([...(byArn.get(arn) ?? []), user])])
    const family = familyOfRef(arn)
    families[family] = [...new Set([...(families[family] ?? []), user])]
  }
  for (const s of scope.neighbours) for (const arn of s.taskDefinitions ?? []) add(arn, s.name)
  for (const t of scope.neighbourTasks)
    if (t.taskDefinitionArn && t.serviceName) add(t.taskDefinitionArn, t.serviceName)
  const mine = new Set(used.map(familyOfRef))
  return {
    users: new Map([...byArn].filter(([arn]) => used.includes(arn))),
    families: Object.fromEntries(Object.entries(families).filter(([family]) => mine.has(family)))
  }
}

async function readTriggers(
  ctx: RelatedContext,
  clusterArn: string,
  families?: ReadonlySet<string>
): Promise<TriggerInfo[] | undefined> {
  if (!isAvailable(ctx.events)) {
    ctx.log.info('EventBridge is not available to this run: rules that start tasks were not looked for')
    return undefined
  }
  try {
    return await tolerateDenied(ctx, findTriggers(ctx, clusterArn, families), [])
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
