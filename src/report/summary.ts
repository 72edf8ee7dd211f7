import { code, escapeHtml, link } from './html.js'
import { KINDS, kindCountRows, kindDoneLists, kindLink, type AnyKind } from '../kinds/index.js'
import { consoleLinks } from './links.js'
import { clusterTimeline, PHASE_CHARTS, sweepTimeline } from './timeline.js'
import type { ClusterReport, Leftover, Report } from './report.js'

export { escapeHtml }

/** The runner rejects a step summary over 1 MiB; stay well under it. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024
/** Longest list shown in full; the rest is counted. */
const LIST_LIMIT = 200
/** Most task IDs shown for one service or starter. */
const TASKS_PER_GROUP = 50

const OUTCOME_TEXT: Record<ClusterReport['outcome'], string> = {
  deleted: '✅ removed',
  'services-removed': '✅ services removed, cluster kept',
  absent: '➖ already absent',
  failed: '❌ failed',
  cancelled: '⛔ cancelled',
  'timed-out': '⏱️ timed out',
  'dry-run': '📝 dry run',
  skipped: '⏭️ skipped'
}

/**
 * Report → the job summary (Markdown with HTML details), under the runner's size limit. `kinds`:
 * the kinds around the cluster the run used (their rows, lists and links).
 */
export function renderSummary(report: Report, kinds: readonly AnyKind[] = KINDS): string {
  const parts: string[] = []
  parts.push(report.dryRun ? '## ECS teardown — DRY RUN: nothing was changed' : '## ECS teardown')
  parts.push('', ...renderOutcomeTable(report.clusters))
  // A sweep's clusters side by side on one time axis.
  parts.push(...sweepTimeline(report.clusters))
  report.clusters.forEach((c, i) => parts.push('', ...renderCluster(c, kinds, i < PHASE_CHARTS)))
  return fitToBudget(parts.join('\n') + '\n')
}

/** The summary's first table: each cluster's outcome (the pull request comment shows it too). */
export function renderOutcomeTable(clusters: readonly ClusterReport[]): string[] {
  return [
    '| Cluster | Region | Outcome | Duration |',
    '| --- | --- | --- | --- |',
    ...clusters.map(
      c =>
        `| ${escapeHtml(c.name)} | ${escapeHtml(c.region)} | ${OUTCOME_TEXT[c.outcome]} | ${c.seconds.toFixed(1)} s |`
    )
  ]
}

/** `chart`: with the chart of its phases (the first PHASE_CHARTS clusters of a sweep have one). */
function renderCluster(c: ClusterReport, kinds: readonly AnyKind[], chart: boolean): string[] {
  const out: string[] = [`### ${escapeHtml(c.name)}: ${OUTCOME_TEXT[c.outcome]}`]
  if (c.message) out.push('', escapeHtml(c.message))
  if (c.plan) out.push(...renderPlan(c))
  // No table when the cluster was never read (absent, or a failure before the inventory).
  out.push(...renderScope(c))
  if (c.outcome === 'absent' || c.outcome === 'skipped' || !c.arn) return out
  out.push(...renderCounts(c, kinds))
  out.push(...renderLeftovers(c, kinds))
  out.push(...renderKept(c))
  if (c.outcome !== 'dry-run') out.push(...renderRemoved(c, kinds))
  out.push(...renderPhases(c, chart))
  return out
}

function renderPlan(c: ClusterReport): string[] {
  const plan = c.plan!
  const out = ['', '#### Steps the run would take, in order', '']
  plan.steps.forEach((step, i) => {
    out.push(`${i + 1}. ${escapeHtml(step.description)}`)
    if (step.resources.length > 0) {
      const shown = step.resources.slice(0, LIST_LIMIT).map(code).join(', ')
      const more = step.resources.length > LIST_LIMIT ? ` and ${step.resources.length - LIST_LIMIT} more` : ''
      out.push(`   <details><summary>${step.resources.length} resource(s)</summary>${shown}${more}</details>`)
    }
  })
  if (plan.blockers.length > 0) {
    out.push('', '#### 🚧 Known to block or to be kept', '', ...listItems(plan.blockers.map(escapeHtml)))
  }
  return out
}

function renderCounts(c: ClusterReport, kinds: readonly AnyKind[]): string[] {
  const left = (kind: Leftover['kind']): number => c.leftovers.filter(l => l.kind === kind).length
  const removed = (n: number): string => (c.outcome === 'dry-run' ? '—' : String(n))
  const rows = [
    '',
    '| Resource | Found | Removed | Left |',
    '| --- | ---: | ---: | ---: |',
    `| Services | ${c.found.services} | ${removed(c.services.length)} | ${left('service')} |`,
    `| Tasks | ${c.found.tasks} | ${removed(c.tasks.length)} | ${left('task')} |`,
    // Services mode does not touch the cluster's instances and capacity providers: no rows for them.
    ...(c.scope
      ? []
      : [
          `| Container instances | ${c.found.containerInstances} | ${removed(c.containerInstances.length)} | ${left('container-instance')} |`,
          `| Capacity providers | ${c.found.capacityProviders} | ${removed(c.capacityProviders.filter(p => p.action === 'deleted').length)} deleted, ${removed(c.capacityProviders.filter(p => !p.managedInstances).length)} detached | ${left('capacity-provider')} |`
        ])
  ]
  if (c.stack) {
    // The stack, and the stacks that import its exports (deleted before it).
    const stacks = [c.stack, ...(c.stack.importers ?? [])]
    const found = stacks.filter(s => s.status !== 'NOT_FOUND').length
    rows.push(
      `| CloudFormation stack | ${found} | ${removed(stacks.filter(s => s.deleted).length)} | ${left('stack')} |`
    )
  }
  for (const row of kindCountRows(c, left, kinds))
    rows.push(`| ${row.label} | ${row.found} | ${removed(row.removed)} | ${left(row.leftoverKind)} |`)
  return rows
}

function leftoverLink(c: ClusterReport, l: Leftover, kinds: readonly AnyKind[]): string | undefined {
  switch (l.kind) {
    case 'service':
      return consoleLinks.service(c.region, c.name, l.id)
    case 'task':
      return consoleLinks.task(c.region, c.name, l.id)
    case 'container-instance':
      return consoleLinks.containerInstances(c.region, c.name)
    case 'cluster':
      return consoleLinks.cluster(c.region, c.name)
    case 'capacity-provider':
      return consoleLinks.capacityProviders(c.region)
    case 'stack':
    case 'stack-resource': {
      // A stack left behind may be one of the stacks that imported the stack's exports.
      const s = (l.kind === 'stack' && c.stack?.importers?.find(i => i.name === l.id)) || c.stack
      return s ? consoleLinks.stack(c.region, s.id ?? s.name) : undefined
    }
    default:
      return kindLink(c.region, l, kinds)
  }
}

function renderLeftovers(c: ClusterReport, kinds: readonly AnyKind[]): string[] {
  const item = (l: Leftover): string => {
    const href = leftoverLink(c, l, kinds)
    const name = href ? link(href, code(l.id)) : code(l.id)
    return `${escapeHtml(l.kind)} ${name}: ${escapeHtml(l.reason)}${l.fromPlan ? ' (from the plan, not read from AWS)' : ''}`
  }
  const out: string[] = []
  const billing = c.leftovers.filter(l => l.billing)
  if (billing.length > 0) out.push('', '#### ⚠️ Still costing money', '', ...listItems(billing.map(item)))
  const other = c.leftovers.filter(l => !l.billing)
  if (other.length > 0) out.push('', '#### Left behind: needs a person', '', ...listItems(other.map(item)))
  return out
}

/** Services mode: which services the input selected, which were already gone, which were skipped. */
function renderScope(c: ClusterReport): string[] {
  const scope = c.scope
  if (!scope) return []
  const out = ['', `Services mode: cluster ${code(c.name)} is kept.`]
  if (scope.selected.length > 0) out.push(`Selected: ${scope.selected.map(code).join(', ')}.`)
  if (scope.absent.length > 0) out.push(`Already gone: ${scope.absent.map(code).join(', ')}.`)
  out.push(
    ...details(
      'Services a pattern matched but not touched',
      scope.skipped.map(s => `${code(s.name)}: ${escapeHtml(s.reason)}`)
    )
  )
  return out
}

function renderKept(c: ClusterReport): string[] {
  const kept = c.scope?.kept ?? []
  if (kept.length === 0) return []
  return [
    '',
    '#### Kept because it is shared',
    '',
    ...listItems(kept.map(k => `${escapeHtml(k.kind)} ${code(k.id)}: ${escapeHtml(k.reason)}`))
  ]
}

function renderRemoved(c: ClusterReport, kinds: readonly AnyKind[]): string[] {
  const out: string[] = []
  out.push(
    ...details(
      'Services deleted',
      c.services.map(s => `${code(s.name)}${s.draining ? ' (DRAINING: AWS finishes the deletion)' : ''}`)
    )
  )
  out.push(
    ...details(
      'Gone before this run removed them (not counted)',
      (c.goneBefore ?? []).map(g => `${escapeHtml(g.kind)} ${code(g.id)}: ${escapeHtml(g.reason)}`)
    )
  )
  out.push(...details('Tasks stopped, by service or starter', groupTasks(c)))
  out.push(
    ...details(
      'Container instances deregistered',
      c.containerInstances.map(
        ci =>
          `${code(ci.id)}${ci.ec2InstanceId ? ` (${ci.ec2InstanceId.startsWith('mi-') ? 'managed instance' : 'EC2 instance'} ${code(ci.ec2InstanceId)})` : ''}`
      )
    )
  )
  out.push(
    ...details(
      'Capacity providers',
      c.capacityProviders.map(p => `${code(p.name)}: ${p.action}`)
    )
  )
  out.push(...renderRelated(c, kinds))
  if (c.stack) {
    const s = c.stack
    const lines =
      s.status === 'NOT_FOUND'
        ? [`No stack found; looked for ${(s.searched ?? []).map(code).join(', ') || 'nothing'}`]
        : [
            `${code(s.name)}${s.foundBy ? ` (found by ${escapeHtml(s.foundBy)})` : ''}: ${escapeHtml(s.status)}`,
            ...(s.id ? [`Stack ID ${code(s.id)}`] : []),
            ...s.failedResources.map(
              r => `failed: ${code(r.logicalId)} (${escapeHtml(r.type)}): ${escapeHtml(r.reason)}`
            ),
            ...(s.importers ?? []).map(
              i =>
                `${code(i.name)} (imports ${i.imports.map(code).join(', ')}, deleted first): ${escapeHtml(i.status)}`
            )
          ]
    out.push(...details('CloudFormation stack', lines))
  }
  return out
}

/** What the kinds around the cluster did, each in its own words (src/kinds/). */
function renderRelated(c: ClusterReport, kinds: readonly AnyKind[]): string[] {
  return kindDoneLists(c, kinds).flatMap(list => details(list.title, list.items))
}

function renderPhases(c: ClusterReport, chart: boolean): string[] {
  if (c.phases.length === 0) return []
  const out = [
    ...(chart ? clusterTimeline(c) : []),
    '',
    `Time by phase: ${c.phases.map(p => `${escapeHtml(p.name)} ${p.seconds.toFixed(1)} s`).join(' · ')}`
  ]
  const told = c.phases.filter(p => (p.log ?? []).length > 0)
  if (told.length > 0) {
    out.push('', '<details><summary>What happened, phase by phase (as in the log)</summary>', '')
    for (const p of told) {
      out.push(
        `**${escapeHtml(p.name)}** (${p.seconds.toFixed(1)} s)`,
        '',
        ...listItems((p.log ?? []).map(escapeHtml)),
        ''
      )
    }
    out.push('</details>')
  }
  return out
}

function groupTasks(c: ClusterReport): string[] {
  const groups = new Map<string, ClusterReport['tasks']>()
  for (const t of c.tasks) {
    const key = t.group || t.startedBy || 'standalone'
    groups.set(key, [...(groups.get(key) ?? []), t])
  }
  return [...groups].map(([group, tasks]) => {
    const shown = tasks.slice(0, TASKS_PER_GROUP).map(t => `${code(t.id)} (${t.how})`)
    const more = tasks.length > TASKS_PER_GROUP ? ` and ${tasks.length - TASKS_PER_GROUP} more` : ''
    return `<b>${escapeHtml(group)}</b>: ${shown.join(', ')}${more}`
  })
}

function listItems(items: string[]): string[] {
  const shown = items.slice(0, LIST_LIMIT).map(i => `- ${i}`)
  if (items.length > LIST_LIMIT)
    shown.push(`- … and ${items.length - LIST_LIMIT} more (see the \`report\` output)`)
  return shown
}

function details(title: string, items: string[]): string[] {
  if (items.length === 0) return []
  return [
    '',
    `<details><summary>${title} (${items.length})</summary>`,
    '',
    ...listItems(items),
    '',
    '</details>'
  ]
}

/** Cuts the summary to SUMMARY_BUDGET_BYTES, at a line, never inside a chart; says it cut. */
export function fitToBudget(text: string): string {
  if (Buffer.byteLength(text, 'utf8') <= SUMMARY_BUDGET_BYTES) return text
  const note =
    '\n\n… the summary was cut to stay under the 1 MiB limit; the `report` output has everything.\n'
  let cut = text.slice(0, SUMMARY_BUDGET_BYTES - note.length)
  while (Buffer.byteLength(cut, 'utf8') > SUMMARY_BUDGET_BYTES - note.length) cut = cut.slice(0, -1024)
  // Do not leave a half-written tag or entity at the cut.
  cut = cut.slice(0, Math.max(cut.lastIndexOf('\n'), 0))
  // Nor a chart without its closing fence (the rest would render as code).
  const open = cut.lastIndexOf('\n```mermaid\n')
  if (open >= 0 && !cut.slice(open + 1).includes('\n```\n') && !cut.endsWith('\n```'))
    cut = cut.slice(0, open)
  return cut + note
}
