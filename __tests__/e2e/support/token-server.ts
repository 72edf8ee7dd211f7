// Stand-ins for what surrounds the action on a runner with role-to-assume, for the OIDC e2e test:
//  - the runner's ID token endpoint (ACTIONS_ID_TOKEN_REQUEST_URL / ACTIONS_ID_TOKEN_REQUEST_TOKEN);
//  - a recording proxy between the action and moto, because moto does not check signatures and
//    keeps no record of who signed what.
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'

export interface TokenRequest {
  /** Path and query as received, e.g. /token?api-version=2.0&audience=sts.amazonaws.com */
  url: string
  /** The `audience` query parameter, or null when absent. */
  audience: string | null
  authorization: string | undefined
}

export interface TokenServer {
  /** The value for ACTIONS_ID_TOKEN_REQUEST_URL; @actions/core appends `&audience=...`. */
  requestUrl: string
  /** The value for ACTIONS_ID_TOKEN_REQUEST_TOKEN: the bearer token the endpoint expects. */
  requestToken: string
  /** Every request, in order, answered or not. */
  requests: TokenRequest[]
  /** Every ID token handed out, in order. */
  issued: string[]
  close(): Promise<void>
}

export interface TokenServerOptions {
  /** The `sub` claim of the tokens. Default repo:acme/preview-app:pull_request. */
  subject?: string
  /** Answer this many requests (with the right bearer token) with HTTP 500 first. Default 0. */
  failFirst?: number
}

/**
 * Answers `GET /token?api-version=2.0&audience=A` with `{"value": "<JWT>"}` as the runner's token
 * service does, but only with `Authorization: Bearer <requestToken>` (else 401). The JWT is unsigned
 * ("signature" is random), which is enough for moto's STS: it accepts any web identity token.
 */
export async function startTokenServer(options: TokenServerOptions = {}): Promise<TokenServer> {
  const requestToken = `request-token-${randomBytes(8).toString('hex')}`
  const requests: TokenRequest[] = []
  const issued: string[] = []
  let failuresLeft = options.failFirst ?? 0
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const audience = url.searchParams.get('audience')
    requests.push({ url: req.url ?? '', audience, authorization: req.headers.authorization })
    if (req.method !== 'GET' || url.pathname !== '/token') return void res.writeHead(404).end()
    if (req.headers.authorization !== `Bearer ${requestToken}`) return void res.writeHead(401).end()
    if (failuresLeft > 0) {
      failuresLeft -= 1
      return void res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"try again"}')
    }
    const token = jwt({
      iss: 'https://token.actions.githubusercontent.com',
      sub: options.subject ?? 'repo:acme/preview-app:pull_request',
      aud: audience ?? 'https://github.com/acme',
      repository: 'acme/preview-app',
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 300,
      jti: randomBytes(8).toString('hex')
    })
    issued.push(token)
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ value: token }))
  })
  const port = await listen(server)
  return {
    requestUrl: `http://127.0.0.1:${port}/token?api-version=2.0`,
    requestToken,
    requests,
    issued,
    close: () => close(server)
  }
}

function jwt(claims: object): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT', kid: 'e2e' })}.${part(claims)}.${randomBytes(32).toString('base64url')}`
}

export interface ProxiedRequest {
  method: string
  url: string
  /** `X-Amz-Target` (JSON protocols: ECS, ...), e.g. AmazonEC2ContainerServiceV20141113.DeleteCluster */
  target: string | undefined
  /** The query protocols' `Action=` from the form body (STS, CloudFormation, EC2). */
  action: string | undefined
  /** The access key id from SigV4's `Authorization: ... Credential=<id>/<scope>`; undefined: unsigned. */
  accessKeyId: string | undefined
  securityToken: string | undefined
  requestBody: string
  /** The response body, kept for requests whose `action` is in `keepResponsesOf`. */
  responseBody?: string
  status: number
}

export interface RecordingProxy {
  /** Give this as AWS_ENDPOINT_URL. */
  endpoint: string
  requests: ProxiedRequest[]
  close(): Promise<void>
}

/** Forwards every request to `target` unchanged and records who signed it and what it asked. */
export async function startRecordingProxy(
  target: string,
  keepResponsesOf: string[] = ['AssumeRoleWithWebIdentity']
): Promise<RecordingProxy> {
  const upstream = new URL(target)
  const requests: ProxiedRequest[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', () => {
      const body = Buffer.concat(chunks)
      const requestBody = body.toString('utf8')
      const action = /(?:^|&)Action=([A-Za-z]+)/.exec(requestBody)?.[1]
      const record: ProxiedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        target: header(req.headers, 'x-amz-target'),
        action,
        accessKeyId: /Credential=([^/,\s]+)\//.exec(header(req.headers, 'authorization') ?? '')?.[1],
        securityToken: header(req.headers, 'x-amz-security-token'),
        requestBody,
        status: 0
      }
      requests.push(record)
      const forward = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: req.headers
        },
        answer => {
          const parts: Buffer[] = []
          answer.on('data', (chunk: Buffer) => parts.push(chunk))
          answer.on('end', () => {
            const responseBody = Buffer.concat(parts)
            record.status = answer.statusCode ?? 0
            if (action && keepResponsesOf.includes(action))
              record.responseBody = responseBody.toString('utf8')
            res.writeHead(answer.statusCode ?? 502, answer.headers).end(responseBody)
          })
        }
      )
      forward.on('error', error => {
        record.status = 502
        res.writeHead(502).end(String(error))
      })
      forward.end(body)
    })
  })
  const port = await listen(server)
  return { endpoint: `http://127.0.0.1:${port}`, requests, close: () => close(server) }
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name]
  return Array.isArray(value) ? value.join(',') : value
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      resolve(typeof address === 'object' && address ? address.port : 0)
    })
  })
}

function close(server: Server): Promise<void> {
  server.closeAllConnections()
  return new Promise(resolve => server.close(() => resolve()))
}
