// A stand-in for the part of the GitHub REST API that pr-comment uses, on 127.0.0.1, for the scenario
// and end-to-end tests (GITHUB_API_URL points at it). It follows docs.github.com/rest/issues/comments:
// "List issue comments" (GET /repos/{owner}/{repo}/issues/{issue_number}/comments, oldest first,
// per_page at most 100, further pages named by the Link header), "Create an issue comment" (POST to
// the same path, 201) and "Update an issue comment" (PATCH /repos/{owner}/{repo}/issues/comments/{id}).
// A request without the expected token is refused with 401; `refuse` answers 403 as GitHub does for a
// token without pull-requests: write.
import { afterAll, beforeAll } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface StoredComment {
  id: number
  issue: string
  body: string
  user: string
}

export interface SeenRequest {
  method: string
  path: string
  authorization: string
  body?: string
}

export class GitHubApiStandIn {
  readonly comments: StoredComment[] = []
  readonly requests: SeenRequest[] = []
  /** Answer every request with this status and GitHub's message for it. */
  refuse?: 403 | 404
  private nextId = 1000
  private server?: Server
  url = ''

  constructor(private readonly token: string) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => this.answer(req, res))
    await new Promise<void>(resolve => this.server!.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`
    return this.url
  }

  async stop(): Promise<void> {
    await new Promise<void>(resolve => (this.server ? this.server.close(() => resolve()) : resolve()))
  }

  /** Comments on `owner/repo#n`, as someone else (or this action, with its marker) wrote them. */
  seed(issue: string, bodies: string[], user = 'someone'): void {
    for (const body of bodies) this.comments.push({ id: this.nextId++, issue, body, user })
  }

  on(issue: string): StoredComment[] {
    return this.comments.filter(c => c.issue === issue)
  }

  writes(): SeenRequest[] {
    return this.requests.filter(r => r.method !== 'GET')
  }

  private answer(req: IncomingMessage, res: ServerResponse): void {
    let body = ''
    req.on('data', chunk => (body += String(chunk)))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', this.url)
      this.requests.push({
        method: req.method ?? '',
        path: url.pathname + url.search,
        authorization: String(req.headers.authorization ?? ''),
        ...(body ? { body } : {})
      })
      if (req.headers.authorization !== `token ${this.token}`) {
        return reply(res, 401, { message: 'Bad credentials', status: '401' })
      }
      if (this.refuse === 403) {
        return reply(res, 403, {
          message: 'Resource not accessible by integration',
          documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          status: '403'
        })
      }
      if (this.refuse === 404) return reply(res, 404, { message: 'Not Found', status: '404' })
      const list = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname)
      const one = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname)
      if (list && req.method === 'GET') return this.list(res, url, `${list[1]}/${list[2]}#${list[3]}`)
      if (list && req.method === 'POST') {
        const comment: StoredComment = {
          id: this.nextId++,
          issue: `${list[1]}/${list[2]}#${list[3]}`,
          body: (JSON.parse(body) as { body: string }).body,
          user: 'github-actions[bot]'
        }
        this.comments.push(comment)
        return reply(res, 201, this.view(comment))
      }
      if (one && req.method === 'PATCH') {
        const comment = this.comments.find(c => c.id === Number(one[3]))
        if (!comment) return reply(res, 404, { message: 'Not Found', status: '404' })
        comment.body = (JSON.parse(body) as { body: string }).body
        return reply(res, 200, this.view(comment))
      }
      reply(res, 404, { message: `not modelled: ${req.method} ${url.pathname}`, status: '404' })
    })
  }

  private list(res: ServerResponse, url: URL, issue: string): void {
    const perPage = Math.min(100, Number(url.searchParams.get('per_page') ?? 30))
    const page = Number(url.searchParams.get('page') ?? 1)
    const all = this.on(issue).sort((a, b) => a.id - b.id)
    const last = Math.max(1, Math.ceil(all.length / perPage))
    const link = (n: number): string => {
      const next = new URL(url)
      next.searchParams.set('page', String(n))
      return next.toString()
    }
    const headers: Record<string, string> = {}
    if (page < last) headers.link = `<${link(page + 1)}>; rel="next", <${link(last)}>; rel="last"`
    reply(
      res,
      200,
      all.slice((page - 1) * perPage, page * perPage).map(c => this.view(c)),
      headers
    )
  }

  private view(c: StoredComment): object {
    const [repo, number] = c.issue.split('#')
    return {
      id: c.id,
      body: c.body,
      user: { login: c.user },
      html_url: `https://github.com/${repo}/pull/${number}#issuecomment-${c.id}`
    }
  }
}

function reply(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
  res.end(JSON.stringify(body))
}

export interface GitHubStandIn {
  api: GitHubApiStandIn
  /** Event files as the runner writes them (GITHUB_EVENT_PATH): a closed pull request acme/preview-app#42, a push. */
  events: { pullRequest: string; push: string }
  stop: () => Promise<void>
}

/** A stand-in started before the test file's tests and stopped after them; the getter is valid inside tests. */
export function useGitHubStandIn(token: string): () => GitHubStandIn {
  let standIn: GitHubStandIn | undefined
  beforeAll(async () => {
    standIn = await startGitHubStandIn(token)
  })
  afterAll(async () => {
    await standIn?.stop()
  })
  return () => {
    if (!standIn) throw new Error('the GitHub stand-in has not started')
    return standIn
  }
}

/** A started stand-in and a folder with the event files; `stop` removes both. */
export async function startGitHubStandIn(token: string): Promise<GitHubStandIn> {
  const api = new GitHubApiStandIn(token)
  await api.start()
  const dir = mkdtempSync(join(tmpdir(), 'github-events-'))
  const events = { pullRequest: join(dir, 'pull_request.json'), push: join(dir, 'push.json') }
  writeFileSync(
    events.pullRequest,
    JSON.stringify({
      action: 'closed',
      number: 42,
      pull_request: { number: 42, state: 'closed' },
      repository: { name: 'preview-app', owner: { login: 'acme' } }
    })
  )
  writeFileSync(events.push, JSON.stringify({ ref: 'refs/heads/main' }))
  return {
    api,
    events,
    stop: async () => {
      await api.stop()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}
