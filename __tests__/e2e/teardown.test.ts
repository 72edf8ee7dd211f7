// End to end: the built dist/index.js, started as the runner starts it, against a real moto server.
// Needs: bash scripts/moto-venv.sh (moto in .venv) and npm run package (dist/index.js).
import { createServer, type Server } from 'node:http'
import { expect, it } from '@jest/globals'
import { ListTasksCommand } from '@aws-sdk/client-ecs'
import type { Report } from '../../src/report/report.js'
import { buildPreviewEnvironment, ecsClient, TEST_CREDENTIALS, whatIsLeft } from './support/fixtures.js'
import { runAction, type ActionResult } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'

const TEST_TIMEOUT_MS = 300_000

let sequence = 0
/** A cluster name no other test uses (moto matches ListTasks' cluster by substring, so keep them distinct). */
function uniqueCluster(label: string): string {
  sequence += 1
  return `e2e-${label}-${process.pid}-${sequence}-${Date.now().toString(36)}`
}

/** Fails with everything the action printed, so a failing run explains itself. */
function expectExit(result: ActionResult, code: number): void {
  expect({
    code: result.code,
    timedOut: result.timedOut,
    stdout: result.stdout,
    stderr: result.stderr
  }).toEqual({
    code,
    timedOut: false,
    stdout: expect.any(String),
    stderr: expect.any(String)
  })
}

function reportOf(result: ActionResult): Report {
  const raw = result.outputs['report']
  if (raw === undefined) throw new Error(`no 'report' output; outputs: ${JSON.stringify(result.outputs)}`)
  return JSON.parse(raw) as Report
}

/** Task ARNs whose desiredStatus is RUNNING, without DescribeTasks (which moves moto's tasks along). */
async function desiredRunningTasks(endpoint: string, cluster: string): Promise<string[]> {
  const page = await ecsClient(endpoint).send(new ListTasksCommand({ cluster, desiredStatus: 'RUNNING' }))
  return (page.taskArns ?? []).filter(arn => arn.includes(`:task/${cluster}/`))
}

describeAgainstMoto(
  'ecs-teardown end to end (dist/index.js against moto)',
  moto => {
    const modes: { label: string; inputs: Record<string, string> }[] = [
      { label: 'graceful', inputs: { force: 'false', 'drain-timeout-minutes': '0.25' } },
      { label: 'force', inputs: { force: 'true' } }
    ]

    for (const mode of modes) {
      it(
        `removes a whole preview environment (force=${mode.inputs['force']}), then finds it absent`,
        async () => {
          const cluster = uniqueCluster(mode.label)
          const environment = await buildPreviewEnvironment(moto().endpoint, cluster)
          expect(environment.containerInstanceArns).toHaveLength(2)
          expect(environment.allTaskArns).toHaveLength(5)
          expect(await desiredRunningTasks(moto().endpoint, cluster)).toHaveLength(5)

          const inputs = { cluster, region: 'us-east-1', 'timeout-minutes': '5', ...mode.inputs }
          const first = await runAction({ endpoint: moto().endpoint, inputs })
          expectExit(first, 0)

          const left = await whatIsLeft(moto().endpoint, cluster)
          expect(['INACTIVE', 'MISSING']).toContain(left.clusterStatus)
          expect(left.services).toEqual([])
          expect(left.tasks).toEqual([])
          expect(left.tasksStillDesiredRunning).toEqual([])
          expect(left.containerInstances).toEqual([])

          expect(first.outputs).toMatchObject({
            'services-deleted': '2',
            'tasks-stopped': '5',
            'container-instances-deregistered': '2',
            'clusters-deleted': '1'
          })
          const report = reportOf(first)
          // The whole report is also in report-file, in RUNNER_TEMP, and it is the same report.
          const reportFile = first.outputs['report-file'] ?? ''
          expect(reportFile.startsWith(`${first.runnerTemp}/ecs-teardown-report-1-1-`)).toBe(true)
          expect(Object.keys(first.runnerTempFiles)).toContain(reportFile)
          expect(JSON.parse(first.runnerTempFiles[reportFile] ?? '')).toEqual(report)
          expect(report.dryRun).toBe(false)
          expect(report.clusters).toHaveLength(1)
          const entry = report.clusters[0]!
          expect(entry.name).toBe(cluster)
          expect(entry.outcome).toBe('deleted')
          expect(entry.services.map(service => service.name).sort()).toEqual(['web', 'worker'])
          // Every task stopped is named, with how it went down.
          expect(entry.tasks).toHaveLength(5)
          expect(entry.containerInstances.every(ci => ci.ec2InstanceId?.startsWith('i-'))).toBe(true)
          // No credential anywhere in what the run leaves for later steps and readers.
          for (const text of [first.summary, JSON.stringify(first.outputs)]) {
            expect(text).not.toContain(TEST_CREDENTIALS.secretAccessKey)
          }
          expect(first.summary).toContain('| Services | 2 | 2 | 0 |')
          expect(first.summary).toContain('| Tasks | 5 | 5 | 0 |')
          expect(first.summary).toContain('web')
          expect(first.summary).toContain('worker')
          // The live log: each line as it happens, before its phase ends; the summary's timeline.
          const logged = (text: string): number => first.stdout.indexOf(`${cluster}: ${text}`)
          expect(logged('Deleting service web')).toBeGreaterThan(-1)
          expect(logged('Deleting service web')).toBeLessThan(logged('delete services: done in'))
          expect(first.summary).toMatch(
            new RegExp(
              `\`\`\`mermaid\ngantt\n[\\s\\S]*section ${cluster}\n[\\s\\S]*delete services :\\d+, \\d+\n`
            )
          )

          const second = await runAction({ endpoint: moto().endpoint, inputs })
          expectExit(second, 0)
          expect(second.outputs).toMatchObject({
            'clusters-deleted': '0',
            'services-deleted': '0',
            'tasks-stopped': '0'
          })
          const again = reportOf(second)
          expect(again.clusters).toHaveLength(1)
          expect(again.clusters[0]?.outcome).toBe('absent')
        },
        TEST_TIMEOUT_MS
      )
    }

    it(
      "writes a cancelled report, summary and outputs within the runner's window when the job is cancelled",
      async () => {
        const cluster = uniqueCluster('cancel')
        await buildPreviewEnvironment(moto().endpoint, cluster)
        const result = await runAction({
          endpoint: moto().endpoint,
          // A long drain: the run is still waiting for the scheduler when the job is cancelled.
          inputs: { cluster, region: 'us-east-1', 'timeout-minutes': '20', 'drain-timeout-minutes': '10' },
          cancelWhen: stdout => stdout.includes('Will take these steps')
        })
        expect(result.exitedAfterCancelMs).toBeDefined()
        // Before the runner's SIGTERM, 7.5 s after its SIGINT.
        expect(result.exitedAfterCancelMs!).toBeLessThan(7_500)
        expect(result.code).toBe(1)
        const entry = reportOf(result).clusters[0]!
        expect(entry.outcome).toBe('cancelled')
        // The service went with this run's one DeleteService, before the cancel; its tasks were still
        // draining when the job was cancelled.
        expect(entry.leftovers.map(l => l.kind)).toEqual(expect.arrayContaining(['task', 'cluster']))
        expect(result.summary).toContain('⛔ cancelled')
        expect(result.outputs['clusters-deleted']).toBe('0')
        // Cancelled means cancelled: the cluster is still there for a later run.
        const left = await whatIsLeft(moto().endpoint, cluster)
        expect(left.clusterStatus).toBe('ACTIVE')
        // The leftovers come from a fresh look at AWS after the cancel, and match what it holds.
        expect(entry.message).toContain('Still there (AWS read again after the run stopped)')
        const services = entry.leftovers.filter(l => l.kind === 'service')
        expect(services.map(l => l.id).sort()).toEqual(left.services.map(s => s.name).sort())
        expect(services.filter(l => l.fromPlan)).toEqual([])
        expect(result.outputs['services-deleted']).toBe(String(entry.services.length))
      },
      TEST_TIMEOUT_MS
    )

    it(
      'succeeds with outcome absent for a cluster that never existed',
      async () => {
        const cluster = uniqueCluster('unknown')
        const result = await runAction({
          endpoint: moto().endpoint,
          inputs: { cluster, region: 'us-east-1', force: 'false', 'timeout-minutes': '5' }
        })
        expectExit(result, 0)
        expect(result.outputs['clusters-deleted']).toBe('0')
        const report = reportOf(result)
        expect(report.clusters).toHaveLength(1)
        expect(report.clusters[0]?.name).toBe(cluster)
        expect(report.clusters[0]?.outcome).toBe('absent')
        expect((await whatIsLeft(moto().endpoint, cluster)).clusterStatus).toBe('MISSING')
      },
      TEST_TIMEOUT_MS
    )

    it(
      'fails in one line that says how to provide credentials when there are none',
      async () => {
        const result = await runAction({
          endpoint: moto().endpoint,
          inputs: { cluster: uniqueCluster('nocreds'), region: 'us-east-1' },
          env: { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined },
          timeoutMs: 60_000
        })
        expectExit(result, 1)
        const errors = result.stdout.split(/\r?\n/).filter(line => line.startsWith('::error::'))
        expect(errors).toHaveLength(1)
        expect(errors[0]).toContain('No AWS credentials were found')
        expect(errors[0]).toContain('aws-actions/configure-aws-credentials')
        expect(result.stdout + result.stderr).not.toMatch(/^\s+at /m)
      },
      TEST_TIMEOUT_MS
    )

    const badInputs: { label: string; env: Record<string, string>; error: RegExp }[] = [
      { label: 'a bad timeout-minutes', env: { 'INPUT_TIMEOUT-MINUTES': 'abc' }, error: /timeout-minutes/ },
      {
        // Ignored by the runner but for a warning, it would turn a rehearsal into a real deletion.
        label: 'an unknown input (dry_run)',
        env: { INPUT_DRY_RUN: 'true' },
        error: /Input 'dry_run' \(INPUT_DRY_RUN\) is not an input of this action.*did you mean 'dry-run'\?/
      }
    ]
    for (const bad of badInputs)
      it(`rejects ${bad.label} with one ::error:: line, before any AWS call`, async () => {
        // An endpoint that records every request: a valid-input check must not need AWS at all.
        const requests: string[] = []
        const recorder: Server = createServer((request, response) => {
          requests.push(`${request.method} ${request.url}`)
          response.writeHead(500).end()
        })
        await new Promise<void>(resolve => recorder.listen(0, '127.0.0.1', resolve))
        const address = recorder.address()
        const endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
        try {
          const result = await runAction({
            endpoint,
            inputs: { cluster: uniqueCluster('badinput'), region: 'us-east-1', force: 'false' },
            env: bad.env,
            timeoutMs: 30_000
          })
          expectExit(result, 1)
          const lines = result.stdout.split(/\r?\n/).filter(line => line.trim() !== '')
          expect(lines).toHaveLength(1)
          expect(lines[0]).toMatch(/^::error::/)
          expect(lines[0]).toMatch(bad.error)
          expect(requests).toEqual([])
          expect(result.durationMs).toBeLessThan(15_000)
        } finally {
          await new Promise<void>(resolve => recorder.close(() => resolve()))
        }
      }, 60_000)
  },
  { resetEach: true }
)
