import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from '@jest/globals'
import { parse } from 'yaml'
import { readSettings } from '../../src/settings.js'

interface Step {
  uses?: string
  with?: Record<string, string | number | boolean>
}

const root = new URL('../../', import.meta.url)
const action = parse(readFileSync(new URL('action.yml', root), 'utf8')) as {
  inputs: Record<string, { default?: string }>
}
/** An input the step does not give: what the runner passes, action.yml's default with its expression evaluated. */
const runnerDefault = (name: string): string =>
  resolve(action.inputs[name]?.default ?? '').replace(/\$\{\{\s*github\.token\s*\}\}/g, 'ghs_the_jobs_token')
const examples = readdirSync(new URL('examples/', root)).filter(f => f.endsWith('.yml'))

/** Every step of every job in a workflow that uses this action. */
function ourSteps(file: string): Step[] {
  const workflow = parse(readFileSync(new URL(`examples/${file}`, root), 'utf8')) as {
    jobs: Record<string, { steps: Step[] }>
  }
  return Object.values(workflow.jobs).flatMap(job =>
    job.steps.filter(step => step.uses?.startsWith('ecs-teardown/ecs-teardown@'))
  )
}

/** What the runner would pass: expressions replaced by plausible values. */
function resolve(value: string | number | boolean): string {
  return String(value)
    .replace(/\$\{\{\s*github\.event\.pull_request\.number\s*\}\}/g, '42')
    .replace(/\$\{\{\s*matrix\.region\s*\}\}/g, 'eu-west-1')
    .replace(/\$\{\{\s*matrix\.account\.role\s*\}\}/g, 'arn:aws:iam::111111111111:role/ecs-preview-sweeper')
}

describe('examples/', () => {
  it('has the workflows the README points at', () => {
    expect(examples.sort()).toEqual([
      'nightly-sweep.yml',
      'org-sweep.yml',
      'pr-services-teardown.yml',
      'preview-teardown.yml'
    ])
  })

  for (const file of examples) {
    it(`${file} uses only declared inputs, with values the action accepts`, () => {
      const steps = ourSteps(file)
      expect(steps.length).toBeGreaterThan(0)
      for (const step of steps) {
        const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, resolve(v)]))
        expect(Object.keys(inputs).filter(name => !(name in action.inputs))).toEqual([])
        const env = {
          ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token.example/',
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'x'
        }
        expect(() => readSettings(name => inputs[name] ?? runnerDefault(name), env)).not.toThrow()
      }
    })
  }

  it("removes only the pull request's tagged services from the shared cluster, never the cluster", () => {
    for (const step of ourSteps('pr-services-teardown.yml')) {
      const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, resolve(v)]))
      const settings = readSettings(name => inputs[name] ?? '', {
        ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
      })
      expect(settings.services).toEqual({ names: [], patterns: ['pr-42-*'] })
      expect(settings.requireTags).toEqual([{ key: 'pr', value: '42' }])
    }
  })

  it('gives the token pull-requests: write wherever a step asks for pr-comment, and runs it on pull requests', () => {
    const withComment = examples.filter(file =>
      ourSteps(file).some(step => String(step.with?.['pr-comment']) === 'true')
    )
    expect(withComment).toContain('preview-teardown.yml')
    for (const file of withComment) {
      const workflow = parse(readFileSync(new URL(`examples/${file}`, root), 'utf8')) as {
        on: Record<string, unknown>
        permissions?: Record<string, string>
        jobs: Record<string, { permissions?: Record<string, string>; steps: Step[] }>
      }
      expect(Object.keys(workflow.on).some(e => e === 'pull_request' || e === 'pull_request_target')).toBe(
        true
      )
      for (const job of Object.values(workflow.jobs)) {
        if (!job.steps.some(step => String(step.with?.['pr-comment']) === 'true')) continue
        // A job's permissions replace the workflow's; either must grant it.
        expect((job.permissions ?? workflow.permissions)?.['pull-requests']).toBe('write')
      }
    }
  })

  it.each(['nightly-sweep.yml', 'org-sweep.yml'])(
    '%s never lets the sweep touch an untagged cluster',
    file => {
      for (const step of ourSteps(file)) {
        const inputs = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, resolve(v)]))
        const settings = readSettings(name => inputs[name] ?? '', {
          ACTIONS_ID_TOKEN_REQUEST_URL: 'u',
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't'
        })
        expect(settings.patterns.length).toBeGreaterThan(0)
        expect(settings.requireTags.length).toBeGreaterThan(0)
        expect(settings.olderThanMs).toBeDefined()
      }
    }
  )
})

describe('examples/org-sweep.yml', () => {
  interface Job {
    needs?: string
    if?: string
    strategy?: { matrix?: Record<string, unknown> }
    steps: { id?: string; uses?: string; run?: string; if?: string; with?: Record<string, string> }[]
  }
  const workflow = parse(readFileSync(new URL('examples/org-sweep.yml', root), 'utf8')) as {
    jobs: Record<string, Job>
  }

  it('is a matrix over accounts (roles) and Regions, each job uploading its report-file, even on failure', () => {
    const sweep = workflow.jobs['sweep']!
    expect(Object.keys(sweep.strategy?.matrix ?? {}).sort()).toEqual(['account', 'region'])
    const ours = sweep.steps.find(s => s.uses?.startsWith('ecs-teardown/ecs-teardown@'))!
    const upload = sweep.steps.find(s => s.uses?.startsWith('actions/upload-artifact@'))!
    expect(upload.with?.['path']).toBe(`\${{ steps.${ours.id}.outputs.report-file }}`)
    expect(upload.if).toMatch(/^always\(\)/)
  })

  it('merges the reports with a script this repository has, after every sweep job', () => {
    const summary = workflow.jobs['summary']!
    expect(summary.needs).toBe('sweep')
    expect(summary.if).toBe('always()')
    const run = summary.steps.map(s => s.run ?? '').join('\n')
    const [, script] = /node ecs-teardown\/(scripts\/\S+\.mjs)/.exec(run) ?? []
    expect(script).toBe('scripts/merge-reports.mjs')
    expect(() => readFileSync(new URL(script!, root))).not.toThrow()
  })
})
