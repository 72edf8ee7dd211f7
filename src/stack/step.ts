import type { SendPort } from '../aws/call.js'
import { Phase } from '../apply/index.js'
import type { InventoryContext, ClusterInventory } from '../inventory/index.js'
import { sharedTaskDefinitions, type OtherUsersLookup } from '../kinds/index.js'
import type { TeardownScope } from '../kinds/kind.js'
import type { PhaseLog } from '../report/phase-log.js'
import type { ClusterReport } from '../report/report.js'
import type { Settings } from '../settings.js'
import { RefusedError } from '../util/errors.js'
import { removeStacks } from './delete.js'
import { importerSteps } from './exports.js'
import {
  findStack,
  findStackOfServices,
  isStackTarget,
  stackDeleteToken,
  withImporters,
  type StackTarget
} from './find.js'
import { stackRefusal, stackReport } from './refusal.js'
import { judgeOtherClustersUse, outsideCluster, outsideServices } from './owns.js'

/**
 * The stack step of a teardown: finding the stack for delete-stack before anything is touched, and
 * deleting the stack of a cluster that is already gone.
 */

/** What the stack step needs of the run's dependencies. */
export interface StackStepDeps {
  cloudformation: SendPort
  /** The run's identity, for the DeleteStack request token. */
  run: { runId?: string; runAttempt?: string; startedAt: number }
}

/**
 * Finds the stack for delete-stack and checks, before anything is touched, that CloudFormation
 * would accept its deletion. A refusal fails the cluster at once (a dry run lists it as a blocker).
 */
export async function lookUpStack(
  deps: StackStepDeps,
  settings: Settings,
  report: ClusterReport,
  ctx: InventoryContext,
  cluster: { name: string; arn: string; tags: Record<string, string> },
  blockers: string[],
  inventory?: ClusterInventory,
  scope?: TeardownScope,
  /** Whole-cluster mode: who else uses what the importers own (asked only when they own such things). */
  otherUsers?: OtherUsersLookup
): Promise<StackTarget | undefined> {
  const stackCtx = { ...ctx, cloudformation: deps.cloudformation }
  // Services mode: named services already INACTIVE (a re-run) are the selection's too: a stack that
  // owns them goes with them, and they are not "outside" it.
  const services = scope ? [...scope.services, ...(scope.expressServices ?? [])] : (inventory?.services ?? [])
  const outside = inventory?.scope
    ? outsideServices({
        cluster: cluster.name,
        services,
        sharedTaskDefinitions: new Set(scope ? sharedTaskDefinitions(scope).keys() : []),
        sharedTargetGroups: new Set(
          inventory.scope.neighbours.flatMap(s => (s.loadBalancers ?? []).map(lb => lb.targetGroupArn ?? ''))
        )
      })
    : outsideCluster(cluster, services)
  const found = inventory?.scope
    ? await findStackOfServices(stackCtx, cluster, services, settings.stackName, outside)
    : await findStack(stackCtx, cluster, settings.stackName)
  // The stacks that import its exports go first, when they hold nothing else (else a refusal).
  let lookup = isStackTarget(found) ? await withImporters(stackCtx, found, cluster, outside) : found
  // Whole cluster: an importer's revisions, target groups and log groups may be another cluster's.
  if (isStackTarget(lookup) && lookup.importers && !inventory?.scope && otherUsers) {
    lookup = {
      ...lookup,
      importers: await judgeOtherClustersUse(lookup.importers, logGroups =>
        logGroups ? otherUsers.atPlanWithLogGroups(ctx) : otherUsers.atPlan(ctx)
      )
    }
  }
  report.stack = stackReport(lookup)
  const refusal = stackRefusal(lookup)
  if (refusal) {
    if (!settings.dryRun) throw new RefusedError(refusal)
    blockers.push(refusal)
  }
  if (!isStackTarget(lookup)) {
    ctx.log.info(
      `No CloudFormation stack found for cluster ${cluster.name}; looked for ${lookup.searched.join(', ')}`
    )
    return undefined
  }
  ctx.log.info(
    `Found stack ${lookup.name} (${lookup.status}, by ${lookup.foundBy})${lookup.alsoOwns ? '; it owns the selected services' : lookup.ownsCluster ? '; it owns the cluster' : ''}`
  )
  for (const i of lookup.importers ?? [])
    ctx.log.info(`Stack ${i.name} (${i.status}) imports ${i.imports.join(', ')} from ${i.from.join(', ')}`)
  return lookup
}

export async function stackOfAbsentCluster(
  deps: StackStepDeps,
  settings: Settings,
  report: ClusterReport,
  phases: PhaseLog,
  ctx: InventoryContext,
  /**
   * What must be done before the stack can go (what an earlier run left protected from scale-in in
   * its groups); done at once unless a dry run, and its steps are returned for the plan.
   */
  beforeDelete?: (stack: StackTarget) => Promise<{ description: string; resources: string[] }[]>
): Promise<void> {
  const blockers: string[] = []
  const stack = await lookUpStack(
    deps,
    settings,
    report,
    ctx,
    { name: report.name, arn: report.arn, tags: {} },
    blockers
  )
  if (!stack) return
  const before = (await beforeDelete?.(stack)) ?? []
  if (settings.dryRun) {
    report.outcome = 'dry-run'
    report.plan = {
      steps: [
        ...before,
        ...importerSteps(stack),
        { description: `Delete stack ${stack.name}; wait until DELETE_COMPLETE`, resources: [stack.name] }
      ].map(({ description, resources }) => ({ description, resources })),
      blockers
    }
    return
  }
  const log = phases.phase(Phase.deleteStack)
  await removeStacks(
    {
      ...ctx,
      log,
      cloudformation: deps.cloudformation,
      stackToken: (id: string) => stackDeleteToken(id, deps.run),
      report,
      pollIntervalMs: settings.pollIntervalMs
    },
    stack
  )
  report.message = `Cluster ${report.name} was already deleted; its stack ${stack.name} is now deleted too.`
}
