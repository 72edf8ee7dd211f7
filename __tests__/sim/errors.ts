import * as ecs from '@aws-sdk/client-ecs'

/** Errors shaped exactly as the SDK hands them to the code: the SDK's own exception classes. */
const meta = { $metadata: { httpStatusCode: 400 } }

type EcsErrorName =
  | 'InvalidParameterException'
  | 'ClientException'
  | 'ClusterNotFoundException'
  | 'ServiceNotFoundException'
  | 'ServiceNotActiveException'
  | 'ClusterContainsServicesException'
  | 'ClusterContainsTasksException'
  | 'ClusterContainsContainerInstancesException'
  | 'ClusterContainsCapacityProviderException'
  | 'UpdateInProgressException'
  | 'ResourceInUseException'
  | 'TaskSetNotFoundException'
  | 'AccessDeniedException'
  | 'DaemonNotFoundException'
  | 'DaemonNotActiveException'
  | 'ResourceNotFoundException'
  | 'GatewayNotFoundException'

const classes: Record<EcsErrorName, new (opts: { message: string; $metadata: object }) => Error> = {
  InvalidParameterException: ecs.InvalidParameterException,
  ClientException: ecs.ClientException,
  ClusterNotFoundException: ecs.ClusterNotFoundException,
  ServiceNotFoundException: ecs.ServiceNotFoundException,
  ServiceNotActiveException: ecs.ServiceNotActiveException,
  ClusterContainsServicesException: ecs.ClusterContainsServicesException,
  ClusterContainsTasksException: ecs.ClusterContainsTasksException,
  ClusterContainsContainerInstancesException: ecs.ClusterContainsContainerInstancesException,
  ClusterContainsCapacityProviderException: ecs.ClusterContainsCapacityProviderException,
  UpdateInProgressException: ecs.UpdateInProgressException,
  ResourceInUseException: ecs.ResourceInUseException,
  TaskSetNotFoundException: ecs.TaskSetNotFoundException,
  AccessDeniedException: ecs.AccessDeniedException,
  DaemonNotFoundException: ecs.DaemonNotFoundException,
  DaemonNotActiveException: ecs.DaemonNotActiveException,
  ResourceNotFoundException: ecs.ResourceNotFoundException,
  GatewayNotFoundException: ecs.GatewayNotFoundException
}

export function ecsError(name: EcsErrorName, message: string): Error {
  return new classes[name]({ message, ...meta })
}

/** ECS's throttling answer: not a modelled exception, so the SDK builds a generic one with this name. */
export function throttlingError(operation: string): Error {
  const error = new ecs.ECSServiceException({
    name: 'ThrottlingException',
    $fault: 'client',
    message: `Rate exceeded (${operation})`,
    $metadata: { httpStatusCode: 400 }
  })
  Object.assign(error, { $retryable: { throttling: true } })
  return error
}
