// End to end: load-balancer rules and target groups, and service auto scaling, with the built action
// against a real moto server. What moto does differently from AWS is in MOTO-NOTES.md ("Load
// balancers and service auto scaling"); the strict rules are tested on the simulators.
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand
} from '@aws-sdk/client-application-auto-scaling'
import { CloudWatchClient, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch'
import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2'
import {
  CreateListenerCommand,
  CreateLoadBalancerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import { CreateServiceCommand } from '@aws-sdk/client-ecs'
import { expect, it } from '@jest/globals'
import { awsConfig, buildPreviewEnvironment, ec2Client, ecsClient, REGION } from './support/fixtures.js'
import { runAction } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'
import { clusterReport } from './support/report.js'

const TIMEOUT_MS = 300_000
const bare = { services: {}, standaloneTasks: 0, instances: 1, capacityProviders: [] }

let sequence = 0
function uniqueName(label: string): string {
  sequence += 1
  return `lb-${label}-${process.pid % 10_000}-${sequence}`
}

/** A shared ALB with one HTTP listener, in a VPC of two subnets. */
async function sharedAlb(endpoint: string, name: string) {
  const ec2 = ec2Client(endpoint)
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!
  const subnets = await Promise.all(
    ['a', 'b'].map(
      async (az, i) =>
        (
          await ec2.send(
            new CreateSubnetCommand({
              VpcId: vpc,
              CidrBlock: `10.0.${i + 1}.0/24`,
              AvailabilityZone: `${REGION}${az}`
            })
          )
        ).Subnet!.SubnetId!
    )
  )
  const elb = new ElasticLoadBalancingV2Client(awsConfig(endpoint))
  const lb = (await elb.send(new CreateLoadBalancerCommand({ Name: name, Subnets: subnets })))
    .LoadBalancers![0]!
  const listener = (
    await elb.send(
      new CreateListenerCommand({
        LoadBalancerArn: lb.LoadBalancerArn,
        Protocol: 'HTTP',
        Port: 80,
        DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404' } }]
      })
    )
  ).Listeners![0]!.ListenerArn!
  let priority = 0
  return {
    elb,
    listener,
    /** A target group and a host rule forwarding to it (or, weighted, to several). */
    async group(tgName: string): Promise<string> {
      return (
        await elb.send(
          new CreateTargetGroupCommand({
            Name: tgName,
            Protocol: 'HTTP',
            Port: 80,
            VpcId: vpc,
            TargetType: 'ip'
          })
        )
      ).TargetGroups![0]!.TargetGroupArn!
    },
    async rule(host: string, forward: [string, number][]): Promise<string> {
      priority += 1
      return (
        await elb.send(
          new CreateRuleCommand({
            ListenerArn: listener,
            Priority: priority,
            Conditions: [{ Field: 'host-header', Values: [host] }],
            Actions: [
              forward.length === 1
                ? { Type: 'forward', TargetGroupArn: forward[0]![0] }
                : {
                    Type: 'forward',
                    ForwardConfig: {
                      TargetGroups: forward.map(([TargetGroupArn, Weight]) => ({ TargetGroupArn, Weight }))
                    }
                  }
            ]
          })
        )
      ).Rules![0]!.RuleArn!
    }
  }
}

async function serviceOn(
  endpoint: string,
  cluster: string,
  name: string,
  taskDefinition: string,
  targetGroupArn: string
) {
  await ecsClient(endpoint).send(
    new CreateServiceCommand({
      cluster,
      serviceName: name,
      taskDefinition,
      desiredCount: 1,
      launchType: 'EC2',
      loadBalancers: [{ targetGroupArn, containerName: 'app', containerPort: 80 }]
    })
  )
}

describeAgainstMoto(
  'load balancers and service auto scaling, end to end (dist/index.js against moto)',
  moto => {
    it(
      "deletes the removed environment's rules and groups, keeps the weighted rule and the neighbour's rule and group",
      async () => {
        const endpoint = moto().endpoint
        const a = uniqueName('a')
        const b = uniqueName('b')
        const alb = await sharedAlb(endpoint, uniqueName('alb'))
        const envA = await buildPreviewEnvironment(endpoint, a, bare)
        const envB = await buildPreviewEnvironment(endpoint, b, bare)
        const tgWeb = await alb.group(`${a}-web`)
        const tgApi = await alb.group(`${a}-api`)
        const tgB = await alb.group(`${b}-web`)
        const ruleApi = await alb.rule(`api.${a}.example.com`, [[tgApi, 1]])
        const ruleWeb = await alb.rule(`${a}.example.com`, [[tgWeb, 1]])
        const ruleB = await alb.rule(`${b}.example.com`, [[tgB, 1]])
        const canary = await alb.rule(`canary.example.com`, [
          [tgWeb, 20],
          [tgB, 80]
        ])
        await serviceOn(endpoint, a, 'web', envA.taskDefinitionArn, tgWeb)
        await serviceOn(endpoint, a, 'api', envA.taskDefinitionArn, tgApi)
        await serviceOn(endpoint, b, 'web', envB.taskDefinitionArn, tgB)

        const result = await runAction({
          endpoint,
          inputs: { cluster: a, force: 'true', 'delete-target-groups': 'true', 'timeout-minutes': '5' }
        })
        const c = clusterReport(result)
        expect(c.outcome).toBe('deleted')
        const rules = (
          await alb.elb.send(new DescribeRulesCommand({ ListenerArn: alb.listener }))
        ).Rules!.map(r => r.RuleArn)
        expect(rules).toEqual(expect.arrayContaining([canary, ruleB]))
        expect(rules).not.toContain(ruleApi)
        expect(rules).not.toContain(ruleWeb)
        const groups = (await alb.elb.send(new DescribeTargetGroupsCommand({}))).TargetGroups!.map(
          g => g.TargetGroupArn
        )
        expect(groups).toEqual(expect.arrayContaining([tgWeb, tgB]))
        expect(groups).not.toContain(tgApi)
        expect(c.related?.targetGroups).toEqual([{ arn: tgApi, name: `${a}-api`, action: 'deleted' }])
        expect(c.related?.listenerRules.map(r => r.arn).sort()).toEqual([ruleApi, ruleWeb].sort())
        expect(c.leftovers.find(l => l.id === canary)?.reason).toMatch(
          new RegExp(`also forwards to ${b}-web`)
        )
        expect(c.leftovers.find(l => l.id === tgWeb)?.kind).toBe('target-group')
      },
      TIMEOUT_MS
    )

    it(
      'suspends and deregisters the scalable target, and reports the step-scaling alarm that outlives its policy',
      async () => {
        const endpoint = moto().endpoint
        const cluster = uniqueName('scale')
        const env = await buildPreviewEnvironment(endpoint, cluster, { ...bare, services: { web: 1 } })
        const resource = {
          ServiceNamespace: 'ecs' as const,
          ResourceId: `service/${cluster}/web`,
          ScalableDimension: 'ecs:service:DesiredCount' as const
        }
        const aas = new ApplicationAutoScalingClient(awsConfig(endpoint))
        await aas.send(new RegisterScalableTargetCommand({ ...resource, MinCapacity: 1, MaxCapacity: 4 }))
        await aas.send(
          new PutScheduledActionCommand({
            ...resource,
            ScheduledActionName: 'morning',
            Schedule: 'cron(0 8 * * ? *)',
            ScalableTargetAction: { MinCapacity: 2 }
          })
        )
        const policy = await aas.send(
          new PutScalingPolicyCommand({
            ...resource,
            PolicyName: 'cpu-high',
            PolicyType: 'StepScaling',
            StepScalingPolicyConfiguration: {
              AdjustmentType: 'ChangeInCapacity',
              StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }]
            }
          })
        )
        const cw = new CloudWatchClient(awsConfig(endpoint))
        const alarm = `${cluster}-cpu-high`
        await cw.send(
          new PutMetricAlarmCommand({
            AlarmName: alarm,
            MetricName: 'CPUUtilization',
            Namespace: 'AWS/ECS',
            Statistic: 'Average',
            Period: 60,
            EvaluationPeriods: 1,
            Threshold: 70,
            ComparisonOperator: 'GreaterThanThreshold',
            AlarmActions: [policy.PolicyARN!]
          })
        )
        expect(Object.keys(env.services)).toEqual(['web'])

        const result = await runAction({
          endpoint,
          inputs: { cluster, force: 'true', 'timeout-minutes': '5' }
        })
        const c = clusterReport(result)
        expect(c.outcome).toBe('deleted')
        expect(c.related?.scalableTargets).toEqual([
          { resourceId: resource.ResourceId, action: 'suspended' },
          { resourceId: resource.ResourceId, action: 'deregistered' }
        ])
        const left = await aas.send(
          new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resource.ResourceId] })
        )
        expect(left.ScalableTargets).toEqual([])
        expect(c.leftovers).toContainEqual(
          expect.objectContaining({ kind: 'alarm', id: alarm, billing: true })
        )
        expect((await cw.send(new DescribeAlarmsCommand({ AlarmNames: [alarm] }))).MetricAlarms).toHaveLength(
          1
        )
      },
      TIMEOUT_MS
    )
  }
)
