// The checks of CI's self-test job (.github/workflows/ci.yml, job `self-test`): after the action itself
// (`uses: ./`) tore down the environment scripts/self-test.mjs built in moto, its outputs must count
// exactly what was built, report-file must hold the whole report, and nothing may be left.
// Used by scripts/self-test.mjs; types in self-test.d.mts.
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'

/** What the outputs must say after removing the environment `buildPreviewEnvironment` made. */
export function expectedCounts(env) {
  return {
    'services-deleted': '1',
    'tasks-stopped': String(env.tasks.length),
    'container-instances-deregistered': String(env.containerInstances.length),
    'clusters-deleted': '1',
    'stacks-deleted': '1'
  }
}

/** Problems with the action's outputs (an empty list when they are right). */
export function outputProblems(outputs, env, readFile = path => readFileSync(path, 'utf8')) {
  const problems = []
  for (const [name, expected] of Object.entries(expectedCounts(env))) {
    if (outputs[name] !== expected) problems.push(`output ${name} is '${outputs[name] ?? ''}', expected ${expected}`)
  }
  const file = outputs['report-file'] ?? ''
  if (!file) return [...problems, 'output report-file is empty']
  let whole
  try {
    whole = JSON.parse(readFile(file))
  } catch (error) {
    return [...problems, `report-file ${file} does not hold a JSON report: ${error.message}`]
  }
  const cluster = whole.clusters?.find(c => c.name === env.clusterName)
  if (!cluster) problems.push(`report-file has no cluster ${env.clusterName}`)
  else if (cluster.outcome !== 'deleted') problems.push(`report-file says ${env.clusterName} is ${cluster.outcome}: ${cluster.message}`)
  let output
  try {
    output = JSON.parse(outputs.report ?? '')
  } catch {
    problems.push('output report is not JSON')
  }
  // A report this small fits in the output: it must be the whole report, equal to the file's.
  if (output && JSON.stringify(output) !== JSON.stringify(whole)) problems.push('output report differs from report-file')
  return problems
}

/** Problems with what is left in moto (from `whatIsLeft`): an empty list when nothing is. */
export function leftoverProblems(left, env) {
  const problems = []
  if (!['INACTIVE', 'MISSING'].includes(left.clusterStatus)) problems.push(`cluster ${env.clusterName} is ${left.clusterStatus}`)
  for (const s of left.services) problems.push(`service ${s.name} is ${s.status}`)
  for (const t of left.tasksDesiredRunning) problems.push(`task ${t} is still desired RUNNING`)
  for (const c of left.containerInstances) problems.push(`container instance of ${c.id} is ${c.status}`)
  if (left.stack.byId !== 'DELETE_COMPLETE' || left.stack.byName !== 'MISSING')
    problems.push(`stack ${env.stack.stackName} is ${left.stack.byId} by id, ${left.stack.byName} by name`)
  for (const i of left.ec2Instances)
    if (i.state !== 'terminated' && i.state !== 'shutting-down') problems.push(`EC2 instance ${i.id} is ${i.state}`)
  return problems
}

/** The self-test job of ci.yml: its environment and the `with:` of its `uses: ./` step. */
export function selfTestJob(ciYml) {
  const job = parse(ciYml)?.jobs?.['self-test']
  const step = job?.steps?.find(s => s.uses === './')
  if (!job || !step) throw new Error("ci.yml has no job 'self-test' with a 'uses: ./' step")
  const jobEnv = Object.fromEntries(Object.entries(job.env ?? {}).map(([k, v]) => [k, String(v)]))
  // The expressions the job uses; any other would make this run differ from the job's: refuse it.
  const expand = value => {
    const expanded = String(value).replace(/\$\{\{\s*(?:env\.(\w+)|github\.run_id)\s*\}\}/g, (all, name) =>
      name ? (jobEnv[name] ?? '') : 'local'
    )
    if (expanded.includes('${{')) throw new Error(`ci.yml's self-test job uses an expression this run cannot expand: ${value}`)
    return expanded
  }
  for (const [k, v] of Object.entries(jobEnv)) jobEnv[k] = expand(v)
  const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(v)]))
  return { env: jobEnv, inputs }
}
