// Types for merge-reports.mjs, which stays plain JavaScript so that a workflow can run it without a build.

export interface MergedRow {
  account: string
  region: string
  cluster: string
  outcome: string
  dryRun: boolean
  services: number
  tasks: number
  containerInstances: number
  left: number
  billing: number
  message: string
  source: string
}

export interface SourcedReport {
  /** Where the report came from (a file path), for error messages. */
  source: string
  report: unknown
}

export declare function accountOf(arn: string | undefined): string

export declare function mergeRows(reports: SourcedReport[]): MergedRow[]

export declare function renderMergedSummary(reports: SourcedReport[]): string
