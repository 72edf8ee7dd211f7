/** Input names, exactly as action.yml declares them. */
export const Inputs = {
  cluster: 'cluster',
  region: 'region',
  force: 'force',
  timeoutMinutes: 'timeout-minutes',
  drainTimeoutMinutes: 'drain-timeout-minutes',
  dryRun: 'dry-run',
  requireTags: 'require-tags',
  exclude: 'exclude',
  olderThan: 'older-than',
  maxClusters: 'max-clusters',
  deleteStack: 'delete-stack',
  stackName: 'stack-name',
  roleToAssume: 'role-to-assume',
  audience: 'audience',
  roleSessionName: 'role-session-name',
  roleDurationSeconds: 'role-duration-seconds'
} as const

/** Output names, exactly as action.yml declares them. */
export const Outputs = {
  servicesDeleted: 'services-deleted',
  tasksStopped: 'tasks-stopped',
  containerInstancesDeregistered: 'container-instances-deregistered',
  clustersDeleted: 'clusters-deleted',
  stacksDeleted: 'stacks-deleted',
  report: 'report'
} as const

export const ACTION_NAME = 'ecs-teardown'
export const ACTION_VERSION = '0.1.0'

/** Capacity providers AWS owns; they can be detached but never deleted. */
export const RESERVED_CAPACITY_PROVIDERS = new Set(['FARGATE', 'FARGATE_SPOT'])

/** API batch limits (AWS API model). */
export const Limits = {
  listPageSize: 100,
  describeServicesBatch: 10,
  describeTasksBatch: 100,
  describeContainerInstancesBatch: 100,
  describeClustersBatch: 100,
  describeCapacityProvidersBatch: 10,
  stopReasonMaxLength: 255
} as const
