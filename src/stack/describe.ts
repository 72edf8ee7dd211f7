import { sdk } from '../aws/sdk.js'
import type { Stack } from '@aws-sdk/client-cloudformation'
import { callAws, type CallContext, type SendPort } from '../aws/call.js'
import { errorMessage, isAwsError } from '../util/errors.js'

export type StackContext = CallContext & { cloudformation: SendPort }

/**
 * DescribeStacks for one name or StackId; undefined when CloudFormation does not know it. By name
 * a deleted stack is "does not exist"; by StackId it reads DELETE_COMPLETE (for a while).
 */
export async function describeStack(ctx: StackContext, ref: string): Promise<Stack | undefined> {
  try {
    const out = await callAws(
      ctx,
      ctx.cloudformation,
      new (await sdk.cloudformation()).DescribeStacksCommand({ StackName: ref })
    )
    return out.Stacks?.[0]
  } catch (error) {
    if (isStackMissing(error)) return undefined
    throw error
  }
}

/** CloudFormation's answer for a stack it does not know: ValidationError "Stack with id X does not exist". */
export function isStackMissing(error: unknown): boolean {
  return isAwsError(error, 'ValidationError') && /does not exist/i.test(errorMessage(error))
}
