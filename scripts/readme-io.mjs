#!/usr/bin/env node
// Prints the generated parts of the README and docs/ (scripts/lib/readme-io.mjs: the Inputs and Outputs
// tables from action.yml, the summary example, the benchmark); with --write, puts each into its file
// between its <!-- NAME:start --> / <!-- NAME:end --> markers.
// __tests__/repo/readme-io.test.ts fails when a file and its sources disagree.
//   node scripts/readme-io.mjs [--write]
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { generatedSections, replaceSection } from './lib/readme-io.mjs'

const root = fileURLToPath(new URL('../', import.meta.url))
const read = path => readFileSync(join(root, path), 'utf8')
const sections = await generatedSections(read)

if (process.argv.includes('--write')) {
  for (const file of [...new Set(sections.map(s => s.file))]) {
    const before = read(file)
    const after = sections
      .filter(s => s.file === file)
      .reduce((text, s) => replaceSection(text, s.which, s.content), before)
    if (after === before) {
      console.log(`${file}: its generated sections already match their sources`)
    } else {
      writeFileSync(join(root, file), after)
      console.log(
        `${file}: generated sections rewritten (${sections
          .filter(s => s.file === file)
          .map(s => s.which)
          .join(', ')})`
      )
    }
  }
} else {
  for (const s of sections) console.log(`<!-- ${s.file}: ${s.which} -->\n\n${s.content}\n`)
}
