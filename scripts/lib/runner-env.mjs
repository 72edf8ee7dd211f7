// The environment a GitHub runner gives a node24 action's step, built from nothing: every runner file
// (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, …) is a fresh file of this run's own, and nothing of the calling
// process's environment reaches the action. A test or script that ran inside a GitHub job and passed
// its own `process.env` on would hand the action the job's GITHUB_RUN_ID (naming its report file) and
// GITHUB_STEP_SUMMARY (writing into the job's summary). Used by the e2e harness, the demo and the
// self-test; types in runner-env.d.mts.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** The system directories a step's PATH ends with (no tool cache, nothing of the caller's PATH). */
export const SYSTEM_PATH = '/usr/local/bin:/usr/bin:/bin'

/**
 * Makes the runner's files under `work` and returns the step's environment.
 * `aws` points the SDK at an endpoint (moto) with static credentials and no config files.
 */
export function runnerStepEnvironment({
  work,
  workspace,
  pathPrefix,
  name = 'local',
  runId = '1',
  eventName = 'workflow_dispatch',
  event = { inputs: {} },
  ref = 'refs/heads/main',
  aws
}) {
  const files = {
    output: join(work, 'github_output'),
    summary: join(work, 'step_summary'),
    state: join(work, 'github_state'),
    env: join(work, 'github_env'),
    path: join(work, 'github_path'),
    event: join(work, 'event.json')
  }
  for (const file of [files.output, files.summary, files.state, files.env, files.path]) writeFileSync(file, '')
  writeFileSync(files.event, JSON.stringify(event))
  const runnerTemp = join(work, 'runner_temp')
  const home = join(work, 'home')
  mkdirSync(runnerTemp, { recursive: true })
  mkdirSync(home, { recursive: true })
  const env = {
    PATH: pathPrefix ? `${pathPrefix}:${SYSTEM_PATH}` : SYSTEM_PATH,
    HOME: home,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: 'teardown',
    GITHUB_ACTOR: `${name}-bot`,
    GITHUB_API_URL: 'https://api.github.com',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/preview-app',
    GITHUB_REPOSITORY_OWNER: 'acme',
    GITHUB_REF: ref,
    GITHUB_SHA: '0000000000000000000000000000000000000000',
    GITHUB_EVENT_NAME: eventName,
    GITHUB_EVENT_PATH: files.event,
    GITHUB_WORKFLOW: 'preview-teardown',
    GITHUB_JOB: 'teardown',
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    GITHUB_STATE: files.state,
    GITHUB_ENV: files.env,
    GITHUB_PATH: files.path,
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: name,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: join(work, 'toolcache')
  }
  if (aws) {
    Object.assign(env, {
      AWS_ENDPOINT_URL: aws.endpoint,
      AWS_ACCESS_KEY_ID: aws.accessKeyId,
      AWS_SECRET_ACCESS_KEY: aws.secretAccessKey,
      AWS_REGION: aws.region,
      AWS_DEFAULT_REGION: aws.region,
      // No shared config or credential files, no instance metadata.
      AWS_CONFIG_FILE: join(home, 'no-aws-config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-aws-credentials'),
      AWS_EC2_METADATA_DISABLED: 'true'
    })
  }
  return { env, files, runnerTemp, home }
}
