// Types for runner-env.mjs.

export declare const SYSTEM_PATH: string

export interface RunnerStepOptions {
  /** A fresh directory of the run's own: the runner's files are made in it. */
  work: string
  /** GITHUB_WORKSPACE (the repository checkout). */
  workspace: string
  /** Directories put before the system ones on PATH (e.g. Node 24's bin). */
  pathPrefix?: string
  /** RUNNER_NAME and the actor's prefix. Default 'local'. */
  name?: string
  /** GITHUB_RUN_ID. Default '1'. */
  runId?: string
  /** GITHUB_EVENT_NAME. Default 'workflow_dispatch'. */
  eventName?: string
  /** The event payload written to GITHUB_EVENT_PATH. Default `{ inputs: {} }`. */
  event?: unknown
  /** GITHUB_REF. Default 'refs/heads/main'. */
  ref?: string
  /** Points the AWS SDK at an endpoint with static credentials and no config files. */
  aws?: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string }
}

export interface RunnerStep {
  env: Record<string, string>
  files: { output: string; summary: string; state: string; env: string; path: string; event: string }
  runnerTemp: string
  home: string
}

export declare function runnerStepEnvironment(options: RunnerStepOptions): RunnerStep
