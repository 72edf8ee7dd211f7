/** The one place that turns anything thrown into text a person can read. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}

/** The AWS error code: SDK v3 puts it in `name`; older shapes use `code` or `Code`. */
export function awsErrorName(error: unknown): string {
  if (typeof error !== 'object' || error === null) return ''
  const e = error as { name?: unknown; code?: unknown; Code?: unknown }
  for (const value of [e.name, e.code, e.Code]) {
    if (typeof value === 'string' && value !== 'Error') return value
  }
  return ''
}

export function isAwsError(error: unknown, ...names: string[]): boolean {
  return names.includes(awsErrorName(error))
}

/** An input the user gave is wrong. Its message is one line naming the input and the fix. */
export class InputError extends Error {
  override readonly name = 'InputError'
}

/** A check that comes before any change refused the teardown: nothing was touched. */
export class RefusedError extends Error {
  override readonly name = 'RefusedError'
}

/** The run's deadline (`timeout-minutes`) passed. */
export class DeadlineError extends Error {
  override readonly name = 'DeadlineError'
}

/** The job was cancelled (SIGINT/SIGTERM from the runner). */
export class CancelledError extends Error {
  override readonly name = 'CancelledError'
  constructor(message = 'the run was cancelled') {
    super(message)
  }
}

export function isCancellation(error: unknown, signal?: AbortSignal): boolean {
  if (error instanceof CancelledError) return true
  if (signal?.aborted) return true
  const name = awsErrorName(error)
  return name === 'AbortError'
}

/** Throttling as AWS and the SDK spell it across services. */
export function isThrottling(error: unknown): boolean {
  const name = awsErrorName(error)
  if (
    [
      'ThrottlingException',
      'Throttling',
      'TooManyRequestsException',
      'RequestLimitExceeded',
      'RequestThrottled',
      'RequestThrottledException',
      'SlowDown'
    ].includes(name)
  )
    return true
  const retryable = (error as { $retryable?: { throttling?: boolean } } | null)?.$retryable
  return retryable?.throttling === true
}

/** Access denied, so a plan or a failure can name the missing permission. */
export function isAccessDenied(error: unknown): boolean {
  return isAwsError(error, 'AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation')
}

/**
 * AWS errors in words a person can act on: missing credentials say both ways to provide them;
 * an access denial keeps AWS's text (it names the action and the resource) and points at the policy.
 */
export function explainAwsError(error: unknown): string {
  const message = errorMessage(error)
  const name = awsErrorName(error)
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(message)) {
    return 'No AWS credentials were found: run aws-actions/configure-aws-credentials before this step, or provide AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment.'
  }
  if (isAccessDenied(error)) {
    return `${message.replace(/\s+$/, '').replace(/\.$/, '')}. The role needs the permissions listed in the README (Permissions).`
  }
  return message
}
