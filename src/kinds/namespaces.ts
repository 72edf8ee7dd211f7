import { sdk } from '../aws/sdk.js'
import type { ApplyContext } from '../apply/context.js'
import { callAws, type SendPort } from '../aws/call.js'
import { Limits } from '../constants.js'
import { describeOtherClusters, type InventoryContext } from '../inventory/index.js'
import { code } from '../report/html.js'
import { consoleLinks } from '../report/links.js'
import { DeadlineError, errorMessage, isAwsError } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { retryUntil } from '../util/poll.js'
import {
  count,
  relatedReport,
  shownRows,
  type ResourceKind,
  type TeardownScope,
  type ReportPart
} from './kind.js'
import { keepOne, keptNotes, notDone, reportKept, type Decision } from './bookkeeping.js'
import { removeWithRetry } from '../aws/remove.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds.
declare module '../report/report.js' {
  interface RelatedReport {
    namespaces: { ref: string; action: 'deleted' }[]
  }
  interface RelatedFound {
    namespaces: number
  }
  interface KindLeftovers {
    namespace: true
  }
}

/**
 * The Service Connect (Cloud Map) namespaces the cluster and its services use (input
 * `delete-namespace`). ECS never deletes them. Found without a call, from the inventory; deleted
 * once the cluster is gone, if by then no Cloud Map service and no other cluster uses them.
 */

/** `delete`: once the cluster is gone, if by then nothing else uses it. */
export interface NamespaceDecision extends Decision {
  namespace: NamespaceInfo
}

export interface NamespacesPlan {
  decisions: NamespaceDecision[]
  /** delete-namespace was asked for: a namespace kept anyway is worth a note in the plan. */
  deleteNamespace: boolean
}

export const namespacesKind: ResourceKind<NamespaceInfo[], NamespacesPlan> = {
  name: 'Service Connect namespaces',
  emptyReport: (): ReportPart<'namespaces', 'namespaces'> => ({ found: { namespaces: 0 }, namespaces: [] }),

  find(_ctx, scope) {
    // A namespace stays with a cluster that stays: its other services may use it.
    return Promise.resolve(scope.wholeCluster ? namespacesOf(scope) : [])
  },

  recordFound(found, report) {
    report.found.namespaces = found.length
  },

  decide(found, { settings }) {
    return {
      decisions: found.map(namespace => decideNamespace(namespace, settings.deleteNamespace)),
      deleteNamespace: settings.deleteNamespace
    }
  },

  steps(plan) {
    const deleted = plan.decisions.filter(d => d.delete)
    if (deleted.length === 0) return []
    return [
      {
        stage: 'after-cluster',
        phase: 'delete-namespace',
        description: `Delete ${count(deleted.length, 'Service Connect namespace')} if, with the cluster gone, no Cloud Map service or other cluster uses it`,
        resources: deleted.map(d => d.namespace.ref)
      }
    ]
  },

  notes(plan) {
    if (!plan.deleteNamespace) return []
    return keptNotes(plan.decisions, d => `namespace ${d.namespace.ref}`)
  },

  actions: {
    // Also without delete-namespace: a namespace left behind is reported, with how to remove it.
    'after-cluster': {
      phase: 'Service Connect namespaces',
      needed: plan => plan.decisions.length > 0,
      run: (ctx, plan) => deleteNamespaces(ctx, plan.decisions)
    }
  },

  unfinished: (plan, report) =>
    notDone(
      plan.decisions.filter(d => d.delete),
      d => report.related?.namespaces.some(n => n.ref === d.namespace.ref) ?? false,
      { kind: 'namespace', id: d => d.namespace.ref }
    ),

  countRows(r, left) {
    return shownRows(
      [
        {
          label: 'Service Connect namespaces',
          found: r.found.namespaces,
          removed: r.namespaces.length,
          leftoverKind: 'namespace'
        }
      ],
      left
    )
  },

  doneLists(r) {
    return [{ title: 'Service Connect namespaces deleted', items: r.namespaces.map(n => code(n.ref)) }]
  },

  links: {
    namespace: (region, id) => (/^arn:/.test(id) ? consoleLinks.namespace(region, id) : undefined)
  }
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

/** A Service Connect (Cloud Map) namespace the cluster uses. ECS never deletes it. */
export interface NamespaceInfo {
  /** The ARN, or the name when ECS gave only a name. */
  ref: string
  /** `ns-…`, from the ARN; absent when only the name is known. */
  id?: string
  /** What uses it in this cluster: `cluster default`, `service web`… */
  usedBy: string[]
}

const NAMESPACE_ARN = /^arn:aws[a-z-]*:servicediscovery:[a-z0-9-]+:\d{12}:namespace\/(ns-[A-Za-z0-9]+)$/

/**
 * The namespaces of the services' deployments, and the cluster's Service Connect default when the
 * whole cluster goes (a cluster that stays keeps using its default).
 */
export function namespacesOf(scope: TeardownScope): NamespaceInfo[] {
  const byRef = new Map<string, NamespaceInfo>()
  const add = (ref: string, user: string): void => {
    const entry = byRef.get(ref) ?? { ref, ...idOf(ref), usedBy: [] }
    if (!entry.usedBy.includes(user)) entry.usedBy.push(user)
    byRef.set(ref, entry)
  }
  if (scope.wholeCluster && scope.cluster.serviceConnectNamespace)
    add(scope.cluster.serviceConnectNamespace, 'cluster default')
  for (const service of scope.services) {
    for (const ns of service.serviceConnectNamespaces ?? []) add(ns, `service ${service.name}`)
  }
  // A service that names the default namespace by name while the cluster gives its ARN: one namespace.
  const arns = [...byRef.values()].filter(n => n.id)
  for (const named of [...byRef.values()].filter(n => !n.id)) {
    const same = arns.find(n => n.ref.endsWith(`/${named.ref}`))
    if (same) {
      same.usedBy.push(...named.usedBy.filter(u => !same.usedBy.includes(u)))
      byRef.delete(named.ref)
    }
  }
  return [...byRef.values()]
}

function idOf(ref: string): { id?: string } {
  const id = NAMESPACE_ARN.exec(ref)?.[1]
  return id ? { id } : {}
}

export type NamespaceContext = InventoryContext & { servicediscovery: SendPort }

/** The namespace as Cloud Map knows it: id, ARN and name (ECS may give either the ARN or the name). */
export interface ResolvedNamespace {
  id: string
  arn: string
  name: string
}

/** Finds the namespace among the account's (every page of ListNamespaces); undefined when Cloud Map has none such. */
export async function resolveNamespace(
  ctx: NamespaceContext,
  namespace: NamespaceInfo
): Promise<ResolvedNamespace | undefined> {
  const all = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.servicediscovery,
      new (await sdk.servicediscovery()).ListNamespacesCommand({
        MaxResults: Limits.cloudMapPageSize,
        NextToken: nextToken
      })
    )
    return { items: out.Namespaces ?? [], nextToken: out.NextToken }
  })
  const matches = all.filter(n =>
    namespace.id ? n.Id === namespace.id : n.Name === namespace.ref || n.Arn === namespace.ref
  )
  const [found] = matches
  if (matches.length !== 1 || !found?.Id) return undefined
  return { id: found.Id, arn: found.Arn ?? namespace.ref, name: found.Name ?? '' }
}

/**
 * Who else uses a namespace: the Cloud Map services still in it (every page), and the other
 * clusters that have it as their Service Connect default. Read once the cluster is deleted, so the
 * services ECS made for this cluster's own are gone by then.
 */
export async function namespaceUsers(
  ctx: NamespaceContext,
  namespace: ResolvedNamespace,
  clusterArn: string
): Promise<string[]> {
  const services = await paginate(async nextToken => {
    const out = await callAws(
      ctx,
      ctx.servicediscovery,
      new (await sdk.servicediscovery()).ListServicesCommand({
        Filters: [{ Name: 'NAMESPACE_ID', Values: [namespace.id], Condition: 'EQ' }],
        MaxResults: Limits.cloudMapPageSize,
        NextToken: nextToken
      })
    )
    return { items: out.Services ?? [], nextToken: out.NextToken }
  })
  const clusters = (await describeOtherClusters(ctx, clusterArn)).filter(c => {
    const ns = c.serviceConnectDefaults?.namespace
    return ns !== undefined && [namespace.arn, namespace.id, namespace.name].includes(ns)
  })
  return [
    ...services.map(s => `Cloud Map service ${s.Name ?? s.Id ?? '?'}`),
    ...clusters.map(c => `cluster ${c.clusterName ?? c.clusterArn ?? '?'} (its Service Connect default)`)
  ]
}

async function deleteNamespaces(ctx: ApplyContext, decisions: NamespaceDecision[]): Promise<void> {
  reportKept(ctx, 'namespace', decisions, d => d.namespace.ref)
  for (const d of decisions.filter(d => d.delete)) await deleteNamespace(ctx, d)
}

async function deleteNamespace(ctx: ApplyContext, d: NamespaceDecision): Promise<void> {
  const ns = d.namespace
  const keep = (reason: string): void =>
    keepOne(ctx, { kind: 'namespace', id: ns.ref, what: `Namespace ${ns.ref}` }, reason)
  const resolved = await resolveNamespace(ctx, ns)
  if (!resolved) {
    ctx.log.info(`Namespace ${ns.ref} is not (or no longer) in Cloud Map`)
    return
  }
  const users = await namespaceUsers(ctx, resolved, ctx.clusterArn)
  if (users.length > 0) return keep(`still used by ${users.join(', ')}`)
  let removal
  try {
    removal = await removeWithRetry(ctx, {
      what: `namespace ${ns.ref}`,
      call: async () =>
        callAws(
          ctx,
          ctx.servicediscovery,
          new (await sdk.servicediscovery()).DeleteNamespaceCommand({ Id: resolved.id })
        ),
      gone: [{ codes: ['NamespaceNotFound'] }],
      deadline: ctx.deadline
    })
  } catch (error) {
    if (isAwsError(error, 'ResourceInUse')) return keep(`Cloud Map refused: ${errorMessage(error)}`)
    throw error
  }
  if (removal.outcome === 'gone') return ctx.log.info(`Namespace ${ns.ref} is already deleted`)
  const operationId = removal.value.OperationId
  ctx.log.info(`Deleting namespace ${ns.ref}`)
  if (operationId) {
    // DeleteNamespace only starts the deletion: its operation says how it ended.
    const outcome = await retryUntil(
      ctx,
      { deadline: ctx.deadline, minDelayMs: 1_000, maxDelayMs: ctx.pollIntervalMs },
      async () => {
        const op = (
          await callAws(
            ctx,
            ctx.servicediscovery,
            new (await sdk.servicediscovery()).GetOperationCommand({ OperationId: operationId })
          )
        ).Operation
        if (op?.Status === 'SUCCESS') return { done: true, value: undefined }
        if (op?.Status === 'FAIL') return { done: true, value: op.ErrorMessage ?? op.ErrorCode ?? 'failed' }
        return { done: false, reason: `operation ${operationId} is ${op?.Status ?? 'unknown'}` }
      }
    )
    if (!outcome.done)
      throw new DeadlineError(`namespace ${ns.ref} was not deleted before the deadline: ${outcome.reason}`)
    if (outcome.value !== undefined) return keep(`Cloud Map could not delete it: ${outcome.value}`)
  }
  relatedReport(ctx.report).namespaces.push({ ref: ns.ref, action: 'deleted' })
  ctx.log.info(`Namespace ${ns.ref} is deleted`)
}
