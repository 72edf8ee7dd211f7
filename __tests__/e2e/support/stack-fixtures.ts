// A CloudFormation stack that "built" a cluster, in moto, for the delete-stack end-to-end tests.
// What moto's CloudFormation really does is written down in ../MOTO-NOTES.md (CloudFormation).
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  ListStackResourcesCommand
} from '@aws-sdk/client-cloudformation'
import { DescribeInstancesCommand } from '@aws-sdk/client-ec2'
import {
  DescribeClustersCommand,
  RegisterContainerInstanceCommand,
  TagResourceCommand
} from '@aws-sdk/client-ecs'
import { awsConfig, ec2Client, ecsClient, REGION } from './fixtures.js'

export const cloudFormationClient = (endpoint: string): CloudFormationClient =>
  new CloudFormationClient(awsConfig(endpoint))

export interface ClusterStackSpec {
  /** Default `EC2ContainerService-<cluster>`, the old console wizard's name, which the action finds by itself. */
  stackName?: string
  /** moto stores and reports it, but its DeleteStack ignores it (AWS refuses). */
  terminationProtection?: boolean
  /**
   * Tag the cluster with aws:cloudformation:stack-name / stack-id as AWS does; moto does not, and a
   * later CreateCluster of the same name (buildPreviewEnvironment) drops the tags: then call
   * tagClusterLikeCloudFormation after it.
   */
  tagCluster?: boolean
}

export interface StackResource {
  logicalId: string
  type: string
  physicalId: string
}

export interface ClusterStack {
  stackName: string
  stackId: string
  clusterName: string
  clusterArn: string
  resources: StackResource[]
}

/**
 * The console wizard's stack, cut down to what moto 5.2.5 creates for real: the cluster (moto
 * creates an ECS cluster for AWS::ECS::Cluster), a VPC with a subnet and a security group, a launch
 * template and an empty Auto Scaling group (no EC2 instance starts: DesiredCapacity 0).
 */
export function clusterStackTemplate(clusterName: string): Record<string, unknown> {
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description: `ECS cluster ${clusterName} (ecs-teardown e2e fixture)`,
    Resources: {
      ECSCluster: { Type: 'AWS::ECS::Cluster', Properties: { ClusterName: clusterName } },
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      PubSubnetAz1: {
        Type: 'AWS::EC2::Subnet',
        Properties: { VpcId: { Ref: 'Vpc' }, CidrBlock: '10.0.0.0/24' }
      },
      EcsSecurityGroup: {
        Type: 'AWS::EC2::SecurityGroup',
        Properties: { GroupDescription: 'ECS Allowed Ports', VpcId: { Ref: 'Vpc' } }
      },
      EcsInstanceLaunchTemplate: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: { LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' } }
      },
      EcsInstanceAsg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: '0',
          MaxSize: '1',
          DesiredCapacity: '0',
          VPCZoneIdentifier: [{ Ref: 'PubSubnetAz1' }],
          LaunchTemplate: {
            LaunchTemplateId: { Ref: 'EcsInstanceLaunchTemplate' },
            Version: { 'Fn::GetAtt': ['EcsInstanceLaunchTemplate', 'LatestVersionNumber'] }
          }
        }
      }
    }
  }
}

/**
 * Creates the stack (moto creates it synchronously: CREATE_COMPLETE on return) and checks that it
 * really built the cluster. Call it before buildPreviewEnvironment, as on AWS the stack comes first:
 * moto's CreateCluster of an existing name keeps services, tasks and container instances but
 * replaces tags and capacity providers, so a stack created afterwards would detach FARGATE.
 */
export async function createClusterStack(
  endpoint: string,
  clusterName: string,
  spec: ClusterStackSpec = {}
): Promise<ClusterStack> {
  const cfn = cloudFormationClient(endpoint)
  const stackName = spec.stackName ?? `EC2ContainerService-${clusterName}`
  const created = await cfn.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: JSON.stringify(clusterStackTemplate(clusterName)),
      EnableTerminationProtection: spec.terminationProtection ?? false
    })
  )
  const stackId = required(created.StackId, 'CreateStack: StackId')
  const status = (await cfn.send(new DescribeStacksCommand({ StackName: stackId }))).Stacks?.[0]?.StackStatus
  if (status !== 'CREATE_COMPLETE') throw new Error(`stack ${stackName} is ${status}, not CREATE_COMPLETE`)
  const resources = (
    await cfn.send(new ListStackResourcesCommand({ StackName: stackId }))
  ).StackResourceSummaries?.map(r => ({
    logicalId: r.LogicalResourceId ?? '',
    type: r.ResourceType ?? '',
    physicalId: r.PhysicalResourceId ?? ''
  }))
  const cluster = (await ecsClient(endpoint).send(new DescribeClustersCommand({ clusters: [clusterName] })))
    .clusters?.[0]
  if (cluster?.status !== 'ACTIVE')
    throw new Error(`stack ${stackName} did not create cluster ${clusterName}`)
  const stack: ClusterStack = {
    stackName,
    stackId,
    clusterName,
    clusterArn: required(cluster.clusterArn, 'DescribeClusters: clusterArn'),
    resources: resources ?? []
  }
  if (spec.tagCluster) await tagClusterLikeCloudFormation(endpoint, stack)
  return stack
}

/** The tags AWS CloudFormation puts on a cluster it creates (moto accepts the reserved aws: prefix). */
export async function tagClusterLikeCloudFormation(endpoint: string, stack: ClusterStack): Promise<void> {
  await ecsClient(endpoint).send(
    new TagResourceCommand({
      resourceArn: stack.clusterArn,
      tags: [
        { key: 'aws:cloudformation:stack-name', value: stack.stackName },
        { key: 'aws:cloudformation:stack-id', value: stack.stackId },
        { key: 'aws:cloudformation:logical-id', value: 'ECSCluster' }
      ]
    })
  )
}

/**
 * The stack's status as seen by its StackId (DELETE_COMPLETE after deletion), and whether its name
 * still finds a live stack ('MISSING' when moto answers "does not exist").
 */
export async function stackState(
  endpoint: string,
  stack: Pick<ClusterStack, 'stackName' | 'stackId'>
): Promise<{ byId: string; byName: string }> {
  const cfn = cloudFormationClient(endpoint)
  const look = async (ref: string): Promise<string> => {
    try {
      return (
        (await cfn.send(new DescribeStacksCommand({ StackName: ref }))).Stacks?.[0]?.StackStatus ?? 'MISSING'
      )
    } catch (error) {
      if ((error as { name?: string }).name === 'ValidationError') return 'MISSING'
      throw error
    }
  }
  return { byId: await look(stack.stackId), byName: await look(stack.stackName) }
}

function required<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`moto returned no ${what}`)
  return value
}

/**
 * A stack with an Auto Scaling group of one instance (moto launches it), registered in the cluster;
 * `protectedFromScaleIn`: the group protects the instances it launches (NewInstancesProtectedFromScaleIn),
 * as an ECS capacity provider's managed termination protection leaves them.
 */
export async function autoScalingHost(
  endpoint: string,
  cluster: string,
  stackName: string,
  opts: { protectedFromScaleIn?: boolean } = {}
): Promise<{ group: string; instanceId: string; stackId: string; stackName: string }> {
  const cfn = cloudFormationClient(endpoint)
  const template = {
    Resources: {
      Lt: {
        Type: 'AWS::EC2::LaunchTemplate',
        Properties: { LaunchTemplateData: { ImageId: 'ami-12c6146b', InstanceType: 't3.micro' } }
      },
      EcsInstanceAsg: {
        Type: 'AWS::AutoScaling::AutoScalingGroup',
        Properties: {
          MinSize: '1',
          MaxSize: '1',
          DesiredCapacity: '1',
          ...(opts.protectedFromScaleIn ? { NewInstancesProtectedFromScaleIn: true } : {}),
          AvailabilityZones: [`${REGION}a`],
          LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' }, Version: '1' }
        }
      }
    }
  }
  const created = await cfn.send(
    new CreateStackCommand({ StackName: stackName, TemplateBody: JSON.stringify(template) })
  )
  const resources = await cfn.send(new ListStackResourcesCommand({ StackName: stackName }))
  const group = required(
    resources.StackResourceSummaries?.find(r => r.ResourceType === 'AWS::AutoScaling::AutoScalingGroup')
      ?.PhysicalResourceId,
    'ListStackResources: the Auto Scaling group'
  )
  const found = await ec2Client(endpoint).send(
    new DescribeInstancesCommand({ Filters: [{ Name: 'tag:aws:autoscaling:groupName', Values: [group] }] })
  )
  const instanceId = required(found.Reservations?.[0]?.Instances?.[0]?.InstanceId, "the group's instance")
  await ecsClient(endpoint).send(
    new RegisterContainerInstanceCommand({
      cluster,
      instanceIdentityDocument: JSON.stringify({ instanceId, region: REGION, accountId: '123456789012' }),
      instanceIdentityDocumentSignature: 'moto-does-not-check-this'
    })
  )
  return { group, instanceId, stackId: required(created.StackId, 'CreateStack: StackId'), stackName }
}
