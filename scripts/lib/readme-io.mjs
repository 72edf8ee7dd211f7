// The generated parts of the README and docs/, so that they cannot drift from their sources: the Inputs
// and Outputs tables (from action.yml), the summary example's start (from docs/summary-example.md, which
// `npm run demo -- --write-example` writes) and the benchmark (from bench/results.md, which `npm run bench`
// writes). Used by scripts/readme-io.mjs (prints them, or writes them in place with --write) and by
// __tests__/repo/readme-io.test.ts (fails when a file differs). Types: readme-io.d.mts.
import { format, resolveConfig } from 'prettier'
import { parse } from 'yaml'

export const MARKERS = {
  inputs: ['<!-- inputs:start -->', '<!-- inputs:end -->'],
  outputs: ['<!-- outputs:start -->', '<!-- outputs:end -->'],
  'summary-example': ['<!-- summary-example:start -->', '<!-- summary-example:end -->'],
  bench: ['<!-- bench:start -->', '<!-- bench:end -->']
}

/** action.yml text → its inputs and outputs, in file order. */
export function readActionMetadata(actionYml) {
  const action = parse(actionYml) ?? {}
  const inputs = Object.entries(action.inputs ?? {}).map(([name, input]) => ({
    name,
    description: oneLine(input?.description),
    required: input?.required === true || input?.required === 'true',
    default: input?.default === undefined || input?.default === null ? '' : String(input.default)
  }))
  const outputs = Object.entries(action.outputs ?? {}).map(([name, output]) => ({
    name,
    description: oneLine(output?.description)
  }))
  return { inputs, outputs }
}

const oneLine = text => String(text ?? '').replace(/\s+/g, ' ').trim()

/**
 * The sentence of a description that states the default ("Default 30.", "Default: none, the SDK's
 * chain."): `value` is what follows "Default" and an optional colon, without the final period.
 */
export function defaultSentence(description) {
  const match = /(?:^|(?<=[.!?]\s))Default\b:?\s*(.+?)[.](?=\s|$)/.exec(description)
  return match ? { sentence: match[0], value: match[1] } : undefined
}

/**
 * What the table shows for one input. The default column takes action.yml's `default:` when it has one,
 * else the description's "Default ..." sentence (inputs whose default the runner cannot express, such as
 * "AWS_REGION, else ..."), else "(required)" for a required input. That sentence leaves the description
 * when it only restates the default column; when it says more ("Default false (graceful): the
 * scheduler drains..."), it stays.
 */
export function inputRow(input, inputNames = []) {
  const stated = defaultSentence(input.description)
  let description = input.description
  let shownDefault
  if (input.required) {
    shownDefault = '(required)'
  } else if (input.default !== '') {
    shownDefault = `\`${input.default}\``
    if (stated && stated.value === input.default) description = withoutSentence(description, stated.sentence)
  } else if (stated) {
    // A bare number reads as a value, like the `default:` ones: `3600`.
    shownDefault = /^\d+$/.test(stated.value) ? `\`${stated.value}\`` : prose(stated.value, inputNames)
    description = withoutSentence(description, stated.sentence)
  } else {
    shownDefault = ''
  }
  return { name: `\`${input.name}\``, default: shownDefault, description: prose(description, inputNames) }
}

const withoutSentence = (text, sentence) => text.replace(sentence, '').replace(/\s+/g, ' ').trim()

/**
 * Plain action.yml prose → Markdown for a table cell: placeholders (`<run id>`), glob patterns
 * (`preview-*`), environment variable names and this action's hyphenated input names become code, so
 * that Markdown neither swallows `<...>` as HTML nor reads `*` as emphasis; a `|` would end the cell.
 */
function prose(text, inputNames) {
  const names = inputNames.filter(name => name.includes('-')).map(escapeRegExp)
  const patterns = [
    String.raw`[\w.-]*(?:<[^<>]+>[\w.-]*)+`,
    String.raw`[\w.-]+\*`,
    String.raw`\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b`,
    String.raw`\baws:[\w:.-]*\w`,
    ...(names.length ? [String.raw`(?<=^|[\s(])(?:${names.join('|')})(?=$|[\s).,;:])`] : [])
  ]
  const code = new RegExp(patterns.join('|'), 'g')
  let out = ''
  let last = 0
  for (const match of text.matchAll(code)) {
    out += escapeText(text.slice(last, match.index)) + `\`${match[0]}\``
    last = match.index + match[0].length
  }
  return out + escapeText(text.slice(last))
}

const escapeText = text => text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\*/g, '\\*')
const escapeRegExp = text => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

async function markdownTable(header, rows) {
  const line = cells => `| ${cells.join(' | ')} |`
  return formatMarkdown([line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n') + '\n')
}

/** Markdown exactly as `npm run format` leaves it in README.md (Prettier aligns table columns). */
async function formatMarkdown(markdown) {
  const config = (await resolveConfig(new URL('../../README.md', import.meta.url))) ?? {}
  return (await format(markdown, { ...config, parser: 'markdown' })).trim()
}

/** Where the summary example's excerpt stops: the lists and the log of each phase stay in docs/. */
export const SUMMARY_EXCERPT_END = '<details>'

/** The README's summary example: docs/summary-example.md up to its first collapsed list. */
export async function renderSummaryExcerpt(summaryExample) {
  const end = summaryExample.indexOf(SUMMARY_EXCERPT_END)
  if (end < 0) throw new Error(`docs/summary-example.md has no '${SUMMARY_EXCERPT_END}' section to stop before`)
  return formatMarkdown(summaryExample.slice(0, end))
}

/** docs/performance.md's benchmark: bench/results.md without its do-not-edit line and heading. */
export async function renderBench(benchResults) {
  return formatMarkdown(benchResults.replace(/^<!--[^\n]*-->\s*/, '').replace(/^### Benchmark\s*/, ''))
}

/**
 * Every generated section: the file it is in (relative to the repository root), its markers and what it
 * must hold. `read` reads a file of the repository by that relative path.
 */
export async function generatedSections(read) {
  const actionYml = read('action.yml')
  return [
    { file: 'README.md', which: 'inputs', content: await renderInputsTable(actionYml) },
    { file: 'README.md', which: 'outputs', content: await renderOutputsTable(actionYml) },
    {
      file: 'README.md',
      which: 'summary-example',
      content: await renderSummaryExcerpt(read('docs/summary-example.md'))
    },
    { file: 'docs/performance.md', which: 'bench', content: await renderBench(read('bench/results.md')) }
  ]
}

/** The Inputs table for README.md. */
export async function renderInputsTable(actionYml) {
  const { inputs } = readActionMetadata(actionYml)
  const names = inputs.map(i => i.name)
  const rows = inputs.map(input => inputRow(input, names)).map(row => [row.name, row.default, row.description])
  return markdownTable(['name', 'default', 'what it does'], rows)
}

/** The Outputs table for README.md. */
export async function renderOutputsTable(actionYml) {
  const { inputs, outputs } = readActionMetadata(actionYml)
  const names = inputs.map(i => i.name)
  const rows = outputs.map(output => [`\`${output.name}\``, prose(output.description, names)])
  return markdownTable(['name', 'what it holds'], rows)
}

/** What a file holds between a pair of markers (trimmed), or undefined when a marker is missing. */
export function readSection(readme, which) {
  const [start, end] = MARKERS[which]
  const from = readme.indexOf(start)
  const to = readme.indexOf(end, from + start.length)
  if (from < 0 || to < 0) return undefined
  return readme.slice(from + start.length, to).trim()
}

/** A file's text with what is between a pair of markers replaced; throws when a marker is missing. */
export function replaceSection(readme, which, content) {
  const [start, end] = MARKERS[which]
  const from = readme.indexOf(start)
  const to = readme.indexOf(end, from + start.length)
  if (from < 0 || to < 0) throw new Error(`no ${start} ... ${end} markers`)
  return `${readme.slice(0, from + start.length)}\n\n${content}\n\n${readme.slice(to)}`
}
