import { describe, expect, it } from '@jest/globals'
import { reportOutputs } from '../../src/report/outputs.js'
import { newClusterReport, type ClusterReport, type Report } from '../../src/report/report.js'
import { escapeHtml, fitToBudget, renderSummary, SUMMARY_BUDGET_BYTES } from '../../src/report/summary.js'

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
    const outputs = reportOutputs(report, '/tmp/report.json')
    expect(outputs).toMatchObject({
      'services-deleted': '2',
      'tasks-stopped': '3',
      'container-instances-deregistered': '1',
      'clusters-deleted': '1',
      'report-file': '/tmp/report.json'
    })
    expect(JSON.parse(outputs.report!)).toEqual(report)
  })
})

describe('renderSummary: failures, dry runs and links', () => {
  it('explains a partial failure with a DELETE_FAILED stack, escaped, with console links', () => {
    const c = removedCluster()
    c.outcome = 'failed'
    c.message = 'Stack EC2ContainerService-preview-42 ended in DELETE_FAILED'
    c.stack = {
      name: 'EC2ContainerService-preview-42',
      id: 'arn:aws:cloudformation:us-east-1:123456789012:stack/EC2ContainerService-preview-42/abc',
      foundBy: 'console-wizard-name',
      status: 'DELETE_FAILED',
      ownsCluster: false,
      deleted: false,
      failedResources: [
        { logicalId: 'Vpc', type: 'AWS::EC2::VPC', reason: 'has dependencies <script>alert(1)</script>' }
      ]
    }
    c.leftovers.push({
      kind: 'stack-resource',
      id: 'Vpc',
      reason: 'DELETE_FAILED: has dependencies <script>alert(1)</script>'
    })
    const md = renderSummary({ dryRun: false, clusters: [c] })
    expect(md).toContain('❌ failed')
    expect(md).toContain('| CloudFormation stack | 1 | 0 | 0 |')
    expect(md).not.toContain('<script>')
    expect(md).toContain('failed: <code>Vpc</code> (AWS::EC2::VPC): has dependencies &lt;script&gt;')
    expect(md).toContain(
      'href="https://us-east-1.console.aws.amazon.com/cloudformation/home?region=us-east-1#/stacks/stackinfo?stackId=arn%3Aaws%3Acloudformation'
    )
    expect(md).toContain(
      'href="https://us-east-1.console.aws.amazon.com/ec2/home?region=us-east-1#InstanceDetails:instanceId=i-0abc"'
    )
  })

  it('links to the China and GovCloud consoles for those regions', () => {
    for (const [region, host] of [
      ['cn-north-1', 'https://cn-north-1.console.amazonaws.cn'],
      ['us-gov-west-1', 'https://console.amazonaws-us-gov.com']
    ] as const) {
      const c = { ...removedCluster(), region }
      const md = renderSummary({ dryRun: false, clusters: [c] })
      expect(md).toContain(`href="${host}/ec2/home?region=${region}#InstanceDetails:instanceId=i-0abc"`)
    }
  })

  it('says DRY RUN at the top and lists the steps in order with their blockers', () => {
    const c = { ...newClusterReport('pr-1', 'us-east-1'), arn: 'arn:x', outcome: 'dry-run' as const }
    c.plan = {
      steps: [
        { description: 'Delete 1 service with force, one call each', resources: ['web'] },
        { description: 'Delete cluster pr-1; wait until INACTIVE', resources: ['pr-1'] }
      ],
      blockers: ['stack X has termination protection']
    }
    const md = renderSummary({ dryRun: true, clusters: [c] })
    expect(md.split('\n')[0]).toBe('## ECS teardown — DRY RUN: nothing was changed')
    expect(md.indexOf('1. Delete 1 service with force, one call each')).toBeLessThan(
      md.indexOf('2. Delete cluster pr-1')
    )
    expect(md).toContain('stack X has termination protection')
    expect(md).toContain('| Services | 0 | — | 0 |')
  })

  it('renders what each phase did in the words of the log', () => {
    const c = removedCluster()
    c.phases = [
      {
        name: 'stop tasks',
        seconds: 31.2,
        log: ['Deleting service web', 'Stopping task t3 (family:migrate)']
      }
    ]
    const md = renderSummary({ dryRun: false, clusters: [c] })
    expect(md).toContain('Time by phase: stop tasks 31.2 s')
    expect(md).toContain('- Deleting service web')
  })
})

describe('renderSummary: a cancelled run', () => {
  it('says cancelled, keeps what was removed, and lists what was not', () => {
    const c = removedCluster()
    c.outcome = 'cancelled'
    c.message = 'Cancelled before the teardown finished. Still there: services: worker; clusters: preview-42.'
    c.services = [{ name: 'web', arn: 'arn:web' }]
    c.leftovers = [
      { kind: 'service', id: 'worker', reason: 'not confirmed deleted' },
      { kind: 'task', id: 't2', reason: 'not confirmed stopped (service:worker)', billing: true },
      { kind: 'cluster', id: 'preview-42', reason: 'not deleted' }
    ]
    const md = renderSummary({ dryRun: false, clusters: [c] })
    expect(md).toContain('| preview-42 | us-east-1 | ⛔ cancelled |')
    expect(md).toContain('Still there: services: worker; clusters: preview-42.')
    expect(md).toContain('| Services | 2 | 1 | 1 |')
    expect(md).toMatch(/Still costing money[\s\S]*t2/)
    expect(md).toMatch(/Left behind: needs a person[\s\S]*worker/)
    expect(md).toContain('<code>web</code>')
  })
})

describe('renderSummary: the timeline', () => {
  const at = '2026-11-01T12:00:00.000Z'
  const timed = (name: string, outcome: ClusterReport['outcome'] = 'deleted'): ClusterReport => ({
    ...removedCluster(),
    name,
    outcome,
    startedAt: at,
    phases: [
      { name: 'inventory', start: 0, seconds: 1.5 },
      { name: 'delete services', start: 1.5, seconds: 62 },
      { name: 'weird: name; #1 %% <b>', start: 2, seconds: 1 }
    ]
  })

  it('writes names Mermaid cannot misread: no colon, semicolon, # or %, no HTML, no keyword at the start', () => {
    const md = renderSummary({ dryRun: false, clusters: [timed('title')] })
    const chart = /```mermaid\n([\s\S]*?)```/.exec(md)![1]!
    expect(chart.split('\n')).toEqual([
      'gantt',
      '    dateFormat x',
      '    axisFormat %H:%M:%S',
      '    todayMarker off',
      '    section • title',
      `    inventory :${Date.parse(at)}, ${Date.parse(at) + 1_500}`,
      `    delete services :${Date.parse(at) + 1_500}, ${Date.parse(at) + 63_500}`,
      `    weird name 1 b :${Date.parse(at) + 2_000}, ${Date.parse(at) + 3_000}`,
      ''
    ])
  })

  it('folds a large sweep: at most 100 bars in the overview and 30 charts of phases, within the size bound', () => {
    const clusters = Array.from({ length: 250 }, (_, i) =>
      timed(`preview-${i}`, i === 3 ? 'failed' : 'deleted')
    )
    const md = renderSummary({ dryRun: false, clusters })
    const charts = [...md.matchAll(/```mermaid\n([\s\S]*?)```/g)].map(m => m[1]!)
    expect(charts).toHaveLength(1 + 30)
    const overview = charts[0]!.split('\n').filter(l => / :/.test(l))
    expect(overview).toHaveLength(100)
    expect(overview[3]).toBe(`    preview-3 :crit, ${Date.parse(at)}, ${Date.parse(at) + 42_500}`)
    expect(md).toContain('… and 150 more clusters (see the `report` output)')
    expect(Buffer.byteLength(md, 'utf8')).toBeLessThan(SUMMARY_BUDGET_BYTES)
  })

  it('never leaves a chart open when the summary is cut to its size bound', () => {
    const before = 'text\n'.repeat((SUMMARY_BUDGET_BYTES - 10_000) / 5)
    const chart = [
      '```mermaid',
      'gantt',
      ...Array.from({ length: 2_000 }, (_, i) => `    bar ${i} :0, 1`),
      '```'
    ]
    const md = fitToBudget(`${before}${chart.join('\n')}\nafter\n`)
    expect(md).toContain('the summary was cut')
    expect(md).not.toContain('```mermaid')
    expect(md.startsWith(before)).toBe(true)
  })
})
