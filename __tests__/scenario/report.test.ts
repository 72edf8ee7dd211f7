import { describe, expect, it } from '@jest/globals'
import { EcsSim } from '../sim/ecs-sim.js'
import { runOnSim } from '../support/harness.js'

function preview(sim: EcsSim, name = 'pr-7') {
  sim.createCapacityProvider('shared-asg')
  sim.createCluster(name, { capacityProviders: ['shared-asg'] })
  sim.createCluster('production', { capacityProviders: ['shared-asg'] })
  sim.registerContainerInstance(name)
  sim.createService(name, 'web', { desiredCount: 2 })
  sim.createService(name, 'worker', { desiredCount: 1 })
  sim.runTask(name, { family: 'migrate', startedBy: 'ci' })
}

describe('dry run', () => {
  it('plans every step and resource without one mutating call, and names what it keeps', async () => {
    const sim = new EcsSim()
    preview(sim)
    const result = await runOnSim(sim, { cluster: 'pr-7', 'dry-run': 'true' })

    expect(sim.mutatingCalls()).toEqual([])
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('pr-7').cluster).toBe('ACTIVE')
    const report = result.report!
    expect(report.dryRun).toBe(true)
    const c = report.clusters[0]!
    expect(c.outcome).toBe('dry-run')
    expect(c.plan!.steps.map(s => s.description)).toEqual([
      'Delete 2 services with force, one call each (ECS scales each to 0 and drains its tasks); wait until INACTIVE',
      expect.stringMatching(/^Let the scheduler drain 3 service tasks, stop 1 standalone task/),
      expect.stringMatching(/^Deregister 1 container instance/),
      expect.stringMatching(/^Detach 1 capacity provider/),
      'Delete cluster pr-7; wait until INACTIVE'
    ])
    expect(c.plan!.steps[0]!.resources).toEqual(['web', 'worker'])
    expect(c.plan!.blockers).toEqual([
      expect.stringContaining('shared-asg will be detached but not deleted: still attached to production')
    ])
    expect(result.outputs['clusters-deleted']).toBe('0')
    expect(result.summary).toMatch(/^## ECS teardown — DRY RUN/)
    expect(result.summary).toContain('1. Delete 2 services with force, one call each')
    expect(result.summary).toContain('<code>worker</code>')
  })

  it('reports a missing permission from an access-denied read as a blocker', async () => {
    const sim = new EcsSim()
    preview(sim)
    sim.denied.add('ListContainerInstances')
    const result = await runOnSim(sim, { cluster: 'pr-7', 'dry-run': 'true' })
    expect(sim.mutatingCalls()).toEqual([])
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('dry-run')
    expect(c.plan!.blockers).toEqual(
      expect.arrayContaining([expect.stringMatching(/^missing permission: .*ecs:ListContainerInstances/)])
    )
    expect(result.summary).toContain('ecs:ListContainerInstances')
  })

  it('still answers when the cluster itself cannot be read', async () => {
    const sim = new EcsSim()
    preview(sim)
    sim.denied.add('DescribeClusters')
    const result = await runOnSim(sim, { cluster: 'pr-7', 'dry-run': 'true' })
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('dry-run')
    expect(c.plan!.blockers[0]).toMatch(/ecs:DescribeClusters/)
    expect(sim.mutatingCalls()).toEqual([])
  })
})

describe('the log and the summary tell the same story', () => {
  it('writes each line as it happens, ends each phase with its time, and the summary uses the same lines', async () => {
    const sim = new EcsSim()
    preview(sim)
    const result = await runOnSim(sim, { cluster: 'pr-7' })
    expect(result.failed).toBeUndefined()
    const ends = result.log.lines
      .map(l => /^pr-7: ([^:]+): (?:done in [\d.]+ s|nothing to do)$/.exec(l)?.[1])
      .filter(name => name !== undefined)
    expect(ends).toEqual([
      'inventory',
      'plan',
      // Each container instance goes as soon as its tasks are down: before the last look for tasks
      // started since the inventory ends the stop phase.
      'deregister container instances',
      'stop tasks',
      'delete services',
      'capacity providers',
      'delete cluster'
    ])
    // Not held back until its phase ends: the service is deleted before its tasks are down.
    const at = (line: string): number => result.log.lines.indexOf(`pr-7: ${line}`)
    expect(at('Deleting service web')).toBeGreaterThan(-1)
    expect(at('Deleting service web')).toBeLessThan(
      result.log.lines.findIndex(l => /^pr-7: Task .* \(service:web\) is STOPPED$/.test(l))
    )
    expect(at('Deleting service web')).toBeLessThan(at('stop tasks: done in 32.0 s'))
    for (const line of [
      'Deleting service web',
      'Service worker is deleted',
      'Detached capacity provider shared-asg'
    ]) {
      expect(result.log.lines).toContain(`pr-7: ${line}`)
      expect(result.summary).toContain(line)
    }
    const phases = result.report!.clusters[0]!.phases
    expect(phases.map(p => p.name)).toEqual(ends)
    expect(phases.every(p => p.seconds >= 0)).toBe(true)
    // Leftovers become warning annotations.
    expect(
      result.log.lines.filter(l => l.startsWith('warning: ') && l.includes('ec2-instance'))
    ).toHaveLength(1)
  })

  it('writes a true cancelled report with what was and was not removed', async () => {
    const sim = new EcsSim()
    preview(sim)
    const controller = new AbortController()
    sim.time.at(sim.now + 12_000, () => controller.abort())
    const result = await runOnSim(sim, { cluster: 'pr-7' }, { signal: controller.signal })
    const c = result.report!.clusters[0]!
    expect(c.outcome).toBe('cancelled')
    expect(result.failed).toContain('cancelled')
    expect(result.summary).toContain('⛔ cancelled')
    expect(c.leftovers.map(l => l.kind)).toEqual(expect.arrayContaining(['task', 'cluster']))
    // The services' DeleteService was accepted before the cancel: they are this run's, DRAINING, and
    // AWS finishes them by itself.
    expect(c.services.map(s => s.name).sort()).toEqual(['web', 'worker'])
    expect(c.services.every(s => s.draining)).toBe(true)
    // What the cancelled run did finish is still reported.
    expect(c.phases.map(p => p.name)).toEqual(expect.arrayContaining(['inventory', 'plan', 'stop tasks']))
  })
})
