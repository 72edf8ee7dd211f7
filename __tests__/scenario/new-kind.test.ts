import { describe, expect, it } from '@jest/globals'
import { KINDS, type AnyKind } from '../../src/kinds/index.js'
import { count, relatedReport, rowWhenAny, type ReportPart, type ResourceKind } from '../../src/kinds/kind.js'
import type { ClusterReport, Leftover, Report } from '../../src/report/report.js'
import { SimWorld } from '../sim/world.js'
import { runOnSim } from '../support/harness.js'

// Adding a kind of resource touches one module and the list of kinds (docs/development.md, "How to
// add a kind"). This file is that module: a made-up kind, SSM parameters under /<cluster>/ in a
// tiny parameter store of its own, defined here and nowhere in src/, added to the list of kinds of
// a whole teardown on the strict simulators. Found, planned, removed at its stage, reported,
// summarised: with no other file edited.

// The kind's part of the report, declared by the kind (here: by this test file).
declare module '../../src/report/report.js' {
  interface RelatedReport {
    parameters: { name: string; action: 'deleted' }[]
  }
  interface RelatedFound {
    parameters: number
  }
  interface KindLeftovers {
    parameter: true
  }
}

/** A parameter store as strict as SSM about what this kind calls: deleting a missing one fails. */
class ParameterStore {
  readonly parameters = new Map<string, { value: string; tags: Record<string, string> }>()
  readonly calls: { operation: string; name?: string; at: number }[] = []

  constructor(private readonly clock: () => number) {}

  put(name: string, value: string, tags: Record<string, string> = {}): void {
    this.parameters.set(name, { value, tags })
  }

  /** GetParametersByPath, recursive, every page: names and tags. */
  byPath(path: string): { name: string; tags: Record<string, string> }[] {
    this.calls.push({ operation: 'GetParametersByPath', at: this.clock() })
    return [...this.parameters]
      .filter(([name]) => name.startsWith(path))
      .map(([name, p]) => ({ name, tags: { ...p.tags } }))
  }

  delete(name: string): void {
    this.calls.push({ operation: 'DeleteParameter', name, at: this.clock() })
    if (!this.parameters.delete(name)) {
      throw Object.assign(new Error(`Parameter ${name} not found.`), { name: 'ParameterNotFound' })
    }
  }
}

interface ParameterDecision {
  name: string
  delete: boolean
  keepReason?: string
}

/** SSM parameters under /<cluster>/ go once the cluster is gone, unless tagged `shared=true`. */
function parametersKind(store: ParameterStore): ResourceKind<string[] | undefined, ParameterDecision[]> {
  const shared = (name: string): boolean => store.parameters.get(name)?.tags.shared === 'true'
  return {
    name: 'SSM parameters',
    emptyReport: (): ReportPart<'parameters', 'parameters'> => ({ found: { parameters: 0 }, parameters: [] }),
    find: (_ctx, scope) => Promise.resolve(store.byPath(`/${scope.cluster.name}/`).map(p => p.name)),
    recordFound(found, report, log) {
      report.found.parameters = found?.length ?? 0
      if (found?.length) log.info(`Found ${count(found.length, 'SSM parameter')} under the cluster's path`)
    },
    decide: (found, { scope }) =>
      scope.wholeCluster
        ? (found ?? []).map(name =>
            shared(name) ? { name, delete: false, keepReason: 'tagged shared=true' } : { name, delete: true }
          )
        : [],
    steps(plan) {
      const deleted = plan.filter(d => d.delete)
      return deleted.length === 0
        ? []
        : [
            {
              stage: 'after-cluster',
              phase: 'delete-parameters',
              description: `Delete ${count(deleted.length, 'SSM parameter')} under the cluster's path`,
              resources: deleted.map(d => d.name)
            }
          ]
    },
    notes: plan =>
      plan.filter(d => !d.delete).map(d => `SSM parameter ${d.name} will be kept: ${d.keepReason}`),
    actions: {
      'after-cluster': {
        phase: 'SSM parameters',
        needed: plan => plan.length > 0,
        run(ctx, plan) {
          for (const d of plan) {
            if (!d.delete) {
              ctx.report.leftovers.push({ kind: 'parameter', id: d.name, reason: `kept: ${d.keepReason}` })
              continue
            }
            store.delete(d.name)
            relatedReport(ctx.report).parameters.push({ name: d.name, action: 'deleted' })
            ctx.log.info(`Deleted SSM parameter ${d.name}`)
          }
          return Promise.resolve()
        }
      }
    },
    unfinished: (plan, report) =>
      plan
        .filter(d => d.delete && !report.related?.parameters.some(p => p.name === d.name))
        .map((d): Leftover => ({
          kind: 'parameter',
          id: d.name,
          reason: 'not deleted before the run stopped'
        })),
    countRows: (r, left) =>
      rowWhenAny(
        {
          label: 'SSM parameters',
          found: r.found.parameters,
          removed: r.parameters.length,
          leftoverKind: 'parameter'
        },
        left
      ),
    doneLists: r => [
      { title: 'SSM parameters deleted', items: r.parameters.map(p => `<code>${p.name}</code>`) }
    ],
    links: {
      parameter: (region, id) =>
        `https://${region}.console.aws.amazon.com/systems-manager/parameters${id}/description?region=${region}`
    }
  }
}

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

/** A cluster with a service, three parameters under its path (one shared) and a neighbour's. */
function environment() {
  const world = new SimWorld()
  world.ecs.createCluster('pr-7')
  world.ecs.registerContainerInstance('pr-7')
  world.ecs.createService('pr-7', 'web', { desiredCount: 2 })
  const store = new ParameterStore(world.ecs.time.clock)
  store.put('/pr-7/db-url', 'postgres://pr-7')
  store.put('/pr-7/api-key', 'k')
  store.put('/pr-7/feature-flags', '{}', { shared: 'true' })
  store.put('/pr-70/db-url', 'postgres://pr-70')
  const kinds: readonly AnyKind[] = [...KINDS, parametersKind(store) as AnyKind]
  return { world, store, kinds }
}

describe('a kind defined outside src/, added to the list of kinds', () => {
  it('is found and shown in the dry-run plan, after the cluster, without a change', async () => {
    const { world, store, kinds } = environment()
    await world.ecs.time.sleep(5_000)

    const result = await runOnSim(world.ecs, { cluster: 'pr-7', 'dry-run': 'true' }, { world, kinds })

    expect(result.failed).toBeUndefined()
    expect(store.parameters.size).toBe(4)
    expect(store.calls.filter(c => c.operation === 'DeleteParameter')).toEqual([])
    const c = only(result.report)
    expect(c.related?.found.parameters).toBe(3)
    const steps = c.plan!.steps.map(s => s.description)
    const mine = steps.indexOf("Delete 2 SSM parameters under the cluster's path")
    expect(mine).toBeGreaterThan(steps.findIndex(s => /^Delete cluster pr-7/.test(s)))
    expect(c.plan!.steps[mine]!.resources).toEqual(['/pr-7/db-url', '/pr-7/api-key'])
    expect(c.plan!.blockers).toContain('SSM parameter /pr-7/feature-flags will be kept: tagged shared=true')
    expect(result.summary).toContain('Delete 2 SSM parameters under the cluster&#39;s path')
  })

  it('removes what it found once the cluster is gone, and the report and the summary count it', async () => {
    const { world, store, kinds } = environment()
    await world.ecs.time.sleep(5_000)

    const result = await runOnSim(world.ecs, { cluster: 'pr-7' }, { world, kinds })

    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    // What the store holds afterwards: the shared one and the neighbour's.
    expect([...store.parameters.keys()].sort()).toEqual(['/pr-7/feature-flags', '/pr-70/db-url'])
    // At its stage: after DeleteCluster, and its phase after the cluster's.
    const deleteCluster = world.ecs.calls.find(call => call.operation === 'DeleteCluster' && !call.error)!.at
    const deletes = store.calls.filter(call => call.operation === 'DeleteParameter')
    expect(deletes.map(d => d.name)).toEqual(['/pr-7/db-url', '/pr-7/api-key'])
    expect(deletes.every(d => d.at >= deleteCluster)).toBe(true)
    const phases = c.phases.map(p => p.name)
    expect(phases).toContain('delete cluster')
    expect(phases.indexOf('SSM parameters')).toBeGreaterThan(phases.indexOf('delete cluster'))
    // In the report JSON, as the kind declared it.
    const json = (JSON.parse(result.reportFile!) as Report).clusters[0]!
    expect(json.related?.found.parameters).toBe(3)
    expect(json.related?.parameters).toEqual([
      { name: '/pr-7/db-url', action: 'deleted' },
      { name: '/pr-7/api-key', action: 'deleted' }
    ])
    expect(json.leftovers.filter(l => l.kind === 'parameter')).toEqual([
      { kind: 'parameter', id: '/pr-7/feature-flags', reason: 'kept: tagged shared=true' }
    ])
    // The other kinds' parts are all still there.
    expect(json.related?.logGroups).toEqual([])
    expect(json.related?.found.listenerRules).toBe(0)
    // And in the summary: its row, its list, its leftover with the kind's console link.
    expect(result.summary).toContain('| SSM parameters | 3 | 2 | 1 |')
    expect(result.summary).toContain('SSM parameters deleted')
    expect(result.summary).toContain('<code>/pr-7/api-key</code>')
    expect(result.summary).toMatch(
      /parameter <a href="https:\/\/us-east-1\.console\.aws\.amazon\.com\/systems-manager\/parameters\/pr-7\/feature-flags[^"]*"><code>\/pr-7\/feature-flags<\/code><\/a>: kept: tagged shared=true/
    )
  })

  it('changes nothing without it: the default list does not know the kind', async () => {
    const { world, store } = environment()
    const result = await runOnSim(world.ecs, { cluster: 'pr-7' }, { world })
    expect(only(result.report).outcome).toBe('deleted')
    expect(store.parameters.size).toBe(4)
    expect(store.calls).toEqual([])
    expect(result.summary).not.toContain('SSM parameters')
  })
})
