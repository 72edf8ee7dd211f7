import type { context as GitHubContext, getOctokit as GetOctokit } from '@actions/github'

/**
 * What the run uses of `@actions/github`: its `context` (the workflow run, read from the runner's
 * GITHUB_* variables and event file) and `getOctokit`. Tests pass their own.
 */
export interface GitHubModule {
  context: Pick<
    typeof GitHubContext,
    'eventName' | 'payload' | 'runId' | 'runAttempt' | 'serverUrl' | 'apiUrl' | 'repo'
  >
  getOctokit: typeof GetOctokit
}

/** How the run gets `@actions/github`: imported on first use, so its Octokit is never loaded by a run that does not need it. */
export type GitHubLoader = () => Promise<GitHubModule>

/**
 * `@actions/github` brings Octokit, which a run loads only when it comments on a pull request or
 * names its own role session: the bundler puts it in a chunk of its own (as src/aws/sdk.ts does
 * with the AWS SDK), so the start-up of every other run does not grow.
 */
export const loadGitHub: GitHubLoader = () => import('@actions/github')

/** The workflow run, as the context tells it. */
export interface RunInfo {
  /** `owner/repo`; absent outside a repository's workflow (a local run). */
  repository?: { owner: string; repo: string }
  runId?: number
  runAttempt?: number
  serverUrl: string
  eventName?: string
  /** The pull request's number, on a `pull_request` or `pull_request_target` event. */
  pullRequest?: number
}

/** The events whose payload is a pull request this run may comment on. */
export const PULL_REQUEST_EVENTS: ReadonlySet<string> = new Set(['pull_request', 'pull_request_target'])

export function runInfo(context: GitHubModule['context']): RunInfo {
  let repository: RunInfo['repository']
  try {
    // `context.repo` throws when there is neither GITHUB_REPOSITORY nor a repository in the event.
    const { owner, repo } = context.repo
    if (owner && repo) repository = { owner, repo }
  } catch {
    repository = undefined
  }
  const whole = (n: number | undefined): number | undefined =>
    Number.isSafeInteger(n) && n! > 0 ? n : undefined
  const runId = whole(context.runId)
  const runAttempt = whole(context.runAttempt)
  const pullRequest =
    context.eventName && PULL_REQUEST_EVENTS.has(context.eventName)
      ? whole(context.payload.pull_request?.number)
      : undefined
  return {
    ...(repository ? { repository } : {}),
    ...(runId ? { runId } : {}),
    ...(runAttempt ? { runAttempt } : {}),
    serverUrl: context.serverUrl.replace(/\/+$/, ''),
    ...(context.eventName ? { eventName: context.eventName } : {}),
    ...(pullRequest ? { pullRequest } : {})
  }
}
