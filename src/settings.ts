import { Inputs } from './constants.js'
import { InputError } from './util/errors.js'

/** Everything the run was asked to do, read and validated once, before any AWS call. */
export interface Settings {
  /** Cluster names or ARNs, in the order given. */
  clusters: string[]
  region: string
  /** `true`: StopTask everything at once and deregister instances with force. */
  force: boolean
  /** The one deadline for the whole run. */
  timeoutMs: number
  /** How long the graceful mode lets the ECS scheduler drain services before stopping what is left. */
  drainTimeoutMs: number
  /** How often waits look at AWS again. */
  pollIntervalMs: number
  /** Bound on AWS calls in flight for the whole run. */
  maxConcurrency: number
  /** Read and plan only: not one mutating AWS call. */
  dryRun: boolean
  /** Also delete the CloudFormation stack that created the cluster. */
  deleteStack: boolean
  /** The stack to delete; found from the cluster when absent. */
  stackName?: string
  /** Assume this role with the runner's OIDC token; absent: the SDK's default credential chain. */
  role?: RoleSettings
}

export interface RoleSettings {
  roleArn: string
  audience: string
  sessionName: string
  durationSeconds: number
}

export const Defaults = {
  timeoutMinutes: 30,
  drainTimeoutMinutes: 10,
  pollIntervalMs: 5_000,
  maxConcurrency: 10
} as const

/** How an input is read: `core.getInput` on the runner, a map in tests. */
export type InputReader = (name: string) => string

const CLUSTER_NAME = /^[A-Za-z0-9_-]{1,255}$/
const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):cluster\/([A-Za-z0-9_-]{1,255})$/
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/
const TRUE_VALUES = new Set(['true', 'True', 'TRUE'])
const FALSE_VALUES = new Set(['false', 'False', 'FALSE', ''])

export function readSettings(input: InputReader, env: NodeJS.ProcessEnv): Settings {
  const clusters = readClusters(input(Inputs.cluster))
  const region = readRegion(input(Inputs.region).trim(), env, clusters)
  const force = readBoolean(Inputs.force, input(Inputs.force))
  const timeoutMinutes = readMinutes(
    Inputs.timeoutMinutes,
    input(Inputs.timeoutMinutes),
    Defaults.timeoutMinutes,
    1,
    360
  )
  const drainMinutes = readMinutes(
    Inputs.drainTimeoutMinutes,
    input(Inputs.drainTimeoutMinutes),
    Math.min(Defaults.drainTimeoutMinutes, timeoutMinutes / 2),
    0,
    360
  )
  if (drainMinutes >= timeoutMinutes) {
    throw new InputError(
      `Input '${Inputs.drainTimeoutMinutes}' (${drainMinutes}) must be less than '${Inputs.timeoutMinutes}' (${timeoutMinutes}), so that stopping what is left and deleting still fit in the run.`
    )
  }
  const deleteStack = readBoolean(Inputs.deleteStack, input(Inputs.deleteStack))
  const stackName = readStackName(input(Inputs.stackName).trim(), deleteStack)
  return {
    clusters,
    region,
    force,
    timeoutMs: Math.round(timeoutMinutes * 60_000),
    drainTimeoutMs: Math.round(drainMinutes * 60_000),
    pollIntervalMs: Defaults.pollIntervalMs,
    maxConcurrency: Defaults.maxConcurrency,
    dryRun: readBoolean(Inputs.dryRun, input(Inputs.dryRun)),
    deleteStack,
    ...(stackName ? { stackName } : {}),
    ...readRole(input, env)
  }
}

const STACK_NAME = /^[A-Za-z][-A-Za-z0-9]{0,127}$/
const STACK_ARN =
  /^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/[A-Za-z][-A-Za-z0-9]{0,127}\/[-a-f0-9]+$/

function readStackName(raw: string, deleteStack: boolean): string | undefined {
  if (!raw) return undefined
  if (!deleteStack) {
    throw new InputError(
      `Input '${Inputs.stackName}' is set but '${Inputs.deleteStack}' is not true: set delete-stack: true to delete it, or remove stack-name.`
    )
  }
  if (!STACK_NAME.test(raw) && !STACK_ARN.test(raw)) {
    throw new InputError(
      `Input '${Inputs.stackName}' has '${raw.slice(0, 80)}', which is not a CloudFormation stack name (a letter, then letters, digits and '-', up to 128) or stack ARN.`
    )
  }
  return raw
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/
const SESSION_NAME_CHARS = /[^\w+=,.@-]/g

function readRole(input: InputReader, env: NodeJS.ProcessEnv): { role?: RoleSettings } {
  const roleArn = input(Inputs.roleToAssume).trim()
  const audience = input(Inputs.audience).trim() || 'sts.amazonaws.com'
  const rawSession = input(Inputs.roleSessionName).trim()
  const rawDuration = input(Inputs.roleDurationSeconds).trim()
  if (!roleArn) {
    for (const [name, value] of [
      [Inputs.roleSessionName, rawSession],
      [Inputs.roleDurationSeconds, rawDuration]
    ] as const) {
      if (value)
        throw new InputError(
          `Input '${name}' is set but '${Inputs.roleToAssume}' is not: set role-to-assume, or remove ${name}.`
        )
    }
    return {}
  }
  if (!ROLE_ARN.test(roleArn)) {
    throw new InputError(
      `Input '${Inputs.roleToAssume}' has '${roleArn.slice(0, 120)}', which is not an IAM role ARN such as arn:aws:iam::123456789012:role/ecs-teardown.`
    )
  }
  if (!env.ACTIONS_ID_TOKEN_REQUEST_URL || !env.ACTIONS_ID_TOKEN_REQUEST_TOKEN) {
    throw new InputError(
      `Input '${Inputs.roleToAssume}' needs the job's OIDC token, and this job has none: add 'permissions: id-token: write' to the job (or the workflow).`
    )
  }
  let durationSeconds = 3600
  if (rawDuration) {
    if (!/^\d+$/.test(rawDuration) || Number(rawDuration) < 900 || Number(rawDuration) > 43_200) {
      throw new InputError(
        `Input '${Inputs.roleDurationSeconds}' has '${rawDuration.slice(0, 20)}'; give a whole number of seconds from 900 to 43200.`
      )
    }
    durationSeconds = Number(rawDuration)
  }
  let sessionName: string
  if (rawSession) {
    if (rawSession.length < 2 || rawSession.length > 64 || /[^\w+=,.@-]/.test(rawSession)) {
      throw new InputError(
        `Input '${Inputs.roleSessionName}' has '${rawSession.slice(0, 80)}'; use 2 to 64 characters of letters, digits and + = , . @ _ -.`
      )
    }
    sessionName = rawSession
  } else {
    sessionName = defaultSessionName(env)
  }
  return { role: { roleArn, audience, sessionName, durationSeconds } }
}

/** `ecs-teardown-<repo>-<run id>`, cleaned to what STS accepts and cut to 64 characters. */
export function defaultSessionName(env: NodeJS.ProcessEnv): string {
  const repo = (env.GITHUB_REPOSITORY ?? '').split('/').pop() ?? ''
  const parts = ['ecs-teardown', repo, env.GITHUB_RUN_ID ?? ''].filter(Boolean)
  const cleaned = parts.join('-').replace(SESSION_NAME_CHARS, '-').replace(/-+/g, '-')
  return cleaned.slice(0, 64).replace(/^-+|-+$/g, '') || 'ecs-teardown'
}

function readClusters(raw: string): string[] {
  const entries = raw
    .split(/[\n,]/)
    .map(entry => entry.trim())
    .filter(entry => entry.length > 0)
  if (entries.length === 0) {
    throw new InputError(`Input '${Inputs.cluster}' is required: give the cluster's name or ARN.`)
  }
  if (entries.length > 1) {
    throw new InputError(
      `Input '${Inputs.cluster}' names ${entries.length} clusters; this version removes one cluster per step: give a single name or ARN.`
    )
  }
  for (const entry of entries) {
    if (!CLUSTER_NAME.test(entry) && !CLUSTER_ARN.test(entry)) {
      throw new InputError(
        `Input '${Inputs.cluster}' has '${entry.slice(0, 80)}', which is neither a cluster name (letters, digits, '-' and '_', up to 255) nor a cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME).`
      )
    }
  }
  return entries
}

function readRegion(raw: string, env: NodeJS.ProcessEnv, clusters: string[]): string {
  const fromArn = clusters.map(c => CLUSTER_ARN.exec(c)?.[1]).find(Boolean)
  const region = raw || env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || fromArn || ''
  if (!region) {
    throw new InputError(
      `Input '${Inputs.region}' is not set and neither is AWS_REGION or AWS_DEFAULT_REGION: set 'region' (for example us-east-1).`
    )
  }
  if (!REGION.test(region)) {
    throw new InputError(
      `Input '${Inputs.region}' has '${region.slice(0, 40)}', which is not an AWS Region name such as us-east-1.`
    )
  }
  if (fromArn && fromArn !== region) {
    throw new InputError(
      `Input '${Inputs.cluster}' is an ARN in ${fromArn} but the region is ${region}: make 'region' match the ARN or leave it empty.`
    )
  }
  return region
}

function readBoolean(name: string, raw: string): boolean {
  const value = raw.trim()
  if (TRUE_VALUES.has(value)) return true
  if (FALSE_VALUES.has(value)) return false
  throw new InputError(`Input '${name}' has '${value.slice(0, 40)}'; use true or false.`)
}

function readMinutes(name: string, raw: string, fallback: number, min: number, max: number): number {
  const value = raw.trim()
  if (value === '') return fallback
  if (!/^\d+(\.\d+)?$/.test(value)) {
    throw new InputError(
      `Input '${name}' has '${value.slice(0, 40)}'; give a number of minutes from ${min} to ${max}, such as ${fallback}.`
    )
  }
  const minutes = Number(value)
  if (minutes < min || minutes > max) {
    throw new InputError(`Input '${name}' is ${minutes}; it must be from ${min} to ${max} minutes.`)
  }
  return minutes
}
