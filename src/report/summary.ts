import type { ClusterReport, Report } from './report.js'

/** The runner rejects a step summary over 1 MiB; stay well under it. */
export const SUMMARY_BUDGET_BYTES = 900 * 1024
/** Longest list shown in full; the rest is counted. */
const LIST_LIMIT = 200

const OUTCOME_TEXT: Record<ClusterReport['outcome'], string> = {
  deleted: '✅ removed',
  absent: '➖ already absent',
  failed: '❌ failed',
  cancelled: '⛔ cancelled',
  'timed-out': '⏱️ timed out'
}

/** Every string that came from AWS or the user goes through here before it reaches the summary. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
}

/** Report → the job summary (Markdown with HTML details), under the runner's size limit. */
export function renderSummary(report: Report): string {
  const parts: string[] = []
  parts.push(`## ECS teardown${report.dryRun ? ' — DRY RUN' : ''}`)
  parts.push('')
  parts.push('| Cluster | Region | Outcome | Duration |')
  parts.push('| --- | --- | --- | --- |')
  for (const c of report.clusters) {
    parts.push(
      `| ${escapeHtml(c.name)} | ${escapeHtml(c.region)} | ${OUTCOME_TEXT[c.outcome]} | ${c.seconds.toFixed(1)} s |`
    )
  }
  for (const c of report.clusters) parts.push('', ...renderCluster(c))
  return fitToBudget(parts.join('\n') + '\n')
}

function renderCluster(c: ClusterReport): string[] {
  const out: string[] = [`### ${escapeHtml(c.name)}: ${OUTCOME_TEXT[c.outcome]}`]
  if (c.message) out.push('', escapeHtml(c.message))
  // No table when the cluster was never read (absent, or a failure before the inventory).
  if (c.outcome === 'absent' || !c.arn) return out
  const left = (kind: string): number => c.leftovers.filter(l => l.kind === kind).length
  out.push(
    '',
    '| Resource | Found | Removed | Left |',
    '| --- | ---: | ---: | ---: |',
    `| Services | ${c.found.services} | ${c.services.length} | ${left('service')} |`,
    `| Tasks | ${c.found.tasks} | ${c.tasks.length} | ${left('task')} |`,
    `| Container instances | ${c.found.containerInstances} | ${c.containerInstances.length} | ${left('container-instance')} |`,
    `| Capacity providers | ${c.found.capacityProviders} | ${c.capacityProviders.filter(p => p.action === 'deleted').length} deleted, ${c.capacityProviders.length} detached | ${left('capacity-provider')} |`
  )
  const billing = c.leftovers.filter(l => l.billing)
  if (billing.length > 0) {
    out.push('', '#### ⚠️ Still costing money', '')
    out.push(
      ...listItems(
        billing.map(l => `<code>${escapeHtml(l.id)}</code> (${escapeHtml(l.kind)}): ${escapeHtml(l.reason)}`)
      )
    )
  }
  const other = c.leftovers.filter(l => !l.billing)
  if (other.length > 0) {
    out.push('', '#### Left behind', '')
    out.push(
      ...listItems(
        other.map(l => `${escapeHtml(l.kind)} <code>${escapeHtml(l.id)}</code>: ${escapeHtml(l.reason)}`)
      )
    )
  }
  out.push(
    ...details(
      'Services deleted',
      c.services.map(s => `<code>${escapeHtml(s.name)}</code>`)
    )
  )
  out.push(...details('Tasks stopped', groupTasks(c)))
  out.push(
    ...details(
      'Container instances deregistered',
      c.containerInstances.map(
        ci =>
          `<code>${escapeHtml(ci.id)}</code>${ci.ec2InstanceId ? ` (EC2 <code>${escapeHtml(ci.ec2InstanceId)}</code>)` : ''}`
      )
    )
  )
  out.push(
    ...details(
      'Capacity providers',
      c.capacityProviders.map(p => `<code>${escapeHtml(p.name)}</code>: ${p.action}`)
    )
  )
  if (c.phases.length > 0) {
    out.push(
      '',
      `Time by phase: ${c.phases.map(p => `${escapeHtml(p.name)} ${p.seconds.toFixed(1)} s`).join(' · ')}`
    )
  }
  return out
}

/** Most task IDs shown for one service or starter. */
const TASKS_PER_GROUP = 50

function groupTasks(c: ClusterReport): string[] {
  const groups = new Map<string, ClusterReport['tasks']>()
  for (const t of c.tasks) {
    const key = t.group || t.startedBy || 'standalone'
    groups.set(key, [...(groups.get(key) ?? []), t])
  }
  return [...groups].map(([group, tasks]) => {
    const shown = tasks.slice(0, TASKS_PER_GROUP).map(t => `<code>${escapeHtml(t.id)}</code> (${t.how})`)
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

function fitToBudget(text: string): string {
  if (Buffer.byteLength(text, 'utf8') <= SUMMARY_BUDGET_BYTES) return text
  const note =
    '\n\n… the summary was cut to stay under the 1 MiB limit; the `report` output has everything.\n'
  let cut = text.slice(0, SUMMARY_BUDGET_BYTES - note.length)
  while (Buffer.byteLength(cut, 'utf8') > SUMMARY_BUDGET_BYTES - note.length) cut = cut.slice(0, -1024)
  // Do not leave a half-written tag or entity at the cut.
  cut = cut.slice(0, Math.max(cut.lastIndexOf('\n'), 0))
  return cut + note
}
