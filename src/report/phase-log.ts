import type { Logger } from '../log.js'
import type { ClusterReport } from './report.js'

/** Most lines of one phase kept in the report and the summary; the log gets them all. */
const REPORT_LINES_PER_PHASE = 100

/**
 * One log group per phase. Phases overlap (services drain while standalone tasks stop), and a
 * group in the runner's log cannot, so each phase's lines are kept and printed as one group when
 * the phase ends, in the order the phases end. The same lines go into the report, so the summary
 * tells the story in the same words as the log. Warnings and errors are not held back: they are
 * annotations and show at once.
 */
export class PhaseLog {
  private readonly open = new Map<string, { started: number; lines: string[] }>()
  /** Phases begun quietly: when each began, until its first line makes it a phase of its own. */
  private readonly quiet = new Map<string, number>()

  constructor(
    private readonly log: Logger,
    private readonly report: ClusterReport,
    private readonly clock: () => number
  ) {}

  /** Starts a phase now (a phase also starts by itself with its first line). */
  start(name: string): void {
    if (!this.open.has(name) && !this.report.phases.some(p => p.name === name)) {
      this.open.set(name, { started: this.quiet.get(name) ?? this.clock(), lines: [] })
      this.quiet.delete(name)
    }
  }

  /**
   * Begins a phase that is shown only if it says something: its time counts from now, but a phase
   * with no line (a kind with nothing to report, src/kinds/) leaves no trace.
   */
  startQuietly(name: string): void {
    if (!this.open.has(name) && !this.quiet.has(name)) this.quiet.set(name, this.clock())
  }

  /** A logger for one phase. */
  phase(name: string): Logger {
    const parent = this.log
    const push = (line: string): void => {
      this.start(name)
      this.open.get(name)?.lines.push(line)
    }
    return {
      info: message => push(message),
      warning: message => {
        push(`warning: ${message}`)
        parent.warning(message)
      },
      error: message => {
        push(`error: ${message}`)
        parent.error(message)
      },
      debug: message => parent.debug(message),
      group: (_name, work) => work()
    }
  }

  /** Ends a phase: its time goes into the report, its lines into the log as one group. */
  async finish(name: string): Promise<void> {
    this.quiet.delete(name)
    const phase = this.open.get(name)
    if (!phase) return
    this.open.delete(name)
    const seconds = Math.round((this.clock() - phase.started) / 100) / 10
    const kept = phase.lines.slice(0, REPORT_LINES_PER_PHASE)
    if (phase.lines.length > kept.length)
      kept.push(`… and ${phase.lines.length - kept.length} more lines in the log`)
    this.report.phases.push({ name, seconds, log: kept })
    const title = `${this.report.name}: ${name} (${seconds.toFixed(1)} s)`
    await this.log.group(title, async () => {
      for (const line of phase.lines.length > 0 ? phase.lines : ['nothing to do']) this.log.info(line)
    })
  }

  /** Ends every phase still open: after a failure or a cancellation, what was done is still told. */
  async finishAll(): Promise<void> {
    for (const name of [...this.open.keys()]) await this.finish(name)
  }
}
