#!/usr/bin/env node
// Prints the release notes of a version: its section of CHANGELOG.md. Exits 1 when there is none.
//   node scripts/release-notes.mjs v1.2.3 [CHANGELOG_PATH]
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { changelogSection } from './lib/release-notes.mjs'

const [version, path = fileURLToPath(new URL('../CHANGELOG.md', import.meta.url))] = process.argv.slice(2)
if (!version) {
  console.error('usage: node scripts/release-notes.mjs vX.Y.Z [CHANGELOG_PATH]')
  process.exit(1)
}
try {
  process.stdout.write(`${changelogSection(readFileSync(path, 'utf8'), version)}\n`)
} catch (error) {
  console.error(`release-notes: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
