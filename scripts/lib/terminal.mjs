// Turns what the runner would render (workflow commands in the log, the job summary's Markdown with
// HTML) into plain terminal text, so that the demo shows what a GitHub user sees, without a browser.

const colour = process.stdout.isTTY && !process.env.NO_COLOR
const paint = code => text => (colour ? `\x1b[${code}m${text}\x1b[0m` : text)
export const bold = paint('1')
export const dim = paint('2')
export const red = paint('31')
export const green = paint('32')
export const yellow = paint('33')
export const cyan = paint('36')

/** `@actions/core` escapes command data; the runner shows it unescaped. */
const unescapeData = text => text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%')

/**
 * One line of the action's stdout as the runner's log viewer shows it: `::group::` as a heading,
 * annotations as `warning:`/`error:`, and nothing for the commands the runner consumes silently
 * (masks, debug lines without step debugging, group ends). Returns undefined for a hidden line.
 */
export function logLine(line) {
  const command = /^::([a-z-]+)(?: [^:]*)?::(.*)$/.exec(line)
  if (!command) return line
  const [, name, data] = command
  const text = unescapeData(data ?? '')
  switch (name) {
    case 'group':
      return bold(`▸ ${text}`)
    case 'endgroup':
    case 'add-mask':
    case 'debug':
      return undefined
    case 'warning':
      return yellow(`warning: ${text}`)
    case 'error':
      return red(`error: ${text}`)
    case 'notice':
      return cyan(`notice: ${text}`)
    default:
      return line
  }
}

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#124': '|', '#96': '`' }
const decode = text => text.replace(/&(amp|lt|gt|quot|#39|#124|#96);/g, (_, name) => ENTITIES[name])

/**
 * Inline HTML → text: <code> and <a> keep their text, <br> breaks the line, other tags go. A
 * <summary> becomes a ▾ line, joined with ': ' to what its <details> holds on the same line.
 */
function inline(text) {
  return text
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<summary>(.*?)<\/summary>/gis, (_, inner) => `▾ ${inner}\0`)
    .replace(/<[^>]+>/g, '')
    .replace(/\0(\s*\S)?/g, (_, rest) => (rest ? `: ${rest.trim()}` : ''))
    .replace(/\*\*(.+?)\*\*/g, '$1')
}

/** A Markdown table row's cells; entities are decoded after splitting, so an escaped | stays a cell's. */
const cells = row =>
  row
    .trim()
    .replace(/^\||\|$/g, '')
    .split('|')
    .map(cell => decode(inline(cell.trim())))

/** The job summary as terminal text: tags stripped, entities decoded, tables aligned. */
export function summaryText(markdown) {
  const out = []
  const lines = markdown.replace(/\r\n/g, '\n').split('\n')
  for (let i = 0; i < lines.length; i++) {
    if (/^\s*\|/.test(lines[i] ?? '')) {
      const rows = []
      while (i < lines.length && /^\s*\|/.test(lines[i] ?? '')) rows.push(lines[i++])
      i--
      out.push(...table(rows))
      continue
    }
    const line = lines[i] ?? ''
    if (/^\s*<\/?details>\s*$/i.test(line)) continue
    const heading = /^(#{1,6})\s+(.*)$/.exec(line)
    if (heading) {
      const text = decode(inline(heading[2] ?? ''))
      out.push(bold(heading[1] === '#' || heading[1] === '##' ? text.toUpperCase() : text))
      continue
    }
    out.push(...decode(inline(line)).split('\n'))
  }
  // Tag-only lines leave blanks behind: keep at most one in a row.
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim()
}

function table(rows) {
  const parsed = rows.map(cells)
  const isRule = row => row.every(cell => /^:?-{3,}:?$/.test(cell))
  const body = parsed.filter(row => !isRule(row))
  const widths = []
  for (const row of body) row.forEach((cell, c) => (widths[c] = Math.max(widths[c] ?? 0, width(cell))))
  const render = row => row.map((cell, c) => cell + ' '.repeat((widths[c] ?? 0) - width(cell))).join('  ')
  const lines = body.map(render)
  if (body.length > 1 && parsed.some(isRule)) {
    lines[0] = bold(lines[0] ?? '')
    lines.splice(1, 0, dim(widths.map(w => '─'.repeat(w)).join('  ')))
  }
  return lines.map(line => `  ${line.trimEnd()}`)
}

/** Display width: emoji and other wide symbols take two terminal columns. */
function width(text) {
  let w = 0
  for (const ch of text.replace(/\uFE0F/g, '')) w += /\p{Extended_Pictographic}/u.test(ch) ? 2 : 1
  return w
}
