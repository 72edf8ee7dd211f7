// The IAM policy docs/permissions.md documents must be exactly what the code needs: every AWS command in src/
// allowed, and nothing the code never calls. Adding a command without updating the policy fails here.
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from '@jest/globals'
import { AWS_SERVICES } from '../../src/aws/services.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

/** The page whose first ```json block is the permissions policy (the README links to it). */
const HEADING = '# Permissions'
/** Where the policy is read from (it moved out of the README with issue 14). */
const POLICY_SOURCES = ['docs/permissions.md']

/**
 * IAM service prefix of each SDK client the code may use: the table of the run's services
 * (src/aws/services.ts), and STS, which only the role's credentials call (src/aws/credentials.ts).
 */
const IAM_PREFIX: Record<string, string> = {
  ...Object.fromEntries(Object.values(AWS_SERVICES).map(s => [s.package, s.iam])),
  '@aws-sdk/client-sts': 'sts'
}

/** The lazily loaded packages of src/aws/sdk.ts, by loader name: `ec2: () => import('@aws-sdk/client-ec2')`. */
const LAZY_PACKAGES = new Map(
  [
    ...readFileSync(join(root, 'src', 'aws', 'sdk.ts'), 'utf8').matchAll(
      /(\w+): \(\) => import\('(@aws-sdk\/[\w-]+)'\)/g
    )
  ].map(m => [m[1] ?? '', m[2] ?? ''] as const)
)

/**
 * Actions no command names but a command needs: UpdateSchedule sends the schedule's execution role
 * back, which IAM authorizes as iam:PassRole on that role. Allowed only while the command is sent.
 */
const IMPLIED_BY: Record<string, string> = { 'iam:PassRole': 'scheduler:UpdateSchedule' }

/** Called with no credentials (the web identity token is the proof): they go in the trust policy. */
const TRUST_POLICY_ACTIONS = new Set(['sts:AssumeRoleWithWebIdentity'])

interface Statement {
  Effect?: string
  Action?: string | string[]
  NotAction?: unknown
  Resource?: string | string[]
  Principal?: { Federated?: string }
  Condition?: Record<string, Record<string, string | string[]>>
}
interface Policy {
  Version?: string
  Statement: Statement[]
}

interface SentCommand {
  /** IAM action, e.g. ecs:DeleteCluster */
  action: string
  file: string
}

/**
 * Every `new XxxCommand(` in a source file, as the IAM action it needs, from the @aws-sdk client
 * package that file imports it from (named or namespace import). A command with no such import, or
 * from a client with no IAM prefix above, is an error: the check must not silently miss it.
 */
function awsCommandsIn(file: string, source: string): SentCommand[] {
  const named = new Map<string, string>()
  const namespaces = new Map<string, string>()
  for (const m of source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s*from\s*'(@aws-sdk\/[\w-]+)'/g)) {
    if (m[1]) continue
    for (const specifier of (m[2] ?? '').split(',')) {
      const name = specifier.trim()
      if (!name || name.startsWith('type ')) continue
      const [, local] = /(?:\w+\s+as\s+)?(\w+)$/.exec(name) ?? []
      if (local) named.set(local, m[3] ?? '')
    }
  }
  for (const m of source.matchAll(/import\s+\*\s+as\s+(\w+)\s+from\s*'(@aws-sdk\/[\w-]+)'/g)) {
    namespaces.set(m[1] ?? '', m[2] ?? '')
  }
  const sent: SentCommand[] = []
  // Packages loaded on first use (src/aws/sdk.ts): `new (await sdk.ec2()).TerminateInstancesCommand(`.
  for (const m of source.matchAll(/new\s+\(await\s+sdk\.(\w+)\(\)\)\.(\w+)Command\s*\(/g)) {
    const [, loader, operation] = m
    const pkg = LAZY_PACKAGES.get(loader ?? '')
    if (!pkg) throw new Error(`${file}: sdk.${loader}() is not a loader in src/aws/sdk.ts`)
    const prefix = IAM_PREFIX[pkg]
    if (!prefix)
      throw new Error(`${file}: ${pkg} has no IAM prefix: add it to AWS_SERVICES (src/aws/services.ts)`)
    sent.push({ action: `${prefix}:${operation}`, file })
  }
  for (const m of source.matchAll(/new\s+(?:(\w+)\.)?(\w+)Command\s*\(/g)) {
    const [, namespace, operation] = m
    const pkg = namespace ? namespaces.get(namespace) : named.get(`${operation}Command`)
    if (!pkg) throw new Error(`${file}: ${operation}Command is not imported from an @aws-sdk client`)
    const prefix = IAM_PREFIX[pkg]
    if (!prefix)
      throw new Error(`${file}: ${pkg} has no IAM prefix: add it to AWS_SERVICES (src/aws/services.ts)`)
    sent.push({ action: `${prefix}:${operation}`, file })
  }
  return sent
}

function sourceFiles(): string[] {
  return (readdirSync(join(root, 'src'), { recursive: true }) as string[])
    .filter(path => path.endsWith('.ts') && !path.endsWith('.d.ts'))
    .map(path => join('src', path))
    .sort()
}

function sentByTheCode(): SentCommand[] {
  return sourceFiles().flatMap(file => awsCommandsIn(file, readFileSync(join(root, file), 'utf8')))
}

/** The ```json blocks between HEADING and the next heading of its level (the whole page). */
function jsonBlocksUnderHeading(markdown: string): unknown[] {
  const lines = markdown.split(/\r?\n/)
  const start = lines.findIndex(line => line.trim() === HEADING)
  if (start < 0) return []
  const end = lines.findIndex((line, i) => i > start && /^# /.test(line))
  const section = lines.slice(start + 1, end < 0 ? undefined : end).join('\n')
  return [...section.matchAll(/^```json\s*\n([\s\S]*?)\n```/gm)].map(m => JSON.parse(m[1] ?? '') as unknown)
}

function documentedPolicies(): { source: string; permissions: Policy; trust: Policy | undefined } {
  for (const source of POLICY_SOURCES) {
    const path = join(root, source)
    if (!existsSync(path)) continue
    const blocks = jsonBlocksUnderHeading(readFileSync(path, 'utf8')) as Policy[]
    if (blocks.length === 0) continue
    const trust = blocks.find(p => p.Statement?.some(s => s.Principal?.Federated))
    return { source, permissions: blocks[0]!, trust }
  }
  throw new Error(`no \`\`\`json policy under '${HEADING}' in ${POLICY_SOURCES.join(' or ')}`)
}

function actionsOf(policy: Policy): string[] {
  return policy.Statement.flatMap(s => (s.Action === undefined ? [] : [s.Action].flat()))
}

const unique = (values: string[]): string[] => [...new Set(values)].sort()

describe('the documented IAM policy', () => {
  const sent = sentByTheCode()
  const { source, permissions, trust } = documentedPolicies()
  const needed = unique(sent.map(c => c.action).filter(a => !TRUST_POLICY_ACTIONS.has(a)))
  const allowed = unique(actionsOf(permissions))

  it('is read from docs/permissions.md', () => {
    expect(POLICY_SOURCES).toContain(source)
  })

  it('sees the commands the code sends (the scan itself works)', () => {
    const actions = unique(sent.map(c => c.action))
    expect(actions).toEqual(
      expect.arrayContaining(['ecs:DeleteCluster', 'ecs:ListServices', 'sts:AssumeRoleWithWebIdentity'])
    )
    expect(actions.length).toBeGreaterThanOrEqual(15)
  })

  it('allows every ECS and CloudFormation action the code calls', () => {
    const missing = needed
      .filter(action => !allowed.includes(action))
      .map(
        action => `${action} (${unique(sent.filter(c => c.action === action).map(c => c.file)).join(', ')})`
      )
    expect({ source, missing }).toEqual({ source, missing: [] })
  })

  it('allows no action the code never calls', () => {
    const unused = allowed.filter(
      action => !needed.includes(action) && !needed.includes(IMPLIED_BY[action] ?? '')
    )
    expect({ source, unused }).toEqual({ source, unused: [] })
  })

  it('names each action exactly: Allow statements, no wildcards, no NotAction', () => {
    for (const statement of permissions.Statement) {
      expect(statement.Effect).toBe('Allow')
      expect(statement.NotAction).toBeUndefined()
      expect(statement.Resource).toBeDefined()
    }
    for (const action of allowed) expect(action).toMatch(/^[a-z0-9-]+:[A-Z][A-Za-z]+$/)
  })

  it('has a trust policy for the OIDC role, bound to the audience and to the repository', () => {
    expect(trust).toBeDefined()
    const statements = trust!.Statement
    const stsNeeded = unique(sent.map(c => c.action).filter(a => TRUST_POLICY_ACTIONS.has(a)))
    expect(unique(actionsOf(trust!))).toEqual(stsNeeded)
    for (const statement of statements) {
      expect(statement.Principal?.Federated).toMatch(
        /^arn:aws:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/
      )
      const equals = statement.Condition?.['StringEquals'] ?? {}
      expect(equals['token.actions.githubusercontent.com:aud']).toBe('sts.amazonaws.com')
      expect([equals['token.actions.githubusercontent.com:sub']].flat()).toEqual([
        'repo:OWNER/REPO:pull_request',
        'repo:OWNER/REPO:ref:refs/heads/main'
      ])
      // A wildcard subject would let any branch, or any repository, assume the role.
      expect(JSON.stringify(statement.Condition)).not.toMatch(/StringLike|\*/)
    }
  })
})

describe('awsCommandsIn (the scan behind the check)', () => {
  it('maps named, aliased-list and namespace imports to IAM actions, and skips type imports', () => {
    const source = [
      "import type { Task } from '@aws-sdk/client-ecs'",
      'import {',
      '  DeleteClusterCommand,',
      '  type Cluster,',
      '  ListTasksCommand',
      "} from '@aws-sdk/client-ecs'",
      "import * as cfn from '@aws-sdk/client-cloudformation'",
      'await ecs.send(new DeleteClusterCommand({ cluster }))',
      'await ecs.send(new  ListTasksCommand ({ cluster }))',
      'await cf.send(new cfn.DeleteStackCommand({ StackName }))'
    ].join('\n')
    expect(awsCommandsIn('x.ts', source).map(c => c.action)).toEqual([
      'ecs:DeleteCluster',
      'ecs:ListTasks',
      'cloudformation:DeleteStack'
    ])
  })

  it('refuses a command it cannot map, rather than missing it', () => {
    expect(() => awsCommandsIn('x.ts', 'new TagResourceCommand({})')).toThrow(/not imported from an @aws-sdk/)
    expect(() =>
      awsCommandsIn('x.ts', "import { PutObjectCommand } from '@aws-sdk/client-s3'\nnew PutObjectCommand({})")
    ).toThrow(/client-s3 has no IAM prefix/)
  })

  it('knows the package of every loader in src/aws/sdk.ts from the table of services', () => {
    expect([...LAZY_PACKAGES.values()].filter(pkg => !IAM_PREFIX[pkg])).toEqual([])
  })
})
