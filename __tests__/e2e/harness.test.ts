// Checks the e2e harness itself (moto server, fixtures, whatIsLeft, runAction), without dist/.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals'
import {
  DeleteClusterCommand,
  DeleteServiceCommand,
  DeregisterContainerInstanceCommand,
  DescribeServicesCommand,
  DescribeTasksCommand,
  PutClusterCapacityProvidersCommand,
  StopTaskCommand
} from '@aws-sdk/client-ecs'
import {
  buildPreviewEnvironment,
  ecsClient,
  whatIsLeft,
  type PreviewEnvironment
} from './support/fixtures.js'
import { repoRoot, reset, startMoto, type MotoServer } from './support/moto.js'
import { parseInputDefaults, parseOutputFile, runAction } from './support/runAction.js'

describe('parseOutputFile', () => {
  it('reads heredoc and name=value entries as the runner does', () => {
    const file =
      'report<<ghadelimiter_1\n{"a":1,\n"b":"x=y"}\nghadelimiter_1\n' +
      'empty<<ghadelimiter_2\nghadelimiter_2\n' +
      'plain=a=b<<c\n' +
      'crlf<<EOF\r\nline 1\r\nline 2\r\nEOF\r\n' +
      'twice=1\ntwice<<D\n2\nD\n'
    expect(parseOutputFile(file)).toEqual({
      report: '{"a":1,\n"b":"x=y"}',
      empty: '',
      plain: 'a=b<<c',
      crlf: 'line 1\nline 2',
      twice: '2'
    })
    expect(parseOutputFile('')).toEqual({})
  })

  it('rejects malformed files', () => {
    expect(() => parseOutputFile('name<<EOF\nvalue\n')).toThrow(/closing delimiter/)
    expect(() => parseOutputFile('just a line\n')).toThrow(/neither/)
    expect(() => parseOutputFile('=value\n')).toThrow(/empty name/)
  })
})

describe('parseInputDefaults', () => {
  it('reads the defaults of the inputs block only', () => {
    const yaml = [
      'name: ecs-teardown',
      'inputs:',
      '  cluster:',
      '    description: Cluster name or ARN',
      '    required: true',
      '  force:',
      "    default: 'false'",
      '  timeout-minutes:',
      '    description: >-',
      '      long text',
      '    default: "30"',
      '  drain-timeout-minutes:',
      '    default: 10 # minutes',
      '  token:',
      '    default: ${{ github.token }}',
      '  note:',
      '    default: |',
      '      a',
      '      b',
      'outputs:',
      '  report:',
      '    default: nope',
      'runs:',
      '  using: node24'
    ].join('\n')
    expect(parseInputDefaults(yaml)).toEqual({
      force: 'false',
      'timeout-minutes': '30',
      'drain-timeout-minutes': '10',
      note: 'a\nb\n'
    })
  })
})

describe('runAction', () => {
  const dir = join(repoRoot, '.e2e-tmp', `harness-${process.pid}`)
  const script = (name: string, body: string): string => {
    mkdirSync(dir, { recursive: true })
    const path = join(dir, `${name}-${process.pid}.mjs`)
    writeFileSync(path, body)
    return path
  }
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('runs a node24 action with runner-like inputs, files and a clean environment', async () => {
    const entry = script(
      'fake-action',
      [
        "import * as core from '@actions/core'",
        "core.setOutput('report', JSON.stringify({ a: 1, multi: 'x\\ny' }, null, 2))",
        "core.setOutput('clusters-deleted', 1)",
        "core.setOutput('empty', '')",
        "await core.summary.addHeading('Teardown').addRaw('done').write()",
        'const env = process.env',
        'const leaked = Object.keys(env).filter(k => /^(AWS_PROFILE|AWS_SESSION_TOKEN|GITHUB_TOKEN|LEAK_)/.test(k))',
        "const inputs = Object.keys(env).filter(k => k.startsWith('INPUT_')).sort()",
        "console.log(JSON.stringify({ version: process.version, leaked, cluster: core.getInput('cluster'),",
        "  timeout: core.getInput('timeout-minutes'), endpoint: env.AWS_ENDPOINT_URL, region: env.AWS_REGION,",
        '  temp: env.RUNNER_TEMP, cwd: process.cwd(), runId: env.GITHUB_RUN_ID, attempt: env.GITHUB_RUN_ATTEMPT,',
        '  summaryFile: env.GITHUB_STEP_SUMMARY, inputs }))'
      ].join('\n')
    )
    const saved = { ...process.env }
    // What a GitHub job's step has (its run id, its own summary file, an input of another action):
    // none of it may reach the action under test.
    const parentSummary = join(dir, 'parent-step-summary')
    writeFileSync(parentSummary, '')
    const parentVariables = {
      AWS_PROFILE: 'leak',
      GITHUB_TOKEN: 'leak',
      LEAK_ME: '1',
      AWS_SESSION_TOKEN: 'x',
      GITHUB_RUN_ID: '987654321',
      GITHUB_RUN_ATTEMPT: '4',
      GITHUB_STEP_SUMMARY: parentSummary,
      INPUT_SERVICES: 'leak'
    }
    Object.assign(process.env, parentVariables)
    try {
      const result = await runAction({
        entry,
        endpoint: 'http://127.0.0.1:9',
        inputs: { cluster: 'c1', 'timeout-minutes': '7' },
        actionDefaults: false
      })
      expect(result.code).toBe(0)
      expect(result.outputs).toEqual({
        report: JSON.stringify({ a: 1, multi: 'x\ny' }, null, 2),
        'clusters-deleted': '1',
        empty: ''
      })
      expect(result.summary).toContain('<h1>Teardown</h1>')
      const seen = JSON.parse(result.stdout.trim()) as Record<string, unknown>
      expect(seen).toMatchObject({
        leaked: [],
        cluster: 'c1',
        timeout: '7',
        endpoint: 'http://127.0.0.1:9',
        region: 'us-east-1',
        cwd: repoRoot.replace(/\/$/, ''),
        runId: '1',
        attempt: '1',
        inputs: ['INPUT_CLUSTER', 'INPUT_TIMEOUT-MINUTES']
      })
      expect(seen['summaryFile']).not.toBe(parentSummary)
      expect(readFileSync(parentSummary, 'utf8')).toBe('')
      expect(String(seen['version'])).toMatch(/^v24\./)
    } finally {
      for (const key of Object.keys(parentVariables)) {
        if (saved[key] === undefined) delete process.env[key]
        else process.env[key] = saved[key]
      }
    }
  })

  it('reports the exit code of a failing action and kills one that hangs', async () => {
    const failing = script(
      'failing-action',
      "import * as core from '@actions/core'\ncore.setFailed('bad input')"
    )
    const failed = await runAction({ entry: failing, endpoint: 'http://127.0.0.1:9', inputs: {} })
    expect(failed.code).toBe(1)
    expect(failed.stdout.trim()).toBe('::error::bad input')

    const hanging = script('hanging-action', 'setInterval(() => {}, 1000)')
    const hung = await runAction({
      entry: hanging,
      endpoint: 'http://127.0.0.1:9',
      inputs: {},
      timeoutMs: 500
    })
    expect(hung).toMatchObject({ code: null, signal: 'SIGKILL', timedOut: true })
  })
})

describe('moto server and fixtures', () => {
  let moto: MotoServer

  beforeAll(async () => {
    moto = await startMoto()
  }, 60_000)

  afterAll(async () => {
    await moto?.stop()
  })

  beforeEach(async () => {
    await reset(moto.endpoint)
  })

  /** What a correct teardown does, by hand, in moto. */
  async function tearDownByHand(environment: PreviewEnvironment): Promise<void> {
    const ecs = ecsClient(moto.endpoint)
    const cluster = environment.clusterName
    for (const task of environment.allTaskArns) await ecs.send(new StopTaskCommand({ cluster, task }))
    for (const service of Object.keys(environment.services)) {
      await ecs.send(new DeleteServiceCommand({ cluster, service, force: true }))
    }
    for (const containerInstance of environment.containerInstanceArns) {
      await ecs.send(new DeregisterContainerInstanceCommand({ cluster, containerInstance }))
    }
    await ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster,
        capacityProviders: [],
        defaultCapacityProviderStrategy: []
      })
    )
    await ecs.send(new DeleteClusterCommand({ cluster }))
  }

  it('starts, answers and resets', async () => {
    expect(moto.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    await buildPreviewEnvironment(moto.endpoint, 'h-reset', {
      services: {},
      standaloneTasks: 0,
      instances: 0
    })
    expect((await whatIsLeft(moto.endpoint, 'h-reset')).clusterStatus).toBe('ACTIVE')
    await reset(moto.endpoint)
    expect((await whatIsLeft(moto.endpoint, 'h-reset')).clusterStatus).toBe('MISSING')
  })

  it('builds the preview environment', async () => {
    const env = await buildPreviewEnvironment(moto.endpoint, 'h-build')
    const ecs = ecsClient(moto.endpoint)
    expect(env.containerInstanceArns).toHaveLength(2)
    expect(env.ec2InstanceIds).toHaveLength(2)
    expect(env.serviceTasks['web']).toHaveLength(2)
    expect(env.serviceTasks['worker']).toHaveLength(1)
    expect(env.standaloneTaskArns).toHaveLength(2)

    const services = await ecs.send(
      new DescribeServicesCommand({ cluster: 'h-build', services: ['web', 'worker'] })
    )
    expect(services.services?.map(s => [s.serviceName, s.status, s.desiredCount])).toEqual([
      ['web', 'ACTIVE', 2],
      ['worker', 'ACTIVE', 1]
    ])
    const tasks = await ecs.send(new DescribeTasksCommand({ cluster: 'h-build', tasks: env.allTaskArns }))
    const byArn = new Map(tasks.tasks?.map(t => [t.taskArn, t]))
    for (const arn of env.serviceTasks['web'] ?? []) {
      expect(byArn.get(arn)).toMatchObject({
        group: 'service:web',
        startedBy: expect.stringMatching(/^ecs-svc\//)
      })
    }
    for (const arn of env.standaloneTaskArns) {
      expect(byArn.get(arn)).toMatchObject({ group: 'family:h-build-app', startedBy: 'ci-job' })
    }
    // Tasks are spread over both instances (three fit on one).
    expect(new Set(tasks.tasks?.map(t => t.containerInstanceArn)).size).toBe(2)

    const left = await whatIsLeft(moto.endpoint, 'h-build')
    expect(left.clusterStatus).toBe('ACTIVE')
    expect(left.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT'])
    expect(left.services.map(s => s.name)).toEqual(['web', 'worker'])
    expect(left.tasksStillDesiredRunning).toHaveLength(5)
    expect(left.containerInstances).toHaveLength(2)
  })

  it('whatIsLeft shows nothing after a complete teardown, and ignores clusters with similar names', async () => {
    const env = await buildPreviewEnvironment(moto.endpoint, 'h-full', { instances: 2 })
    const neighbour = await buildPreviewEnvironment(moto.endpoint, 'h-full-2', { instances: 2 })
    await tearDownByHand(env)
    expect(await whatIsLeft(moto.endpoint, 'h-full')).toEqual({
      clusterStatus: 'INACTIVE',
      capacityProviders: [],
      services: [],
      tasks: [],
      tasksStillDesiredRunning: [],
      containerInstances: []
    })
    const other = await whatIsLeft(moto.endpoint, neighbour.clusterName)
    expect(other.tasksStillDesiredRunning).toHaveLength(5)
  })

  it('whatIsLeft sees what a bare DeleteCluster leaves behind (moto does not refuse it)', async () => {
    await buildPreviewEnvironment(moto.endpoint, 'h-lazy')
    await ecsClient(moto.endpoint).send(new DeleteClusterCommand({ cluster: 'h-lazy' }))
    const left = await whatIsLeft(moto.endpoint, 'h-lazy')
    expect(left.clusterStatus).toBe('INACTIVE')
    expect(left.services).toHaveLength(2)
    expect(left.tasks).toHaveLength(5)
    expect(left.tasksStillDesiredRunning).toHaveLength(5)
    expect(left.containerInstances).toHaveLength(2)
  })
})
