import type { ClusterInventory, InventoryResult, ServiceSelection } from '../inventory/index.js'
import { kindNotes, sharedTaskDefinitions } from '../kinds/index.js'
import type { TeardownScope } from '../kinds/kind.js'
import type { Logger } from '../log.js'
import type { TeardownPlan } from '../plan.js'
import { SUCCESSFUL_OUTCOMES, type ClusterReport } from '../report/report.js'
import { lastPartOfArn } from '../util/arn.js'
import { count } from '../util/text.js'

/** The report's bookkeeping of one cluster's run: what was found, selected, planned and done. */

/** The cluster is not there (or INACTIVE): nothing to remove. */
export function recordAbsent(
  report: ClusterReport,
  result: Extract<InventoryResult, { state: 'absent' }>,
  servicesMode: boolean
): void {
  report.outcome = 'absent'
  if (result.arn) report.arn = result.arn
  report.message = servicesMode
    ? `Cluster ${report.name} is ${result.reason}, and its services with it: nothing to remove.`
    : `Cluster ${report.name} is ${result.reason}: nothing to remove.`
}

export function recordInventory(report: ClusterReport, inventory: ClusterInventory, log: Logger): void {
  report.name = inventory.cluster.name
  report.arn = inventory.cluster.arn
  report.found = {
    services: inventory.services.length,
    tasks: inventory.tasks.length,
    containerInstances: inventory.containerInstances.length,
    capacityProviders: inventory.capacityProviders.length
  }
  log.info(
    `Found ${inventory.services.length} service(s), ${inventory.tasks.length} task(s) not yet stopped, ` +
      `${inventory.containerInstances.length} container instance(s), ${inventory.capacityProviders.length} capacity provider(s)`
  )
}

/** Services mode: what was selected, and what is kept because it is shared. */
export function recordScope(
  report: ClusterReport,
  inventory: ClusterInventory,
  selection?: ServiceSelection,
  scope?: TeardownScope
): void {
  const shared = scope ? sharedTaskDefinitions(scope) : new Map<string, string[]>()
  const selected = inventory.scope!
  const others = selected.neighbourTasks.length
  report.scope = {
    selected: (selection?.selected ?? inventory.services).map(s => s.name),
    absent: selected.absent,
    skipped: selected.skipped,
    kept: [
      {
        kind: 'cluster',
        id: inventory.cluster.name,
        reason: `kept (services mode): its ${count(selected.neighbours.length, 'other service')}, ${count(others, 'other task')} (of other services or standalone), ${count(inventory.cluster.containerInstanceCount ?? 0, 'container instance')} and ${count(inventory.cluster.capacityProviders.length, 'capacity provider')} are not touched`
      },
      ...selected.neighbours.map(s => ({
        kind: 'service' as const,
        id: s.name,
        reason: 'not selected: never touched'
      })),
      ...[...shared].map(([arn, users]) => ({
        kind: 'task-definition' as const,
        id: lastPartOfArn(arn),
        reason: `shared: ${users.join(', ')} also use(s) it`
      }))
    ]
  }
}

/** Services mode: no selected service is left to remove, and nothing around them either. */
export function recordNothingSelected(
  report: ClusterReport,
  inventory: ClusterInventory,
  selection: ServiceSelection | undefined,
  log: Logger
): void {
  recordScope(report, inventory, selection)
  report.arn = inventory.cluster.arn
  report.outcome =
    inventory.scope!.skipped.length > 0 && inventory.scope!.absent.length === 0 ? 'skipped' : 'absent'
  report.message = nothingSelected(inventory)
  log.info(report.message)
}

function nothingSelected(inventory: ClusterInventory): string {
  const scope = inventory.scope!
  const parts = [
    ...(scope.absent.length > 0 ? [`already gone: ${scope.absent.join(', ')}`] : []),
    ...(scope.skipped.length > 0
      ? [`skipped: ${scope.skipped.map(s => `${s.name} (${s.reason})`).join('; ')}`]
      : [])
  ]
  return `No service of cluster ${inventory.cluster.name} to remove${parts.length ? ` (${parts.join('; ')})` : ': no service matches'}; cluster kept.`
}

/** What the plan already knows will not go as a person might expect. */
export function knownBlockers(plan: TeardownPlan): string[] {
  return [
    ...plan.capacityProviders
      .filter(d => !d.delete && !d.provider.reserved)
      .map(d => `capacity provider ${d.provider.name} will be detached but not deleted: ${d.keepReason}`),
    ...kindNotes(plan.kinds)
  ]
}

/** A dry run's result: the plan's steps and the known blockers, nothing changed. */
export function recordDryRun(report: ClusterReport, plan: TeardownPlan, blockers: string[]): void {
  report.outcome = 'dry-run'
  report.plan = {
    steps: plan.steps.map(s => ({ description: s.description, resources: s.resources })),
    blockers
  }
  report.message = `Dry run: ${plan.steps.length} step(s) planned, nothing changed.${blockers.length ? ` ${blockers.length} known blocker(s).` : ''}`
}

/** The plan carried out: the services (services mode) or the whole cluster are gone. */
export function recordRemoved(report: ClusterReport, plan: TeardownPlan): void {
  if (plan.scope) {
    report.outcome = 'services-removed'
    report.message =
      plan.services.length > 0
        ? `Services ${plan.services.map(s => s.service.name).join(', ')} and what belonged only to them were removed; cluster ${report.name} kept, with its ${count(plan.scope.neighbours.length, 'other service')}.`
        : `Services ${plan.scope.absent.join(', ')} were already gone; what was left around them was looked after; cluster ${report.name} kept, with its ${count(plan.scope.neighbours.length, 'other service')}.`
  } else {
    report.outcome = 'deleted'
    report.message = `Cluster ${report.name} and everything in it were removed.`
  }
}

/** One line per cluster outcome, plus a warning annotation for everything left behind. */
export function tellOutcome(log: Logger, report: ClusterReport): void {
  const line = `Cluster ${report.name}: ${report.outcome}. ${report.message ?? ''}`.trim()
  if (SUCCESSFUL_OUTCOMES.has(report.outcome)) log.info(line)
  for (const left of report.leftovers) {
    if (left.kind === 'cluster') continue
    log.warning(`${report.name}: ${left.kind} ${left.id} left behind: ${left.reason}`)
  }
}
