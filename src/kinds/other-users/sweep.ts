import type { ClusterInventory, InventoryContext } from '../../inventory/index.js'
import { awslogsGroups, describe as describeTaskDefinition } from '../../ecs/task-definitions.js'
import { Limits } from '../../constants.js'
import type { OtherUse, OtherUsersCheck } from './types.js'
import { lastPartOfArn } from '../../util/arn.js'
import { CancelledError, errorMessage } from '../../util/errors.js'

/**
 * The clusters of one sweep, as users of one another's task definition revisions, log groups,
 * target groups and Cloud Map services: a cluster of the sweep counts as another user until it is
 * gone. The look is shared by the sweep's clusters and costs no call of its own: each teardown
 * records what its cluster uses from its own inventory (the same ListServices / DescribeServices /
 * ListTasks / DescribeTasks it makes anyway; reading every other cluster of the sweep again from
 * each one would cost the 20-cluster sweep some 19 × 5 DescribeServices per cluster), and records
 * its cluster gone once it is deleted. A cluster's use only shrinks while it is torn down, so its
 * inventory is a safe upper bound.
 *
 * The plan's look at the clusters outside the sweep is the same for each of them, and taken once
 * (`planLook`). The plan does not count the sweep's clusters (so a dry run plans as before): right before a
 * removal (OtherUsersLookup.beforeRemoving, which only ever keeps more), what a cluster of the sweep
 * not yet gone uses is kept, with the cluster named. Of two clusters sharing a revision, the one
 * whose cluster goes last removes it; if the other fails, it is kept.
 */

/** What one cluster of the sweep uses, from its inventory. */
interface ClusterUse {
  /** Revision ARN → its users in that cluster. */
  taskDefinitions: Map<string, OtherUse[]>
  targetGroups: Map<string, OtherUse[]>
  discoveryServices: Map<string, OtherUse[]>
}

interface Member {
  use?: ClusterUse
  /** Its teardown ended without an inventory (a failure before it): what it uses is unknown. */
  unread?: string
  gone: boolean
  /** Resolves once `use` or `unread` is known, or the teardown ended. */
  known: Promise<void>
  settle: () => void
}

export class SweepNeighbours {
  private readonly members = new Map<string, Member>()
  /** Log groups each revision writes to, described once per run. */
  private readonly writes = new Map<string, Promise<string[] | undefined>>()
  /** The plan's look at the clusters outside the sweep, taken once for all of the sweep's clusters. */
  private outside: Promise<OtherUsersCheck> | undefined

  constructor(
    targets: readonly string[],
    private readonly region: string,
    /** The run's signal: the shared look must not end with the cluster that happened to start it. */
    private readonly runSignal?: AbortSignal
  ) {
    for (const ref of targets) {
      let settle = (): void => undefined
      const known = new Promise<void>(resolve => (settle = resolve))
      this.members.set(lastPartOfArn(ref), { gone: false, known, settle })
    }
  }

  /**
   * The plan's look at who outside the sweep uses what (`take`): every cluster of the sweep excludes
   * the same clusters (the sweep's), so one look serves them all, on the run's signal.
   */
  planLook(
    ctx: InventoryContext,
    take: (ctx: InventoryContext) => Promise<OtherUsersCheck>
  ): Promise<OtherUsersCheck> {
    return (this.outside ??= take({ ...ctx, signal: this.runSignal ?? ctx.signal }))
  }

  /** The cluster's inventory (or its absence: it uses nothing). */
  inventoried(cluster: string, inventory: ClusterInventory | undefined): void {
    const m = this.members.get(lastPartOfArn(cluster))
    if (!m) return
    m.use = inventory ? useOf(inventory) : emptyUse()
    m.settle()
  }

  /** The cluster is deleted: it uses nothing any more. */
  gone(cluster: string): void {
    const m = this.members.get(lastPartOfArn(cluster))
    if (!m) return
    m.gone = true
    m.settle()
  }

  /** Its teardown returned; without an inventory, what it uses cannot be known. */
  ended(cluster: string, why: string): void {
    const m = this.members.get(lastPartOfArn(cluster))
    if (!m) return
    if (!m.use && !m.gone) m.unread = why
    m.settle()
  }

  /**
   * Who among the sweep's other clusters not yet gone uses what: waits until every one of them has
   * taken its inventory (or ended). `logGroups`: also the log groups their revisions write to.
   */
  async users(
    ctx: InventoryContext,
    self: string,
    logGroups: boolean
  ): Promise<
    Pick<
      OtherUsersCheck,
      'taskDefinitions' | 'logGroups' | 'targetGroups' | 'discoveryServices' | 'incomplete'
    >
  > {
    const others = [...this.members.entries()].filter(([name]) => name !== lastPartOfArn(self))
    await untilAborted(ctx.signal, Promise.all(others.map(([, m]) => m.known)))
    const check = {
      taskDefinitions: {} as Record<string, OtherUse[]>,
      logGroups: {} as OtherUsersCheck['logGroups'],
      targetGroups: {} as Record<string, OtherUse[]>,
      discoveryServices: {} as Record<string, OtherUse[]>
    }
    const unread = others.filter(([, m]) => !m.gone && m.unread)
    if (unread.length > 0)
      return {
        ...check,
        incomplete: `cluster ${unread[0]![0]} of this sweep could not be read (${unread[0]![1].unread})`
      }
    for (const [, m] of others) {
      if (m.gone || !m.use) continue
      for (const [key, into] of [
        ['taskDefinitions', check.taskDefinitions],
        ['targetGroups', check.targetGroups],
        ['discoveryServices', check.discoveryServices]
      ] as const)
        for (const [arn, users] of m.use[key]) (into[arn] ??= []).push(...users)
    }
    if (logGroups) {
      const revisions = Object.keys(check.taskDefinitions)
      if (revisions.length > Limits.otherUsers.revisions)
        return {
          ...check,
          incomplete: `the sweep's other clusters use ${revisions.length} task definition revisions, more than the ${Limits.otherUsers.revisions} this run reads for log groups`
        }
      try {
        for (const revision of revisions) {
          const groups = await this.logGroupsOf(ctx, revision)
          if (!groups) continue
          for (const name of groups)
            (check.logGroups[name] ??= []).push({ revision, users: check.taskDefinitions[revision] ?? [] })
        }
      } catch (error) {
        if (ctx.signal.aborted) throw error
        return {
          ...check,
          incomplete: `the sweep's other clusters' task definitions could not be read: ${errorMessage(error)}`
        }
      }
    }
    return check
  }

  private logGroupsOf(ctx: InventoryContext, revision: string): Promise<string[] | undefined> {
    let found = this.writes.get(revision)
    if (!found) {
      found = describeTaskDefinition(ctx, revision).then(td =>
        td
          ? awslogsGroups(td, this.region)
              .filter(g => g.region === this.region)
              .map(g => g.name)
          : undefined
      )
      // A failed read is not kept: the next asker tries again.
      found.catch(() => this.writes.delete(revision))
      this.writes.set(revision, found)
    }
    return found
  }
}

function emptyUse(): ClusterUse {
  return { taskDefinitions: new Map(), targetGroups: new Map(), discoveryServices: new Map() }
}

/** What a cluster's services (every deployment, load balancer and registry) and tasks use. */
function useOf(inventory: ClusterInventory): ClusterUse {
  const use = emptyUse()
  const cluster = inventory.cluster.name
  const add = (map: Map<string, OtherUse[]>, key: string, user: OtherUse): void => {
    const list = map.get(key) ?? []
    if (!list.some(u => u.service === user.service && u.task === user.task)) list.push(user)
    map.set(key, list)
  }
  for (const s of inventory.services) {
    const user = { cluster, service: s.name }
    for (const arn of s.taskDefinitions ?? []) add(use.taskDefinitions, arn, user)
    for (const lb of s.loadBalancers ?? [])
      for (const tg of [lb.targetGroupArn, lb.advancedConfiguration?.alternateTargetGroupArn])
        if (tg) add(use.targetGroups, tg, user)
    for (const registry of s.serviceRegistries ?? []) add(use.discoveryServices, registry, user)
  }
  for (const t of inventory.tasks) {
    if (!t.taskDefinitionArn) continue
    add(
      use.taskDefinitions,
      t.taskDefinitionArn,
      t.serviceName ? { cluster, service: t.serviceName } : { cluster, task: `${t.id} (${t.group})` }
    )
  }
  return use
}

function untilAborted<T>(signal: AbortSignal, promise: Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(new CancelledError())
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new CancelledError())
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      value => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      error => {
        signal.removeEventListener('abort', onAbort)
        reject(error as Error)
      }
    )
  })
}
