import { newAcceptedRequests, type AcceptedRequests } from '../apply/context.js'
import { Phase, round } from '../apply/index.js'
import { relatedPorts } from '../aws/clients.js'
import type { ServiceSelection } from '../inventory/index.js'
import { lastPartOfArn } from '../util/arn.js'
import type { FindContext } from '../kinds/kind.js'
import type { TeardownPlan } from '../plan.js'
import { PhaseLog } from '../report/phase-log.js'
import { newClusterReport, type ClusterReport } from '../report/report.js'
import type { Settings } from '../settings.js'
import { CancelledError, errorMessage } from '../util/errors.js'
import type { TeardownDeps } from './deps.js'
import { tellOutcome } from './record.js'
import { warmClients, warmServiceClients } from './warm.js'

/** One cluster's run: what its steps (src/teardown/index.ts) share, in one object. */
export interface ClusterRun {
  deps: TeardownDeps
  settings: Settings
  clusterRef: string
  /** Services mode: the services to remove (undefined there when the cluster was not found). */
  selection: ServiceSelection | undefined
  report: ClusterReport
  started: number
  /**
   * The cluster's own signal: aborted by the run's (cancellation) or by a failure in one of its
   * parallel chains, so the others stop instead of running on unobserved.
   */
  controller: AbortController
  /** The live log; its heartbeat tells the waits on the run's clock until the cluster's work stops. */
  phases: PhaseLog
  /** When the run's signal aborted (`at`), if it did. */
  cancelled: { at?: number }
  onRunAbort: () => void
  /** What a dry run lists as known blockers. */
  blockers: string[]
  /** The requests AWS accepted (for the after-stop look). */
  accepted: AcceptedRequests
  /** What the inventory and the kinds read with. */
  ctx: FindContext
  /** Once it is made. */
  plan?: TeardownPlan
}

export function openRun(
  deps: TeardownDeps,
  settings: Settings,
  clusterRef: string,
  selection: ServiceSelection | undefined
): ClusterRun {
  const report = newClusterReport(lastPartOfArn(clusterRef), settings.region)
  const started = deps.clock()
  report.startedAt = new Date(started).toISOString()
  const controller = new AbortController()
  const phases = new PhaseLog(deps.log, report, deps.clock, { sleep: deps.sleep, signal: controller.signal })
  const cancelled: { at?: number } = {}
  const onRunAbort = (): void => {
    cancelled.at = deps.clock()
    controller.abort(new CancelledError())
  }
  if (deps.signal.aborted) onRunAbort()
  else deps.signal.addEventListener('abort', onRunAbort, { once: true })
  const blockers: string[] = []
  const ctx: FindContext = {
    ...deps,
    ...relatedPorts(deps),
    signal: controller.signal,
    waits: phases,
    log: phases.phase(Phase.inventory),
    onClusterFound: () => warmClients(deps, settings),
    onServicesFound: services => warmServiceClients(deps, services),
    ...(settings.dryRun
      ? { onDenied: (error: unknown) => blockers.push(`missing permission: ${errorMessage(error)}`) }
      : {})
  }
  const accepted = newAcceptedRequests()
  return {
    deps,
    settings,
    clusterRef,
    selection,
    report,
    started,
    controller,
    phases,
    cancelled,
    onRunAbort,
    blockers,
    accepted,
    ctx
  }
}

/** Whatever happened: the sweep told, the log's phases closed, the time and the outcome said. */
export async function closeRun(run: ClusterRun): Promise<void> {
  const { deps, report } = run
  deps.sweep?.ended(run.clusterRef, report.message ?? report.outcome)
  deps.signal.removeEventListener('abort', run.onRunAbort)
  await run.phases.finishAll()
  report.seconds = round((deps.clock() - run.started) / 1000)
  tellOutcome(deps.log, report)
}
