import { expect } from '@jest/globals'
import type { ClusterReport, Report } from '../../../src/report/report.js'
import type { ActionResult } from './runAction.js'

/** The one cluster of a run that must have succeeded (its output is shown when it did not). */
export function clusterReport(result: ActionResult): ClusterReport {
  expect({ code: result.code, stdout: result.code === 0 ? '' : result.stdout }).toEqual({
    code: 0,
    stdout: ''
  })
  const report = JSON.parse(result.outputs['report'] ?? '{}') as Report
  expect(report.clusters).toHaveLength(1)
  return report.clusters[0]!
}
