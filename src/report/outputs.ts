import { Outputs } from '../constants.js'
import { countRemoved, type Report } from './report.js'

/** Report → step outputs; complete for every outcome, failures and cancellation included. */
export function reportOutputs(report: Report): Record<string, string> {
  const counts = countRemoved(report)
  return {
    [Outputs.servicesDeleted]: String(counts.servicesDeleted),
    [Outputs.tasksStopped]: String(counts.tasksStopped),
    [Outputs.containerInstancesDeregistered]: String(counts.containerInstancesDeregistered),
    [Outputs.clustersDeleted]: String(counts.clustersDeleted),
    [Outputs.stacksDeleted]: String(counts.stacksDeleted),
    [Outputs.report]: JSON.stringify(report)
  }
}
