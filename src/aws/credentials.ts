import type { AwsCredentialIdentityProvider } from '@smithy/types'
import type { Logger } from '../log.js'
import type { RoleSettings } from '../settings.js'
import type { Clock, Sleep } from '../util/time.js'

/** What assuming the role needs from the runner and the run; all injected so tests can swap them. */
export interface OidcDeps {
  /** `core.getIDToken(audience)` on the runner. */
  getIDToken(audience: string): Promise<string>
  /** `core.setSecret(value)`: masks a value in every later log line. */
  setSecret(value: string): void
  clock: Clock
  sleep: Sleep
  signal: AbortSignal
  log: Logger
}

/**
 * Credentials for the action's own clients, from the runner's OIDC token: AssumeRoleWithWebIdentity
 * through the STS client (so AWS_ENDPOINT_URL applies), refreshed before they expire.
 * Not implemented yet.
 */
export function createRoleCredentials(_role: RoleSettings, _region: string, _deps: OidcDeps): AwsCredentialIdentityProvider {
  throw new Error('role-to-assume is not supported yet')
}
