/**
 * `pr-comment: true`: one comment on the pull request that ran the teardown, with each cluster's
 * outcome (the summary's first table), what was removed and left, and a link to the run. A re-run
 * edits that comment instead of posting another: it starts with a hidden marker keyed by the step's
 * selection (Region, clusters, services), so two teardown steps in one workflow keep a comment each.
 *
 * GitHub REST API (docs.github.com/rest/issues/comments): a pull request is an issue, so its
 * conversation comments are the issue's: "List issue comments" (GET
 * /repos/{owner}/{repo}/issues/{issue_number}/comments, oldest first, paged by the Link header),
 * "Create an issue comment" (POST to the same path) and "Update an issue comment" (PATCH
 * /repos/{owner}/{repo}/issues/comments/{comment_id}). The job's GITHUB_TOKEN needs
 * `pull-requests: write` for them (docs.github.com, "Controlling permissions for GITHUB_TOKEN"); on a
 * `pull_request` from a fork it is read-only whatever the workflow asks ("GITHUB_TOKEN reference":
 * "Maximum access for pull requests from public forked repositories"), `pull_request_target` is not.
 *
 * Commenting never fails the run: every failure is one warning. The token is masked before this
 * runs (main.ts) and never put in a message.
 */
import { createHash } from 'node:crypto'
import { ACTION_NAME } from '../constants.js'
import { PULL_REQUEST_EVENTS, runInfo, type GitHubLoader, type RunInfo } from '../github.js'
import type { Logger } from '../log.js'
import type { Settings } from '../settings.js'
import { errorMessage } from '../util/errors.js'
import { escapeHtml } from './html.js'
import { runLink } from './links.js'
import { countRemoved, SUCCESSFUL_OUTCOMES, type ClusterOutcome, type Report } from './report.js'
import { renderOutcomeTable } from './summary.js'

/** GitHub refuses a comment body over 65,536 characters; stay under it. */
export const COMMENT_BUDGET_CHARS = 60_000
/** How long the comment may take; shorter on a cancelled run, which the runner kills 10 s after SIGINT. */
const COMMENT_TIMEOUT_MS = 30_000
const COMMENT_TIMEOUT_CANCELLED_MS = 5_000
/** Longest cluster message quoted in the comment; the summary has it whole. */
const MESSAGE_CHARS = 300

export interface PrCommentDeps {
  /** `@actions/github`, loaded only here and only with `pr-comment: true`. */
  github: GitHubLoader
  log: Logger
  /** The run's signal: once aborted (cancelled), the comment gets a shorter time. */
  signal: AbortSignal
}

/** What the run ended with, besides the report: a failure before any cluster was read. */
export interface RunEnd {
  setupError?: string
}

/** Posts or edits the pull request's comment; never throws. */
export async function commentOnPullRequest(
  report: Report,
  settings: Settings,
  end: RunEnd,
  deps: PrCommentDeps
): Promise<void> {
  const token = settings.prComment?.token
  if (!token) return
  const say = (text: string): string => text.split(token).join('***')
  let where = 'the pull request'
  try {
    const github = await deps.github()
    const run = runInfo(github.context)
    if (!run.eventName || !PULL_REQUEST_EVENTS.has(run.eventName)) {
      deps.log.info(
        `pr-comment: not commenting: this run's event is ${run.eventName ?? 'unknown'}, not pull_request or pull_request_target.`
      )
      return
    }
    if (!run.pullRequest || !run.repository) {
      deps.log.warning(
        `pr-comment: could not comment: the ${run.eventName} event names no pull request${run.repository ? '' : ' or repository'}.`
      )
      return
    }
    where = `pull request #${run.pullRequest}`
    const marker = commentMarker(settings)
    const body = renderPrComment(report, run, marker, end)
    const signal = AbortSignal.timeout(
      deps.signal.aborted ? COMMENT_TIMEOUT_CANCELLED_MS : COMMENT_TIMEOUT_MS
    )
    // The signal goes with each request: a `request` option here would replace @actions/github's
    // own (its proxy-aware fetch).
    const octokit = github.getOctokit(token, { baseUrl: github.context.apiUrl })
    const issue = { ...run.repository, issue_number: run.pullRequest }
    const existing = await findComment(octokit, issue, marker, signal)
    if (existing !== undefined) {
      const { data } = await octokit.rest.issues.updateComment({
        ...run.repository,
        comment_id: existing,
        body,
        request: { signal }
      })
      deps.log.info(`pr-comment: updated the comment on ${where}: ${data.html_url}`)
    } else {
      const { data } = await octokit.rest.issues.createComment({ ...issue, body, request: { signal } })
      deps.log.info(`pr-comment: commented on ${where}: ${data.html_url}`)
    }
  } catch (error) {
    deps.log.warning(say(`pr-comment: could not comment on ${where}: ${explainGitHubError(error)}`))
  }
}

type Octokit = ReturnType<Awaited<ReturnType<GitHubLoader>>['getOctokit']>

/** The id of this step's comment: the first whose body starts with the marker, every page read until found. */
async function findComment(
  octokit: Octokit,
  issue: { owner: string; repo: string; issue_number: number },
  marker: string,
  signal: AbortSignal
): Promise<number | undefined> {
  const pages = octokit.paginate.iterator(octokit.rest.issues.listComments, {
    ...issue,
    per_page: 100,
    request: { signal }
  })
  for await (const page of pages) {
    // Starts with: a reply quoting the comment ("> <!-- …") is not it.
    const mine = page.data.find(c => (c.body ?? '').startsWith(marker))
    if (mine) return mine.id
  }
  return undefined
}

/** What went wrong, in one line, with what to do; GitHub's own message kept. */
export function explainGitHubError(error: unknown): string {
  const status = (error as { status?: unknown } | null)?.status
  const said = errorMessage(error).replace(/\s+/g, ' ').trim()
  // Octokit turns a failed fetch into a RequestError with status 500 and the fetch error as its cause.
  const cause = (error as { cause?: unknown } | null)?.cause
  if (isTimeout(error) || isTimeout(cause)) return `GitHub did not answer in time (${said}).`
  if (cause !== undefined && status === 500) {
    const root = rootCause(cause)
    return `GitHub could not be reached (${said}${root && root !== said ? `: ${root}` : ''}).`
  }
  switch (status) {
    case 401:
      return `401 ${said}: the token was refused; check 'github-token'.`
    case 403:
      return `403 ${said}: the token may not write to pull requests. Give the job 'permissions: pull-requests: write'; on a pull_request from a fork the GITHUB_TOKEN is read-only (use pull_request_target, or set pr-comment: false there).`
    case 404:
      return `404 ${said}: the repository or pull request is not visible to this token; check 'github-token'.`
    default:
      return typeof status === 'number' ? `${status} ${said}` : said
  }
}

/** The innermost cause's code (ECONNREFUSED, ENOTFOUND) or message: what a failed fetch hides. */
function rootCause(error: unknown): string | undefined {
  let found: string | undefined
  let current = error
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const e = current as { code?: unknown; message?: unknown; cause?: unknown }
    if (typeof e.code === 'string') found = e.code
    else if (typeof e.message === 'string' && e.message) found = e.message
    current = e.cause
  }
  return found
}

function isTimeout(error: unknown): boolean {
  const name = (error as { name?: unknown } | null)?.name
  return name === 'TimeoutError' || name === 'AbortError'
}

/**
 * `<!-- ecs-teardown:<key> -->`, the key a hash of what this step was asked to tear down (Region,
 * clusters and patterns, services): a re-run finds its own comment, another step of the same
 * workflow its own. A hash, because names may hold `--`, which an HTML comment may not.
 */
export function commentMarker(
  settings: Pick<Settings, 'region' | 'clusters' | 'patterns' | 'services'>
): string {
  const selection = JSON.stringify({
    region: settings.region,
    clusters: [...settings.clusters].sort(),
    patterns: [...settings.patterns].sort(),
    services: settings.services
      ? { names: [...settings.services.names].sort(), patterns: [...settings.services.patterns].sort() }
      : null
  })
  const key = createHash('sha256').update(selection).digest('hex').slice(0, 16)
  return `<!-- ${ACTION_NAME}:${key} -->`
}

const HEADLINE: Record<'done' | 'dry-run' | ClusterOutcome, string> = {
  done: '✅ ECS teardown finished',
  'dry-run': '📝 ECS teardown dry run: nothing was changed',
  deleted: '✅ ECS teardown finished',
  'services-removed': '✅ ECS teardown finished',
  absent: '✅ ECS teardown finished',
  skipped: '✅ ECS teardown finished',
  failed: '❌ ECS teardown failed',
  cancelled: '⛔ ECS teardown was cancelled',
  'timed-out': '⏱️ ECS teardown timed out'
}

/** The comment: headline, the summary's outcome table, what was removed and left per cluster, the run. */
export function renderPrComment(report: Report, run: RunInfo, marker: string, end: RunEnd = {}): string {
  const head = [marker, `### ${HEADLINE[headline(report, end)]}`, '']
  const link = runLink(run)
  const attempt = run.runAttempt && run.runAttempt > 1 ? `, attempt ${run.runAttempt}` : ''
  const foot = [
    '',
    link
      ? `[Workflow run ${run.runId}${attempt}](${link}): its job summary has every step, resource and reason.`
      : 'The job summary has every step, resource and reason.'
  ]
  const notes: string[] = []
  if (end.setupError)
    notes.push(`- The run stopped before any cluster was torn down: ${shorten(end.setupError)}`)
  if (report.clusters.length > 0 && !report.dryRun) {
    const n = countRemoved(report)
    const removed = [
      [n.servicesDeleted, 'service'],
      [n.tasksStopped, 'task'],
      [n.containerInstancesDeregistered, 'container instance'],
      [n.clustersDeleted, 'cluster'],
      [n.stacksDeleted, 'CloudFormation stack']
    ]
      .filter(([count]) => (count as number) > 0)
      .map(([count, noun]) => `${count} ${noun}${count === 1 ? '' : 's'}`)
    notes.push(`- Removed: ${removed.length > 0 ? removed.join(', ') : 'nothing'}.`)
  }
  const clusterNotes = report.clusters.flatMap(c => {
    const parts: string[] = []
    if (c.message && c.outcome !== 'deleted') parts.push(shorten(c.message).replace(/\.$/, ''))
    if (c.leftovers.length > 0) {
      const byKind = new Map<string, number>()
      for (const l of c.leftovers) byKind.set(l.kind, (byKind.get(l.kind) ?? 0) + 1)
      const billing = c.leftovers.filter(l => l.billing).length
      parts.push(
        `left behind: ${[...byKind].map(([kind, n]) => `${n} ${kind}`).join(', ')}${billing > 0 ? `, ${billing} still costing money` : ''}`
      )
    }
    return parts.length > 0 ? [`- \`${c.name}\`: ${parts.map(escapeHtml).join('; ')}.`] : []
  })
  const fixed = [...head, ...notes, ...foot].join('\n').length
  // The table and the clusters' lines get what is left; a large sweep's are folded.
  const table = fold(renderOutcomeTable(report.clusters), 2, COMMENT_BUDGET_CHARS / 2, 'clusters')
  const lines = fold(clusterNotes, 0, COMMENT_BUDGET_CHARS / 2 - fixed, 'clusters with more to say')
  return (
    [...head, ...(report.clusters.length > 0 ? [...table, ''] : []), ...notes, ...lines, ...foot].join('\n') +
    '\n'
  )
}

function headline(report: Report, end: RunEnd): keyof typeof HEADLINE {
  if (end.setupError) return 'failed'
  const worst = (['timed-out', 'cancelled', 'failed'] as const).find(o =>
    report.clusters.some(c => c.outcome === o)
  )
  if (worst) return worst
  if (report.clusters.some(c => !SUCCESSFUL_OUTCOMES.has(c.outcome))) return 'failed'
  return report.dryRun ? 'dry-run' : 'done'
}

/** Keeps the first `keep` lines, then as many as fit in `budget` characters, and says how many more. */
function fold(lines: string[], keep: number, budget: number, noun: string): string[] {
  let used = 0
  const out: string[] = []
  for (const [i, line] of lines.entries()) {
    if (i >= keep && used + line.length + 1 > budget) {
      const more = `… and ${lines.length - i} more ${noun}: see the job summary.`
      // After a table, a blank line first: a line right below its rows would be read as one more row.
      out.push(...(keep > 0 ? ['', more] : [`- ${more}`]))
      break
    }
    used += line.length + 1
    out.push(line)
  }
  return out
}

function shorten(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS - 1)}…` : line
}
