import { describe, expect, it } from '@jest/globals'
import mermaid from 'mermaid'
import { newClusterReport, type ClusterReport } from '../../src/report/report.js'
import { renderSummary, SUMMARY_BUDGET_BYTES } from '../../src/report/summary.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { ecsError } from '../sim/errors.js'
import { runOnSim } from '../support/harness.js'

/**
 * The summary's timeline, read back by Mermaid itself: `mermaid.parse` checks the grammar, and the
 * gantt diagram's own database (what the renderer draws from) gives each bar's name, section, start
 * and end. Both run under Node without a browser; only a `title` would need one (DOMPurify), and
 * the charts have none.
 */
interface Bar {
  name: string
  section: string
  start: number
  end: number
  milestone: boolean
  crit: boolean
}

async function charts(summary: string): Promise<Bar[][]> {
  const blocks = [...summary.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map(m => m[1]!)
  // Every fence that opens a chart closes it.
  expect(summary.match(/^```mermaid$/gm)?.length ?? 0).toBe(blocks.length)
  const out: Bar[][] = []
  for (const text of blocks) {
    await expect(mermaid.parse(text)).resolves.toMatchObject({ diagramType: 'gantt' })
    const diagram = await mermaid.mermaidAPI.getDiagramFromText(text)
    const db = diagram.db as unknown as {
      getTasks(): {
        task: string
        section: string
        startTime: Date
        endTime: Date
        milestone?: boolean
        crit?: boolean
      }[]
    }
    out.push(
      db.getTasks().map(t => ({
        name: t.task.trim(),
        section: t.section,
        start: t.startTime.valueOf(),
        end: t.endTime.valueOf(),
        milestone: Boolean(t.milestone),
        crit: Boolean(t.crit)
      }))
    )
  }
  return out
}

/** The bars a cluster's chart must have: its phases, at their real moments. */
function phaseBars(c: ClusterReport): Omit<Bar, 'milestone' | 'crit'>[] {
  const origin = Date.parse(c.startedAt!)
  return c.phases.map(p => ({
    name: p.name,
    section: c.name,
    start: origin + p.start! * 1000,
    end: origin + (p.start! + p.seconds) * 1000
  }))
}

function preview(sim: EcsSim, name = 'pr-7') {
  sim.createCluster(name)
  sim.registerContainerInstance(name)
  sim.createService(name, 'web', { desiredCount: 2 })
  sim.createService(name, 'worker', { desiredCount: 1 })
  sim.runTask(name, { family: 'migrate', startedBy: 'ci' })
}

describe("the summary's timeline (Mermaid gantt)", () => {
  it('shows a cluster’s phases on one time axis, each bar where and as long as the phase was', async () => {
    const sim = new EcsSim()
    preview(sim)
    await sim.time.sleep(5_000)
    const result = await runOnSim(sim, { cluster: 'pr-7' })
    expect(result.failed).toBeUndefined()
    const c = result.report!.clusters[0]!
    const [chart, ...more] = await charts(result.summary!)
    expect(more).toEqual([])
    expect(chart).toEqual(phaseBars(c).map(b => ({ ...b, milestone: false, crit: false })))
    expect(chart!.map(b => b.name)).toEqual(
      expect.arrayContaining(['inventory', 'delete services', 'stop tasks', 'delete cluster'])
    )
    // The drain shows: the services' phase lasts as long as their tasks took to stop.
    const services = chart!.find(b => b.name === 'delete services')!
    expect(services.end - services.start).toBeGreaterThanOrEqual(30_000)
    // The run's own start and end bound the chart.
    expect(Math.min(...chart!.map(b => b.start))).toBe(Date.parse(c.startedAt!))
    expect(Math.max(...chart!.map(b => b.end))).toBeLessThanOrEqual(
      Date.parse(c.startedAt!) + c.seconds * 1000
    )
  })

  it('in services mode, charts the phases of the selected services', async () => {
    const sim = new EcsSim()
    preview(sim)
    const result = await runOnSim(sim, { cluster: 'pr-7', services: 'worker' })
    expect(result.failed).toBeUndefined()
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('services-removed')
    const [chart] = await charts(result.summary!)
    expect(chart).toEqual(phaseBars(c).map(b => ({ ...b, milestone: false, crit: false })))
    expect(chart!.map(b => b.name)).not.toContain('delete cluster')
  })

  it('marks where a failed run ended', async () => {
    const sim = new EcsSim()
    preview(sim)
    sim.denied.add('DeleteCluster')
    const result = await runOnSim(sim, { cluster: 'pr-7' })
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('failed')
    const [chart] = await charts(result.summary!)
    const end = Date.parse(c.startedAt!) + c.seconds * 1000
    expect(chart!.at(-1)).toEqual({
      name: 'failed',
      section: 'pr-7',
      start: end,
      end,
      milestone: true,
      crit: true
    })
    expect(chart!.slice(0, -1)).toEqual(phaseBars(c).map(b => ({ ...b, milestone: false, crit: false })))
  })

  it('for a 20-cluster sweep, one bar per cluster side by side, and each cluster’s own chart', async () => {
    const sim = new EcsSim({ latencyMs: 40 })
    for (let i = 0; i < 20; i++) preview(sim, `preview-${String(i).padStart(2, '0')}`)
    sim.beforeCall = (operation, input) => {
      if (operation === 'DeleteService' && String(input.cluster).endsWith('/preview-05'))
        throw ecsError('AccessDeniedException', 'User is not authorized to perform: ecs:DeleteService')
    }
    const result = await runOnSim(sim, { cluster: 'preview-*', 'max-clusters': '20' })
    const clusters = result.report!.clusters
    expect(clusters).toHaveLength(20)
    const [overview, ...perCluster] = await charts(result.summary!)
    expect(overview).toEqual(
      clusters.map(c => ({
        name: c.name,
        section: 'clusters',
        start: Date.parse(c.startedAt!),
        end: Date.parse(c.startedAt!) + c.seconds * 1000,
        milestone: false,
        crit: c.outcome === 'failed'
      }))
    )
    expect(overview!.filter(b => b.crit).map(b => b.name)).toEqual(['preview-05'])
    // Side by side: the clusters overlap in time.
    expect(Math.max(...overview!.map(b => b.start))).toBeLessThan(Math.min(...overview!.map(b => b.end)))
    expect(perCluster).toHaveLength(20)
    perCluster.forEach((chart, i) => {
      const bars = phaseBars(clusters[i]!)
      expect(chart.slice(0, bars.length)).toEqual(bars.map(b => ({ ...b, milestone: false, crit: false })))
    })
    expect(Buffer.byteLength(result.summary!, 'utf8')).toBeLessThan(SUMMARY_BUDGET_BYTES)
  })

  it('charts clusters named like a statement of the gantt grammar (call, accDescription, click, title)', async () => {
    // Valid ECS cluster names that Mermaid 12's gantt lexer reads as the start of a statement
    // (`call\s`, `accDescription\s`, `click\s`, `title\s`) when a task line begins with them.
    const names = ['call', 'accDescription', 'click', 'title', 'section', 'web']
    const startedAt = '2026-11-01T12:00:00.000Z'
    const clusters = names.map(name => ({
      ...newClusterReport(name, 'us-east-1'),
      outcome: 'deleted' as const,
      startedAt,
      seconds: 2,
      phases: [{ name: 'inventory', start: 0, seconds: 1, log: [] }]
    }))
    const [overview] = await charts(renderSummary({ dryRun: false, clusters }))
    // Every cluster has its bar, its name still readable in it.
    expect(overview!.map(b => b.name)).toHaveLength(names.length)
    overview!.forEach((bar, i) => expect(bar.name).toContain(names[i]))
  })
})
