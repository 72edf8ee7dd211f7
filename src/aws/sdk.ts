/**
 * The AWS SDK packages a run may not need, loaded on first use. The bundler puts each in a chunk of
 * its own, so a run that finds its cluster already gone parses only the ECS client: start-up time is
 * part of every pull request's teardown. ECS's package is imported directly where it is used.
 */
export const sdk = {
  cloudformation: () => import('@aws-sdk/client-cloudformation'),
  eventbridge: () => import('@aws-sdk/client-eventbridge'),
  scheduler: () => import('@aws-sdk/client-scheduler'),
  logs: () => import('@aws-sdk/client-cloudwatch-logs'),
  ec2: () => import('@aws-sdk/client-ec2'),
  ssm: () => import('@aws-sdk/client-ssm'),
  servicediscovery: () => import('@aws-sdk/client-servicediscovery'),
  elbv2: () => import('@aws-sdk/client-elastic-load-balancing-v2'),
  autoscaling: () => import('@aws-sdk/client-application-auto-scaling'),
  cloudwatch: () => import('@aws-sdk/client-cloudwatch'),
  codedeploy: () => import('@aws-sdk/client-codedeploy'),
  ec2AutoScaling: () => import('@aws-sdk/client-auto-scaling'),
  sts: () => import('@aws-sdk/client-sts')
}
