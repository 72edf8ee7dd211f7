// Types for self-test.mjs (plain JavaScript, run by CI's self-test job without a build).

export interface BuiltEnvironment {
  clusterName: string
  clusterArn: string
  stack: { stackName: string; stackId: string; resources: string[] }
  containerInstances: { ec2InstanceId: string }[]
  tasks: unknown[]
}

export interface Left {
  clusterStatus: string
  services: { name: string; status: string }[]
  tasksDesiredRunning: string[]
  containerInstances: { id: string; status: string }[]
  stack: { byId: string; byName: string }
  ec2Instances: { id: string; state: string }[]
}

export declare function expectedCounts(env: BuiltEnvironment): Record<string, string>

export declare function outputProblems(
  outputs: Record<string, string>,
  env: BuiltEnvironment,
  readFile?: (path: string) => string
): string[]

export declare function leftoverProblems(left: Left, env: BuiltEnvironment): string[]

/** The self-test job of ci.yml: its environment and the inputs of its `uses: ./` step, expressions expanded. */
export declare function selfTestJob(ciYml: string): { env: Record<string, string>; inputs: Record<string, string> }
