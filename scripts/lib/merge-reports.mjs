// Merges the report files of many runs (a matrix of jobs over accounts and Regions, each uploading its
// `report-file`) into one Markdown summary table. Plain JavaScript with no dependencies, so that a
// workflow can run it with the runner's own Node: see examples/org-sweep.yml and scripts/merge-reports.mjs.
// Types: merge-reports.d.mts.

const OUTCOME_MARK = {
  deleted: '✅ removed',
  absent: '➖ already absent',
  'dry-run': '🔍 dry run',
  skipped: '⏭️ skipped',
  failed: '❌ failed',
  'timed-out': '⏱️ timed out',
  cancelled: '🛑 cancelled'
}

/** The account ID in an ECS cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME), or '' without one. */
export function accountOf(arn) {
  return /^arn:[\w-]+:ecs:[\w-]*:(\d{12}):/.exec(arn ?? '')?.[1] ?? ''
}

/** One row per cluster of every report, sorted by account, Region and cluster. */
export function mergeRows(reports) {
  const rows = []
  for (const { source, report } of reports) {
    if (!report || !Array.isArray(report.clusters)) throw new Error(`${source}: not an ecs-teardown report`)
    for (const c of report.clusters) {
      const leftovers = c.leftovers ?? []
      rows.push({
        account: accountOf(c.arn),
        region: c.region ?? '',
        cluster: c.name,
        outcome: c.outcome,
        dryRun: report.dryRun === true,
        services: (c.services ?? []).length,
        tasks: (c.tasks ?? []).length,
        containerInstances: (c.containerInstances ?? []).length,
        left: leftovers.length,
        billing: leftovers.filter(l => l.billing).length,
        message: c.outcome === 'deleted' ? '' : (c.message ?? ''),
        source
      })
    }
  }
  const key = r => [r.account, r.region, r.cluster].join('\u0000')
  return rows.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
}

const cell = text => String(text).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ')

/** The merged summary: totals, then one table row per cluster. */
export function renderMergedSummary(reports) {
  const rows = mergeRows(reports)
  const sum = field => rows.reduce((n, r) => n + r[field], 0)
  const failed = rows.filter(r => ['failed', 'timed-out', 'cancelled'].includes(r.outcome))
  const lines = [
    '## ECS teardown: every account and Region',
    '',
    `${reports.length} report(s), ${rows.length} cluster(s): ${rows.filter(r => r.outcome === 'deleted').length} removed, ` +
      `${failed.length} not finished; ${sum('services')} services deleted, ${sum('tasks')} tasks stopped, ` +
      `${sum('containerInstances')} container instances deregistered; ${sum('left')} left, ${sum('billing')} of them billing.`,
    ''
  ]
  if (rows.length === 0) return lines.join('\n')
  lines.push(
    '| Account | Region | Cluster | Outcome | Services | Tasks | Container instances | Left (billing) | Why |',
    '| --- | --- | --- | --- | ---: | ---: | ---: | ---: | --- |'
  )
  for (const r of rows) {
    const outcome = OUTCOME_MARK[r.outcome] ?? r.outcome
    lines.push(
      `| ${cell(r.account || '?')} | ${cell(r.region)} | ${cell(r.cluster)} | ${outcome} | ${r.services} | ${r.tasks} | ` +
        `${r.containerInstances} | ${r.left} (${r.billing}) | ${cell(r.message)} |`
    )
  }
  return lines.join('\n') + '\n'
}
