import type { ClusterInventory } from '../inventory.js'
import type { TeardownPlan } from '../plan.js'
import type { ClusterReport, Leftover } from './report.js'

/** What the plan meant to remove and the report does not show removed: no AWS call needed. */
export function leftoversFromPlan(plan: TeardownPlan, report: ClusterReport): Leftover[] {
  const removedServices = new Set(report.services.map(s => s.arn))
  const stoppedTasks = new Set(report.tasks.map(t => t.arn))
  const deregistered = new Set(report.containerInstances.map(c => c.arn))
  const left: Leftover[] = []
  for (const { service } of plan.services) {
    if (!removedServices.has(service.arn))
      left.push({ kind: 'service', id: service.name, reason: 'not confirmed deleted' })
  }
  for (const task of [...plan.services.flatMap(s => s.tasks), ...plan.standaloneTasks]) {
    if (!stoppedTasks.has(task.arn))
      left.push({ kind: 'task', id: task.id, reason: `not confirmed stopped (${task.group})`, billing: true })
  }
  for (const ci of plan.containerInstances) {
    if (!deregistered.has(ci.arn))
      left.push({ kind: 'container-instance', id: ci.id, reason: 'not deregistered' })
  }
  // Services mode keeps the cluster: it is not a leftover.
  if (!plan.scope) left.push({ kind: 'cluster', id: plan.clusterName, reason: 'not deleted' })
  // A stack the run meant to delete and did not: a cancelled run must not let it vanish from the report.
  if (plan.stack && !report.stack?.deleted && !report.leftovers.some(l => l.kind === 'stack')) {
    left.push({
      kind: 'stack',
      id: plan.stack.name,
      reason: `not deleted (${report.stack?.status ?? plan.stack.status})`
    })
  }
  return left
}

/**
 * What the plan meant to do around the cluster and the report does not show done, for a run that
 * stopped early (failure or cancellation). Anything already reported as a leftover is not repeated.
 */
export function relatedLeftoversFromPlan(plan: TeardownPlan, report: ClusterReport): Leftover[] {
  const related = plan.related
  if (!related) return []
  const done = report.related
  const reported = new Set(report.leftovers.map(l => `${l.kind}:${l.id}`))
  const left: Leftover[] = []
  const add = (l: Leftover): void => {
    if (reported.has(`${l.kind}:${l.id}`)) return
    reported.add(`${l.kind}:${l.id}`)
    left.push(l)
  }
  for (const t of related.triggers) {
    if (!done?.triggers.some(d => d.rule === t.rule))
      add({
        kind: 'trigger',
        id: t.rule,
        reason: 'may still start tasks on this cluster: not changed before the run stopped'
      })
  }
  for (const d of related.hosts) {
    const handled = done?.instances.some(i => i.id === d.host.instanceId)
    if (handled) continue
    if (d.action === 'terminate')
      add({
        kind: 'ec2-instance',
        id: d.host.instanceId,
        reason: 'still running and billing: not terminated before the run stopped',
        billing: true
      })
    else if (d.action === 'with-stack')
      add({
        kind: 'ec2-instance',
        id: d.host.instanceId,
        reason: `still running and billing: owned by ${d.owner}, which was not deleted before the run stopped`,
        billing: true
      })
    else if (d.action === 'deregister-ssm')
      add({
        kind: 'ssm-instance',
        id: d.host.instanceId,
        reason: 'still registered with Systems Manager: not deregistered before the run stopped'
      })
  }
  for (const d of related.logGroups.filter(d => d.delete)) {
    if (!done?.logGroups.some(g => g.name === d.group.name))
      add({
        kind: 'log-group',
        id: d.group.name,
        reason: 'not deleted before the run stopped',
        billing: true
      })
  }
  if (related.deregisterTaskDefinitions) {
    for (const f of related.taskDefinitions) {
      if (!done?.taskDefinitions.some(t => t.family === f.family))
        add({
          kind: 'task-definition',
          id: f.family,
          reason: 'still ACTIVE: not deregistered before the run stopped'
        })
    }
  }
  for (const d of related.namespaces.filter(d => d.delete)) {
    if (!done?.namespaces.some(n => n.ref === d.namespace.ref))
      add({ kind: 'namespace', id: d.namespace.ref, reason: 'not deleted before the run stopped' })
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
