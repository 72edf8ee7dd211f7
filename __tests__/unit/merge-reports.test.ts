// The merge step of examples/org-sweep.yml: report files of a matrix of jobs → one summary table.
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { accountOf, mergeRows, renderMergedSummary } from '../../scripts/lib/merge-reports.mjs'
import { newClusterReport, type ClusterReport, type Report } from '../../src/report/report.js'

const script = fileURLToPath(new URL('../../scripts/merge-reports.mjs', import.meta.url))

function cluster(
  account: string,
  region: string,
  name: string,
  over: Partial<ClusterReport> = {}
): ClusterReport {
  return {
    ...newClusterReport(name, region),
    arn: `arn:aws:ecs:${region}:${account}:cluster/${name}`,
    outcome: 'deleted',
    ...over
  }
}

const dev: Report = {
  dryRun: false,
  clusters: [
    cluster('111111111111', 'us-east-1', 'preview-pr-7', {
      services: [{ name: 'web', arn: 'a' }],
      tasks: [{ id: 't', arn: 'a', group: 'service:web', how: 'drained' }]
    }),
    cluster('111111111111', 'us-east-1', 'preview-pr-3', {
      outcome: 'failed',
      message: 'Stack x | y ended in DELETE_FAILED',
      leftovers: [
        { kind: 'stack', id: 'x', reason: 'failed' },
        { kind: 'ec2-instance', id: 'i-1', reason: 'running', billing: true }
      ]
    })
  ]
}
const staging: Report = {
  dryRun: false,
  clusters: [
    cluster('222222222222', 'eu-west-1', 'preview-pr-9', { outcome: 'absent', message: 'not found' })
  ]
}

describe('merging report files', () => {
  it('reads the account from the cluster ARN', () => {
    expect(accountOf('arn:aws:ecs:us-east-1:111111111111:cluster/x')).toBe('111111111111')
    expect(accountOf('arn:aws-cn:ecs:cn-north-1:222222222222:cluster/x')).toBe('222222222222')
    expect(accountOf('')).toBe('')
  })

  it('has one row per cluster of every report, sorted by account, Region and cluster, with the counts', () => {
    const rows = mergeRows([
      { source: 'staging.json', report: staging },
      { source: 'dev.json', report: dev }
    ])
    expect(
      rows.map(r => [r.account, r.region, r.cluster, r.outcome, r.services, r.tasks, r.left, r.billing])
    ).toEqual([
      ['111111111111', 'us-east-1', 'preview-pr-3', 'failed', 0, 0, 2, 1],
      ['111111111111', 'us-east-1', 'preview-pr-7', 'deleted', 1, 1, 0, 0],
      ['222222222222', 'eu-west-1', 'preview-pr-9', 'absent', 0, 0, 0, 0]
    ])
  })

  it('renders totals and a table whose cells cannot break it', () => {
    const md = renderMergedSummary([
      { source: 'dev.json', report: dev },
      { source: 'staging.json', report: staging }
    ])
    expect(md).toContain(
      '2 report(s), 3 cluster(s): 1 removed, 1 not finished; 1 services deleted, 1 tasks stopped, 0 container instances deregistered; 2 left, 1 of them billing.'
    )
    expect(md).toContain(
      '| 111111111111 | us-east-1 | preview-pr-3 | ❌ failed | 0 | 0 | 0 | 2 (1) | Stack x \\| y ended in DELETE_FAILED |'
    )
    expect(md.split('\n').filter(line => line.startsWith('| 1') || line.startsWith('| 2'))).toHaveLength(3)
  })

  it('refuses what is not a report', () => {
    expect(() => mergeRows([{ source: 'x.json', report: { hello: 1 } }])).toThrow(
      'x.json: not an ecs-teardown report'
    )
  })

  it('runs as the workflow runs it: a directory per artifact, Markdown on stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'merge-reports-'))
    try {
      for (const [name, report] of [
        ['report-dev-us-east-1', dev],
        ['report-staging-eu-west-1', staging]
      ] as const) {
        mkdirSync(join(dir, name))
        writeFileSync(join(dir, name, 'ecs-teardown-report-1-1-ab.json'), JSON.stringify(report))
      }
      const merged = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' })
      expect(merged.stderr).toBe('')
      expect(merged.status).toBe(0)
      expect(merged.stdout).toContain('| 222222222222 | eu-west-1 | preview-pr-9 | ➖ already absent |')

      const empty = spawnSync(process.execPath, [script, join(dir, 'report-dev-us-east-1', 'none')], {
        encoding: 'utf8'
      })
      expect(empty.status).toBe(1)
      writeFileSync(join(dir, 'broken.json'), '{')
      const broken = spawnSync(process.execPath, [script, dir], { encoding: 'utf8' })
      expect(broken.status).toBe(1)
      expect(broken.stderr).toMatch(/^merge-reports: /)
    } finally {
      rmSync(dir, { recursive: true })
    }
  })
})
