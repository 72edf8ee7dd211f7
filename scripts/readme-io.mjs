#!/usr/bin/env node
// Prints the README's Inputs and Outputs tables rendered from action.yml; with --write, puts them into
// README.md between the <!-- inputs:start/end --> and <!-- outputs:start/end --> markers.
// __tests__/unit/readme-io.test.ts fails when README.md and action.yml disagree.
//   node scripts/readme-io.mjs [--write] [--readme PATH]
import { readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { renderInputsTable, renderOutputsTable, replaceSection } from './lib/readme-io.mjs'

const args = process.argv.slice(2)
const root = fileURLToPath(new URL('../', import.meta.url))
const readmePath = args.includes('--readme') ? args[args.indexOf('--readme') + 1] : `${root}README.md`
const actionYml = readFileSync(`${root}action.yml`, 'utf8')
const inputs = await renderInputsTable(actionYml)
const outputs = await renderOutputsTable(actionYml)

if (args.includes('--write')) {
  const before = readFileSync(readmePath, 'utf8')
  const after = replaceSection(replaceSection(before, 'inputs', inputs), 'outputs', outputs)
  if (after === before) {
    console.log(`${readmePath}: the tables already match action.yml`)
  } else {
    writeFileSync(readmePath, after)
    console.log(`${readmePath}: Inputs and Outputs tables rewritten from action.yml`)
  }
} else {
  console.log(`## Inputs\n\n${inputs}\n\n## Outputs\n\n${outputs}`)
}
