import { describe, expect, it } from '@jest/globals'
import {
  AssumeRoleWithWebIdentityCommand,
  IDPCommunicationErrorException,
  InvalidIdentityTokenException,
  STSServiceException,
  type AssumeRoleWithWebIdentityCommandInput
} from '@aws-sdk/client-sts'
import type { AwsCredentialIdentity } from '@smithy/types'
import type { SendPort } from '../../src/aws/call.js'
import {
  ASSUME_ATTEMPTS,
  backoffMs,
  createRoleCredentials,
  defaultSessionName,
  RENEW_BEFORE_EXPIRY_MS,
  RENEW_RETRY_AFTER_MS,
  RoleCredentialsError,
  TOKEN_ATTEMPTS,
  type OidcDeps
} from '../../src/aws/credentials.js'
import type { Logger } from '../../src/log.js'
import type { GitHubModule } from '../../src/github.js'
import { readSettings, type RoleSettings } from '../../src/settings.js'
import { CancelledError, explainAwsError, InputError } from '../../src/util/errors.js'

const ROLE: RoleSettings = {
  roleArn: 'arn:aws:iam::123456789012:role/ecs-teardown',
  audience: 'sts.amazonaws.com',
  sessionName: 'ecs-teardown-app-42',
  durationSeconds: 3600
}
const SUBJECT = 'repo:acme/preview-app:pull_request'

/** A JWT-shaped token whose payload carries `sub`, as GitHub's does. */
function jwt(n: number): string {
  const part = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url')
  return `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ sub: SUBJECT, aud: 'sts.amazonaws.com', n })}.sig${n}`
}

type StsAnswer = (input: AssumeRoleWithWebIdentityCommandInput) => unknown

/**
 * Everything createRoleCredentials touches, faked: a clock that only moves when told (or when the
 * code sleeps), a token endpoint and an STS that answer from scripts, and one ordered event list so a
 * test can see what happened before what.
 */
function harness(options: { tokens?: Array<Error | undefined>; sts?: StsAnswer[]; random?: number } = {}) {
  let now = Date.parse('2030-01-01T00:00:00Z')
  const events: string[] = []
  const sleeps: number[] = []
  const tokenAudiences: string[] = []
  const stsInputs: AssumeRoleWithWebIdentityCommandInput[] = []
  const tokenScript = [...(options.tokens ?? [])]
  const stsScript = [...(options.sts ?? [])]
  let issued = 0
  let assumed = 0
  const controller = new AbortController()

  const credentialsFor = (n: number, input: AssumeRoleWithWebIdentityCommandInput) => ({
    Credentials: {
      AccessKeyId: `ASIAFAKE${n}`,
      SecretAccessKey: `secret-key-${n}`,
      SessionToken: `session-token-${n}`,
      Expiration: new Date(now + (input.DurationSeconds ?? 3600) * 1000)
    }
  })
  const sts: SendPort = {
    async send(command: unknown) {
      expect(command).toBeInstanceOf(AssumeRoleWithWebIdentityCommand)
      const input = (command as AssumeRoleWithWebIdentityCommand).input
      stsInputs.push(input)
      events.push(`sts:${input.WebIdentityToken}`)
      await Promise.resolve()
      const answer = stsScript.shift()
      if (answer) return answer(input)
      assumed += 1
      return credentialsFor(assumed, input)
    }
  }
  const log: Logger = {
    info: message => void events.push(`log:${message}`),
    warning: message => void events.push(`log:warning: ${message}`),
    error: message => void events.push(`log:error: ${message}`),
    debug: message => void events.push(`log:debug: ${message}`),
    group: (_name, work) => work()
  }
  const deps: OidcDeps = {
    async getIDToken(audience) {
      tokenAudiences.push(audience)
      await Promise.resolve()
      const failure = tokenScript.shift()
      if (failure) throw failure
      issued += 1
      events.push(`token:${issued}`)
      return jwt(issued)
    },
    setSecret: value => void events.push(`secret:${value}`),
    clock: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new CancelledError()
      sleeps.push(ms)
      now += ms
    },
    signal: controller.signal,
    log,
    sts,
    random: () => options.random ?? 0
  }
  return {
    deps,
    events,
    sleeps,
    tokenAudiences,
    stsInputs,
    controller,
    advance: (ms: number) => void (now += ms),
    now: () => now,
    logs: () => events.filter(e => e.startsWith('log:')).map(e => e.slice(4)),
    secrets: () => events.filter(e => e.startsWith('secret:')).map(e => e.slice(7)),
    provider: () => createRoleCredentials(ROLE, 'us-east-1', deps)
  }
}

async function failureOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a failure')
}

const stsError = (name: string, message: string): STSServiceException =>
  new STSServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: 403 }, message })
const idpCommunicationError = (): Error =>
  new IDPCommunicationErrorException({ message: 'Couldn\u2019t reach the IdP', $metadata: {} })
const invalidIdentityToken = (): Error =>
  new InvalidIdentityTokenException({
    message: 'Couldn\u2019t retrieve verification key from your identity provider',
    $metadata: {}
  })

describe('createRoleCredentials', () => {
  it('assumes the role with a token for the audience, the session name and the duration', async () => {
    const h = harness()
    const credentials = await h.provider()()
    expect(h.tokenAudiences).toEqual(['sts.amazonaws.com'])
    expect(h.stsInputs).toEqual([
      {
        RoleArn: ROLE.roleArn,
        RoleSessionName: ROLE.sessionName,
        WebIdentityToken: jwt(1),
        DurationSeconds: 3600
      }
    ])
    expect(credentials).toEqual({
      accessKeyId: 'ASIAFAKE1',
      secretAccessKey: 'secret-key-1',
      sessionToken: 'session-token-1',
      expiration: new Date(h.now() + 3600_000)
    })
  })

  it('masks all three values before anything can see them, never logs them, and exports nothing', async () => {
    const h = harness()
    const envBefore = { ...process.env }
    const credentials: AwsCredentialIdentity = await h.provider()()
    h.events.push('resolved')
    const values = [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken ?? '']
    expect(h.secrets()).toEqual(values)

    const sts = h.events.indexOf(`sts:${jwt(1)}`)
    const masked = values.map(value => h.events.indexOf(`secret:${value}`))
    const firstLogAfterSts = h.events.findIndex((e, i) => i > sts && e.startsWith('log:'))
    // Masked right after STS answered: before the next log line and before the caller got them.
    expect(masked.every(i => i > sts)).toBe(true)
    expect(Math.max(...masked)).toBeLessThan(firstLogAfterSts)
    expect(Math.max(...masked)).toBeLessThan(h.events.indexOf('resolved'))
    expect(h.logs().length).toBeGreaterThan(0)
    for (const line of h.logs()) for (const value of values) expect(line).not.toContain(value)
    // Kept in memory only: no AWS_* variable appeared for later steps or child processes.
    expect(process.env).toEqual(envBefore)
  })

  it('masks what STS sent even when the answer is incomplete, and fails in one line', async () => {
    const h = harness({ sts: [() => ({ Credentials: { AccessKeyId: 'ASIAHALF', SessionToken: 'tok' } })] })
    const error = await failureOf(h.provider()())
    expect(h.secrets()).toEqual(['ASIAHALF', 'tok'])
    expect(error).toBeInstanceOf(RoleCredentialsError)
    expect(error.message).toMatch(/without complete credentials/)
    expect(error.message).not.toContain('ASIAHALF')
  })

  describe('the ID token', () => {
    it('is retried with growing, jittered backoff', async () => {
      const h = harness({
        tokens: [new Error('ECONNRESET'), new Error('Failed to get ID Token. \n Error Code : 500')]
      })
      await h.provider()()
      expect(h.tokenAudiences).toHaveLength(3)
      // random() = 0: the lower half of each step (equal jitter) = 500, 1000.
      expect(h.sleeps).toEqual([500, 1000])
      expect(h.logs().filter(line => line.includes('OIDC token'))).toEqual([
        expect.stringMatching(/attempt 1 of 5: ECONNRESET\); trying again in 0\.5 s/),
        expect.stringMatching(
          /attempt 2 of 5: Failed to get ID Token\. Error Code : 500\); trying again in 1\.0 s/
        )
      ])
    })

    it('gives up after a handful of attempts with one line, before calling STS', async () => {
      const failures = Array.from(
        { length: TOKEN_ATTEMPTS },
        () => new Error('Error message: Failed\n  Error Code : 503')
      )
      const h = harness({ tokens: failures, random: 1 })
      const error = await failureOf(h.provider()())
      expect(error).toBeInstanceOf(RoleCredentialsError)
      expect(error.message).toBe(
        "Could not get the job's OIDC token (audience sts.amazonaws.com) for role-to-assume after 5 attempts: Error message: Failed Error Code : 503"
      )
      // random() = 1: the top of each step.
      expect(h.sleeps).toEqual([1000, 2000, 4000, 8000])
      expect(h.stsInputs).toEqual([])
    })

    it('stops waiting as soon as the run is cancelled', async () => {
      const h = harness({ tokens: [new Error('ECONNRESET')] })
      h.controller.abort()
      expect(await failureOf(h.provider()())).toBeInstanceOf(CancelledError)
    })
  })

  it('keeps backoff steps between half and all of 1 s, 2 s, 4 s ... capped at 16 s', () => {
    expect([1, 2, 3, 4, 5, 6, 9].map(a => backoffMs(a, () => 0))).toEqual([
      500, 1000, 2000, 4000, 8000, 8000, 8000
    ])
    expect([1, 2, 3, 4, 5, 6].map(a => backoffMs(a, () => 0.999999))).toEqual([
      1000, 2000, 4000, 8000, 16000, 16000
    ])
  })

  describe('AssumeRoleWithWebIdentity', () => {
    it('retries IDPCommunicationError and InvalidIdentityToken, each time with a new token', async () => {
      const h = harness({
        sts: [
          () => {
            throw idpCommunicationError()
          },
          () => {
            throw invalidIdentityToken()
          }
        ]
      })
      const credentials = await h.provider()()
      expect(credentials.accessKeyId).toBe('ASIAFAKE1')
      expect(h.stsInputs.map(input => input.WebIdentityToken)).toEqual([jwt(1), jwt(2), jwt(3)])
      expect(h.sleeps).toEqual([500, 1000])
      expect(h.logs()[0]).toMatch(
        /^AssumeRoleWithWebIdentity was refused \(attempt 1 of 5, IDPCommunicationErrorException: .*\); trying again with a new token in 0\.5 s\.$/
      )
    })

    it('gives up on a token refusal that lasts, in one line that says what the account needs', async () => {
      const h = harness({
        sts: Array.from({ length: ASSUME_ATTEMPTS }, () => () => Promise.reject(invalidIdentityToken()))
      })
      const error = await failureOf(h.provider()())
      expect(h.stsInputs).toHaveLength(ASSUME_ATTEMPTS)
      expect(error).toBeInstanceOf(RoleCredentialsError)
      expect(error.message).not.toContain('\n')
      expect(error.message).toMatch(
        /^Could not assume arn:aws:iam::123456789012:role\/ecs-teardown .*InvalidIdentityTokenException/
      )
      expect(error.message).toContain('IAM OIDC identity provider for token.actions.githubusercontent.com')
    })

    it('does not retry AccessDenied, and says the trust policy must allow this repository', async () => {
      const h = harness({
        sts: [
          () => {
            throw stsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity')
          }
        ]
      })
      const error = await failureOf(h.provider()())
      expect(h.stsInputs).toHaveLength(1)
      expect(h.sleeps).toEqual([])
      expect(error.message).toBe(
        "Could not assume arn:aws:iam::123456789012:role/ecs-teardown with the job's OIDC token (AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity). The role's trust policy must allow this repository's OIDC subject (this job's token has sub 'repo:acme/preview-app:pull_request') and audience 'sts.amazonaws.com' to call sts:AssumeRoleWithWebIdentity: see the trust policy in the README (Permissions)."
      )
      // The run's failure line goes through explainAwsError: it must pass this message unchanged
      // (not append the ECS-permissions hint meant for the role's own access denials).
      expect(explainAwsError(error)).toBe(error.message)
    })

    it('does not retry other errors', async () => {
      const h = harness({
        sts: [() => Promise.reject(stsError('RegionDisabledException', 'STS is not activated'))]
      })
      const error = await failureOf(h.provider()())
      expect(h.stsInputs).toHaveLength(1)
      expect(error.message).toBe(
        "Could not assume arn:aws:iam::123456789012:role/ecs-teardown with the job's OIDC token (RegionDisabledException: STS is not activated)."
      )
    })
  })

  describe('renewal', () => {
    it('hands out the same credentials until shortly before expiry, then a new token and a new AssumeRole', async () => {
      const h = harness()
      const provider = h.provider()
      const first = await provider()
      const expiresAt = first.expiration!.getTime()

      h.advance(expiresAt - RENEW_BEFORE_EXPIRY_MS - 1 - h.now())
      expect(await provider()).toBe(first)
      expect(h.tokenAudiences).toHaveLength(1)
      expect(h.stsInputs).toHaveLength(1)

      h.advance(1)
      const second = await provider()
      expect(h.tokenAudiences).toHaveLength(2)
      expect(h.stsInputs.map(input => input.WebIdentityToken)).toEqual([jwt(1), jwt(2)])
      expect(second.accessKeyId).toBe('ASIAFAKE2')
      expect(second.expiration!.getTime()).toBe(h.now() + 3600_000)
      // The new values were masked too, and the log says it renewed.
      expect(h.secrets()).toEqual(expect.arrayContaining(['ASIAFAKE2', 'secret-key-2', 'session-token-2']))
      expect(h.logs().at(-1)).toMatch(
        /^Renewed the credentials of role arn:aws:iam::123456789012:role\/ecs-teardown/
      )
    })

    it('lets concurrent callers share one AssumeRole, at first and at renewal', async () => {
      const h = harness()
      const provider = h.provider()
      const first = await Promise.all(Array.from({ length: 20 }, () => provider()))
      expect(new Set(first).size).toBe(1)
      expect(h.stsInputs).toHaveLength(1)

      h.advance(3600_000 - RENEW_BEFORE_EXPIRY_MS + 1)
      const renewed = await Promise.all(Array.from({ length: 20 }, () => provider()))
      expect(new Set(renewed).size).toBe(1)
      expect(renewed[0]?.accessKeyId).toBe('ASIAFAKE2')
      expect(h.tokenAudiences).toHaveLength(2)
      expect(h.stsInputs).toHaveLength(2)
    })

    it('keeps working credentials when a renewal fails, and tries again a minute later', async () => {
      const h = harness()
      const provider = h.provider()
      const first = await provider()
      h.advance(3600_000 - RENEW_BEFORE_EXPIRY_MS + 1)
      // The token endpoint is down for a whole renewal.
      const deps = h.deps
      const realGetIdToken = deps.getIDToken
      deps.getIDToken = () => Promise.reject(new Error('HTTP 503'))
      const during = await Promise.all([provider(), provider()])
      expect(during).toEqual([first, first])
      expect(h.logs().filter(line => line.startsWith('warning: Could not renew'))).toHaveLength(1)
      const attemptsAfterFailure = h.sleeps.length

      // Within the minute: no new attempt, still the current credentials.
      expect(await provider()).toBe(first)
      expect(h.sleeps).toHaveLength(attemptsAfterFailure)

      deps.getIDToken = realGetIdToken
      h.advance(RENEW_RETRY_AFTER_MS)
      expect((await provider()).accessKeyId).toBe('ASIAFAKE2')
    })

    it('fails once the current credentials are about to expire and renewal still fails', async () => {
      const h = harness()
      const provider = h.provider()
      await provider()
      h.advance(3600_000 - 30_000)
      h.deps.getIDToken = () => Promise.reject(new Error('HTTP 503'))
      const error = await failureOf(provider())
      expect(error).toBeInstanceOf(RoleCredentialsError)
      expect(error.message).toMatch(/after 5 attempts: HTTP 503$/)
    })
  })
})

/** The run as @actions/github's context has it, for `owner/repo` and a run id. */
const run = (repository: string | undefined, runId?: number) => ({
  ...(repository
    ? { repository: { owner: repository.split('/')[0]!, repo: repository.split('/').slice(1).join('/') } }
    : {}),
  ...(runId !== undefined ? { runId } : {})
})

describe('defaultSessionName', () => {
  it('is ecs-teardown-<repository name>-<run id>', () => {
    expect(defaultSessionName(run('acme/preview-app', 9876543210))).toBe(
      'ecs-teardown-preview-app-9876543210'
    )
  })

  it('cleans what STS refuses and collapses the dashes', () => {
    // GitHub repository names are [A-Za-z0-9_.-]; anything else (a mistyped or odd variable) is replaced.
    expect(defaultSessionName(run('acme/my app#1', 7))).toBe('ecs-teardown-my-app-1-7')
    expect(defaultSessionName(run('acme/a--b__c.d', 7))).toBe('ecs-teardown-a-b__c.d-7')
  })

  it('falls back to ecs-teardown without the variables', () => {
    expect(defaultSessionName({})).toBe('ecs-teardown')
    expect(defaultSessionName(run(undefined, 5))).toBe('ecs-teardown-5')
  })

  it('is cut to 64 characters without a trailing dash, and always valid for STS', () => {
    const long = defaultSessionName(run(`acme/${'r'.repeat(50)}`, 12345678901))
    expect(long.length).toBeLessThanOrEqual(64)
    expect(long).not.toMatch(/-$/)
    for (const repo of ['x', 'a'.repeat(100), `${'b'.repeat(50)}-`, '-.-', '🚀']) {
      const name = defaultSessionName(run(`o/${repo}`, 123))
      expect(name).toMatch(/^[\w+=,.@-]{2,64}$/)
      expect(name).not.toMatch(/^-|-$/)
    }
  })

  it('keeps the run id and shortens a long repository name to fit 64 characters', () => {
    const name = defaultSessionName(run(`acme/${'a'.repeat(80)}`, 12345678901))
    expect(name.length).toBeLessThanOrEqual(64)
    expect(name.endsWith('-12345678901')).toBe(true)
    expect(name.startsWith('ecs-teardown-aaa')).toBe(true)
  })
})

describe('role-to-assume settings', () => {
  const inputs: Record<string, string> = { cluster: 'preview-1', 'role-to-assume': ROLE.roleArn }
  const read = (env: NodeJS.ProcessEnv) => readSettings(name => inputs[name] ?? '', env)

  it('fails in one line naming id-token: write when the job has no OIDC token', () => {
    for (const env of [
      { AWS_REGION: 'us-east-1' },
      { AWS_REGION: 'us-east-1', ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x' },
      { AWS_REGION: 'us-east-1', ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x/token?api-version=2.0' }
    ]) {
      let error: unknown
      try {
        read(env)
      } catch (caught) {
        error = caught
      }
      expect(error).toBeInstanceOf(InputError)
      expect((error as Error).message).toContain('id-token: write')
      expect((error as Error).message).not.toContain('\n')
    }
  })

  it("reads the role with its defaults, and names the session from @actions/github's context when it assumes it", async () => {
    const env = {
      AWS_REGION: 'us-east-1',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://x/token?api-version=2.0',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x'
    }
    const settings = read(env)
    expect(settings.role).toEqual({
      roleArn: ROLE.roleArn,
      audience: 'sts.amazonaws.com',
      durationSeconds: 3600
    })
    // The context as @actions/github builds it from GITHUB_REPOSITORY=acme/preview-app and GITHUB_RUN_ID=42.
    const context: GitHubModule['context'] = {
      eventName: 'pull_request',
      payload: {},
      runId: 42,
      runAttempt: 1,
      serverUrl: 'https://github.com',
      apiUrl: 'https://api.github.com',
      repo: { owner: 'acme', repo: 'preview-app' }
    }
    let loads = 0
    const h = harness()
    h.deps.github = async () => {
      loads += 1
      return { context, getOctokit: () => Promise.reject(new Error('not used')) as never }
    }
    const provider = createRoleCredentials(settings.role!, 'us-east-1', h.deps)
    await provider()
    h.advance(3600_000)
    await provider()
    expect(h.stsInputs.map(i => i.RoleSessionName)).toEqual([
      'ecs-teardown-preview-app-42',
      'ecs-teardown-preview-app-42'
    ])
    expect(loads).toBe(1)
    expect(h.logs()[0]).toContain('(session ecs-teardown-preview-app-42)')
  })

  it('does not load @actions/github when role-session-name is given', async () => {
    const h = harness()
    h.deps.github = () => Promise.reject(new Error('must not be loaded'))
    await h.provider()()
    expect(h.stsInputs.map(i => i.RoleSessionName)).toEqual([ROLE.sessionName])
  })
})
