// The generated parts of the README and docs/ (scripts/readme-io.mjs: the Inputs and Outputs tables from
// action.yml, the summary example, the benchmark); this fails when one drifts from its source, and
// checks the rendering rules, the README's size and links, and .env.example's list of inputs.
import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  defaultSentence,
  generatedSections,
  inputRow,
  readActionMetadata,
  readSection,
  renderSummaryExcerpt,
  replaceSection,
  SUMMARY_EXCERPT_END
} from '../../scripts/lib/readme-io.mjs'

const root = fileURLToPath(new URL('../../', import.meta.url))
const actionYml = readFileSync(join(root, 'action.yml'), 'utf8')
const read = (path: string): string => readFileSync(join(root, path), 'utf8')
const readme = read('README.md')
const FIX = "run 'node scripts/readme-io.mjs --write' and commit the file"
/** GitHub shows the README on the repository's front page; the reference lives in docs/. */
const README_MAX_BYTES = 25_000

describe('generated sections', () => {
  it('are the ones rendered from their sources', async () => {
    const sections = await generatedSections(read)
    expect(sections.map(s => `${s.file}:${s.which}`)).toEqual([
      'README.md:inputs',
      'README.md:outputs',
      'README.md:summary-example',
      'docs/performance.md:bench'
    ])
    for (const { file, which, content } of sections) {
      const inFile = readSection(read(file), which)
      if (inFile === undefined)
        throw new Error(`${file} has no <!-- ${which}:start --> / <!-- ${which}:end --> markers`)
      if (inFile !== content) throw new Error(`${file}'s ${which} section differs from its source: ${FIX}`)
    }
  })

  it('the summary example is the start of the whole one, up to its collapsed lists', async () => {
    const excerpt = await renderSummaryExcerpt(read('docs/summary-example.md'))
    expect(excerpt).toMatch(/^## ECS teardown/)
    expect(excerpt).toContain('| Resource')
    expect(excerpt).not.toContain(SUMMARY_EXCERPT_END)
    await expect(renderSummaryExcerpt('## ECS teardown\n')).rejects.toThrow(/<details>/)
  })
})

describe('README.md', () => {
  it(`is under ${README_MAX_BYTES} bytes`, () => {
    expect(Buffer.byteLength(readme)).toBeLessThan(README_MAX_BYTES)
  })

  it('starts with the quick start: the first level-2 heading, and the workflow within the first 40 lines', () => {
    const lines = readme.split('\n')
    expect(lines.find(line => line.startsWith('## '))).toBe('## Quick start')
    expect(lines.slice(0, 40).join('\n')).toContain('uses: ecs-teardown/ecs-teardown@v1')
  })

  it('shows @v1 and a full-SHA pin with the version in a comment', () => {
    expect(readme).toMatch(/uses: ecs-teardown\/ecs-teardown@v1\b/)
    expect(readme).toMatch(/uses: ecs-teardown\/ecs-teardown@[0-9a-f]{40} # v\d+\.\d+\.\d+/)
  })

  const docs = readdirSync(join(root, 'docs')).filter(f => f.endsWith('.md'))
  it.each(['README.md', ...docs.map(f => `docs/${f}`)])(
    '%s links only to files and headings that exist',
    file => {
      const text = read(file)
      const broken: string[] = []
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (!target || /^[a-z]+:/.test(target)) continue
        const [path, anchor] = target.split('#')
        const linked = path ? join(dirname(join(root, file)), path) : join(root, file)
        if (!existsSync(linked)) broken.push(target)
        else if (
          anchor &&
          linked.endsWith('.md') &&
          !headingAnchors(readFileSync(linked, 'utf8')).has(anchor)
        )
          broken.push(target)
      }
      expect(broken).toEqual([])
    }
  )

  it('links every page of docs/', () => {
    expect(docs.filter(f => !readme.includes(`(docs/${f})`))).toEqual([])
  })
})

/** GitHub's anchors of a Markdown file's headings: lower case, punctuation dropped, spaces to hyphens. */
function headingAnchors(markdown: string): Set<string> {
  return new Set(
    [...markdown.matchAll(/^#{1,6} (.+)$/gm)].map(m =>
      (m[1] ?? '')
        .toLowerCase()
        .replace(/[^\p{L}\p{N} _-]/gu, '')
        .replace(/ /g, '-')
    )
  )
}

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
