// End to end: what is around the cluster (EventBridge schedules, EC2 instances and their owners, log
// groups, task definitions), the built action against a real moto server. What moto does with these
// services is in MOTO-NOTES.md ("Around the cluster"); the strict rules are tested on the simulators.
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DescribeLogGroupsCommand
} from '@aws-sdk/client-cloudwatch-logs'
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2'
import {
  CreateServiceCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand
} from '@aws-sdk/client-ecs'
import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand
} from '@aws-sdk/client-eventbridge'
import { expect, it } from '@jest/globals'
import {
  awsConfig,
  buildPreviewEnvironment,
  ec2Client,
  ecsClient,
  REGION,
  whatIsLeft
} from './support/fixtures.js'
import { runAction, type ActionResult } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'
import { clusterReport } from './support/report.js'
import { autoScalingHost } from './support/stack-fixtures.js'

const TIMEOUT_MS = 300_000
const small = { services: { web: 1 }, standaloneTasks: 1, instances: 1, capacityProviders: [] }

let sequence = 0
function uniqueCluster(label: string): string {
  sequence += 1
  return `x9-${label}-${process.pid}-${sequence}`
}

async function instanceState(endpoint: string, id: string): Promise<string | undefined> {
  const out = await ec2Client(endpoint).send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'instance-id', Values: [id] }] })
  )
  return out.Reservations?.[0]?.Instances?.[0]?.State?.Name
}

/** A task definition of one container that writes to `group` with the awslogs driver; its ARN. */
async function registerLogging(endpoint: string, family: string, group: string): Promise<string> {
  const out = await ecsClient(endpoint).send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [
        {
          name: 'app',
          image: 'public.ecr.aws/nginx/nginx:stable',
          memory: 128,
          logConfiguration: {
            logDriver: 'awslogs',
            options: { 'awslogs-group': group, 'awslogs-region': REGION }
          }
        }
      ]
    })
  )
  return out.taskDefinition!.taskDefinitionArn!
}

/** The action with force, delete-log-groups and deregister-task-definitions. */
function removeWithItsLeftovers(endpoint: string, cluster: string): Promise<ActionResult> {
  return runAction({
    endpoint,
    inputs: {
      cluster,
      force: 'true',
      'delete-log-groups': 'true',
      'deregister-task-definitions': 'true',
      'timeout-minutes': '5'
    }
  })
}

describeAgainstMoto(
  'around the cluster, end to end (dist/index.js against moto)',
  moto => {
    it(
      'removes the schedule’s target on the cluster first and keeps its other target; disable turns a rule off',
      async () => {
        const cluster = uniqueCluster('rules')
        const env = await buildPreviewEnvironment(moto().endpoint, cluster, small)
        const events = new EventBridgeClient(awsConfig(moto().endpoint))
        for (const rule of [`${cluster}-cron`, `${cluster}-other`]) {
          await events.send(new PutRuleCommand({ Name: rule, ScheduleExpression: 'rate(5 minutes)' }))
          await events.send(
            new PutTargetsCommand({
              Rule: rule,
              Targets: [
                {
                  Id: 'run-cron',
                  Arn: env.clusterArn,
                  RoleArn: 'arn:aws:iam::123456789012:role/ecsEventsRole',
                  EcsParameters: { TaskDefinitionArn: env.taskDefinitionArn, TaskCount: 1 }
                },
                { Id: 'queue', Arn: `arn:aws:sqs:${REGION}:123456789012:${rule}` }
              ]
            })
          )
        }

        const result = await runAction({
          endpoint: moto().endpoint,
          inputs: { cluster, force: 'true', 'timeout-minutes': '5' }
        })
        const c = clusterReport(result)
        expect(c.outcome).toBe('deleted')
        expect(c.related?.triggers.map(t => [t.rule, t.action]).sort()).toEqual([
          [`${cluster}-cron`, 'targets-removed'],
          [`${cluster}-other`, 'targets-removed']
        ])
        const left = await events.send(new ListTargetsByRuleCommand({ Rule: `${cluster}-cron` }))
        expect(left.Targets?.map(t => t.Id)).toEqual(['queue'])
        // The rule changed before the first service was deleted: its group comes first in the log.
        const deleting = result.stdout.indexOf('Deleting service web')
        expect(deleting).toBeGreaterThan(0)
        expect(result.stdout.indexOf('Removed 1 target(s) of EventBridge rule')).toBeLessThan(deleting)

        const second = uniqueCluster('disable')
        const env2 = await buildPreviewEnvironment(moto().endpoint, second, small)
        await events.send(new PutRuleCommand({ Name: `${second}-cron`, ScheduleExpression: 'rate(1 hour)' }))
        await events.send(
          new PutTargetsCommand({
            Rule: `${second}-cron`,
            Targets: [
              {
                Id: 'run',
                Arn: env2.clusterArn,
                EcsParameters: { TaskDefinitionArn: env2.taskDefinitionArn }
              }
            ]
          })
        )
        const disabled = await runAction({
          endpoint: moto().endpoint,
          inputs: { cluster: second, force: 'true', triggers: 'disable', 'timeout-minutes': '5' }
        })
        expect(clusterReport(disabled).related?.triggers).toEqual([
          { rule: `${second}-cron`, targets: ['run'], action: 'disabled' }
        ])
        expect((await events.send(new DescribeRuleCommand({ Name: `${second}-cron` }))).State).toBe(
          'DISABLED'
        )
      },
      TIMEOUT_MS
    )

    it(
      'terminates the instance nothing owns and never one an Auto Scaling group owns, which then goes with its stack',
      async () => {
        const cluster = uniqueCluster('hosts')
        const env = await buildPreviewEnvironment(moto().endpoint, cluster, small)
        const stackName = `${cluster}-hosts`
        const asg = await autoScalingHost(moto().endpoint, cluster, stackName)

        const kept = await runAction({
          endpoint: moto().endpoint,
          inputs: { cluster, force: 'true', 'terminate-instances': 'true', 'timeout-minutes': '5' }
        })
        const c = clusterReport(kept)
        expect(c.outcome).toBe('deleted')
        const plain = env.ec2InstanceIds[0]!
        expect(await instanceState(moto().endpoint, plain)).toMatch(/shutting-down|terminated/)
        expect(await instanceState(moto().endpoint, asg.instanceId)).toBe('running')
        expect(c.related?.instances).toEqual([expect.objectContaining({ id: plain, action: 'terminated' })])
        expect(c.leftovers.find(l => l.id === asg.instanceId)).toMatchObject({
          kind: 'ec2-instance',
          billing: true,
          reason: expect.stringContaining(`owned by Auto Scaling group ${asg.group}`)
        })
        expect(kept.summary).toContain('Still costing money')

        // The same again, with the stack that holds the group deleted in the run.
        const second = uniqueCluster('hosts-stack')
        await buildPreviewEnvironment(moto().endpoint, second, {
          ...small,
          instances: 0,
          standaloneTasks: 0,
          services: {}
        })
        const asg2 = await autoScalingHost(moto().endpoint, second, `${second}-hosts`)
        const withStack = await runAction({
          endpoint: moto().endpoint,
          inputs: {
            cluster: second,
            force: 'true',
            'terminate-instances': 'true',
            'delete-stack': 'true',
            'stack-name': `${second}-hosts`,
            'timeout-minutes': '5'
          }
        })
        const c2 = clusterReport(withStack)
        expect(c2.outcome).toBe('deleted')
        expect(await instanceState(moto().endpoint, asg2.instanceId)).toBe('terminated')
        expect(c2.related?.instances).toEqual([
          expect.objectContaining({ id: asg2.instanceId, action: 'terminated-with-stack' })
        ])
        expect(c2.leftovers.filter(l => l.billing)).toEqual([])
        expect(withStack.summary).not.toContain('Still costing money')
      },
      TIMEOUT_MS
    )

    it(
      'deletes the log group only the cluster writes to, keeps a shared one, and deregisters the revisions it used',
      async () => {
        const cluster = uniqueCluster('logs')
        const env = await buildPreviewEnvironment(moto().endpoint, cluster, small)
        const ecs = ecsClient(moto().endpoint)
        const logs = new CloudWatchLogsClient(awsConfig(moto().endpoint))
        const own = `/ecs/${cluster}`
        const shared = `/ecs/${cluster}-shared`
        const register = (family: string, group: string) => registerLogging(moto().endpoint, family, group)
        const job = await register(`${cluster}-job`, own)
        const report = await register(`${cluster}-report`, shared)
        const outside = await register(`${cluster}-billing`, shared) // another family, not in the cluster
        for (const td of [job, report])
          await ecs.send(new RunTaskCommand({ cluster, taskDefinition: td, launchType: 'EC2' }))
        for (const g of [own, shared]) await logs.send(new CreateLogGroupCommand({ logGroupName: g }))

        const result = await removeWithItsLeftovers(moto().endpoint, cluster)
        const c = clusterReport(result)
        expect(c.outcome).toBe('deleted')
        const groups = await logs.send(
          new DescribeLogGroupsCommand({ logGroupNamePrefix: `/ecs/${cluster}` })
        )
        expect(groups.logGroups?.map(g => g.logGroupName)).toEqual([shared])
        expect(c.related?.logGroups).toEqual([{ name: own, action: 'deleted' }])
        expect(c.leftovers.find(l => l.kind === 'log-group')).toMatchObject({
          id: shared,
          reason: expect.stringContaining(`${cluster}-billing`)
        })
        const status = async (arn: string) =>
          (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition?.status
        expect(await status(job)).toBe('INACTIVE')
        expect(await status(report)).toBe('INACTIVE')
        expect(await status(env.taskDefinitionArn)).toBe('INACTIVE')
        expect(await status(outside)).toBe('ACTIVE')
        expect((await whatIsLeft(moto().endpoint, cluster)).clusterStatus).toBe('INACTIVE')
      },
      TIMEOUT_MS
    )

    it(
      'keeps the revision and the log group a neighbour cluster also uses, naming it, and leaves the neighbour as it was',
      async () => {
        const cluster = uniqueCluster('shared')
        const neighbour = uniqueCluster('production')
        const env = await buildPreviewEnvironment(moto().endpoint, cluster, small)
        await buildPreviewEnvironment(moto().endpoint, neighbour, { ...small, standaloneTasks: 0 })
        const ecs = ecsClient(moto().endpoint)
        const logs = new CloudWatchLogsClient(awsConfig(moto().endpoint))
        const group = `/ecs/${cluster}-log-router`
        const router = await registerLogging(moto().endpoint, `${cluster}-log-router`, group)
        await ecs.send(new RunTaskCommand({ cluster, taskDefinition: router, launchType: 'EC2' }))
        await ecs.send(
          new CreateServiceCommand({
            cluster: neighbour,
            serviceName: 'router',
            taskDefinition: router,
            desiredCount: 1,
            launchType: 'EC2'
          })
        )
        await logs.send(new CreateLogGroupCommand({ logGroupName: group }))
        const neighbourState = async () => {
          const left = await whatIsLeft(moto().endpoint, neighbour)
          return {
            cluster: left.clusterStatus,
            services: left.services.map(s => `${s.name}:${s.status}:${s.desiredCount}`).sort(),
            tasks: left.tasksStillDesiredRunning.map(t => t.arn).sort(),
            instances: left.containerInstances.map(ci => `${ci.arn}:${ci.status}`).sort()
          }
        }
        const before = await neighbourState()

        const result = await removeWithItsLeftovers(moto().endpoint, cluster)
        const c = clusterReport(result)
        expect(c.outcome).toBe('deleted')
        const status = async (arn: string) =>
          (await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }))).taskDefinition?.status
        expect(await status(router)).toBe('ACTIVE')
        expect(await status(env.taskDefinitionArn)).toBe('INACTIVE')
        const revision = router.slice(router.lastIndexOf('/') + 1)
        expect(c.leftovers.find(l => l.kind === 'task-definition')).toEqual({
          kind: 'task-definition',
          id: revision,
          reason: `kept: still used by cluster ${neighbour} (service router)`
        })
        const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: group }))
        expect(groups.logGroups?.map(g => g.logGroupName)).toEqual([group])
        expect(c.leftovers.find(l => l.kind === 'log-group')).toEqual({
          kind: 'log-group',
          id: group,
          reason: `kept: task definition ${revision} writes to it and is still used by cluster ${neighbour} (service router)`
        })
        expect(result.summary).toContain(neighbour)
        expect(await neighbourState()).toEqual(before)
      },
      TIMEOUT_MS
    )
  },
  { resetEach: true }
)
