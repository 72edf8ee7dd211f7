// README's Inputs and Outputs tables are generated from action.yml (scripts/readme-io.mjs); this fails
// when they drift apart, and checks the rendering rules and .env.example's list of inputs.
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  defaultSentence,
  inputRow,
  readActionMetadata,
  readSection,
  renderInputsTable,
  renderOutputsTable,
  replaceSection
} from '../../scripts/lib/readme-io.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))
const actionYml = readFileSync(join(root, 'action.yml'), 'utf8')
const readme = readFileSync(join(root, 'README.md'), 'utf8')
const FIX = "run 'node scripts/readme-io.mjs --write' and commit README.md"

describe('README tables', () => {
  it.each(['inputs', 'outputs'] as const)('the %s table is the one rendered from action.yml', async which => {
    const inReadme = readSection(readme, which)
    if (inReadme === undefined)
      throw new Error(
        `README.md has no <!-- ${which}:start --> / <!-- ${which}:end --> markers around its table`
      )
    const rendered =
      which === 'inputs' ? await renderInputsTable(actionYml) : await renderOutputsTable(actionYml)
    if (inReadme !== rendered) throw new Error(`README.md's ${which} table differs from action.yml: ${FIX}`)
  })
})

describe('action.yml states every default', () => {
  const { inputs } = readActionMetadata(actionYml)

  it.each(inputs.filter(i => !i.required).map(i => [i.name, i] as const))(
    '%s has a default: field or a "Default ..." sentence, and they agree',
    (_, input) => {
      const stated = defaultSentence(input.description)
      expect(input.default !== '' || stated !== undefined).toBe(true)
      if (input.default !== '' && stated) expect(stated.value.startsWith(input.default)).toBe(true)
    }
  )
})

describe('rendering', () => {
  const input = (over: Partial<Parameters<typeof inputRow>[0]>): Parameters<typeof inputRow>[0] => ({
    name: 'x',
    description: '',
    required: false,
    default: '',
    ...over
  })

  it('finds the default sentence, also after a period inside a sentence', () => {
    expect(defaultSentence('Audience. Default sts.amazonaws.com.')).toEqual({
      sentence: 'Default sts.amazonaws.com.',
      value: 'sts.amazonaws.com'
    })
    expect(defaultSentence('Chars + = , . @ _ -. Default: none, the chain.')?.value).toBe('none, the chain')
    expect(defaultSentence('remove (default): do this.')).toBeUndefined()
  })

  it('takes the default: field first, and drops the sentence only when it restates it', () => {
    expect(inputRow(input({ default: '30', description: 'A deadline. Default 30.' }))).toMatchObject({
      default: '`30`',
      description: 'A deadline.'
    })
    const kept = inputRow(input({ default: 'false', description: 'Mode. Default false (graceful): drains.' }))
    expect(kept).toMatchObject({ default: '`false`', description: 'Mode. Default false (graceful): drains.' })
  })

  it('uses the sentence when default: is empty, and (required) for a required input', () => {
    expect(inputRow(input({ description: 'Region. Default: AWS_REGION, else the ARN.' }))).toMatchObject({
      default: '`AWS_REGION`, else the ARN',
      description: 'Region.'
    })
    expect(inputRow(input({ required: true, description: 'Required.' })).default).toBe('(required)')
  })

  it('keeps Markdown from eating placeholders, globs and pipes', () => {
    const row = inputRow(
      input({ description: 'Like preview-* or a|b; uses my-input. Default ecs-<repo>-<run id>.' }),
      ['my-input']
    )
    expect(row.default).toBe('`ecs-<repo>-<run id>`')
    expect(row.description).toBe('Like `preview-*` or a\\|b; uses `my-input`.')
  })

  it('replaces only what is between the markers', () => {
    const doc = 'a\n<!-- outputs:start -->\nold\n<!-- outputs:end -->\nb\n'
    const updated = replaceSection(doc, 'outputs', '| t |')
    expect(updated).toBe('a\n<!-- outputs:start -->\n\n| t |\n\n<!-- outputs:end -->\nb\n')
    expect(readSection(updated, 'outputs')).toBe('| t |')
    expect(() => replaceSection(doc, 'inputs', 'x')).toThrow(/markers/)
  })
})

describe('.env.example', () => {
  it('lists every input of action.yml as the runner names it, and no other', () => {
    const envExample = readFileSync(join(root, '.env.example'), 'utf8')
    const listed = [...envExample.matchAll(/^#?\s*(INPUT_[A-Z0-9_-]+)=/gm)].map(m => m[1])
    const expected = readActionMetadata(actionYml).inputs.map(i => `INPUT_${i.name.toUpperCase()}`)
    expect([...listed].sort()).toEqual([...expected].sort())
  })
})
