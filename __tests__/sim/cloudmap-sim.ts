import { ServiceDiscoveryServiceException } from '@aws-sdk/client-servicediscovery'
import { ACCOUNT, type EcsSim } from './ecs-sim.js'
import { ServiceSim } from './service-sim.js'

/**
 * A strict model of the AWS Cloud Map calls a teardown makes, on the EcsSim's virtual time:
 * - ListNamespaces: MaxResults 1–100, pages with NextToken.
 * - ListServices: the NAMESPACE_ID filter (EQ, one value), MaxResults 1–100, pages with NextToken.
 * - DeleteNamespace refuses a namespace that still has services (ResourceInUse) and an unknown one
 *   (NamespaceNotFound); it only starts the deletion: GetOperation says SUBMITTED, then PENDING,
 *   then SUCCESS after `deleteTakesMs`. An unknown operation is OperationNotFound.
 * - Service Connect: the Cloud Map service ECS made for an ECS service is gone once that ECS
 *   service is INACTIVE (assumed: ECS manages the discovery names it created; not verified).
 * - Service discovery (`serviceRegistries`): ECS registers an instance per task of the ECS services
 *   (or of the EXTERNAL services' task sets) that name the Cloud Map service, and deregisters it when the task stops; ECS never deletes the
 *   Cloud Map service. ListInstances lists them (and instances registered by others); DeleteService
 *   refuses a service with instances (ResourceInUse) and an unknown one (ServiceNotFound).
 * One test per rule in __tests__/sim/related-sims.test.ts.
 */

export interface SimNamespace {
  id: string
  arn: string
  name: string
  deletedAt?: number
}

export interface SimDiscoveryService {
  id: string
  name: string
  namespaceId: string
  /** Made by ECS Service Connect for this ECS service. */
  ecsServiceArn?: string
  /** Instances registered by something other than ECS (RegisterInstance by hand). */
  otherInstances?: string[]
}

export const CLOUD_MAP_MUTATING_OPERATIONS = new Set([
  'DeleteNamespace',
  'DeleteService',
  'CreateHttpNamespace'
])

export class CloudMapSim extends ServiceSim {
  readonly namespaces = new Map<string, SimNamespace>()
  readonly services = new Map<string, SimDiscoveryService>()
  readonly operations = new Map<string, { namespaceId: string; startedAt: number }>()
  private seq = 0

  constructor(
    ecs: EcsSim,
    readonly options: { latencyMs?: number; deleteTakesMs?: number } = {}
  ) {
    super(
      ecs,
      { name: 'Cloud Map', iamPrefix: 'servicediscovery', exception: ServiceDiscoveryServiceException },
      CLOUD_MAP_MUTATING_OPERATIONS,
      options.latencyMs
    )
  }

  createNamespace(name: string): SimNamespace {
    const id = `ns-${this.hex(16)}`
    const ns: SimNamespace = {
      id,
      arn: `arn:aws:servicediscovery:${this.region}:${ACCOUNT}:namespace/${id}`,
      name
    }
    this.namespaces.set(id, ns)
    return ns
  }

  createService(
    namespaceId: string,
    name: string,
    opts: { ecsServiceArn?: string; otherInstances?: string[] } = {}
  ): SimDiscoveryService {
    const svc: SimDiscoveryService = { id: `srv-${this.hex(16)}`, name, namespaceId, ...opts }
    this.services.set(svc.id, svc)
    return svc
  }

  arnOf(svc: SimDiscoveryService): string {
    return `arn:aws:servicediscovery:${this.region}:${ACCOUNT}:service/${svc.id}`
  }

  /** The instances registered in a Cloud Map service: one per live task of the ECS services using it. */
  instancesOf(svc: SimDiscoveryService): string[] {
    const arn = this.arnOf(svc)
    const tasks = [...this.ecs.services.values()].flatMap(s => {
      if (s.serviceRegistries.includes(arn)) return this.ecs.liveTasksOf(s)
      const sets = s.taskSets.filter(ts => ts.serviceRegistries?.includes(arn)).map(ts => ts.arn)
      return this.ecs.liveTasksOf(s).filter(t => t.taskSetArn !== undefined && sets.includes(t.taskSetArn))
    })
    return [...tasks.map(t => t.id), ...(svc.otherInstances ?? [])]
  }

  protected opListInstances(input: Record<string, unknown>): unknown {
    const svc = this.requireService(input.ServiceId)
    return { Instances: this.instancesOf(svc).map(Id => ({ Id })) }
  }

  protected opDeleteService(input: Record<string, unknown>): unknown {
    const svc = this.requireService(input.Id)
    if (this.instancesOf(svc).length > 0)
      throw this.error('ResourceInUse', `Service ${svc.id} has associated instances. Deregister them first.`)
    this.services.delete(svc.id)
    return {}
  }

  private requireService(ref: unknown): SimDiscoveryService {
    const id = String(ref ?? '')
    const svc = this.services.get(id)
    if (!svc) throw this.error('ServiceNotFound', `Service ${id} not found.`)
    return svc
  }

  namespaceStatus(ns: SimNamespace): 'ACTIVE' | 'DELETING' | 'DELETED' {
    if (ns.deletedAt === undefined) return 'ACTIVE'
    return this.now >= ns.deletedAt + (this.options.deleteTakesMs ?? 10_000) ? 'DELETED' : 'DELETING'
  }

  protected override settle(): void {
    for (const svc of [...this.services.values()]) {
      const ecsService = svc.ecsServiceArn ? this.ecs.services.get(svc.ecsServiceArn) : undefined
      if (ecsService && (ecsService.purged || this.ecs.serviceStatus(ecsService) === 'INACTIVE'))
        this.services.delete(svc.id)
    }
  }

  protected opListServices(input: Record<string, unknown>): unknown {
    const filters =
      (input.Filters as { Name?: string; Values?: string[]; Condition?: string }[] | undefined) ?? []
    for (const f of filters) {
      if (f.Name !== 'NAMESPACE_ID' || (f.Values ?? []).length !== 1 || (f.Condition ?? 'EQ') !== 'EQ')
        throw this.error('InvalidInput', 'NAMESPACE_ID takes one value with the EQ condition.')
    }
    const size = input.MaxResults === undefined ? 100 : Number(input.MaxResults)
    if (!Number.isInteger(size) || size < 1 || size > 100)
      throw this.error('InvalidInput', 'MaxResults must be between 1 and 100.')
    const wanted = filters[0]?.Values?.[0]
    const wantedId = wanted?.slice(wanted.lastIndexOf('/') + 1)
    const items = [...this.services.values()]
      .filter(s => !wantedId || s.namespaceId === wantedId)
      .sort((a, b) => a.id.localeCompare(b.id))
    const page = this.page(
      items,
      s => s.id,
      input.NextToken,
      size,
      `services:${wantedId ?? ''}`,
      () => this.error('InvalidInput', 'The NextToken is not valid.')
    )
    return {
      Services: page.items.map(s => ({
        Id: s.id,
        Name: s.name,
        Arn: `arn:aws:servicediscovery:${this.region}:${ACCOUNT}:service/${s.id}`
      })),
      NextToken: page.nextToken
    }
  }

  /** Every namespace not yet deleted, MaxResults 1–100, pages with NextToken. */
  protected opListNamespaces(input: Record<string, unknown>): unknown {
    const size = input.MaxResults === undefined ? 100 : Number(input.MaxResults)
    if (!Number.isInteger(size) || size < 1 || size > 100)
      throw this.error('InvalidInput', 'MaxResults must be between 1 and 100.')
    const items = [...this.namespaces.values()]
      .filter(ns => this.namespaceStatus(ns) !== 'DELETED')
      .sort((a, b) => a.id.localeCompare(b.id))
    const page = this.page(
      items,
      ns => ns.id,
      input.NextToken,
      size,
      'namespaces',
      () => this.error('InvalidInput', 'The NextToken is not valid.')
    )
    return {
      Namespaces: page.items.map(ns => ({ Id: ns.id, Arn: ns.arn, Name: ns.name, Type: 'HTTP' })),
      NextToken: page.nextToken
    }
  }

  protected opDeleteNamespace(input: Record<string, unknown>): unknown {
    const ref = String(input.Id ?? '')
    const ns = this.namespaces.get(ref.slice(ref.lastIndexOf('/') + 1))
    if (!ns || this.namespaceStatus(ns) === 'DELETED')
      throw this.error('NamespaceNotFound', `Namespace ${ref} not found.`)
    if ([...this.services.values()].some(s => s.namespaceId === ns.id))
      throw this.error(
        'ResourceInUse',
        `Namespace ${ns.id} has associated services. Delete the services first.`
      )
    ns.deletedAt ??= this.now
    const operationId = `op-${this.hex(24)}`
    this.operations.set(operationId, { namespaceId: ns.id, startedAt: this.now })
    return { OperationId: operationId }
  }

  protected opGetOperation(input: Record<string, unknown>): unknown {
    const id = String(input.OperationId ?? '')
    const op = this.operations.get(id)
    if (!op) throw this.error('OperationNotFound', `Operation ${id} not found.`)
    const ns = this.namespaces.get(op.namespaceId)!
    const elapsed = this.now - op.startedAt
    const status =
      this.namespaceStatus(ns) === 'DELETED' ? 'SUCCESS' : elapsed < 1_000 ? 'SUBMITTED' : 'PENDING'
    return { Operation: { Id: id, Type: 'DELETE_NAMESPACE', Status: status, Targets: { NAMESPACE: ns.id } } }
  }

  private hex(n: number): string {
    return (this.seq++).toString(16).padStart(n, '0')
  }
}
