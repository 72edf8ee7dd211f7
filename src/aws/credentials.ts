import { sdk } from './sdk.js'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { ACTION_NAME, ACTION_VERSION } from '../constants.js'
import { loadGitHub, runInfo, type GitHubLoader, type RunInfo } from '../github.js'
import type { Logger } from '../log.js'
import type { RoleSettings } from '../settings.js'
import { awsErrorName, errorMessage, isAccessDenied, isCancellation } from '../util/errors.js'
import { throwIfAborted, type Clock, type Sleep } from '../util/time.js'
import type { SendPort } from './call.js'

/** What assuming the role needs from the runner and the run; all injected so tests can swap them. */
export interface OidcDeps {
  /** `core.getIDToken(audience)` on the runner (which masks the token itself). */
  getIDToken(audience: string): Promise<string>
  /** `core.setSecret(value)`: masks a value in every later log line. */
  setSecret(value: string): void
  clock: Clock
  sleep: Sleep
  signal: AbortSignal
  log: Logger
  /** The STS client; default: a new STSClient for the region. Tests pass a fake. */
  sts?: SendPort
  /** Jitter in [0, 1); default Math.random. Tests fix it to check the backoff. */
  random?: () => number
  /** `@actions/github`, whose context names the default session; default: imported when needed. */
  github?: GitHubLoader
}

/**
 * Renew this long before expiry. It matches the SDK's own identity cache (`EXPIRATION_MS` in
 * @smithy/core), which asks the provider again 5 minutes before expiry and must then get new
 * credentials, not the same ones back.
 */
export const RENEW_BEFORE_EXPIRY_MS = 5 * 60_000
export const TOKEN_ATTEMPTS = 5
export const ASSUME_ATTEMPTS = 5
export const BACKOFF_BASE_MS = 1_000
const BACKOFF_MAX_MS = 16_000
/** After a failed renewal while the current credentials still work, wait this long before trying again. */
export const RENEW_RETRY_AFTER_MS = 60_000
/** Current credentials are kept after a failed renewal only while they have at least this long left. */
const MIN_REMAINING_MS = 60_000

/**
 * STS refusals about the token rather than the role, which a new token can fix: the IdP or its keys
 * were briefly unreachable, or the token expired on the way (clock skew). The SDK retries none of
 * them with a new token, and InvalidIdentityToken not at all.
 */
const TOKEN_REFUSALS = new Set([
  'IDPCommunicationError',
  'IDPCommunicationErrorException',
  'InvalidIdentityToken',
  'InvalidIdentityTokenException',
  'ExpiredToken',
  'ExpiredTokenException'
])

/** Getting or renewing the role's credentials failed; the message is one line saying why and what to do. */
export class RoleCredentialsError extends Error {
  override readonly name = 'RoleCredentialsError'
}

interface Held {
  identity: AwsCredentialIdentity & { sessionToken: string; expiration: Date }
  /** Clock time from which the provider renews instead of handing these out. */
  renewAt: number
}

/**
 * Credentials for the action's own clients, from the runner's OIDC token: AssumeRoleWithWebIdentity
 * through the STS client (so AWS_ENDPOINT_URL applies), renewed before they expire, so that waits
 * longer than the session still end with valid credentials. They live in this process only: nothing
 * goes to the environment, outputs or later steps.
 */
export function createRoleCredentials(
  role: RoleSettings,
  region: string,
  deps: OidcDeps
): AwsCredentialIdentityProvider {
  // AssumeRoleWithWebIdentity is unsigned: the client needs no credentials of its own.
  const sts: SendPort = deps.sts ?? {
    // Loaded on first use: most runs never assume a role.
    send: async (command, options) => {
      const { STSClient } = await sdk.sts()
      stsClient ??= new STSClient({ region, customUserAgent: `${ACTION_NAME}/${ACTION_VERSION}` })
      return stsClient.send(command, options)
    }
  }
  let stsClient: SendPort | undefined
  const random = deps.random ?? Math.random
  // Without role-session-name: named from the workflow run once, before the first AssumeRole.
  let named: Promise<RoleSettings & { sessionName: string }> | undefined
  const withSessionName = (): Promise<RoleSettings & { sessionName: string }> =>
    (named ??= sessionNameOf(role, deps.github ?? loadGitHub).then(sessionName => ({ ...role, sessionName })))
  let held: Held | undefined
  let renewing: Promise<Held> | undefined
  let retryRenewalAt = 0

  // One renewal at a time: concurrent callers (ECS and CloudFormation clients, many calls in
  // flight) all wait for the same AssumeRole instead of each starting one.
  const renew = (): Promise<Held> =>
    (renewing ??= withSessionName()
      .then(named => assumeRole(named, sts, deps, random, held !== undefined))
      .then(fresh => (held = fresh))
      .catch((error: unknown) => {
        const current = held
        if (!current || isCancellation(error, deps.signal)) throw error
        const left = current.identity.expiration.getTime() - deps.clock()
        if (left < MIN_REMAINING_MS) throw error
        // A renewal failing minutes before expiry must not fail a teardown that still has working
        // credentials: keep them, and try again a little later.
        retryRenewalAt = deps.clock() + RENEW_RETRY_AFTER_MS
        deps.log.warning(
          `Could not renew the role's credentials; using the current ones (valid until ${current.identity.expiration.toISOString()}) and trying again in ${RENEW_RETRY_AFTER_MS / 1000} s: ${errorMessage(error)}`
        )
        return current
      })
      .finally(() => (renewing = undefined)))

  return async () => {
    const now = deps.clock()
    if (held && (now < held.renewAt || now < retryRenewalAt)) return held.identity
    return (await renew()).identity
  }
}

/**
 * `role-session-name`, else `ecs-teardown-<repo>-<run id>` from @actions/github's context (loaded
 * here: a run without role-to-assume never loads it). When it cannot be loaded: `ecs-teardown`.
 */
async function sessionNameOf(role: RoleSettings, github: GitHubLoader): Promise<string> {
  if (role.sessionName) return role.sessionName
  try {
    return defaultSessionName(runInfo((await github()).context))
  } catch {
    return defaultSessionName({})
  }
}

/**
 * `ecs-teardown-<repo>-<run id>`, cleaned to what STS accepts. The repository name is what gets
 * shortened when it is long: the run id is what tells sessions apart in CloudTrail.
 */
export function defaultSessionName(run: Pick<RunInfo, 'repository' | 'runId'>): string {
  const clean = (text: string): string => text.replace(/[^\w+=,.@-]/g, '-').replace(/-+/g, '-')
  const runId = clean(String(run.runId ?? '')).slice(0, 40)
  const room = 64 - 'ecs-teardown-'.length - (runId ? runId.length + 1 : 0)
  const repo = clean(run.repository?.repo ?? '')
    .slice(0, Math.max(0, room))
    .replace(/^-+|-+$/g, '')
  return ['ecs-teardown', repo, runId].filter(Boolean).join('-')
}

async function assumeRole(
  role: RoleSettings & { sessionName: string },
  sts: SendPort,
  deps: OidcDeps,
  random: () => number,
  renewal: boolean
): Promise<Held> {
  for (let attempt = 1; ; attempt++) {
    const token = await fetchIdToken(role.audience, deps, random)
    const requestedAt = deps.clock()
    let output: { Credentials?: StsCredentials } | undefined
    try {
      output = (await sts.send(
        new (await sdk.sts()).AssumeRoleWithWebIdentityCommand({
          RoleArn: role.roleArn,
          RoleSessionName: role.sessionName,
          WebIdentityToken: token,
          DurationSeconds: role.durationSeconds
        }),
        { abortSignal: deps.signal }
      )) as { Credentials?: StsCredentials }
    } catch (error) {
      if (isCancellation(error, deps.signal)) throw error
      const code = awsErrorName(error)
      if (!TOKEN_REFUSALS.has(code) || attempt >= ASSUME_ATTEMPTS) {
        throw new RoleCredentialsError(explainAssumeFailure(error, role, token, attempt))
      }
      const delay = backoffMs(attempt, random)
      deps.log.info(
        `AssumeRoleWithWebIdentity was refused (attempt ${attempt} of ${ASSUME_ATTEMPTS}, ${code}: ${oneLine(errorMessage(error))}); trying again with a new token in ${(delay / 1000).toFixed(1)} s.`
      )
      await deps.sleep(delay, deps.signal)
      continue
    }
    const held = holdCredentials(output?.Credentials, role, deps, requestedAt)
    deps.log.info(
      `${renewal ? 'Renewed the credentials of' : 'Assumed'} role ${role.roleArn} (session ${role.sessionName}), valid until ${held.identity.expiration.toISOString()}.`
    )
    return held
  }
}

interface StsCredentials {
  AccessKeyId?: string
  SecretAccessKey?: string
  SessionToken?: string
  Expiration?: Date
}

/** Masks the three values first of all, then checks and keeps them. */
function holdCredentials(
  credentials: StsCredentials | undefined,
  role: RoleSettings & { sessionName: string },
  deps: OidcDeps,
  requestedAt: number
): Held {
  // Before anything else touches them: a log line, an error message, the caller.
  for (const secret of [credentials?.AccessKeyId, credentials?.SecretAccessKey, credentials?.SessionToken]) {
    if (secret) deps.setSecret(secret)
  }
  const { AccessKeyId, SecretAccessKey, SessionToken, Expiration } = credentials ?? {}
  if (!AccessKeyId || !SecretAccessKey || !SessionToken) {
    throw new RoleCredentialsError(
      `STS answered AssumeRoleWithWebIdentity for ${role.roleArn} without complete credentials.`
    )
  }
  const expiration =
    Expiration instanceof Date && !Number.isNaN(Expiration.getTime())
      ? Expiration
      : new Date(requestedAt + role.durationSeconds * 1000)
  // A session shorter than twice the margin (never with 900 s or more) is renewed halfway instead,
  // so that it is not renewed on every call.
  const lifetime = expiration.getTime() - requestedAt
  const margin = Math.min(RENEW_BEFORE_EXPIRY_MS, Math.max(0, lifetime / 2))
  return {
    identity: {
      accessKeyId: AccessKeyId,
      secretAccessKey: SecretAccessKey,
      sessionToken: SessionToken,
      expiration
    },
    renewAt: expiration.getTime() - margin
  }
}

async function fetchIdToken(audience: string, deps: OidcDeps, random: () => number): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    throwIfAborted(deps.signal)
    try {
      const token = await deps.getIDToken(audience)
      if (!token) throw new Error('the token endpoint answered without a token')
      return token
    } catch (error) {
      if (isCancellation(error, deps.signal)) throw error
      const reason = oneLine(errorMessage(error))
      if (attempt >= TOKEN_ATTEMPTS) {
        throw new RoleCredentialsError(
          `Could not get the job's OIDC token (audience ${audience}) for role-to-assume after ${TOKEN_ATTEMPTS} attempts: ${reason}`
        )
      }
      const delay = backoffMs(attempt, random)
      deps.log.info(
        `Could not get the job's OIDC token (attempt ${attempt} of ${TOKEN_ATTEMPTS}: ${reason}); trying again in ${(delay / 1000).toFixed(1)} s.`
      )
      await deps.sleep(delay, deps.signal)
    }
  }
}

/** Exponential with "equal jitter": at least half of each step, so the waits really grow. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** (attempt - 1))
  return Math.round(cap / 2 + (random() * cap) / 2)
}

function explainAssumeFailure(
  error: unknown,
  role: RoleSettings & { sessionName: string },
  token: string,
  attempts: number
): string {
  const code = awsErrorName(error)
  const said = oneLine(errorMessage(error)).replace(/\.$/, '')
  const base = `Could not assume ${role.roleArn} with the job's OIDC token (${code || 'error'}: ${said})`
  if (isAccessDenied(error) || code === 'IDPRejectedClaim' || code === 'IDPRejectedClaimException') {
    const subject = tokenSubject(token)
    return `${base}. The role's trust policy must allow this repository's OIDC subject${subject ? ` (this job's token has sub '${subject}')` : ''} and audience '${role.audience}' to call sts:AssumeRoleWithWebIdentity: see the trust policy in the README (Permissions).`
  }
  if (TOKEN_REFUSALS.has(code)) {
    return `${base}, ${attempts} times. The account needs an IAM OIDC identity provider for token.actions.githubusercontent.com with audience '${role.audience}': see the README (Permissions).`
  }
  return `${base}.`
}

/** The token's `sub` claim, which a trust policy matches: not secret, and the first thing to compare. */
function tokenSubject(token: string): string | undefined {
  try {
    const payload = token.split('.')[1] ?? ''
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }
    return typeof claims.sub === 'string' ? claims.sub.slice(0, 200) : undefined
  } catch {
    return undefined
  }
}

/** @actions/core and the SDK put line breaks in messages; a step's failure is one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim()
}
