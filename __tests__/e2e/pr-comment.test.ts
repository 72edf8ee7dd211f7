// End to end: pr-comment from the built dist/index.js (which loads @actions/github's chunk only for
// this), started as the runner starts it on a pull_request event, tearing down a preview environment
// on moto and commenting through a stand-in for the GitHub REST API (GITHUB_API_URL).
import { beforeAll, expect, it } from '@jest/globals'
import { useGitHubStandIn, type GitHubApiStandIn } from '../support/github-api.js'
import { buildPreviewEnvironment, whatIsLeft } from './support/fixtures.js'
import { clusterReport } from './support/report.js'
import { runAction, type ActionResult } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'

const TIMEOUT_MS = 300_000
const TOKEN = 'ghs_E2eStandInToken9876543210zyxwvuTSRQ'
const PR = 'acme/preview-app#42'

const github$ = useGitHubStandIn(TOKEN)
let api: GitHubApiStandIn
let event: string
beforeAll(() => {
  api = github$().api
  event = github$().events.pullRequest
})

/** The token is only in the runner's mask command, never in a line a person sees, an output, the summary or a file. */
function expectTokenNowhere(result: ActionResult): void {
  const shown = result.stdout
    .split('\n')
    .filter(line => line !== `::add-mask::${TOKEN}`)
    .join('\n')
  expect(result.stdout).toContain(`::add-mask::${TOKEN}`)
  expect(shown).not.toContain(TOKEN)
  expect(result.stderr).not.toContain(TOKEN)
  expect(JSON.stringify(result.outputs)).not.toContain(TOKEN)
  expect(result.summary).not.toContain(TOKEN)
  expect(Object.values(result.runnerTempFiles).join('\n')).not.toContain(TOKEN)
}

describeAgainstMoto('pr-comment end to end (dist/index.js, moto, a stand-in GitHub API)', moto => {
  const cluster = `e2e-prc-${process.pid}`
  const run = (env: Record<string, string> = {}) =>
    runAction({
      endpoint: moto().endpoint,
      inputs: { cluster, force: 'true', 'pr-comment': 'true', 'github-token': TOKEN },
      env: {
        GITHUB_API_URL: api.url,
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: event,
        GITHUB_RUN_ID: '4242',
        ...env
      }
    })

  it(
    'posts one comment after removing the environment, edits it on the re-run, and warns on a 403',
    async () => {
      await buildPreviewEnvironment(moto().endpoint, cluster, {
        services: { web: 1 },
        standaloneTasks: 1,
        instances: 1,
        capacityProviders: []
      })
      const first = await run()
      expect(clusterReport(first).outcome).toBe('deleted')
      expect((await whatIsLeft(moto().endpoint, cluster)).clusterStatus).toBe('INACTIVE')
      const [comment, ...others] = api.on(PR)
      expect(others).toEqual([])
      expect(comment!.body).toMatch(/^<!-- ecs-teardown:[0-9a-f]{16} -->\n### ✅ ECS teardown finished\n/)
      expect(comment!.body).toContain(`| ${cluster} | us-east-1 | ✅ removed |`)
      expect(comment!.body).toContain(
        '[Workflow run 4242](https://github.com/acme/preview-app/actions/runs/4242)'
      )
      expect(first.stdout).toContain(
        `pr-comment: commented on pull request #42: https://github.com/acme/preview-app/pull/42#issuecomment-${comment!.id}`
      )
      expectTokenNowhere(first)

      const rerun = await run({ GITHUB_RUN_ATTEMPT: '2' })
      expect(clusterReport(rerun).outcome).toBe('absent')
      expect(api.on(PR).map(c => c.id)).toEqual([comment!.id])
      expect(api.on(PR)[0]!.body).toContain(`| ${cluster} | us-east-1 | ➖ already absent |`)
      expect(api.on(PR)[0]!.body).toContain('/actions/runs/4242/attempts/2)')
      expect(api.writes().map(r => r.method)).toEqual(['POST', 'PATCH'])
      expectTokenNowhere(rerun)

      api.refuse = 403
      const refused = await run({ GITHUB_RUN_ATTEMPT: '3' })
      api.refuse = undefined
      expect(clusterReport(refused).outcome).toBe('absent')
      expect(refused.code).toBe(0)
      expect(refused.stdout).toMatch(
        /^::warning::pr-comment: could not comment on pull request #42: 403 Resource not accessible by integration.*: the token may not write to pull requests. .*pull-requests: write/m
      )
      expectTokenNowhere(refused)
    },
    TIMEOUT_MS
  )

  it(
    'skips a push event with one log line and no request to GitHub',
    async () => {
      const before = api.requests.length
      const result = await run({ GITHUB_EVENT_NAME: 'push' })
      expect(clusterReport(result).outcome).toBe('absent')
      expect(api.requests.length).toBe(before)
      expect(result.stdout).toContain(
        "pr-comment: not commenting: this run's event is push, not pull_request or pull_request_target."
      )
      expectTokenNowhere(result)
    },
    TIMEOUT_MS
  )
})
