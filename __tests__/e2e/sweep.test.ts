// End to end: a nightly sweep by pattern and tag, the built dist/index.js against a real moto server.
import { expect, it } from '@jest/globals'
import type { Report } from '../../src/report/report.js'
import { buildPreviewEnvironment, whatIsLeft } from './support/fixtures.js'
import { runAction } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'

describeAgainstMoto('nightly sweep end to end (dist/index.js against moto)', moto => {
  it('removes the three tagged preview clusters and leaves the untagged and production ones untouched', async () => {
    const prefix = `sweep${process.pid}`
    const small = { services: { web: 1 }, standaloneTasks: 1, instances: 1 }
    const previews = ['alpha', 'bravo', 'charlie'].map(n => `${prefix}-pr-${n}`)
    for (const name of previews)
      await buildPreviewEnvironment(moto().endpoint, name, { ...small, tags: { environment: 'preview' } })
    const untagged = `${prefix}-pr-delta`
    await buildPreviewEnvironment(moto().endpoint, untagged, { ...small, tags: { team: 'web' } })
    const production = `${prefix}-production`
    await buildPreviewEnvironment(moto().endpoint, production, {
      ...small,
      tags: { environment: 'production' }
    })

    const result = await runAction({
      endpoint: moto().endpoint,
      inputs: {
        cluster: `${prefix}-pr-*`,
        'require-tags': 'environment=preview',
        force: 'true',
        region: 'us-east-1',
        'timeout-minutes': '5'
      }
    })
    expect({ code: result.code, stdout: result.code === 0 ? '' : result.stdout }).toEqual({
      code: 0,
      stdout: ''
    })
    const report = JSON.parse(result.outputs['report']!) as Report
    const outcome = Object.fromEntries(report.clusters.map(c => [c.name, c.outcome]))
    expect(outcome).toEqual({
      [previews[0]!]: 'deleted',
      [previews[1]!]: 'deleted',
      [previews[2]!]: 'deleted',
      [untagged]: 'skipped'
    })
    expect(result.outputs['clusters-deleted']).toBe('3')
    for (const name of previews) {
      const left = await whatIsLeft(moto().endpoint, name)
      expect({ name, cluster: left.clusterStatus, tasks: left.tasksStillDesiredRunning }).toEqual({
        name,
        cluster: 'INACTIVE',
        tasks: []
      })
    }
    for (const name of [untagged, production]) {
      const left = await whatIsLeft(moto().endpoint, name)
      expect({
        name,
        cluster: left.clusterStatus,
        services: left.services.length,
        tasks: left.tasksStillDesiredRunning.length
      }).toEqual({
        name,
        cluster: 'ACTIVE',
        services: 1,
        tasks: 2
      })
    }
    expect(result.summary).toContain('⏭️ skipped')
  }, 300_000)
})
