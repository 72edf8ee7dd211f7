// The `report` output stays under GitHub's 1 MB limit for outputs, and report-file holds the whole report:
// a synthetic sweep of 5,000 services is shortened in the output and whole in the file.
import { afterAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  REPORT_OUTPUT_MAX_BYTES,
  reportForOutput,
  reportOutputs,
  type ShortenedReport
} from '../../src/report/outputs.js'
import { reportFilePath, writeReportFile } from '../../src/report/report-file.js'
import { newClusterReport, type ClusterReport, type Report } from '../../src/report/report.js'

const MB = 1_000_000
const ACCOUNT = '123456789012'

/** A removed cluster with `services` services of `tasksPerService` tasks each, as a real sweep reports it. */
function sweptCluster(index: number, services: number, tasksPerService: number): ClusterReport {
  const name = `preview-pr-${1000 + index}`
  const arn = (kind: string, id: string): string => `arn:aws:ecs:us-east-1:${ACCOUNT}:${kind}/${name}/${id}`
  const c = newClusterReport(name, 'us-east-1')
  c.arn = `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/${name}`
  c.outcome = 'deleted'
  c.message = `Cluster ${name} and everything in it were removed.`
  for (let s = 0; s < services; s++) {
    const service = `web-${s}`
    c.services.push({ name: service, arn: arn('service', service) })
    for (let t = 0; t < tasksPerService; t++) {
      const id = `${index.toString(16).padStart(8, '0')}${s.toString(16).padStart(8, '0')}${t.toString(16).padStart(16, '0')}`
      c.tasks.push({
        id,
        arn: arn('task', id),
        group: `service:${service}`,
        startedBy: 'ecs-svc/1234567890',
        how: 'drained'
      })
    }
  }
  c.containerInstances.push({ id: 'ci-1', arn: arn('container-instance', 'ci-1'), ec2InstanceId: 'i-0abc' })
  c.found = { services, tasks: services * tasksPerService, containerInstances: 1, capacityProviders: 0 }
  c.phases = [
    { name: 'inventory', start: 0, seconds: 0.4, log: [`Found ${services} service(s)`] },
    { name: 'delete services', start: 0.4, seconds: 30.2 }
  ]
  c.seconds = 48.2
  return c
}

describe('the report output', () => {
  it('is the whole report, unmarked, when it fits', () => {
    const report: Report = { dryRun: false, clusters: [sweptCluster(0, 3, 2)] }
    const output = reportOutputs(report, '/tmp/r.json')
    expect(JSON.parse(output['report']!)).toEqual(report)
    expect(output['report']).not.toContain('truncated')
    expect(output['report-file']).toBe('/tmp/r.json')
  })

  describe('a sweep of 5,000 services (50 clusters × 100 services × 3 tasks)', () => {
    const report: Report = {
      dryRun: false,
      clusters: Array.from({ length: 50 }, (_, i) => sweptCluster(i, 100, 3))
    }
    const whole = JSON.stringify(report)
    const directory = mkdtempSync(join(tmpdir(), 'report-output-'))
    afterAll(() => rmSync(directory, { recursive: true }))

    it('is larger than a job output may be, as a whole', () => {
      expect(Buffer.byteLength(whole)).toBeGreaterThan(MB)
    })

    it('is shortened in the output, under the bound, and says so; the file holds it whole', async () => {
      const file = await writeReportFile(
        { RUNNER_TEMP: directory, GITHUB_RUN_ID: '77', GITHUB_RUN_ATTEMPT: '2' },
        whole
      )
      const outputs = reportOutputs(report, file)
      const output = outputs['report']!
      expect(Buffer.byteLength(output)).toBeLessThanOrEqual(REPORT_OUTPUT_MAX_BYTES)
      expect(Buffer.byteLength(output)).toBeLessThan(MB)

      const shortened = JSON.parse(output) as ShortenedReport
      expect(shortened.truncated).toEqual({
        reason: `The whole report is ${Buffer.byteLength(whole)} bytes, more than the ${REPORT_OUTPUT_MAX_BYTES} the report output holds: see report-file.`,
        bytes: Buffer.byteLength(whole),
        limit: REPORT_OUTPUT_MAX_BYTES,
        file,
        clustersOmitted: 0
      })
      // Every cluster is still there, with its counts and outcome; the lists are counted, not listed.
      expect(shortened.clusters.map(c => [c.name, c.outcome, c.found.services])).toEqual(
        report.clusters.map(c => [c.name, c.outcome, 100])
      )
      expect(shortened.clusters[0]!.services).toEqual([])
      expect(shortened.clusters[0]!.omitted).toEqual({ services: 100, tasks: 300, containerInstances: 1 })
      // The phases keep what the summary's timeline is drawn from, not their log.
      expect(shortened.clusters[0]!.phases).toEqual([
        { name: 'inventory', start: 0, seconds: 0.4 },
        { name: 'delete services', start: 0.4, seconds: 30.2 }
      ])
      // The counting outputs are the whole report's.
      expect(outputs['services-deleted']).toBe('5000')
      expect(outputs['tasks-stopped']).toBe('15000')

      expect(file.startsWith(join(directory, 'ecs-teardown-report-77-2-'))).toBe(true)
      expect(outputs['report-file']).toBe(file)
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(report)
      expect(readdirSync(directory)).toEqual([file.slice(directory.length + 1)])
    })

    it('leaves out the last clusters when emptying the lists is not enough, and counts them', () => {
      const many: Report = {
        dryRun: false,
        clusters: Array.from({ length: 40 }, (_, i) => {
          const c = sweptCluster(i, 1, 1)
          c.outcome = 'failed'
          c.leftovers = Array.from({ length: 20 }, (__, k) => ({
            kind: 'service' as const,
            id: `svc-${k}`,
            reason: 'x'.repeat(1000)
          }))
          return c
        })
      }
      const limit = 100_000
      const output = reportForOutput(many, '/tmp/r.json', limit)
      expect(Buffer.byteLength(output)).toBeLessThanOrEqual(limit)
      const shortened = JSON.parse(output) as ShortenedReport
      expect(shortened.clusters.length).toBeGreaterThan(0)
      expect(shortened.clusters.length + shortened.truncated.clustersOmitted).toBe(40)
      expect(shortened.truncated.clustersOmitted).toBeGreaterThan(0)
      // Those kept are the first ones, in order, with their leftovers (20 each, under the cut).
      expect(shortened.clusters.map(c => c.name)).toEqual(
        many.clusters.slice(0, shortened.clusters.length).map(c => c.name)
      )
      expect(shortened.clusters[0]!.leftovers).toHaveLength(20)
    })

    it('cuts long leftover lists to their first entries before leaving clusters out', () => {
      const c = sweptCluster(0, 1, 1)
      c.leftovers = Array.from({ length: 500 }, (_, k) => ({
        kind: 'task' as const,
        id: `t-${k}`,
        reason: 'y'.repeat(200)
      }))
      const output = reportForOutput({ dryRun: false, clusters: [c] }, '/tmp/r.json', 20_000)
      const shortened = JSON.parse(output) as ShortenedReport
      expect(shortened.truncated.clustersOmitted).toBe(0)
      expect(shortened.clusters[0]!.leftovers.map(l => l.id)).toEqual(
        Array.from({ length: 20 }, (_, k) => `t-${k}`)
      )
      expect(shortened.clusters[0]!.omitted).toMatchObject({ leftovers: 480 })
    })

    it('says when the file could not be written either', () => {
      const shortened = JSON.parse(
        reportForOutput(report, undefined, REPORT_OUTPUT_MAX_BYTES)
      ) as ShortenedReport
      expect(shortened.truncated.reason).toMatch(/the report file could not be written either/)
      expect(shortened.truncated.file).toBeUndefined()
      expect(reportOutputs(report, undefined)['report-file']).toBe('')
    })
  })
})

describe('the report file', () => {
  it('goes to RUNNER_TEMP, else the system temporary directory, named after the run', () => {
    expect(
      reportFilePath(
        { RUNNER_TEMP: '/runner/_temp', GITHUB_RUN_ID: '9', GITHUB_RUN_ATTEMPT: '3' },
        'ab12',
        '/tmp'
      )
    ).toBe('/runner/_temp/ecs-teardown-report-9-3-ab12.json')
    expect(reportFilePath({}, 'ab12', '/var/tmp')).toBe('/var/tmp/ecs-teardown-report-local-1-ab12.json')
    expect(reportFilePath({ RUNNER_TEMP: '' }, 'ab12', '/var/tmp')).toBe(
      '/var/tmp/ecs-teardown-report-local-1-ab12.json'
    )
  })

  it('never overwrites: two writes are two files', async () => {
    const directory = mkdtempSync(join(tmpdir(), 'report-file-'))
    try {
      const a = await writeReportFile({ RUNNER_TEMP: directory }, '{"a":1}')
      const b = await writeReportFile({ RUNNER_TEMP: directory }, '{"b":2}')
      expect(a).not.toBe(b)
      expect([readFileSync(a, 'utf8'), readFileSync(b, 'utf8')]).toEqual(['{"a":1}', '{"b":2}'])
    } finally {
      rmSync(directory, { recursive: true })
    }
  })
})
