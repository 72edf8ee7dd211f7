/** What the look at who else uses a resource answers (src/kinds/other-users/index.ts). */

/** A user of a revision outside the clusters this run removes. */
export interface OtherUse {
  cluster: string
  /** The service whose deployments use it; absent for a standalone task. */
  service?: string
  /** A running standalone task (`family:<name>` group) that uses it. */
  task?: string
}

export interface OtherUsersCheck {
  /** Per revision ARN that something outside the run's clusters uses: who. */
  taskDefinitions: Record<string, OtherUse[]>
  /** Per log group name (in the Region): the revisions used elsewhere that write to it, and by whom. */
  logGroups: Record<string, { revision: string; users: OtherUse[] }[]>
  /** Per target group ARN that a service outside the run's clusters names (`loadBalancers`, blue/green too): who. */
  targetGroups?: Record<string, OtherUse[]>
  /** Per Cloud Map service ARN a service outside the run's clusters registers in (`serviceRegistries`): who. */
  discoveryServices?: Record<string, OtherUse[]>
  /** Other ACTIVE clusters read. */
  clustersChecked: number
  /** Set when the look could not be completed: then nothing may be removed on its account. */
  incomplete?: string
}
