import type { ClusterInventory } from '../inventory/index.js'
import type { TeardownPlan } from '../plan.js'
import type { ClusterReport, Leftover } from './report.js'

/** What the plan meant to remove and the report does not show removed: no AWS call needed. */
export function leftoversFromPlan(plan: TeardownPlan, report: ClusterReport): Leftover[] {
  // Removed by this run, or by someone else before it (reported as such, not as left).
  const goneBefore = new Set((report.goneBefore ?? []).map(g => `${g.kind}:${g.id}`))
  const removedServices = new Set(report.services.map(s => s.arn))
  const stoppedTasks = new Set(report.tasks.map(t => t.arn))
  const deregistered = new Set(report.containerInstances.map(c => c.arn))
  const left: Leftover[] = []
  for (const { service } of plan.services) {
    if (!removedServices.has(service.arn) && !goneBefore.has(`service:${service.name}`))
      left.push({ kind: 'service', id: service.name, reason: 'not confirmed deleted' })
  }
  for (const task of [...plan.services.flatMap(s => s.tasks), ...plan.standaloneTasks]) {
    if (!stoppedTasks.has(task.arn) && !goneBefore.has(`task:${task.id}`))
      left.push({ kind: 'task', id: task.id, reason: `not confirmed stopped (${task.group})`, billing: true })
  }
  for (const ci of plan.containerInstances) {
    if (!deregistered.has(ci.arn))
      left.push({ kind: 'container-instance', id: ci.id, reason: 'not deregistered' })
  }
  // A provider the plan deletes and the run did not (a Managed Instances one keeps its instances running).
  const deletedProviders = new Set(
    report.capacityProviders.filter(p => p.action === 'deleted').map(p => p.name)
  )
  for (const { provider } of plan.capacityProviders.filter(d => d.delete)) {
    if (deletedProviders.has(provider.name)) continue
    if (report.leftovers.some(l => l.kind === 'capacity-provider' && l.id === provider.name)) continue
    const machines = provider.instances?.length ?? 0
    left.push({
      kind: 'capacity-provider',
      id: provider.name,
      reason: provider.managedInstances
        ? `not deleted: an ECS Managed Instances provider${machines > 0 ? ` whose ${machines} instance(s) keep running` : ''}; delete it with aws ecs delete-capacity-provider --capacity-provider ${provider.name} --cluster ${plan.clusterName}`
        : `not deleted; delete it with aws ecs delete-capacity-provider --capacity-provider ${provider.name}`,
      ...(provider.managedInstances && machines > 0 ? { billing: true } : {})
    })
  }
  // Services mode keeps the cluster: it is not a leftover.
  if (!plan.scope) left.push({ kind: 'cluster', id: plan.clusterName, reason: 'not deleted' })
  // A stack the run meant to delete and did not (the importers of its exports first): a cancelled
  // run must not let it vanish from the report.
  const stacks = plan.stack ? [...(plan.stack.importers ?? []), plan.stack] : []
  for (const stack of stacks) {
    const seen =
      stack === plan.stack ? report.stack : report.stack?.importers?.find(i => i.name === stack.name)
    if (seen?.deleted || report.leftovers.some(l => l.kind === 'stack' && l.id === stack.name)) continue
    left.push({ kind: 'stack', id: stack.name, reason: `not deleted (${seen?.status ?? stack.status})` })
  }
  return left
}

/** What a fresh look at the cluster found still there. */
export function leftoversFromInventory(inventory: ClusterInventory): Leftover[] {
  return [
    ...inventory.services.map(s => ({ kind: 'service' as const, id: s.name, reason: `still ${s.status}` })),
    ...inventory.tasks.map(t => ({
      kind: 'task' as const,
      id: t.id,
      reason: `still ${t.lastStatus} (${t.group})`,
      billing: true
    })),
    ...inventory.containerInstances.map(ci => ({
      kind: 'container-instance' as const,
      id: ci.id,
      reason: `still registered${ci.runningTasksCount > 0 ? ` with ${ci.runningTasksCount} task(s)` : ''}`
    })),
    ...(inventory.scope
      ? []
      : [
          {
            kind: 'cluster' as const,
            id: inventory.cluster.name,
            reason: `still ${inventory.cluster.status}`
          }
        ])
  ]
}

/** One line that lists what is left, for the failure message. */
export function describeLeftovers(leftovers: Leftover[]): string {
  const byKind = new Map<string, string[]>()
  for (const l of leftovers)
    if (l.kind !== 'ec2-instance') byKind.set(l.kind, [...(byKind.get(l.kind) ?? []), l.id])
  return [...byKind]
    .map(
      ([kind, ids]) =>
        `${kind}s: ${ids.slice(0, 5).join(', ')}${ids.length > 5 ? ` and ${ids.length - 5} more` : ''}`
    )
    .join('; ')
}
