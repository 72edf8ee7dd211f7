import { describe, expect, it } from '@jest/globals'
import { reportOutputs } from '../../src/report/outputs.js'
import { newClusterReport, type ClusterReport, type Report } from '../../src/report/report.js'
import { escapeHtml, renderSummary, SUMMARY_BUDGET_BYTES } from '../../src/report/summary.js'

function removedCluster(): ClusterReport {
  const c = newClusterReport('preview-42', 'us-east-1')
  return {
    ...c,
    arn: 'arn:aws:ecs:us-east-1:123456789012:cluster/preview-42',
    outcome: 'deleted',
    found: { services: 2, tasks: 3, containerInstances: 1, capacityProviders: 0 },
    services: [
      { name: 'web', arn: 'arn:web' },
      { name: 'worker', arn: 'arn:worker' }
    ],
    tasks: [
      { id: 't1', arn: 'arn:t1', group: 'service:web', how: 'drained' },
      { id: 't2', arn: 'arn:t2', group: 'service:worker', how: 'drained' },
      { id: 't3', arn: 'arn:t3', group: 'family:migrate', startedBy: 'ci', how: 'stopped' }
    ],
    containerInstances: [{ id: 'ci1', arn: 'arn:ci1', ec2InstanceId: 'i-0abc' }],
    leftovers: [{ kind: 'ec2-instance', id: 'i-0abc', reason: 'still running and billing', billing: true }],
    phases: [{ name: 'inventory', seconds: 0.4 }],
    seconds: 42.5
  }
}

describe('renderSummary', () => {
  it('shows the outcome, the counts, the names and what still costs money', () => {
    const md = renderSummary({ dryRun: false, clusters: [removedCluster()] })
    expect(md).toContain('| preview-42 | us-east-1 | ✅ removed | 42.5 s |')
    expect(md).toContain('| Services | 2 | 2 | 0 |')
    expect(md).toContain('| Tasks | 3 | 3 | 0 |')
    expect(md).toContain('<code>web</code>')
    expect(md).toContain('<code>worker</code>')
    expect(md).toContain('<b>family:migrate</b>: <code>t3</code> (stopped)')
    expect(md).toMatch(/Still costing money[\s\S]*i-0abc/)
  })

  it('escapes every string that came from AWS', () => {
    const c = removedCluster()
    c.outcome = 'failed'
    c.message = 'Stack reason: <script>alert(1)</script> | pipe'
    c.services = [{ name: '<img src=x onerror=alert(1)>', arn: 'x' }]
    const md = renderSummary({ dryRun: false, clusters: [c] })
    expect(md).not.toContain('<script>')
    expect(md).not.toContain('<img')
    expect(md).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &#124; pipe')
    expect(escapeHtml(`a&b"c'd\`e`)).toBe('a&amp;b&quot;c&#39;d&#96;e')
  })

  it('stays under the runner limit with 5,000 tasks, and says it cut', () => {
    const c = removedCluster()
    c.tasks = Array.from({ length: 5_000 }, (_, i) => ({
      id: `${i}`.padStart(32, 'f'),
      arn: `arn:${i}`,
      group: `service:svc-${i % 300}`,
      how: 'drained' as const
    }))
    c.services = Array.from({ length: 300 }, (_, i) => ({
      name: `svc-${i}-${'x'.repeat(2_000)}`,
      arn: `arn:${i}`
    }))
    const md = renderSummary({ dryRun: false, clusters: [c] })
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_BUDGET_BYTES)
    expect(md).toMatch(/and 100 more|cut to stay under/)
  })

  it('says an absent cluster was already gone, without a table', () => {
    const c = newClusterReport('gone', 'us-east-1')
    c.outcome = 'absent'
    c.message = 'Cluster gone is not found (MISSING): nothing to remove.'
    const md = renderSummary({ dryRun: false, clusters: [c] })
    expect(md).toContain('➖ already absent')
    expect(md).not.toContain('| Services |')
  })
})

describe('reportOutputs', () => {
  it('gives counts and the report JSON for every outcome', () => {
    const failed = { ...newClusterReport('x', 'us-east-1'), outcome: 'failed' as const }
    const report: Report = { dryRun: false, clusters: [removedCluster(), failed] }
    const outputs = reportOutputs(report)
    expect(outputs).toMatchObject({
      'services-deleted': '2',
      'tasks-stopped': '3',
      'container-instances-deregistered': '1',
      'clusters-deleted': '1'
    })
    expect(JSON.parse(outputs.report!)).toEqual(report)
  })
})
