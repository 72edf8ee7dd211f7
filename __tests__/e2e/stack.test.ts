// End to end: delete-stack with a console-wizard stack (EC2ContainerService-<cluster>), the built
// dist/index.js against a real moto server.
import { expect, it } from '@jest/globals'
import type { Report } from '../../src/report/report.js'
import { buildPreviewEnvironment, whatIsLeft } from './support/fixtures.js'
import { runAction } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'
import { createClusterStack, stackState } from './support/stack-fixtures.js'

describeAgainstMoto('delete-stack end to end (dist/index.js against moto)', moto => {
  const small = { services: { web: 1 }, standaloneTasks: 1, instances: 1 }

  it('removes the stack and the cluster with delete-stack: true', async () => {
    const cluster = `stack${process.pid}-on`
    // The stack first: moto replaces a cluster's tags and providers when a stack creates it later.
    const stack = await createClusterStack(moto().endpoint, cluster)
    await buildPreviewEnvironment(moto().endpoint, cluster, small)

    const result = await runAction({
      endpoint: moto().endpoint,
      inputs: { cluster, region: 'us-east-1', force: 'true', 'delete-stack': 'true', 'timeout-minutes': '5' }
    })
    expect({ code: result.code, stdout: result.code === 0 ? '' : result.stdout }).toEqual({
      code: 0,
      stdout: ''
    })
    expect(await stackState(moto().endpoint, stack)).toEqual({ byId: 'DELETE_COMPLETE', byName: 'MISSING' })
    const left = await whatIsLeft(moto().endpoint, cluster)
    expect(left.clusterStatus).toBe('INACTIVE')
    expect(left.services).toEqual([])
    expect(left.tasksStillDesiredRunning).toEqual([])

    const entry = (JSON.parse(result.outputs['report']!) as Report).clusters[0]!
    expect(entry.outcome).toBe('deleted')
    expect(entry.stack).toMatchObject({
      name: `EC2ContainerService-${cluster}`,
      id: stack.stackId,
      status: 'DELETE_COMPLETE',
      ownsCluster: true,
      deleted: true
    })
    expect(result.outputs['stacks-deleted']).toBe('1')
    // moto's DeleteStack leaves the AWS::ECS::Cluster behind; the action sees that and deletes it itself.
    expect(result.stdout).toContain('after its stack was deleted: deleting it directly')
  }, 300_000)

  it('leaves the stack untouched without delete-stack', async () => {
    const cluster = `stack${process.pid}-off`
    const stack = await createClusterStack(moto().endpoint, cluster)
    await buildPreviewEnvironment(moto().endpoint, cluster, small)

    const result = await runAction({
      endpoint: moto().endpoint,
      inputs: { cluster, region: 'us-east-1', force: 'true', 'timeout-minutes': '5' }
    })
    expect(result.code).toBe(0)
    expect(await stackState(moto().endpoint, stack)).toEqual({
      byId: 'CREATE_COMPLETE',
      byName: 'CREATE_COMPLETE'
    })
    expect((await whatIsLeft(moto().endpoint, cluster)).clusterStatus).toBe('INACTIVE')
    expect(result.outputs['stacks-deleted']).toBe('0')
  }, 300_000)
})
