import type { SendPort } from '../aws/call.js'
import type { RelatedPorts } from '../aws/clients.js'
import type { AnyKind } from '../kinds/index.js'
import type { Logger } from '../log.js'
import type { SweepNeighbours } from '../kinds/index.js'
import type { Pool } from '../util/pool.js'
import type { Clock, Sleep } from '../util/time.js'

/**
 * What tearing down one cluster needs; all of it injected. The services around the cluster may be
 * left out by a caller that drives ECS alone: what needs them is then skipped, and said.
 */
export interface TeardownDeps extends Partial<RelatedPorts> {
  ecs: SendPort
  cloudformation: SendPort
  /** The run's identity, for the DeleteStack request token. */
  run: { runId?: string; runAttempt?: string; startedAt: number }
  clock: Clock
  sleep: Sleep
  /** The run's signal: aborted when the job is cancelled. */
  signal: AbortSignal
  pool: Pool
  log: Logger
  /** The run's deadline, epoch milliseconds. */
  deadline: number
  /** Every cluster the run removes (a sweep's targets): not read by the look at the other clusters. */
  runClusters?: readonly string[]
  /** A sweep's clusters, users of one another's until they are gone (src/kinds/other-users/sweep.ts). */
  sweep?: SweepNeighbours
  /** The kinds of resource around the cluster to look at and act on; default: every one, KINDS. */
  kinds?: readonly AnyKind[]
}
