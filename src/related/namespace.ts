import { sdk } from '../aws/sdk.js'
import { callAws, type SendPort } from '../aws/call.js'
import { Limits } from '../constants.js'
import { describeOtherClusters, type ClusterInventory, type InventoryContext } from '../inventory.js'
import { paginate } from '../util/paginate.js'

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

/** The namespaces of the cluster's Service Connect defaults and of its services' deployments. */
export function namespacesOf(inventory: ClusterInventory): NamespaceInfo[] {
  const byRef = new Map<string, NamespaceInfo>()
  const add = (ref: string, user: string): void => {
    const entry = byRef.get(ref) ?? { ref, ...idOf(ref), usedBy: [] }
    if (!entry.usedBy.includes(user)) entry.usedBy.push(user)
    byRef.set(ref, entry)
  }
  if (inventory.cluster.serviceConnectNamespace)
    add(inventory.cluster.serviceConnectNamespace, 'cluster default')
  for (const service of inventory.services) {
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
