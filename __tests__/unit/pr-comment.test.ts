import { describe, expect, it } from '@jest/globals'
import { getOctokit } from '@actions/github'
import { createServer } from 'node:net'
import { runInfo, type GitHubModule, type RunInfo } from '../../src/github.js'
import { MemoryLogger } from '../../src/log.js'
import { runLink } from '../../src/report/links.js'
import {
  COMMENT_BUDGET_CHARS,
  commentMarker,
  commentOnPullRequest,
  explainGitHubError,
  renderPrComment
} from '../../src/report/pr-comment.js'
import { newClusterReport, type ClusterReport, type Report } from '../../src/report/report.js'
import { renderSummary } from '../../src/report/summary.js'
import { readSettings } from '../../src/settings.js'

const RUN: RunInfo = {
  repository: { owner: 'acme', repo: 'preview-app' },
  runId: 777,
  runAttempt: 1,
  serverUrl: 'https://github.com',
  eventName: 'pull_request',
  pullRequest: 42
}
const MARKER = '<!-- ecs-teardown:0123456789abcdef -->'

function cluster(name: string, over: Partial<ClusterReport> = {}): ClusterReport {
  return {
    ...newClusterReport(name, 'us-east-1'),
    arn: `arn:aws:ecs:us-east-1:123456789012:cluster/${name}`,
    ...over
  }
}

const settings = (inputs: Record<string, string>) =>
  readSettings(name => inputs[name] ?? '', { AWS_REGION: 'us-east-1' })

describe('renderPrComment', () => {
  it('starts with the marker, then the headline, the summary’s first table, what was removed, and the run', () => {
    const report: Report = {
      dryRun: false,
      clusters: [
        cluster('preview-pr-42', {
          outcome: 'deleted',
          seconds: 61.25,
          services: [{ name: 'web', arn: 'arn:web' }],
          tasks: [
            { id: 't1', arn: 'arn:t1', group: 'service:web', how: 'drained' },
            { id: 't2', arn: 'arn:t2', group: 'service:web', how: 'drained' }
          ],
          stack: {
            name: 'EC2ContainerService-preview-pr-42',
            status: 'DELETE_COMPLETE',
            ownsCluster: true,
            deleted: true,
            failedResources: []
          }
        })
      ]
    }
    const body = renderPrComment(report, RUN, MARKER)
    expect(body).toBe(
      [
        MARKER,
        '### ✅ ECS teardown finished',
        '',
        '| Cluster | Region | Outcome | Duration |',
        '| --- | --- | --- | --- |',
        '| preview-pr-42 | us-east-1 | ✅ removed | 61.3 s |',
        '',
        '- Removed: 1 service, 2 tasks, 1 cluster, 1 CloudFormation stack.',
        '',
        '[Workflow run 777](https://github.com/acme/preview-app/actions/runs/777): its job summary has every step, resource and reason.',
        ''
      ].join('\n')
    )
    // The table is the summary's own first table.
    const summaryTable = renderSummary(report).split('\n').slice(2, 5).join('\n')
    expect(body).toContain(summaryTable)
  })

  it('says what failed and what is left, per cluster, escaped, and the worst outcome in the headline', () => {
    const report: Report = {
      dryRun: false,
      clusters: [
        cluster('a', { outcome: 'deleted' }),
        cluster('b', {
          outcome: 'failed',
          message: 'DeleteCluster refused: <ClusterContainsTasksException> | 1 task.',
          leftovers: [
            { kind: 'task', id: 't9', reason: 'still RUNNING', billing: true },
            { kind: 'cluster', id: 'b', reason: 'not deleted' }
          ]
        }),
        cluster('c', { outcome: 'timed-out', message: 'The deadline passed.' })
      ]
    }
    const body = renderPrComment(report, { ...RUN, runAttempt: 3 }, MARKER)
    expect(body.split('\n')[1]).toBe('### ⏱️ ECS teardown timed out')
    expect(body).toContain(
      '- `b`: DeleteCluster refused: &lt;ClusterContainsTasksException&gt; &#124; 1 task; left behind: 1 task, 1 cluster, 1 still costing money.'
    )
    expect(body).toContain('- `c`: The deadline passed.')
    expect(body).not.toContain('- `a`')
    expect(body).toContain(
      '[Workflow run 777, attempt 3](https://github.com/acme/preview-app/actions/runs/777/attempts/3)'
    )
  })

  it('on a dry run says nothing was changed and counts nothing as removed', () => {
    const body = renderPrComment(
      { dryRun: true, clusters: [cluster('a', { outcome: 'dry-run' })] },
      RUN,
      MARKER
    )
    expect(body.split('\n')[1]).toBe('### 📝 ECS teardown dry run: nothing was changed')
    expect(body).toContain('| a | us-east-1 | 📝 dry run |')
    expect(body).not.toContain('Removed:')
  })

  it('says a run stopped before any cluster was read, without a table', () => {
    const body = renderPrComment({ dryRun: false, clusters: [] }, RUN, MARKER, {
      setupError: 'No AWS credentials were found: run aws-actions/configure-aws-credentials before this step.'
    })
    expect(body.split('\n')[1]).toBe('### ❌ ECS teardown failed')
    expect(body).not.toContain('| Cluster |')
    expect(body).toContain(
      '- The run stopped before any cluster was torn down: No AWS credentials were found'
    )
  })

  it('without a workflow run (a local run) points at the job summary without a link', () => {
    const body = renderPrComment({ dryRun: false, clusters: [] }, { serverUrl: 'https://github.com' }, MARKER)
    expect(body).toContain('The job summary has every step, resource and reason.')
    expect(body).not.toContain('](')
  })

  it('folds a large sweep to stay under GitHub’s comment limit, and says how many more', () => {
    const clusters = Array.from({ length: 2_000 }, (_, i) =>
      cluster(`preview-${'x'.repeat(60)}-${i}`, { outcome: 'failed', message: 'm'.repeat(400) })
    )
    const body = renderPrComment({ dryRun: false, clusters }, RUN, MARKER)
    expect(body.length).toBeLessThan(COMMENT_BUDGET_CHARS + 2_000)
    expect(body).toMatch(/\n\n… and \d+ more clusters: see the job summary\.\n/)
    expect(body).toMatch(/\n- … and \d+ more clusters with more to say: see the job summary\.\n/)
    // Each message is cut to one short line.
    expect(body).toContain(`${'m'.repeat(299 - 1)}…`)
    expect(body).not.toContain('m'.repeat(300))
  })
})

describe('commentMarker', () => {
  it('is the same for the same selection in any order, and differs between selections', () => {
    const a = commentMarker(settings({ cluster: 'preview-pr-42, preview-pr-42-db' }))
    expect(a).toMatch(/^<!-- ecs-teardown:[0-9a-f]{16} -->$/)
    expect(commentMarker(settings({ cluster: 'preview-pr-42-db,preview-pr-42' }))).toBe(a)
    expect(commentMarker(settings({ cluster: 'preview-pr-42' }))).not.toBe(a)
    expect(
      commentMarker(settings({ cluster: 'preview-pr-42, preview-pr-42-db', region: 'eu-west-1' }))
    ).not.toBe(a)
    expect(commentMarker(settings({ cluster: 'shared', services: 'pr-42-*' }))).not.toBe(
      commentMarker(settings({ cluster: 'shared', services: 'pr-43-*' }))
    )
  })

  it('never holds "--" inside the HTML comment, whatever the names', () => {
    const marker = commentMarker(settings({ cluster: 'a--b' }))
    expect(marker.slice(4, -3)).not.toContain('--')
  })
})

describe('runInfo and runLink', () => {
  const context = (over: Partial<GitHubModule['context']> = {}): GitHubModule['context'] => ({
    eventName: 'pull_request_target',
    payload: { pull_request: { number: 7 } },
    runId: 12,
    runAttempt: 2,
    serverUrl: 'https://ghe.example.com/',
    apiUrl: 'https://ghe.example.com/api/v3',
    repo: { owner: 'acme', repo: 'app' },
    ...over
  })

  it('reads the repository, run, attempt, event and pull request from @actions/github’s context', () => {
    const info = runInfo(context())
    expect(info).toEqual({
      repository: { owner: 'acme', repo: 'app' },
      runId: 12,
      runAttempt: 2,
      serverUrl: 'https://ghe.example.com',
      eventName: 'pull_request_target',
      pullRequest: 7
    })
    expect(runLink(info)).toBe('https://ghe.example.com/acme/app/actions/runs/12/attempts/2')
    expect(runLink({ ...info, runAttempt: 1 })).toBe('https://ghe.example.com/acme/app/actions/runs/12')
  })

  it('has no pull request on other events, no run without GITHUB_RUN_ID, no repository when the context has none', () => {
    expect(
      runInfo(context({ eventName: 'issue_comment', payload: { issue: { number: 7 } } })).pullRequest
    ).toBeUndefined()
    const bare = runInfo({
      ...context({ runId: Number.NaN, runAttempt: Number.NaN, eventName: undefined as unknown as string }),
      get repo(): never {
        throw new Error("context.repo requires a GITHUB_REPOSITORY environment variable like 'owner/repo'")
      }
    })
    expect(bare).toEqual({ serverUrl: 'https://ghe.example.com' })
    expect(runLink(bare)).toBeUndefined()
  })
})

describe('explainGitHubError', () => {
  it('names the fix for each refusal, in one line', () => {
    const error = (status: number, message: string) => Object.assign(new Error(message), { status })
    expect(explainGitHubError(error(403, 'Resource not accessible by integration'))).toMatch(
      /^403 Resource not accessible by integration: .*'permissions: pull-requests: write'.*fork/
    )
    expect(explainGitHubError(error(404, 'Not Found'))).toMatch(/^404 Not Found: .*'github-token'/)
    expect(explainGitHubError(error(401, 'Bad credentials'))).toMatch(
      /^401 Bad credentials: .*'github-token'/
    )
    expect(explainGitHubError(error(502, 'Bad gateway\nupstream'))).toBe('502 Bad gateway upstream')
    expect(
      explainGitHubError(
        Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' })
      )
    ).toMatch(/^GitHub did not answer in time/)
  })
})

describe('commentOnPullRequest', () => {
  it('turns any failure into one warning, with the token blanked out', async () => {
    const token = 'ghs_SECRET123'
    const log = new MemoryLogger()
    const s = settings({ cluster: 'a', 'pr-comment': 'true', 'github-token': token })
    await commentOnPullRequest(
      { dryRun: false, clusters: [] },
      s,
      {},
      {
        github: () => Promise.reject(new Error(`could not load with ${token}`)),
        log,
        signal: new AbortController().signal
      }
    )
    expect(log.lines).toEqual([
      'warning: pr-comment: could not comment on the pull request: could not load with ***'
    ])
  })

  it('warns once when a pull_request event names no pull request', async () => {
    const log = new MemoryLogger()
    const s = settings({ cluster: 'a', 'pr-comment': 'true', 'github-token': 't' })
    await commentOnPullRequest(
      { dryRun: false, clusters: [] },
      s,
      {},
      {
        github: async () => ({
          context: {
            eventName: 'pull_request',
            payload: {},
            runId: 1,
            runAttempt: 1,
            serverUrl: 'https://github.com',
            apiUrl: 'https://api.github.com',
            repo: { owner: 'o', repo: 'r' }
          },
          getOctokit: () => {
            throw new Error('must not be called')
          }
        }),
        log,
        signal: new AbortController().signal
      }
    )
    expect(log.lines).toEqual([
      'warning: pr-comment: could not comment: the pull_request event names no pull request.'
    ])
  })

  it('warns when GitHub cannot be reached (a network failure), and returns', async () => {
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>(resolve => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number }
        probe.close(() => resolve(port))
      })
    })
    const log = new MemoryLogger()
    const s = settings({ cluster: 'a', 'pr-comment': 'true', 'github-token': 'ghs_net' })
    await commentOnPullRequest(
      { dryRun: false, clusters: [cluster('a', { outcome: 'deleted' })] },
      s,
      {},
      {
        github: async () => ({
          context: {
            eventName: 'pull_request',
            payload: { pull_request: { number: 42 } },
            runId: 1,
            runAttempt: 1,
            serverUrl: 'https://github.com',
            apiUrl: `http://127.0.0.1:${port}`,
            repo: { owner: 'o', repo: 'r' }
          },
          getOctokit
        }),
        log,
        signal: new AbortController().signal
      }
    )
    expect(log.lines).toEqual([
      expect.stringMatching(
        /^warning: pr-comment: could not comment on pull request #42: GitHub could not be reached \(.*ECONNREFUSED.*\)\.$/
      )
    ])
    expect(log.lines[0]).not.toContain('ghs_net')
  })
})
