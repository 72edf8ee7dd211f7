#!/usr/bin/env node
// Merges ecs-teardown report files (the `report-file` output of each job of a matrix) into one Markdown
// table, printed to stdout: append it to $GITHUB_STEP_SUMMARY. Arguments are files or directories
// (searched for *.json, as actions/download-artifact lays them out). Exits 1 when there is no report,
// or a file is not a report. Needs only Node: see examples/org-sweep.yml.
//   node scripts/merge-reports.mjs reports/ >> "$GITHUB_STEP_SUMMARY"
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { renderMergedSummary } from './lib/merge-reports.mjs'

function jsonFiles(path) {
  if (!statSync(path).isDirectory()) return [path]
  return readdirSync(path, { recursive: true })
    .filter(name => name.endsWith('.json'))
    .map(name => join(path, name))
    .sort()
}

const paths = process.argv.slice(2)
if (paths.length === 0) {
  console.error('usage: node scripts/merge-reports.mjs FILE_OR_DIRECTORY...')
  process.exit(1)
}
try {
  const files = paths.flatMap(jsonFiles)
  if (files.length === 0) throw new Error(`no report files (*.json) in ${paths.join(', ')}`)
  const reports = files.map(source => ({ source, report: JSON.parse(readFileSync(source, 'utf8')) }))
  process.stdout.write(renderMergedSummary(reports))
} catch (error) {
  console.error(`merge-reports: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
