// The checks of CI's self-test job (scripts/lib/self-test.mjs): they fail on wrong counts, a missing or
// different report file, and anything left in moto; and they read the job from ci.yml as it is.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import {
  expectedCounts,
  leftoverProblems,
  outputProblems,
  selfTestJob,
  type BuiltEnvironment,
  type Left
} from '../../scripts/lib/self-test.mjs'

const env: BuiltEnvironment = {
  clusterName: 'self-test-1',
  clusterArn: 'arn:aws:ecs:us-east-1:123456789012:cluster/self-test-1',
  stack: { stackName: 'EC2ContainerService-self-test-1', stackId: 'arn:stack', resources: [] },
  containerInstances: [{ ec2InstanceId: 'i-1' }, { ec2InstanceId: 'i-2' }],
  tasks: [{}, {}, {}]
}
const report = JSON.stringify({ dryRun: false, clusters: [{ name: 'self-test-1', outcome: 'deleted' }] })
const files: Record<string, string> = { '/tmp/r.json': report }
const read = (path: string): string => {
  const text = files[path]
  if (text === undefined) throw new Error(`ENOENT: ${path}`)
  return text
}
const good = { ...expectedCounts(env), report, 'report-file': '/tmp/r.json' }
const nothingLeft: Left = {
  clusterStatus: 'INACTIVE',
  services: [],
  tasksDesiredRunning: [],
  containerInstances: [],
  stack: { byId: 'DELETE_COMPLETE', byName: 'MISSING' },
  ec2Instances: [{ id: 'i-1', state: 'terminated' }]
}

describe('the self-test checks', () => {
  it('pass when the outputs count what was built and report-file holds the report', () => {
    expect(expectedCounts(env)).toEqual({
      'services-deleted': '1',
      'tasks-stopped': '3',
      'container-instances-deregistered': '2',
      'clusters-deleted': '1',
      'stacks-deleted': '1'
    })
    expect(outputProblems(good, env, read)).toEqual([])
    expect(leftoverProblems(nothingLeft, env)).toEqual([])
  })

  it('fail on a wrong count, a missing file, and a report output that differs from the file', () => {
    expect(outputProblems({ ...good, 'tasks-stopped': '2' }, env, read)).toEqual([
      "output tasks-stopped is '2', expected 3"
    ])
    expect(outputProblems({ ...good, 'report-file': '' }, env, read)).toEqual(['output report-file is empty'])
    expect(outputProblems({ ...good, 'report-file': '/tmp/none.json' }, env, read)[0]).toMatch(
      /^report-file \/tmp\/none.json does not hold a JSON report/
    )
    expect(outputProblems({ ...good, report: '{"dryRun":false,"clusters":[]}' }, env, read)).toEqual([
      'output report differs from report-file'
    ])
  })

  it('fail on anything left in moto', () => {
    const left: Left = {
      clusterStatus: 'ACTIVE',
      services: [{ name: 'web', status: 'DRAINING' }],
      tasksDesiredRunning: ['t1'],
      containerInstances: [{ id: 'i-1', status: 'ACTIVE' }],
      stack: { byId: 'DELETE_FAILED', byName: 'DELETE_FAILED' },
      ec2Instances: [{ id: 'i-2', state: 'running' }]
    }
    expect(leftoverProblems(left, env)).toEqual([
      'cluster self-test-1 is ACTIVE',
      'service web is DRAINING',
      'task t1 is still desired RUNNING',
      'container instance of i-1 is ACTIVE',
      'stack EC2ContainerService-self-test-1 is DELETE_FAILED by id, DELETE_FAILED by name',
      'EC2 instance i-2 is running'
    ])
  })
})

describe("ci.yml's self-test job", () => {
  const ciYml = readFileSync(new URL('../../.github/workflows/ci.yml', import.meta.url), 'utf8')

  it('is read with its inputs and environment, expressions expanded', () => {
    const job = selfTestJob(ciYml)
    expect(job.inputs).toEqual({
      cluster: 'self-test-local',
      force: 'true',
      'delete-stack': 'true',
      'timeout-minutes': '10'
    })
    expect(job.env['AWS_ENDPOINT_URL']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('refuses an expression it cannot expand, and a workflow without the job', () => {
    expect(() => selfTestJob(ciYml.replace('force: true', 'force: ${{ inputs.force }}'))).toThrow(
      /cannot expand: \$\{\{ inputs.force \}\}/
    )
    expect(() => selfTestJob('jobs: {}')).toThrow(/no job 'self-test'/)
  })
})
