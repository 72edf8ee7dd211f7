import type { ApplyContext } from '../apply/context.js'
import type { ClusterInventory } from '../inventory/index.js'
import type { Logger } from '../log.js'
import type { PhaseLog } from '../report/phase-log.js'
import type { ClusterReport, Leftover, RelatedReport } from '../report/report.js'
import type { Settings } from '../settings.js'
import type { StackTarget } from '../stack/find.js'
import { codeDeployKind } from './code-deploy.js'
import { daemonsKind } from './daemons.js'
import { discoveryServicesKind } from './discovery-services.js'
import { expressServicesKind } from './express-services.js'
import { gatewaysKind } from './gateways.js'
import { hostsKind } from './hosts.js'
import { sharedWithNeighbours } from './other-users/index.js'
import type {
  AbsentClusterContext,
  DecideContext,
  FindContext,
  KindCountRow,
  KindHints,
  KindStage,
  KindStep,
  ResourceKind,
  TeardownScope
} from './kind.js'
import { loadBalancersKind } from './load-balancers.js'
import { logGroupsKind } from './log-groups.js'
import { namespacesKind } from './namespaces.js'
import { networkInterfacesKind } from './network-interfaces.js'
import { scaleInProtectionKind } from './scale-in-protection.js'
import { scalableTargetsKind } from './scalable-targets.js'
import { taskDefinitionsKind } from './task-definitions.js'
import { taskProtectionKind } from './task-protection.js'
import { triggersKind } from './triggers/index.js'

/** Who outside the clusters this run removes uses what the kinds may remove (one lookup per teardown). */
export { OtherUsersLookup, SweepNeighbours } from './other-users/index.js'

/** Any kind, its own types forgotten: the pipeline only passes what a kind found back to that kind. */
export type AnyKind = ResourceKind<unknown, unknown>

/**
 * Every kind of resource around the cluster, in the order they act within a stage (and appear in
 * the plan, the report and the summary). Adding a kind: one module in src/kinds/, one line here
 * (docs/development.md, "How to add a kind"). A caller may pass its own list (`kinds` in the
 * teardown's and the run's deps); the default is this one.
 */
export const KINDS: readonly AnyKind[] = [
  // First: a CodeDeploy permission that is missing ends the run before anything else is touched.
  codeDeployKind,
  triggersKind,
  taskProtectionKind,
  daemonsKind,
  scalableTargetsKind,
  loadBalancersKind,
  expressServicesKind,
  gatewaysKind,
  hostsKind,
  // After the hosts: it gives their leftovers protected from scale-in the commands that remove them.
  scaleInProtectionKind,
  networkInterfacesKind,
  logGroupsKind,
  taskDefinitionsKind,
  namespacesKind,
  discoveryServicesKind
]

/** What one kind found, kept with the kind that will decide about it. */
export interface FoundKind {
  kind: AnyKind
  found: unknown
}

/** What one kind decided, kept with the kind that will carry it out. */
export interface PlannedKind {
  kind: AnyKind
  plan: unknown
}

/** The scope of a whole-cluster teardown: everything the inventory found goes. */
export function wholeClusterScope(inventory: ClusterInventory): TeardownScope {
  // Services mode, after an interrupted run: named services already INACTIVE are not waited for,
  // but what was around them is looked at like what is around the others.
  const all = [...inventory.services, ...(inventory.scope?.inactive ?? [])]
  // Express services: what ECS made for them (load balancer, target groups, security groups,
  // scaling, its task definition and log group) goes with DeleteExpressGatewayService (ECS API
  // model); the other kinds never see them, so never delete any of it by hand.
  const express = all.filter(s => s.express)
  const services = all.filter(s => !s.express)
  const expressNames = new Set(express.map(s => s.name))
  const tasks = inventory.tasks.filter(t => !t.serviceName || !expressNames.has(t.serviceName))
  const purged = inventory.scope?.purged ?? []
  return {
    cluster: inventory.cluster,
    services,
    tasks,
    containerInstances: inventory.containerInstances,
    capacityProviders: inventory.capacityProviders,
    taskDefinitions: [
      ...new Set([
        ...services.flatMap(s => s.taskDefinitions ?? []),
        ...tasks.map(t => t.taskDefinitionArn ?? '').filter(Boolean)
      ])
    ],
    wholeCluster: true,
    managedInstancesProviders: inventory.capacityProviders.filter(p => p.managedInstances).map(p => p.name),
    ...(express.length > 0
      ? { expressServices: express, expressTasks: inventory.tasks.filter(t => !tasks.includes(t)) }
      : {}),
    ...(purged.length > 0 ? { purgedServices: purged } : {})
  }
}

/**
 * The scope of a services-mode teardown: the selected services and their tasks go; the cluster
 * stays, with its instances and its other services and tasks (the neighbours).
 */
export function servicesScope(inventory: ClusterInventory): TeardownScope {
  return {
    ...wholeClusterScope(inventory),
    containerInstances: [],
    capacityProviders: [],
    wholeCluster: false,
    neighbours: {
      services: inventory.scope?.neighbours ?? [],
      tasks: inventory.scope?.neighbourTasks ?? []
    }
  }
}

/** Every kind looks, at once; read only, like the rest of the inventory, so a dry run shows all of it. */
export async function findKinds(
  ctx: FindContext,
  scope: TeardownScope,
  settings: Settings,
  kinds: readonly AnyKind[] = KINDS
): Promise<FoundKind[]> {
  return Promise.all(kinds.map(async kind => ({ kind, found: await kind.find(ctx, scope, settings) })))
}

/**
 * An empty `report.related`: every kind's own part (`emptyReport`), put together here so that
 * src/report/ knows none of the kinds.
 */
export function newRelatedReport(kinds: readonly AnyKind[] = KINDS): RelatedReport {
  // Each part is typed by its kind (ReportPart); together they are the whole RelatedReport, as
  // every kind's declaration merged into it (the full-environment report test holds this to the schema).
  const related = { found: {} } as RelatedReport
  for (const kind of kinds) {
    const { found, ...lists } = kind.emptyReport()
    Object.assign(related.found, found)
    Object.assign(related, lists)
  }
  return related
}

/** The kinds' counts in a fresh `report.related`, and their lines in the inventory's log. */
export function recordKindsFound(found: FoundKind[], report: ClusterReport, log: Logger): void {
  report.related = newRelatedReport(found.map(f => f.kind))
  for (const { kind, found: what } of found) kind.recordFound(what, report.related, log)
}

export function planKinds(found: FoundKind[], ctx: DecideContext): PlannedKind[] {
  return found.map(({ kind, found: what }) => ({ kind, plan: kind.decide(what, ctx) }))
}

/** The kinds' plan steps at one stage, in the order of KINDS. */
export function kindSteps(planned: PlannedKind[] | undefined, stage: KindStage): KindStep[] {
  return (planned ?? []).flatMap(({ kind, plan }) => kind.steps(plan).filter(s => s.stage === stage))
}

export function kindNotes(planned: PlannedKind[] | undefined): string[] {
  return (planned ?? []).flatMap(({ kind, plan }) => kind.notes(plan))
}

/** What the core's steps need to know of the kinds' plans (each kind's `hints`), merged. */
export function kindHints(planned: PlannedKind[] | undefined): Required<KindHints> {
  const hints: Required<KindHints> = { drainDelayMs: {}, handlesHosts: false }
  for (const { kind, plan } of planned ?? []) {
    const own = kind.hints?.(plan) ?? {}
    Object.assign(hints.drainDelayMs, own.drainDelayMs)
    if (own.handlesHosts) hints.handlesHosts = true
  }
  return hints
}

/**
 * A stack whose cluster is already gone: what the kinds must do before DeleteStack (each kind's
 * `beforeAbsentClusterStack`, in the order of KINDS); returns the dry run's steps.
 */
export async function beforeAbsentClusterStack(
  kinds: readonly AnyKind[],
  ctx: AbsentClusterContext,
  stack: StackTarget,
  dryRun: boolean
): Promise<{ description: string; resources: string[] }[]> {
  const steps: { description: string; resources: string[] }[] = []
  for (const kind of kinds) steps.push(...((await kind.beforeAbsentClusterStack?.(ctx, stack, dryRun)) ?? []))
  return steps
}

/**
 * Services mode: the scope's task definitions the cluster's other services still run (ARN → those
 * services), which the core reports kept and the stack step counts as used outside the stack.
 */
export function sharedTaskDefinitions(scope: TeardownScope): Map<string, string[]> {
  return sharedWithNeighbours(scope).taskDefinitions
}

/**
 * Runs every kind's work at one stage, one phase each, in the order of KINDS. A phase in which the
 * kind said nothing is not shown.
 */
export async function runKindStage(
  ctx: ApplyContext,
  planned: PlannedKind[] | undefined,
  stage: KindStage,
  phases: PhaseLog
): Promise<void> {
  for (const { kind, plan } of planned ?? []) {
    const action = kind.actions[stage]
    if (!action?.needed(plan)) continue
    phases.startQuietly(action.phase)
    await action.run({ ...ctx, log: phases.phase(action.phase) }, plan)
    await phases.finish(action.phase)
  }
}

/** For a run that stopped early: what the kinds meant to do and the report does not show done. */
export function unfinishedKinds(planned: PlannedKind[] | undefined, report: ClusterReport): Leftover[] {
  return (planned ?? []).flatMap(({ kind, plan }) => kind.unfinished(plan, report))
}

/** The kinds' rows of the summary's table. */
export function kindCountRows(
  report: ClusterReport,
  left: (kind: Leftover['kind']) => number,
  kinds: readonly AnyKind[] = KINDS
): KindCountRow[] {
  const related = report.related
  return related ? kinds.flatMap(kind => kind.countRows(related, left)) : []
}

/** The kinds' lists of what was done, for the summary. */
export function kindDoneLists(
  report: ClusterReport,
  kinds: readonly AnyKind[] = KINDS
): { title: string; items: string[] }[] {
  const related = report.related
  return related ? kinds.flatMap(kind => kind.doneLists(related)) : []
}

/** The console link for a leftover of one of the kinds, if it has one. */
export function kindLink(
  region: string,
  leftover: Leftover,
  kinds: readonly AnyKind[] = KINDS
): string | undefined {
  for (const kind of kinds) {
    const link = kind.links?.[leftover.kind]
    if (link) return link(region, leftover.id)
  }
  return undefined
}
