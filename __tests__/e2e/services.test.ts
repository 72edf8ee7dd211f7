// End to end: one pull request's services torn down in a shared cluster, the built dist/index.js
// against a real moto server. The other pull request's services and tasks, the standalone job, the
// container instances and the cluster must stay.
import { expect, it } from '@jest/globals'
import type { Report } from '../../src/report/report.js'
import { buildPreviewEnvironment, whatIsLeft } from './support/fixtures.js'
import { runAction } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'

describeAgainstMoto('services mode end to end (dist/index.js against moto)', moto => {
  it("removes PR 42's services from a shared cluster and leaves PR 7's, the standalone job, the instances and the cluster", async () => {
    const cluster = `shared-${process.pid}-${Date.now().toString(36)}`
    const environment = await buildPreviewEnvironment(moto().endpoint, cluster, {
      services: { 'pr-42-web': 2, 'pr-42-worker': 1, 'pr-7-web': 1 },
      standaloneTasks: 1,
      instances: 2
    })
    const pr7Tasks = [...environment.serviceTasks['pr-7-web']!, ...environment.standaloneTaskArns].sort()

    const inputs = {
      cluster,
      services: 'pr-42-*',
      force: 'true',
      region: 'us-east-1',
      'timeout-minutes': '5'
    }
    const result = await runAction({ endpoint: moto().endpoint, inputs })
    expect({ code: result.code, stdout: result.code === 0 ? '' : result.stdout }).toEqual({
      code: 0,
      stdout: ''
    })

    const report = JSON.parse(result.outputs['report']!) as Report
    expect(report.clusters.map(c => [c.name, c.outcome])).toEqual([[cluster, 'services-removed']])
    expect(report.clusters[0]!.services.map(s => s.name).sort()).toEqual(['pr-42-web', 'pr-42-worker'])
    expect(result.outputs).toMatchObject({
      'services-deleted': '2',
      'tasks-stopped': '3',
      'container-instances-deregistered': '0',
      'clusters-deleted': '0'
    })
    expect(result.summary).toContain('services removed, cluster kept')

    const left = await whatIsLeft(moto().endpoint, cluster)
    expect(left.clusterStatus).toBe('ACTIVE')
    expect(left.services.map(s => `${s.name}:${s.status}:${s.desiredCount}`)).toEqual(['pr-7-web:ACTIVE:1'])
    expect(left.tasksStillDesiredRunning.map(t => t.arn).sort()).toEqual(pr7Tasks)
    expect(left.containerInstances).toHaveLength(2)
    expect(left.capacityProviders.sort()).toEqual(['FARGATE', 'FARGATE_SPOT'])

    // Idempotent: a second run finds nothing of PR 42 left, and still does not touch PR 7.
    const again = await runAction({ endpoint: moto().endpoint, inputs })
    expect(again.code).toBe(0)
    const second = JSON.parse(again.outputs['report']!) as Report
    expect(second.clusters[0]!.outcome).toBe('absent')
    const after = await whatIsLeft(moto().endpoint, cluster)
    expect(after.tasksStillDesiredRunning.map(t => t.arn).sort()).toEqual(pr7Tasks)
  }, 300_000)
})
