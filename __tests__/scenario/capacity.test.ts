import { describe, expect, it } from '@jest/globals'
import type { ClusterReport, Report } from '../../src/report/report.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { runOnSim } from '../support/harness.js'

// Capacity providers with AWS's timing (issue 21): the detach is asynchronous, a provider still
// associated answers DeleteCapacityProvider with 200 DELETE_FAILED, DeleteCluster answers a
// ClientException until the detach settles; ECS Managed Instances providers are cluster-scoped and
// ECS Managed Daemons pin them.

/** A detach that takes as long as AWS's can (terraform-provider-aws#45794 waits for it). */
const DETACH_MS = 45_000

function only(report: Report | undefined): ClusterReport {
  expect(report?.clusters).toHaveLength(1)
  return report!.clusters[0]!
}

/** An EC2 cluster with its own Auto Scaling provider and FARGATE, two instances, a service on each. */
function ec2Cluster(sim: EcsSim): void {
  sim.createCapacityProvider('pr-9-asg')
  sim.createCluster('pr-9', { capacityProviders: ['pr-9-asg', 'FARGATE'] })
  sim.registerContainerInstance('pr-9')
  sim.registerContainerInstance('pr-9')
  sim.createService('pr-9', 'web', { desiredCount: 2, capacityProviders: ['pr-9-asg'] })
  sim.createService('pr-9', 'worker', { desiredCount: 1, capacityProviders: ['FARGATE'] })
}

/** A cluster on ECS Managed Instances: one provider with two instances, a daemon on it, a service. */
function managedInstancesCluster(sim: EcsSim): { daemon: string; instances: string[] } {
  sim.createCluster('pr-11')
  const { instances } = sim.createManagedInstancesProvider('pr-11', 'pr-11-mi', { instances: 2 })
  const daemon = sim.createDaemon('pr-11', 'log-agent', ['pr-11-mi'])
  sim.createService('pr-11', 'web', { desiredCount: 2 })
  sim.createService('pr-11', 'api', { desiredCount: 1 })
  return { daemon: daemon.arn, instances: instances.map(i => i.ec2InstanceId) }
}

/**
 * An endpoint whose DescribeClusters does not say attachmentsStatus (as moto's): the run cannot see
 * the detach settle, and AWS's answers are what it goes by.
 */
class Silent extends EcsSim {
  protected override opDescribeClusters(input: Record<string, unknown>): unknown {
    const out = super.opDescribeClusters(input) as { clusters: Record<string, unknown>[] }
    for (const c of out.clusters) delete c.attachmentsStatus
    return out
  }
}

const at = (sim: EcsSim, operation: string): number[] =>
  sim.calls.filter(c => c.operation === operation).map(c => c.at)

describe('capacity providers with AWS timing', () => {
  it('deletes the cluster’s own Auto Scaling provider once the detach has settled, leaves FARGATE alone, and deletes the cluster', async () => {
    const sim = new EcsSim({ attachmentUpdateMs: DETACH_MS })
    ec2Cluster(sim)

    const dry = await runOnSim(sim, { cluster: 'pr-9', 'dry-run': 'true' })
    expect(dry.failed).toBeUndefined()
    expect(sim.mutatingCalls()).toEqual([])
    const planned = only(dry.report).plan!.steps
    expect(planned.find(s => /^Detach/.test(s.description))).toEqual({
      description:
        'Detach 2 capacity providers and wait until the detach has settled (attachmentsStatus UPDATE_COMPLETE), then delete 1 Auto Scaling provider no other cluster uses; wait until each is INACTIVE',
      resources: ['pr-9-asg (delete)', 'FARGATE (detach only)']
    })

    const result = await runOnSim(sim, { cluster: 'pr-9' })
    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(sim.remaining('pr-9').cluster).toBe('INACTIVE')
    expect(sim.capacityProviderState(sim.capacityProviders.get('pr-9-asg')!).status).toBe('INACTIVE')
    expect(c.capacityProviders).toEqual([
      { name: 'pr-9-asg', action: 'deleted' },
      { name: 'FARGATE', action: 'detached' }
    ])
    expect(c.leftovers.filter(l => l.kind !== 'ec2-instance')).toEqual([])
    // FARGATE is AWS's: never asked to be deleted.
    expect(
      sim.calls.filter(x => x.operation === 'DeleteCapacityProvider').map(x => x.input.capacityProvider)
    ).toEqual(['pr-9-asg'])
    // Nothing was deleted while the detach was under way: no DELETE_FAILED answer, no refused DeleteCluster.
    const [detached] = at(sim, 'PutClusterCapacityProviders')
    expect(Math.min(...at(sim, 'DeleteCapacityProvider'))).toBeGreaterThanOrEqual(detached! + DETACH_MS)
    expect(sim.calls.filter(x => x.operation === 'DeleteCluster' && x.error)).toEqual([])
    // The steps the dry run listed are the phases the run went through.
    expect(c.phases.map(p => p.name)).toEqual(
      expect.arrayContaining(['capacity providers', 'delete cluster'])
    )
    expect(result.summary).toContain('| Capacity providers | 2 | 1 deleted, 2 detached | 0 |')
  })

  it('sends DeleteCapacityProvider again while AWS answers DELETE_FAILED "associated with cluster"', async () => {
    const sim = new Silent({ attachmentUpdateMs: DETACH_MS })
    ec2Cluster(sim)
    const result = await runOnSim(sim, { cluster: 'pr-9' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('pr-9').cluster).toBe('INACTIVE')
    expect(sim.capacityProviderState(sim.capacityProviders.get('pr-9-asg')!).status).toBe('INACTIVE')
    expect(only(result.report).capacityProviders).toContainEqual({ name: 'pr-9-asg', action: 'deleted' })
    // At least one DELETE_FAILED answer was sent again, and DeleteCluster's ClientException retried.
    expect(at(sim, 'DeleteCapacityProvider').length).toBeGreaterThan(1)
    expect(result.log.lines.join('\n')).toMatch(/associated with cluster: pr-9/)
  })

  it('retries DeleteCluster’s ClientException about attached providers until the detach has settled', async () => {
    const sim = new Silent({ attachmentUpdateMs: DETACH_MS })
    sim.createCapacityProvider('shared-asg')
    sim.createCluster('pr-4', { capacityProviders: ['shared-asg'] })
    sim.createCluster('staging', { capacityProviders: ['shared-asg'] })
    const result = await runOnSim(sim, { cluster: 'pr-4' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('pr-4').cluster).toBe('INACTIVE')
    const refused = sim.calls.filter(x => x.operation === 'DeleteCluster' && x.error === 'ClientException')
    expect(refused.length).toBeGreaterThan(0)
    expect(at(sim, 'DeleteCapacityProvider')).toEqual([])
    expect(sim.capacityProviderState(sim.capacityProviders.get('shared-asg')!).status).toBe('ACTIVE')
  })

  it('does not wait on a DELETE_FAILED that names another cluster: the provider is reported and the run stops at once', async () => {
    const sim = new EcsSim({ attachmentUpdateMs: DETACH_MS })
    ec2Cluster(sim)
    // Someone attaches the provider to another cluster between the plan and the deletion.
    sim.beforeCall = operation => {
      if (operation === 'DeleteCapacityProvider' && !sim.clusters.has('staging'))
        sim.createCluster('staging', { capacityProviders: ['pr-9-asg'] })
    }
    const result = await runOnSim(sim, { cluster: 'pr-9' })
    expect(result.failed).toMatch(
      /capacity provider pr-9-asg could not be deleted: DELETE_FAILED: .*associated with cluster: staging/
    )
    // One answer was enough: no retries until the deadline.
    expect(at(sim, 'DeleteCapacityProvider')).toHaveLength(1)
    expect(only(result.report).leftovers).toContainEqual(
      expect.objectContaining({ kind: 'capacity-provider', id: 'pr-9-asg' })
    )
    expect(sim.capacityProviderState(sim.capacityProviders.get('pr-9-asg')!).status).toBe('ACTIVE')
  })

  it('reports a DELETE_FAILED for another reason with that reason and what to do', async () => {
    const sim = new EcsSim({ attachmentUpdateMs: DETACH_MS })
    sim.createCapacityProvider('pr-6-asg', {
      deleteFailsWith: 'The Auto Scaling group has instances protected from scale in.'
    })
    sim.createCluster('pr-6', { capacityProviders: ['pr-6-asg'] })
    const result = await runOnSim(sim, { cluster: 'pr-6' })
    expect(result.failed).toMatch(
      /capacity provider pr-6-asg could not be deleted: DELETE_FAILED: The Auto Scaling group has instances protected from scale in/
    )
    const c = only(result.report)
    expect(c.leftovers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'capacity-provider',
          id: 'pr-6-asg',
          reason: expect.stringContaining('aws ecs delete-capacity-provider --capacity-provider pr-6-asg')
        })
      ])
    )
    expect(sim.capacityProviderState(sim.capacityProviders.get('pr-6-asg')!).status).toBe('ACTIVE')
  })
})

describe('capacity providers: one fails, the others are seen through', () => {
  it('a DELETE_FAILED of one provider does not leave another one’s deletion unrecorded', async () => {
    const sim = new EcsSim({ attachmentUpdateMs: DETACH_MS })
    sim.createCapacityProvider('pr-7-a', {
      deleteFailsWith: 'The Auto Scaling group has instances protected from scale in.'
    })
    sim.createCapacityProvider('pr-7-b')
    sim.createCluster('pr-7', { capacityProviders: ['pr-7-a', 'pr-7-b'] })
    const result = await runOnSim(sim, { cluster: 'pr-7' })
    expect(result.failed).toMatch(/capacity provider pr-7-a could not be deleted: DELETE_FAILED/)
    expect(sim.capacityProviderState(sim.capacityProviders.get('pr-7-b')!).status).toBe('INACTIVE')
    const c = only(result.report)
    // What AWS holds afterwards: b is gone, a is left.
    expect(c.capacityProviders).toContainEqual({ name: 'pr-7-b', action: 'deleted' })
    expect(c.leftovers.filter(l => l.kind === 'capacity-provider').map(l => l.id)).toEqual(['pr-7-a'])
  })
})

describe('ECS Managed Instances and ECS Managed Daemons', () => {
  it('deletes the daemon, then the cluster-scoped provider with its cluster, then the cluster; its instances are reported as ECS’s', async () => {
    const sim = new EcsSim({ attachmentUpdateMs: DETACH_MS, capacityProviderDeleteMs: 90_000 })
    const { daemon, instances } = managedInstancesCluster(sim)

    const dry = await runOnSim(sim, { cluster: 'pr-11', 'dry-run': 'true' })
    expect(sim.mutatingCalls()).toEqual([])
    const steps = only(dry.report).plan!.steps
    const daemonStep = steps.findIndex(s => /ECS Managed Daemon/.test(s.description))
    const providerStep = steps.findIndex(s => /ECS Managed Instances provider/.test(s.description))
    expect(daemonStep).toBeGreaterThanOrEqual(0)
    expect(providerStep).toBeGreaterThan(daemonStep)
    expect(steps[daemonStep]!.resources).toEqual(['log-agent'])
    expect(steps[providerStep]!.resources).toEqual([
      `pr-11-mi (delete, Managed Instances: ${instances.join(', ')})`
    ])
    // Its instances are ECS's: not deregistered nor terminated by hand.
    expect(steps.some(s => /Deregister/.test(s.description))).toBe(false)
    expect(dry.summary).toContain('ECS Managed Daemons')

    const result = await runOnSim(sim, { cluster: 'pr-11' })
    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.outcome).toBe('deleted')
    expect(sim.remaining('pr-11')).toEqual({
      cluster: 'INACTIVE',
      services: [],
      tasks: [],
      containerInstances: [],
      orphanedTasks: []
    })
    expect(sim.daemonStatus(sim.daemons.get(daemon)!)).toBe('GONE')
    expect(sim.capacityProviderState(sim.capacityProviders.get('pr-11-mi')!).status).toBe('INACTIVE')
    // In order, with the cluster on the provider's calls; never detached, never deregistered.
    const deletes = sim.calls.filter(x => x.operation === 'DeleteCapacityProvider')
    expect(deletes.every(x => x.input.cluster)).toBe(true)
    expect(deletes.filter(x => x.error)).toEqual([])
    expect(Math.min(...deletes.map(x => x.at))).toBeGreaterThanOrEqual(Math.max(...at(sim, 'DeleteDaemon')))
    expect(at(sim, 'PutClusterCapacityProviders')).toEqual([])
    expect(at(sim, 'DeregisterContainerInstance')).toEqual([])
    expect(c.capacityProviders).toEqual([
      { name: 'pr-11-mi', action: 'deleted', managedInstances: instances }
    ])
    expect(c.related?.daemons).toEqual([{ arn: daemon, name: 'log-agent', action: 'deleted' }])
    expect(c.related?.found.daemons).toBe(1)
    expect(c.leftovers).toEqual([])
    expect(result.summary).toMatch(/ECS Managed Daemons\s*\|\s*1\s*\|\s*1\s*\|\s*0/)
  })

  it('keeps the daemon and the provider in services mode, and says so', async () => {
    const sim = new EcsSim()
    const { daemon } = managedInstancesCluster(sim)
    const result = await runOnSim(sim, { cluster: 'pr-11', services: 'web' })
    expect(result.failed).toBeUndefined()
    const c = only(result.report)
    expect(c.outcome).toBe('services-removed')
    expect(sim.daemonStatus(sim.daemons.get(daemon)!)).toBe('ACTIVE')
    expect(sim.capacityProviderState(sim.capacityProviders.get('pr-11-mi')!).status).toBe('ACTIVE')
    expect(at(sim, 'DeleteDaemon')).toEqual([])
    expect(at(sim, 'DeleteCapacityProvider')).toEqual([])
    expect(c.scope?.kept).toEqual(
      expect.arrayContaining([
        {
          kind: 'daemon',
          id: 'log-agent',
          reason: 'kept (services mode): an ECS Managed Daemon of cluster pr-11, which is kept'
        }
      ])
    )
    expect(sim.remaining('pr-11').services).toEqual(['api:ACTIVE'])
  })

  it('reports the daemon and the provider as left, with the commands, when the deadline comes first', async () => {
    const sim = new EcsSim({ daemonDeleteMs: 60 * 60_000 })
    const { daemon } = managedInstancesCluster(sim)
    const result = await runOnSim(sim, { cluster: 'pr-11', 'timeout-minutes': '5' })
    const c = only(result.report)
    expect(c.outcome).toBe('timed-out')
    expect(sim.daemonStatus(sim.daemons.get(daemon)!)).toBe('DELETE_IN_PROGRESS')
    expect(at(sim, 'DeleteCapacityProvider')).toEqual([])
    expect(c.leftovers).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'daemon',
          id: 'log-agent',
          reason: expect.stringContaining(`aws ecs delete-daemon --daemon-arn ${daemon}`)
        }),
        expect.objectContaining({
          kind: 'capacity-provider',
          id: 'pr-11-mi',
          billing: true,
          reason: expect.stringContaining(
            'aws ecs delete-capacity-provider --capacity-provider pr-11-mi --cluster pr-11'
          )
        })
      ])
    )
  })

  it('waits for a Managed Instances provider an interrupted run left DEPROVISIONING, and deletes the cluster', async () => {
    const sim = new EcsSim({ capacityProviderDeleteMs: 120_000 })
    sim.createCluster('pr-12')
    const { provider } = sim.createManagedInstancesProvider('pr-12', 'pr-12-mi', { instances: 1 })
    provider.deleteRequestedAt = sim.time.clock()
    const result = await runOnSim(sim, { cluster: 'pr-12' })
    expect(result.failed).toBeUndefined()
    expect(sim.remaining('pr-12').cluster).toBe('INACTIVE')
    expect(at(sim, 'DeleteCapacityProvider')).toEqual([])
    expect(only(result.report).leftovers).toEqual([])
  })

  it('names the missing ecs:ListDaemons in the dry run’s blockers', async () => {
    const sim = new EcsSim()
    managedInstancesCluster(sim)
    sim.denied.add('ListDaemons')
    const dry = await runOnSim(sim, { cluster: 'pr-11', 'dry-run': 'true' })
    expect(dry.failed).toBeUndefined()
    expect(only(dry.report).plan!.blockers).toEqual(
      expect.arrayContaining([expect.stringMatching(/missing permission: .*ecs:ListDaemons/)])
    )
  })

  it('looks for daemons only on a cluster with a Managed Instances provider', async () => {
    const sim = new EcsSim()
    ec2Cluster(sim)
    await runOnSim(sim, { cluster: 'pr-9', 'dry-run': 'true' })
    expect(at(sim, 'ListDaemons')).toEqual([])
  })
})
