import { sdk } from '../aws/sdk.js'
import type { ApplyContext } from '../apply/context.js'
import { callAws } from '../aws/call.js'
import { isAvailable } from '../aws/clients.js'
import { code } from '../report/html.js'
import {
  discoveryServiceKeepReason,
  type OtherUsersCheck,
  type OtherUsersLookup
} from './other-users/index.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import { count, relatedReport, removedListSummary, type ResourceKind, type ReportPart } from './kind.js'
import { lastPartOfArn } from '../util/arn.js'
import {
  keepOne,
  keptNotes,
  notDone,
  removeUnlessOthersUse,
  reportKept,
  type Decision
} from './bookkeeping.js'

// Its part of the report (docs/report.md), declared here: report.ts knows none of the kinds. Both
// are optional: reports from before this kind existed have neither.
declare module '../report/report.js' {
  interface RelatedReport {
    /** Cloud Map service-discovery services deleted (ECS leaves them): ARNs. */
    discoveryServices?: { arn: string; action: 'deleted' }[]
  }
  interface RelatedFound {
    /** Cloud Map services the services registered their tasks in (`serviceRegistries`). */
    discoveryServices?: number
  }
  interface KindLeftovers {
    'discovery-service': true
  }
}

/**
 * The Cloud Map service-discovery services the services being removed register their tasks in
 * (`serviceRegistries`). ECS deregisters a task's instance when the task stops, but never deletes
 * the Cloud Map service. Found from the registries the inventory read; each is deleted once the
 * services are gone, unless another service still registers in it (of the cluster, or of any other
 * cluster of the Region: one at desired count 0 has no instance registered and still needs it),
 * another user cannot be ruled out (the other clusters could not all be read), or an instance is
 * still registered in it (someone else's).
 */

export interface DiscoveryService {
  /** The registry ARN, `arn:…:servicediscovery:REGION:ACCOUNT:service/srv-…`. */
  arn: string
  id: string
  /** The services being removed that register in it. */
  usedBy: string[]
}

export interface DiscoveryDecision extends Decision {
  service: DiscoveryService
}

export interface DiscoveryServicesPlan {
  decisions: DiscoveryDecision[]
  /** Asked again right before deleting: a neighbour may have started registering in one meanwhile. */
  otherUsers?: OtherUsersLookup
}

/** The Cloud Map services, and who outside the run's clusters registers in them. */
export interface DiscoveryServicesFound {
  services: DiscoveryService[]
  /** Absent when no other cluster could be looked at (then every one is kept). */
  others?: OtherUsersCheck
  lookup?: OtherUsersLookup
}

export const discoveryServicesKind: ResourceKind<DiscoveryServicesFound, DiscoveryServicesPlan> = {
  name: 'Cloud Map services',
  emptyReport: (): ReportPart => ({ found: {} }),

  async find(ctx, scope) {
    const byArn = new Map<string, DiscoveryService>()
    for (const service of scope.services) {
      for (const arn of service.serviceRegistries ?? []) {
        const entry = byArn.get(arn) ?? { arn, id: lastPartOfArn(arn), usedBy: [] }
        entry.usedBy.push(service.name)
        byArn.set(arn, entry)
      }
    }
    const services = [...byArn.values()]
    // The other clusters are read only when there is something to delete: no cost otherwise.
    if (services.length === 0 || !ctx.otherUsers) return { services }
    return { services, others: await ctx.otherUsers.atPlan(ctx), lookup: ctx.otherUsers }
  },

  recordFound(found, report) {
    report.found.discoveryServices = found.services.length
  },

  decide(found, { scope }) {
    const neighbours = scope.neighbours?.services ?? []
    return {
      decisions: found.services.map(service => {
        const users = neighbours
          .filter(o => (o.serviceRegistries ?? []).includes(service.arn))
          .map(o => o.name)
        if (users.length > 0)
          return { service, delete: false, keepReason: `service ${users.join(', ')} also register(s) in it` }
        const elsewhere = discoveryServiceKeepReason(service.arn, found.others)
        return elsewhere ? { service, delete: false, keepReason: elsewhere } : { service, delete: true }
      }),
      ...(found.lookup ? { otherUsers: found.lookup } : {})
    }
  },

  steps(plan) {
    const deleted = plan.decisions.filter(d => d.delete)
    if (deleted.length === 0) return []
    return [
      {
        stage: 'after-services',
        phase: 'delete-discovery-services',
        description: `Delete ${count(deleted.length, 'Cloud Map service')} the services registered their tasks in, once no instance is left in it`,
        resources: deleted.map(d => d.service.id)
      }
    ]
  },

  notes: plan => keptNotes(plan.decisions, d => `Cloud Map service ${d.service.id}`),

  actions: {
    'after-services': removeUnlessOthersUse({
      phase: 'Cloud Map services',
      noun: 'Cloud Map service',
      keepReason: (d: DiscoveryDecision, fresh) => discoveryServiceKeepReason(d.service.arn, fresh),
      remove: deleteDiscoveryServices
    })
  },

  unfinished(plan, report) {
    const done = report.related?.discoveryServices ?? []
    return notDone(
      plan.decisions.filter(d => d.delete),
      d => done.some(s => s.arn === d.service.arn),
      { kind: 'discovery-service', id: d => d.service.id }
    )
  },

  ...removedListSummary({
    label: 'Cloud Map services',
    title: 'Cloud Map services deleted',
    leftoverKind: 'discovery-service',
    found: r => r.found.discoveryServices,
    removed: r => r.discoveryServices,
    item: s => code(s.arn)
  })
}

async function deleteDiscoveryServices(ctx: ApplyContext, decisions: DiscoveryDecision[]): Promise<void> {
  reportKept(ctx, 'discovery-service', decisions, d => d.service.id)
  await Promise.all(decisions.filter(d => d.delete).map(d => deleteDiscoveryService(ctx, d.service)))
}

async function deleteDiscoveryService(ctx: ApplyContext, service: DiscoveryService): Promise<void> {
  const keep = (reason: string): void =>
    keepOne(
      ctx,
      { kind: 'discovery-service', id: service.id, what: `Cloud Map service ${service.id}` },
      reason
    )
  if (!isAvailable(ctx.servicediscovery)) return keep('Cloud Map is not available to this run')
  try {
    // The services are INACTIVE: ECS has deregistered their tasks' instances. One still there is
    // someone else's, and deleting would cut it off.
    const out = await callAws(
      ctx,
      ctx.servicediscovery,
      new (await sdk.servicediscovery()).ListInstancesCommand({ ServiceId: service.id })
    )
    const left = out.Instances ?? []
    if (left.length > 0)
      return keep(
        `${count(left.length, 'instance')} still registered in it (${left
          .slice(0, 5)
          .map(i => i.Id)
          .join(', ')}), not by the services removed`
      )
    await callAws(
      ctx,
      ctx.servicediscovery,
      new (await sdk.servicediscovery()).DeleteServiceCommand({ Id: service.id })
    )
  } catch (error) {
    if (isAwsError(error, 'ServiceNotFound')) {
      ctx.log.info(`Cloud Map service ${service.id} is already deleted`)
      return
    }
    if (isAwsError(error, 'ResourceInUse')) return keep(`Cloud Map refused: ${errorMessage(error)}`)
    throw error
  }
  relatedReport(ctx.report).discoveryServices = [
    ...(relatedReport(ctx.report).discoveryServices ?? []),
    { arn: service.arn, action: 'deleted' }
  ]
  ctx.log.info(`Deleted Cloud Map service ${service.id} (ECS leaves it when it deletes the service)`)
}
