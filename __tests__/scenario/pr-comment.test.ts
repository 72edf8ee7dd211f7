// pr-comment on whole runs: the teardown on the strict simulator, the comment through the real
// @actions/github (its Context read from GITHUB_* variables and an event file, its Octokit) against a
// stand-in for the GitHub REST API on 127.0.0.1 (GITHUB_API_URL).
import { beforeAll, describe, expect, it } from '@jest/globals'
import * as github from '@actions/github'
import type { GitHubLoader, GitHubModule } from '../../src/github.js'
import { EcsSim } from '../sim/ecs-sim.js'
import { useGitHubStandIn, type GitHubApiStandIn } from '../support/github-api.js'
import { runOnSim, type RunResult } from '../support/harness.js'

const TOKEN = 'ghs_StandInToken0123456789abcdefABCDEF'
const PR = 'acme/preview-app#42'

const github$ = useGitHubStandIn(TOKEN)
let api: GitHubApiStandIn
let prEvent: string
let pushEvent: string
beforeAll(() => {
  ;({ api } = github$())
  ;({ pullRequest: prEvent, push: pushEvent } = github$().events)
})

/** The runner's variables for the run; what @actions/github's Context reads. */
function runnerEnv(over: Record<string, string> = {}): Record<string, string> {
  return {
    GITHUB_API_URL: api.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_REPOSITORY: 'acme/preview-app',
    GITHUB_EVENT_NAME: 'pull_request',
    GITHUB_EVENT_PATH: prEvent,
    GITHUB_RUN_ID: '777',
    GITHUB_RUN_ATTEMPT: '1',
    ...over
  }
}

/**
 * @actions/github as the runner's process would load it with these variables: its `context` is made
 * once at import from process.env, so a new Context (its class) is built with them in place.
 */
function withEnv(env: Record<string, string>): GitHubLoader {
  const ContextClass = github.context.constructor as new () => GitHubModule['context']
  return async () => {
    const saved = Object.fromEntries(Object.keys(env).map(k => [k, process.env[k]]))
    Object.assign(process.env, env)
    try {
      const context = new ContextClass()
      // `repo` is a getter that reads GITHUB_REPOSITORY each time: taken now, while these variables
      // are in place, so the test runner's own (on a GitHub runner) cannot stand in for it.
      Object.defineProperty(context, 'repo', { value: context.repo })
      return { context, getOctokit: github.getOctokit }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  }
}

function previewCluster(sim: EcsSim, name: string): void {
  sim.createCluster(name)
  sim.registerContainerInstance(name)
  sim.createService(name, 'web', { desiredCount: 2 })
}

const inputs = (cluster: string) => ({ cluster, force: 'true', 'pr-comment': 'true', 'github-token': TOKEN })

/** The token is in none of what the run wrote: log, outputs, summary, report file; it was masked first. */
function expectTokenNowhere(result: RunResult): void {
  const written = [
    ...result.log.lines,
    ...Object.values(result.outputs),
    result.summary ?? '',
    result.reportFile ?? '',
    result.failed ?? ''
  ].join('\n')
  expect(written).not.toContain(TOKEN)
  expect(result.secrets).toContain(TOKEN)
}

const ours = (issue: string) => api.on(issue).filter(c => c.body.startsWith('<!-- ecs-teardown:'))

describe('pr-comment against a stand-in GitHub API', () => {
  const sim = new EcsSim()

  it('posts one comment on the first run, after reading every page of the comments', async () => {
    // 150 comments already there: two pages of 100; the run must read both before deciding to post.
    api.seed(
      PR,
      Array.from({ length: 150 }, (_, i) => `LGTM ${i}`)
    )
    previewCluster(sim, 'preview-pr-42')
    const result = await runOnSim(sim, inputs('preview-pr-42'), { github: withEnv(runnerEnv()) })

    expect(result.failed).toBeUndefined()
    expect(result.report!.clusters[0]!.outcome).toBe('deleted')
    const mine = ours(PR)
    expect(mine).toHaveLength(1)
    expect(mine[0]!.user).toBe('github-actions[bot]')
    const body = mine[0]!.body
    expect(body).toMatch(/^<!-- ecs-teardown:[0-9a-f]{16} -->\n### ✅ ECS teardown finished\n/)
    expect(body).toContain('| preview-pr-42 | us-east-1 | ✅ removed |')
    expect(body).toContain('- Removed: 1 service, 2 tasks, 1 container instance, 1 cluster.')
    // terminate-instances is off: the EC2 instance behind the container instance is left, and billing.
    expect(body).toContain('- `preview-pr-42`: left behind: 1 ec2-instance, 1 still costing money.')
    expect(body).toContain('[Workflow run 777](https://github.com/acme/preview-app/actions/runs/777)')
    const gets = api.requests.filter(r => r.method === 'GET')
    expect(gets.map(r => new URL(r.path, api.url).searchParams.get('page') ?? '1')).toEqual(['1', '2'])
    expect(api.writes().map(r => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/acme/preview-app/issues/42/comments'
    ])
    expect(api.requests.every(r => r.authorization === `token ${TOKEN}`)).toBe(true)
    expect(result.log.lines).toContain(
      `pr-comment: commented on pull request #42: https://github.com/acme/preview-app/pull/42#issuecomment-${mine[0]!.id}`
    )
    expectTokenNowhere(result)
  })

  it('edits that comment on a re-run instead of posting another, and leaves a reply quoting it alone', async () => {
    const [first] = ours(PR)
    api.seed(PR, [`> ${first!.body.split('\n').join('\n> ')}\nThanks!`], 'reviewer')
    const before = api.requests.length
    const result = await runOnSim(sim, inputs('preview-pr-42'), {
      github: withEnv(runnerEnv({ GITHUB_RUN_ATTEMPT: '2' }))
    })

    expect(result.failed).toBeUndefined()
    expect(result.report!.clusters[0]!.outcome).toBe('absent')
    const mine = ours(PR)
    expect(mine).toHaveLength(1)
    expect(mine[0]!.id).toBe(first!.id)
    expect(mine[0]!.body).toContain('| preview-pr-42 | us-east-1 | ➖ already absent |')
    expect(mine[0]!.body).toContain(
      '[Workflow run 777, attempt 2](https://github.com/acme/preview-app/actions/runs/777/attempts/2)'
    )
    expect(api.on(PR).find(c => c.user === 'reviewer')!.body).toMatch(/^> <!-- ecs-teardown:/)
    expect(
      api.requests
        .slice(before)
        .filter(r => r.method !== 'GET')
        .map(r => `${r.method} ${r.path}`)
    ).toEqual([`PATCH /repos/acme/preview-app/issues/comments/${first!.id}`])
    expect(result.log.lines.filter(l => l.startsWith('pr-comment:'))).toEqual([
      `pr-comment: updated the comment on pull request #42: https://github.com/acme/preview-app/pull/42#issuecomment-${first!.id}`
    ])
    expectTokenNowhere(result)
  })

  it('keeps one comment per teardown step: another selection in the same workflow gets its own', async () => {
    previewCluster(sim, 'preview-pr-42-db')
    const result = await runOnSim(sim, inputs('preview-pr-42-db'), { github: withEnv(runnerEnv()) })
    expect(result.failed).toBeUndefined()
    const mine = ours(PR)
    expect(mine).toHaveLength(2)
    expect(mine[0]!.body).toContain('| preview-pr-42 |')
    expect(mine[1]!.body).toContain('| preview-pr-42-db | us-east-1 | ✅ removed |')
    expect(mine[0]!.body.split('\n')[0]).not.toBe(mine[1]!.body.split('\n')[0])
  })

  it('skips other events with one log line and no request', async () => {
    const before = api.requests.length
    previewCluster(sim, 'preview-pr-43')
    const result = await runOnSim(sim, inputs('preview-pr-43'), {
      github: withEnv(runnerEnv({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: pushEvent }))
    })
    expect(result.failed).toBeUndefined()
    expect(api.requests.length).toBe(before)
    expect(result.log.lines.filter(l => l.includes('pr-comment'))).toEqual([
      "pr-comment: not commenting: this run's event is push, not pull_request or pull_request_target."
    ])
    expectTokenNowhere(result)
  })

  it('warns on a 403 (no pull-requests: write) and the run still succeeds', async () => {
    api.refuse = 403
    try {
      previewCluster(sim, 'preview-pr-44')
      const result = await runOnSim(sim, inputs('preview-pr-44'), {
        github: withEnv(runnerEnv({ GITHUB_EVENT_NAME: 'pull_request_target' }))
      })
      expect(result.failed).toBeUndefined()
      expect(result.report!.clusters[0]!.outcome).toBe('deleted')
      expect(sim.remaining('preview-pr-44').cluster).toBe('INACTIVE')
      const warnings = result.log.lines.filter(l => l.startsWith('warning: pr-comment'))
      expect(warnings).toEqual([
        expect.stringMatching(
          /^warning: pr-comment: could not comment on pull request #42: 403 Resource not accessible by integration.*permissions: pull-requests: write/
        )
      ])
      expect(warnings[0]).not.toContain('\n')
      expectTokenNowhere(result)
    } finally {
      api.refuse = undefined
    }
  })

  it('tells the truth after a cancelled run', async () => {
    previewCluster(sim, 'preview-pr-45')
    const controller = new AbortController()
    controller.abort()
    const result = await runOnSim(sim, inputs('preview-pr-45'), {
      signal: controller.signal,
      github: withEnv(runnerEnv({ GITHUB_RUN_ID: '778' }))
    })
    expect(result.report!.clusters[0]!.outcome).toBe('cancelled')
    expect(result.failed).toMatch(/cancelled/)
    const comment = ours(PR).find(c => c.body.includes('preview-pr-45'))!
    expect(comment.body).toContain('### ⛔ ECS teardown was cancelled')
    expect(comment.body).toContain('| preview-pr-45 | us-east-1 | ⛔ cancelled |')
    expectTokenNowhere(result)
  })

  it('never loads @actions/github without pr-comment: true', async () => {
    previewCluster(sim, 'preview-pr-46')
    const before = api.requests.length
    let loaded = 0
    const result = await runOnSim(
      sim,
      { cluster: 'preview-pr-46', force: 'true', 'github-token': TOKEN },
      {
        github: async () => {
          loaded += 1
          return withEnv(runnerEnv())()
        }
      }
    )
    expect(result.failed).toBeUndefined()
    expect(loaded).toBe(0)
    expect(api.requests.length).toBe(before)
    expect(result.secrets).toEqual([])
    expect(result.log.lines.filter(l => l.includes('pr-comment'))).toEqual([])
  })
})
