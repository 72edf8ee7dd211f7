/** AWS console links for what a run leaves behind, on the right host for the region's partition. */

export function partitionOf(region: string): 'aws' | 'aws-cn' | 'aws-us-gov' {
  if (region.startsWith('cn-')) return 'aws-cn'
  if (region.startsWith('us-gov-')) return 'aws-us-gov'
  return 'aws'
}

export function consoleHost(region: string): string {
  switch (partitionOf(region)) {
    case 'aws-cn':
      return `https://${region}.console.amazonaws.cn`
    case 'aws-us-gov':
      // GovCloud has one console host; the region goes in the query.
      return 'https://console.amazonaws-us-gov.com'
    default:
      return `https://${region}.console.aws.amazon.com`
  }
}

const enc = encodeURIComponent

export const consoleLinks = {
  cluster: (region: string, cluster: string) =>
    `${consoleHost(region)}/ecs/v2/clusters/${enc(cluster)}/services?region=${region}`,
  service: (region: string, cluster: string, service: string) =>
    `${consoleHost(region)}/ecs/v2/clusters/${enc(cluster)}/services/${enc(service)}/health?region=${region}`,
  task: (region: string, cluster: string, taskId: string) =>
    `${consoleHost(region)}/ecs/v2/clusters/${enc(cluster)}/tasks/${enc(taskId)}/configuration?region=${region}`,
  containerInstances: (region: string, cluster: string) =>
    `${consoleHost(region)}/ecs/v2/clusters/${enc(cluster)}/infrastructure?region=${region}`,
  ec2Instance: (region: string, instanceId: string) =>
    `${consoleHost(region)}/ec2/home?region=${region}#InstanceDetails:instanceId=${enc(instanceId)}`,
  capacityProviders: (region: string) => `${consoleHost(region)}/ecs/v2/capacity-providers?region=${region}`,
  eventRule: (region: string, rule: string, bus = 'default') =>
    `${consoleHost(region)}/events/home?region=${region}#/eventbus/${enc(bus)}/rules/${enc(rule)}`,
  schedule: (region: string, group: string, name: string) =>
    `${consoleHost(region)}/scheduler/home?region=${region}#schedules/${enc(group)}/${enc(name)}`,
  managedInstance: (region: string, id: string) =>
    `${consoleHost(region)}/systems-manager/fleet-manager/managed-nodes/${enc(id)}/general?region=${region}`,
  logGroup: (region: string, name: string) =>
    `${consoleHost(region)}/cloudwatch/home?region=${region}#logsV2:log-groups/log-group/${enc(enc(name))}`,
  taskDefinition: (region: string, family: string) =>
    `${consoleHost(region)}/ecs/v2/task-definitions/${enc(family)}?region=${region}`,
  namespace: (region: string, arn: string) =>
    `${consoleHost(region)}/cloudmap/home/namespaces/${enc(arn.slice(arn.lastIndexOf('/') + 1))}?region=${region}`,
  stack: (region: string, stackIdOrName: string) =>
    `${consoleHost(region)}/cloudformation/home?region=${region}#/stacks/stackinfo?stackId=${enc(stackIdOrName)}`,
  targetGroup: (region: string, arn: string) =>
    `${consoleHost(region)}/ec2/home?region=${region}#TargetGroup:targetGroupArn=${enc(arn)}`,
  loadBalancer: (region: string, arn: string) =>
    `${consoleHost(region)}/ec2/home?region=${region}#LoadBalancer:loadBalancerArn=${enc(arn)}`,
  alarm: (region: string, name: string) =>
    `${consoleHost(region)}/cloudwatch/home?region=${region}#alarmsV2:alarm/${enc(name)}`
}

/**
 * The workflow run's page (`<server>/<owner>/<repo>/actions/runs/<id>`, and `/attempts/<n>` for a
 * re-run, so that an edited comment points at the attempt that wrote it), from @actions/github's
 * context (src/github.ts); absent outside a workflow run.
 */
export function runLink(run: {
  serverUrl: string
  repository?: { owner: string; repo: string }
  runId?: number
  runAttempt?: number
}): string | undefined {
  if (!run.repository || !run.runId) return undefined
  const base = `${run.serverUrl}/${enc(run.repository.owner)}/${enc(run.repository.repo)}/actions/runs/${run.runId}`
  return run.runAttempt && run.runAttempt > 1 ? `${base}/attempts/${run.runAttempt}` : base
}
