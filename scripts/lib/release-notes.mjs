// The notes of a GitHub Release: the version's section of CHANGELOG.md (Keep a Changelog format), without
// its heading. Used by scripts/release-notes.mjs (the release workflow and scripts/release.sh).
// Types: release-notes.d.mts.

const escapeRegExp = text => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/**
 * The body of `## [VERSION]` (with or without ` - DATE` after it) up to the next `## ` heading or the
 * link definitions at the end, trimmed. Throws when the section is missing or empty: a release must say
 * what it changes.
 */
export function changelogSection(changelog, version) {
  const number = version.replace(/^v/, '')
  const lines = changelog.split(/\r?\n/)
  const heading = new RegExp(`^## \\[${escapeRegExp(number)}\\](?:\\s|$)`)
  const start = lines.findIndex(line => heading.test(line))
  if (start < 0) throw new Error(`CHANGELOG.md has no '## [${number}]' section`)
  const rest = lines.slice(start + 1)
  const end = rest.findIndex(line => /^## /.test(line) || /^\[[^\]]+\]:\s/.test(line))
  const body = (end < 0 ? rest : rest.slice(0, end)).join('\n').trim()
  if (!body) throw new Error(`CHANGELOG.md's '## [${number}]' section is empty`)
  return body
}
