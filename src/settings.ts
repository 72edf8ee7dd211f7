import { Inputs } from './constants.js'
import { InputError } from './util/errors.js'

/** Everything the run was asked to do, read and validated once, before any AWS call. */
export interface Settings {
  /** Cluster names or ARNs named explicitly, in the order given. */
  clusters: string[]
  /** Glob patterns (`*`, `?`) matched against cluster names from ListClusters. */
  patterns: string[]
  /**
   * With `services`: the environment is these services of the one cluster in `clusters`, which is
   * kept; `exclude`, `requireTags` and `olderThanMs` then apply to the services.
   */
  services?: ServiceRefs
  /** Glob patterns of clusters (with `services`: of services) never touched. */
  exclude: string[]
  /** Tags every cluster (with `services`: every service) must carry to be touched. */
  requireTags: { key: string; value: string }[]
  /** A pattern-matched cluster qualifies only when its newest activity is older than this. */
  olderThanMs?: number
  /** More qualifying clusters than this fails the run before anything is removed. */
  maxClusters: number
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
  /** What to do with EventBridge rules that start tasks on the cluster, before anything else. */
  triggers: TriggerMode
  /** Terminate the EC2 instances behind the deregistered container instances that nothing owns. */
  terminateInstances: boolean
  /** Deregister the external (ECS Anywhere) instances from Systems Manager too. */
  deregisterSsmInstances: boolean
  /** Delete the awslogs log groups of the cluster's task definitions that no other family uses. */
  deleteLogGroups: boolean
  /** Deregister the task definition revisions the cluster's services and tasks used. */
  deregisterTaskDefinitions: boolean
  /** Delete the Service Connect (Cloud Map) namespace when nothing else uses it. */
  deleteNamespace: boolean
  /** Delete the listener rules and target groups only the removed services use. */
  deleteTargetGroups: boolean
  /** Delete the step-scaling alarms whose only actions were the removed services' policies. */
  deleteScalingAlarms: boolean
  /**
   * `pr-comment: true`: comment on the pull request with this token (`github-token`, masked at once).
   * Absent otherwise. Never part of the report, outputs or summary.
   */
  prComment?: { token: string }
}

/** The `services` input: names or ARNs named explicitly, and glob patterns of names. */
export interface ServiceRefs {
  names: string[]
  patterns: string[]
}

/** `remove`: RemoveTargets (this cluster's targets only); `disable`: DisableRule; `keep`: not looked at. */
export type TriggerMode = 'remove' | 'disable' | 'keep'
const TRIGGER_MODES: readonly TriggerMode[] = ['remove', 'disable', 'keep']

export interface RoleSettings {
  roleArn: string
  audience: string
  /** `role-session-name`; absent: named from the workflow run when the role is assumed (`defaultSessionName`). */
  sessionName?: string
  durationSeconds: number
}

export const Defaults = {
  maxClusters: 10,
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
  const { names: clusters, patterns } = readRefs(CLUSTER_REFS, input(Inputs.cluster))
  const services = readServices(input(Inputs.services), clusters, patterns)
  // With services, every filter applies to the services: the cluster is named, never matched.
  const filtered = services ? SERVICE_REFS : CLUSTER_REFS
  const exclude = readPatterns(Inputs.exclude, input(Inputs.exclude), filtered.noun)
  const requireTags = readTags(input(Inputs.requireTags))
  const selection = services ?? { names: clusters, patterns }
  if (selection.patterns.some(p => /^\*+$/.test(p)) && requireTags.length === 0) {
    throw new InputError(
      `Input '${filtered.input}' has the pattern '*', which matches every ${filtered.noun} in the ${services ? 'cluster' : 'region'}: add 'require-tags' (for example environment=preview) so that only tagged ${filtered.noun}s can be touched.`
    )
  }
  for (const ref of selection.names) {
    const name = ref.slice(ref.lastIndexOf('/') + 1)
    const hit = exclude.find(p => globToRegExp(p).test(name))
    if (hit) {
      throw new InputError(
        `Input '${filtered.input}' names ${name}, which '${Inputs.exclude}' (${hit}) also matches: remove it from one of them.`
      )
    }
  }
  const olderThanMs = readAge(input(Inputs.olderThan).trim())
  const maxClusters = readWholeNumber(
    Inputs.maxClusters,
    input(Inputs.maxClusters),
    Defaults.maxClusters,
    1,
    100
  )
  const region = readRegion(input(Inputs.region).trim(), env, [...clusters, ...(services?.names ?? [])])
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
    patterns,
    ...(services ? { services } : {}),
    exclude,
    requireTags,
    ...(olderThanMs !== undefined ? { olderThanMs } : {}),
    maxClusters,
    region,
    force,
    timeoutMs: Math.round(timeoutMinutes * 60_000),
    drainTimeoutMs: Math.round(drainMinutes * 60_000),
    pollIntervalMs: Defaults.pollIntervalMs,
    maxConcurrency: Defaults.maxConcurrency,
    dryRun: readBoolean(Inputs.dryRun, input(Inputs.dryRun)),
    deleteStack,
    ...(stackName ? { stackName } : {}),
    ...readRole(input, env),
    triggers: readTriggerMode(input(Inputs.triggers)),
    terminateInstances: readBoolean(Inputs.terminateInstances, input(Inputs.terminateInstances)),
    deregisterSsmInstances: readBoolean(Inputs.deregisterSsmInstances, input(Inputs.deregisterSsmInstances)),
    deleteLogGroups: readBoolean(Inputs.deleteLogGroups, input(Inputs.deleteLogGroups)),
    deregisterTaskDefinitions: readBoolean(
      Inputs.deregisterTaskDefinitions,
      input(Inputs.deregisterTaskDefinitions)
    ),
    deleteNamespace: readBoolean(Inputs.deleteNamespace, input(Inputs.deleteNamespace)),
    deleteTargetGroups: readBoolean(Inputs.deleteTargetGroups, input(Inputs.deleteTargetGroups)),
    deleteScalingAlarms: readBoolean(Inputs.deleteScalingAlarms, input(Inputs.deleteScalingAlarms)),
    ...readPrComment(input)
  }
}

/** `pr-comment` and its `github-token`: the token is read only when a comment is asked for. */
function readPrComment(input: InputReader): { prComment?: { token: string } } {
  const raw = input(Inputs.prComment).trim()
  if (!TRUE_VALUES.has(raw) && !FALSE_VALUES.has(raw)) {
    throw new InputError(
      `Input '${Inputs.prComment}' has '${raw.slice(0, 40)}'; use true (comment on the pull request) or false (the default).`
    )
  }
  if (!TRUE_VALUES.has(raw)) return {}
  const token = input(Inputs.githubToken).trim()
  // The runner passes an expression it could not evaluate as its text (a local run of action.yml's default).
  if (!token || token.startsWith('${{')) {
    throw new InputError(
      `Input '${Inputs.githubToken}' has no token but '${Inputs.prComment}' is true: leave github-token at its default (the job's GITHUB_TOKEN), give a token that may write to pull requests, or set pr-comment: false.`
    )
  }
  return { prComment: { token } }
}

function readTriggerMode(raw: string): TriggerMode {
  const value = raw.trim().toLowerCase() || 'remove'
  const mode = TRIGGER_MODES.find(m => m === value)
  if (!mode) {
    throw new InputError(
      `Input '${Inputs.triggers}' has '${raw.trim().slice(0, 40)}'; use remove (the default), disable or keep.`
    )
  }
  return mode
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
  let sessionName: string | undefined
  if (rawSession) {
    if (rawSession.length < 2 || rawSession.length > 64 || /[^\w+=,.@-]/.test(rawSession)) {
      throw new InputError(
        `Input '${Inputs.roleSessionName}' has '${rawSession.slice(0, 80)}'; use 2 to 64 characters of letters, digits and + = , . @ _ -.`
      )
    }
    sessionName = rawSession
  }
  // Without role-session-name, the session is named from the workflow run when the role is assumed
  // (defaultSessionName in src/aws/credentials.ts, from @actions/github's context).
  return { role: { roleArn, audience, ...(sessionName ? { sessionName } : {}), durationSeconds } }
}

const PATTERN = /^[A-Za-z0-9_*?-]{1,255}$/

function splitList(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[\n,]/)
        .map(entry => entry.trim())
        .filter(entry => entry.length > 0)
    )
  ]
}

/** What one list input names: clusters (`cluster`) or services (`services`). */
interface RefKind {
  input: string
  noun: string
  name: RegExp
  arn: RegExp
  /** How a valid entry looks, for the error. */
  shape: string
}

const CLUSTER_REFS: RefKind = {
  input: Inputs.cluster,
  noun: 'cluster',
  name: CLUSTER_NAME,
  arn: CLUSTER_ARN,
  shape:
    "a cluster name (letters, digits, '-' and '_', up to 255), a cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME)"
}

/** A service ARN names its cluster (arn:…:service/CLUSTER/NAME) or, in the old format, not. */
const SERVICE_ARN =
  /^arn:aws[a-z-]*:ecs:([a-z0-9-]+):(\d{12}):service\/(?:([A-Za-z0-9_-]{1,255})\/)?([A-Za-z0-9_-]{1,255})$/

const SERVICE_REFS: RefKind = {
  input: Inputs.services,
  noun: 'service',
  name: CLUSTER_NAME,
  arn: SERVICE_ARN,
  shape:
    "a service name (letters, digits, '-' and '_', up to 255), a service ARN (arn:aws:ecs:REGION:ACCOUNT:service/CLUSTER/NAME)"
}

/** Names and ARNs as given, and the entries with * or ? as patterns. */
function readRefs(kind: RefKind, raw: string): ServiceRefs {
  const names: string[] = []
  const patterns: string[] = []
  for (const entry of splitList(raw)) {
    if (/[*?]/.test(entry) && PATTERN.test(entry)) patterns.push(entry)
    else if (kind.name.test(entry) || kind.arn.test(entry)) names.push(entry)
    else {
      throw new InputError(
        `Input '${kind.input}' has '${entry.slice(0, 80)}', which is neither ${kind.shape}, nor a pattern using * and ?.`
      )
    }
  }
  if (names.length + patterns.length === 0 && kind === CLUSTER_REFS) {
    throw new InputError(
      `Input '${Inputs.cluster}' is required: give the cluster's name or ARN, or a pattern such as preview-*.`
    )
  }
  return { names, patterns }
}

/** `services`, when given: services of exactly one cluster, named (no pattern), which is kept. */
function readServices(raw: string, clusters: string[], clusterPatterns: string[]): ServiceRefs | undefined {
  const services = readRefs(SERVICE_REFS, raw)
  if (services.names.length + services.patterns.length === 0) return undefined
  const given = [...clusters, ...clusterPatterns]
  if (clusterPatterns.length > 0 || clusters.length !== 1) {
    throw new InputError(
      `Input '${Inputs.services}' needs exactly one cluster in '${Inputs.cluster}', named or as an ARN (no pattern), but it has ${given.join(', ').slice(0, 120)}: name the one cluster the services are in.`
    )
  }
  const clusterName = clusters[0]!.slice(clusters[0]!.lastIndexOf('/') + 1)
  for (const ref of services.names) {
    const inCluster = SERVICE_ARN.exec(ref)?.[3]
    if (inCluster && inCluster !== clusterName) {
      throw new InputError(
        `Input '${Inputs.services}' has ${ref.slice(0, 160)}, a service of cluster ${inCluster}, but '${Inputs.cluster}' is ${clusterName}: one step removes services of one cluster.`
      )
    }
  }
  return services
}

function readPatterns(name: string, raw: string, noun: string): string[] {
  const entries = splitList(raw)
  for (const entry of entries) {
    if (!PATTERN.test(entry)) {
      throw new InputError(
        `Input '${name}' has '${entry.slice(0, 80)}'; give ${noun} names or patterns of letters, digits, '-', '_', * and ?.`
      )
    }
  }
  return entries
}

/** `preview-*` → /^preview-.*$/: `*` any run of characters, `?` one character, the rest literal. */
export function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${body}$`)
}

function readTags(raw: string): { key: string; value: string }[] {
  return splitList(raw).map(entry => {
    const eq = entry.indexOf('=')
    const key = eq > 0 ? entry.slice(0, eq).trim() : ''
    const value = eq > 0 ? entry.slice(eq + 1).trim() : ''
    if (!key || key.length > 128 || value.length > 256) {
      throw new InputError(
        `Input '${Inputs.requireTags}' has '${entry.slice(0, 80)}'; give key=value entries, such as environment=preview.`
      )
    }
    return { key, value }
  })
}

const AGE_UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }

function readAge(raw: string): number | undefined {
  if (!raw) return undefined
  const match = /^(\d+)\s*([mhdw])$/.exec(raw)
  if (!match || Number(match[1]) === 0) {
    throw new InputError(
      `Input '${Inputs.olderThan}' has '${raw.slice(0, 20)}'; give a positive age with a unit m, h, d or w, such as 12h or 3d.`
    )
  }
  return Number(match[1]) * AGE_UNITS[match[2]!]!
}

function readWholeNumber(name: string, raw: string, fallback: number, min: number, max: number): number {
  const value = raw.trim()
  if (value === '') return fallback
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new InputError(
      `Input '${name}' has '${value.slice(0, 20)}'; give a whole number from ${min} to ${max}.`
    )
  }
  return Number(value)
}

/** The Region: the input, the environment, or the region of the cluster and service ARNs in `refs`. */
function readRegion(raw: string, env: NodeJS.ProcessEnv, refs: string[]): string {
  const arnInput = refs.some(r => SERVICE_ARN.test(r))
    ? `${Inputs.cluster}' or '${Inputs.services}`
    : Inputs.cluster
  const arnRegions = [
    ...new Set(refs.map(c => (CLUSTER_ARN.exec(c) ?? SERVICE_ARN.exec(c))?.[1]).filter(Boolean))
  ]
  if (arnRegions.length > 1) {
    throw new InputError(
      `Input '${arnInput}' has ARNs in ${arnRegions.join(' and ')}: one step works in one Region; use a matrix over regions.`
    )
  }
  const fromArn = arnRegions[0]
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
      `Input '${arnInput}' has an ARN in ${fromArn} but the region is ${region}: make 'region' match the ARN or leave it empty.`
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
