// End to end on moto: a cluster with its own Auto Scaling capacity provider and FARGATE, torn down by the
// built dist/index.js. moto detaches and deletes at once (MOTO-NOTES.md: no attachmentsStatus, no
// DELETE_FAILED, no cluster-scoped providers, no daemons): the asynchronous detach, DELETE_FAILED and
// ECS Managed Instances and Daemons are tested on the simulator (__tests__/scenario/capacity.test.ts).
import { expect, it } from '@jest/globals'
import { CreateCapacityProviderCommand, DescribeCapacityProvidersCommand } from '@aws-sdk/client-ecs'
import type { Report } from '../../src/report/report.js'
import { buildPreviewEnvironment, ecsClient, whatIsLeft } from './support/fixtures.js'
import { runAction } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'

describeAgainstMoto('capacity providers end to end (dist/index.js against moto)', moto => {
  it('deletes the cluster’s own Auto Scaling provider, leaves FARGATE, and deletes the cluster', async () => {
    const cluster = `e2e-cp-${process.pid}-${Date.now().toString(36)}`
    const provider = `${cluster}-asg`
    const ecs = ecsClient(moto().endpoint)
    await ecs.send(
      new CreateCapacityProviderCommand({
        name: provider,
        autoScalingGroupProvider: {
          autoScalingGroupArn: `arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:0000:autoScalingGroupName/${provider}`
        }
      })
    )
    await buildPreviewEnvironment(moto().endpoint, cluster, { capacityProviders: [provider, 'FARGATE'] })

    const result = await runAction({
      endpoint: moto().endpoint,
      inputs: { cluster, region: 'us-east-1', 'timeout-minutes': '5', force: 'true' }
    })
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: expect.any(String) })
    const report = JSON.parse(result.outputs['report'] ?? '{}') as Report
    const c = report.clusters[0]!
    expect(c.outcome).toBe('deleted')
    expect(c.capacityProviders).toEqual([
      { name: provider, action: 'deleted' },
      { name: 'FARGATE', action: 'detached' }
    ])
    expect(c.leftovers.filter(l => l.kind === 'capacity-provider' || l.kind === 'cluster')).toEqual([])
    expect(['INACTIVE', 'MISSING']).toContain((await whatIsLeft(moto().endpoint, cluster)).clusterStatus)
    // moto forgets a deleted provider: described by name, it is MISSING.
    const described = await ecs.send(new DescribeCapacityProvidersCommand({ capacityProviders: [provider] }))
    expect(described.capacityProviders ?? []).toEqual([])
    expect(described.failures?.[0]?.reason).toBe('MISSING')
    // moto does not answer the cluster-scoped DescribeCapacityProviders: the run says so and goes on.
    expect(result.stdout).toMatch(/DescribeCapacityProviders with cluster was not answered/)
  }, 300_000)
})
