// One version everywhere (package.json, the user agent, CHANGELOG.md), and release notes taken from
// the CHANGELOG section of the tag (scripts/release-notes.mjs, used by the release workflow).
import { describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { changelogSection } from '../../scripts/lib/release-notes.mjs'
import { ACTION_VERSION } from '../../src/constants.js'

const root = new URL('../../', import.meta.url)
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8')
const pkg = JSON.parse(read('package.json')) as { version: string }
const changelog = read('CHANGELOG.md')

describe('the version', () => {
  it('is the same in package.json, package-lock.json and the AWS user agent (ACTION_VERSION)', () => {
    const lock = JSON.parse(read('package-lock.json')) as {
      version: string
      packages: Record<string, { version?: string }>
    }
    expect([pkg.version, lock.version, lock.packages['']?.version, ACTION_VERSION]).toEqual(
      Array(4).fill(pkg.version)
    )
    expect(pkg.version).toMatch(/^\d+\.\d+\.\d+$/)
  })

  it('has a CHANGELOG section, with a link to its release', () => {
    expect(changelogSection(changelog, pkg.version).length).toBeGreaterThan(100)
    expect(changelog).toContain(
      `[${pkg.version}]: https://github.com/ecs-teardown/ecs-teardown/releases/tag/v${pkg.version}`
    )
  })

  it("is the README's: @v<major> and the full-SHA pin's comment", () => {
    const readme = read('README.md')
    const major = pkg.version.split('.')[0]
    expect(readme).toContain(`ecs-teardown/ecs-teardown@v${major}\n`)
    expect(readme).toMatch(
      new RegExp(`ecs-teardown/ecs-teardown@[0-9a-f]{40} # v${pkg.version.replace(/\./g, '\\.')}\\b`)
    )
  })
})

describe('release notes from CHANGELOG.md', () => {
  const sample = [
    '# Changelog',
    '',
    '## [Unreleased]',
    '',
    '## [1.1.0] - 2027-01-05',
    '',
    '### Fixed',
    '',
    '- A thing.',
    '',
    '## [1.0.0] - 2026-11-29',
    '',
    'The first release.',
    '',
    '[Unreleased]: https://example.com/compare/v1.1.0...HEAD',
    '[1.1.0]: https://example.com/v1.1.0'
  ].join('\n')

  it('is the section of the version, without its heading, up to the next section', () => {
    expect(changelogSection(sample, 'v1.1.0')).toBe('### Fixed\n\n- A thing.')
    expect(changelogSection(sample, '1.1.0')).toBe('### Fixed\n\n- A thing.')
  })

  it('stops at the link definitions after the last section', () => {
    expect(changelogSection(sample, '1.0.0')).toBe('The first release.')
  })

  it('refuses a missing or empty section, and never matches a longer version', () => {
    expect(() => changelogSection(sample, '2.0.0')).toThrow("CHANGELOG.md has no '## [2.0.0]' section")
    expect(() => changelogSection(sample, '1.0')).toThrow("no '## [1.0]' section")
    expect(() => changelogSection(sample.replace('### Fixed\n\n- A thing.', ''), '1.1.0')).toThrow('is empty')
  })

  it('runs as the release workflow runs it', () => {
    const script = fileURLToPath(new URL('scripts/release-notes.mjs', root))
    const ok = spawnSync(process.execPath, [script, `v${pkg.version}`], { encoding: 'utf8' })
    expect(ok.status).toBe(0)
    expect(ok.stdout).toBe(`${changelogSection(changelog, pkg.version)}\n`)
    const missing = spawnSync(process.execPath, [script, 'v99.0.0'], { encoding: 'utf8' })
    expect(missing.status).toBe(1)
    expect(missing.stderr).toBe("release-notes: CHANGELOG.md has no '## [99.0.0]' section\n")
  })
})
