import type { ClusterReport } from './report.js'

/**
 * The run's timeline as Mermaid `gantt` charts, which GitHub renders in a job summary from a
 * ```mermaid fenced block (no HTML: GitHub strips what a diagram would need of it). Times are the
 * real moments (`dateFormat x`: epoch milliseconds), so every chart of a run shares one axis, shown
 * as the time of day in the reader's browser.
 */

/** Clusters of a sweep that get a chart of their phases; the others keep their "Time by phase" line. */
export const PHASE_CHARTS = 30
/** Clusters of a sweep shown as bars of the overview chart; the rest are counted under it. */
const CLUSTER_BARS = 100

const FAILED: ReadonlySet<ClusterReport['outcome']> = new Set(['failed', 'cancelled', 'timed-out'])

/**
 * Words that open a statement of a gantt chart when they start a line (Mermaid's gantt lexer,
 * node_modules/mermaid ganttDiagram: `call\s`, `click\s`, `accDescription\s`… are statements, so a
 * cluster named `call` would end the chart in a parse error).
 */
const KEYWORDS =
  /^(title|section|dateformat|axisformat|tickinterval|todaymarker|excludes|includes|weekday|weekend|inclusiveenddates|topaxis|displaymode|acctitle|accdescr\w*|click|call|href|gantt)\b/i

/**
 * A name as Mermaid's gantt grammar reads it: a task's name ends at the first colon, `;` and `#`
 * start a new statement and an entity, `%%` a comment; only letters, digits and plain punctuation
 * are kept, the rest becomes a space. A name that would read as a keyword is marked.
 */
function ganttText(text: string): string {
  const plain = text
    .replace(/[^\p{L}\p{N} _.,()/+'-]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  if (!plain) return '-'
  return KEYWORDS.test(plain) ? `• ${plain}` : plain
}

function chart(body: string[]): string[] {
  return [
    '',
    '```mermaid',
    'gantt',
    '    dateFormat x',
    '    axisFormat %H:%M:%S',
    '    todayMarker off',
    ...body.map(line => `    ${line}`),
    '```'
  ]
}

function startOf(c: ClusterReport): number | undefined {
  const at = c.startedAt ? Date.parse(c.startedAt) : NaN
  return Number.isFinite(at) ? at : undefined
}

/** A chart of one cluster's phases on the run's time axis, and its end when it failed. */
export function clusterTimeline(c: ClusterReport): string[] {
  const origin = startOf(c)
  const phases = c.phases.filter(p => p.start !== undefined)
  if (origin === undefined || phases.length === 0) return []
  const body = [`section ${ganttText(c.name)}`]
  for (const p of phases) {
    const start = origin + Math.round(p.start! * 1000)
    body.push(`${ganttText(p.name)} :${start}, ${start + Math.round(p.seconds * 1000)}`)
  }
  if (FAILED.has(c.outcome)) {
    const end = origin + Math.round(c.seconds * 1000)
    body.push(`${c.outcome} :crit, milestone, ${end}, ${end}`)
  }
  return chart(body)
}

/** A sweep's overview: one bar per cluster (a failed one in red), the first CLUSTER_BARS of them. */
export function sweepTimeline(clusters: readonly ClusterReport[]): string[] {
  const timed = clusters.filter(c => startOf(c) !== undefined)
  if (timed.length < 2) return []
  const shown = timed.slice(0, CLUSTER_BARS)
  const body = ['section clusters']
  for (const c of shown) {
    const start = startOf(c)!
    const tag = FAILED.has(c.outcome) ? 'crit, ' : ''
    body.push(`${ganttText(c.name)} :${tag}${start}, ${start + Math.round(c.seconds * 1000)}`)
  }
  const out = chart(body)
  if (timed.length > shown.length)
    out.push('', `… and ${timed.length - shown.length} more clusters (see the \`report\` output)`)
  return out
}
