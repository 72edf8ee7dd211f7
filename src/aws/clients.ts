import { CloudFormationClient } from '@aws-sdk/client-cloudformation'
import { ECSClient } from '@aws-sdk/client-ecs'
import type { AwsCredentialIdentityProvider } from '@smithy/types'
import { ACTION_NAME, ACTION_VERSION } from '../constants.js'
import type { SendPort } from './call.js'

export interface AwsClients {
  ecs: SendPort
  cloudformation: SendPort
}

/**
 * Adaptive retry with more attempts than the SDK's default 3: a teardown makes bursts of calls
 * (hundreds of StopTask and describes) and throttling is the common failure of bulk deleters.
 */
export const CLIENT_RETRY = { retryMode: 'adaptive', maxAttempts: 8 } as const

/**
 * The run's AWS clients. No endpoint is set here: the SDK honours AWS_ENDPOINT_URL by itself, so
 * the action runs unchanged against an emulator.
 */
export function createAwsClients(region: string, credentials?: AwsCredentialIdentityProvider): AwsClients {
  const common = {
    region,
    ...CLIENT_RETRY,
    customUserAgent: `${ACTION_NAME}/${ACTION_VERSION}`,
    ...(credentials ? { credentials } : {})
  }
  return { ecs: new ECSClient(common), cloudformation: new CloudFormationClient(common) }
}
