/** Input names, exactly as action.yml declares them. */
export const Inputs = {
  cluster: 'cluster',
  services: 'services',
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
  roleDurationSeconds: 'role-duration-seconds',
  triggers: 'triggers',
  terminateInstances: 'terminate-instances',
  deregisterSsmInstances: 'deregister-ssm-instances',
  deleteLogGroups: 'delete-log-groups',
  deregisterTaskDefinitions: 'deregister-task-definitions',
  deleteNamespace: 'delete-namespace',
  deleteTargetGroups: 'delete-target-groups',
  deleteScalingAlarms: 'delete-scaling-alarms',
  prComment: 'pr-comment',
  githubToken: 'github-token'
} as const

/** Output names, exactly as action.yml declares them. */
export const Outputs = {
  servicesDeleted: 'services-deleted',
  tasksStopped: 'tasks-stopped',
  containerInstancesDeregistered: 'container-instances-deregistered',
  clustersDeleted: 'clusters-deleted',
  stacksDeleted: 'stacks-deleted',
  report: 'report',
  reportFile: 'report-file'
} as const

export const ACTION_NAME = 'ecs-teardown'
/** Sent in the AWS SDK's user agent; equal to package.json's version (a unit test checks). */
export const ACTION_VERSION = '1.0.0'

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
  stopReasonMaxLength: 255,
  /** EventBridge ListRuleNamesByTarget and ListTargetsByRule page size, and RemoveTargets ids per call. */
  eventsPageSize: 100,
  /** ListSchedules: MaxResults 1–100. */
  schedulerPageSize: 100,
  removeTargetsBatch: 100,
  /** EC2 DescribeInstances: instance ids per `instance-id` filter (AWS allows 200 values per filter). */
  describeInstancesBatch: 100,
  /**
   * Most ACTIVE task definition families read to learn who else uses a log group: one
   * DescribeTaskDefinition each. An account with more keeps every log group (and says why).
   */
  logGroupFamiliesChecked: 100,
  /**
   * Who else uses a task definition revision (deregister-task-definitions, delete-log-groups): the
   * most other clusters, services (DescribeClusters' counts) and running tasks read, and distinct
   * revisions described for their log groups. An account over any bound keeps everything, and says so.
   */
  otherUsers: { clusters: 100, services: 2_000, tasks: 5_000, revisions: 300 },
  /** ECS ListTaskDefinitionFamilies page size. */
  familiesPageSize: 100,
  /** Cloud Map ListServices page size. */
  cloudMapPageSize: 100,
  /** Elastic Load Balancing DescribeTargetGroups / DescribeListeners / DescribeRules page size (the most AWS allows). */
  elbPageSize: 400,
  /** DescribeTargetGroups by ARN: "You cannot describe more than '20' target groups at a time". */
  describeTargetGroupsBatch: 20,
  /** Application Auto Scaling MaxResults (the most it allows), and resource IDs per DescribeScalableTargets. */
  autoScalingPageSize: 50,
  /** CloudWatch DescribeAlarms names per call and MaxRecords; DeleteAlarms names per call. */
  alarmsBatch: 100,
  /** ECS DescribeServiceRevisions: "You can specify a maximum of 20 ARNs". */
  describeServiceRevisionsBatch: 20,
  /** ECS GetTaskProtection: "up to 100 task IDs"; UpdateTaskProtection: "up to 10". */
  getTaskProtectionBatch: 100,
  updateTaskProtectionBatch: 10,
  /** CodeDeploy BatchGetDeployments: "The maximum number of deployment IDs you can specify is 25". */
  batchGetDeployments: 25
} as const

/** Tags that say who owns an EC2 instance: such an instance is never terminated by this action. */
export const OwnerTags = {
  autoScalingGroup: 'aws:autoscaling:groupName',
  stackName: 'aws:cloudformation:stack-name',
  spotFleet: 'aws:ec2spot:fleet-request-id',
  ec2Fleet: 'aws:ec2:fleet-id'
} as const
