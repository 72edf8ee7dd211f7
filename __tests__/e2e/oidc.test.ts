// End to end with role-to-assume: the built action, with no AWS keys at all, gets an ID token from a
// stand-in for the runner's token endpoint, assumes the role at moto's STS, masks the credentials,
// and tears a preview environment down with them. moto checks no signature, so a recording proxy
// between the action and moto shows which access key signed each request.
import { expect, it } from '@jest/globals'
import { buildPreviewEnvironment, REGION, TEST_CREDENTIALS, whatIsLeft } from './support/fixtures.js'
import { runAction } from './support/runAction.js'
import { describeAgainstMoto } from './support/suite.js'
import { startRecordingProxy, startTokenServer } from './support/token-server.js'

const ROLE_ARN = 'arn:aws:iam::123456789012:role/ecs-teardown'
const ECS_TARGET = 'AmazonEC2ContainerServiceV20141113.'

/** The text of `<Name>...</Name>` in moto's XML answer. */
function xmlValue(xml: string, name: string): string {
  const value = new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1]
  if (!value) throw new Error(`no <${name}> in STS's answer: ${xml.slice(0, 500)}`)
  return value
}

describeAgainstMoto('role-to-assume end to end (dist/index.js, OIDC token, moto STS)', moto => {
  it('assumes the role with the job token, masks the credentials first, and tears down with them', async () => {
    // One failed token request first: the action must retry it (@actions/core does not retry a 500).
    const tokens = await startTokenServer({ failFirst: 1 })
    const proxy = await startRecordingProxy(moto().endpoint)
    try {
      const cluster = `e2e-oidc-${process.pid}-${Date.now().toString(36)}`
      await buildPreviewEnvironment(moto().endpoint, cluster)

      const result = await runAction({
        endpoint: proxy.endpoint,
        inputs: {
          cluster,
          region: REGION,
          force: 'true',
          'timeout-minutes': '5',
          'role-to-assume': ROLE_ARN
        },
        env: {
          AWS_ACCESS_KEY_ID: undefined,
          AWS_SECRET_ACCESS_KEY: undefined,
          ACTIONS_ID_TOKEN_REQUEST_URL: tokens.requestUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: tokens.requestToken
        },
        timeoutMs: 45_000
      })
      expect({
        code: result.code,
        timedOut: result.timedOut,
        stdout: result.stdout,
        stderr: result.stderr
      }).toEqual({
        code: 0,
        timedOut: false,
        stdout: expect.any(String),
        stderr: expect.any(String)
      })

      // The token request: the audience appended by @actions/core, and the runner's bearer token.
      expect(tokens.requests).toHaveLength(2)
      for (const request of tokens.requests) {
        expect(request.url).toBe('/token?api-version=2.0&audience=sts.amazonaws.com')
        expect(request.audience).toBe('sts.amazonaws.com')
        expect(request.authorization).toBe(`Bearer ${tokens.requestToken}`)
      }
      expect(tokens.issued).toHaveLength(1)
      const idToken = tokens.issued[0]!

      // One AssumeRoleWithWebIdentity, unsigned, with the token, the default session name and duration.
      const assumes = proxy.requests.filter(r => r.action === 'AssumeRoleWithWebIdentity')
      expect(assumes).toHaveLength(1)
      const assume = assumes[0]!
      expect(assume.accessKeyId).toBeUndefined()
      const params = new URLSearchParams(assume.requestBody)
      expect(params.get('RoleArn')).toBe(ROLE_ARN)
      expect(params.get('RoleSessionName')).toBe('ecs-teardown-preview-app-1')
      expect(params.get('DurationSeconds')).toBe('3600')
      expect(params.get('WebIdentityToken')).toBe(idToken)
      expect(assume.status).toBe(200)
      const answer = assume.responseBody ?? ''
      const credentials = {
        accessKeyId: xmlValue(answer, 'AccessKeyId'),
        secretAccessKey: xmlValue(answer, 'SecretAccessKey'),
        sessionToken: xmlValue(answer, 'SessionToken')
      }
      const secrets = [...Object.values(credentials), idToken]

      // Each secret was masked, and its mask line is the first line that shows it.
      const lines = result.stdout.split(/\r?\n/)
      const masks = lines.filter(line => line.startsWith('::add-mask::')).map(line => line.slice(12))
      expect(masks).toEqual(expect.arrayContaining(secrets))
      const assumedLine = lines.findIndex(line => line.startsWith(`Assumed role ${ROLE_ARN}`))
      expect(assumedLine).toBeGreaterThan(0)
      for (const value of Object.values(credentials)) {
        expect(lines.findIndex(line => line.includes(value))).toBe(lines.indexOf(`::add-mask::${value}`))
        expect(lines.indexOf(`::add-mask::${value}`)).toBeLessThan(assumedLine)
      }
      // ... and nothing else anywhere shows one: not the log, the summary, the outputs.
      for (const value of secrets) {
        expect(lines.filter(line => line.includes(value))).toEqual([`::add-mask::${value}`])
        expect(result.stderr).not.toContain(value)
        expect(result.summary).not.toContain(value)
        expect(JSON.stringify(result.outputs)).not.toContain(value)
      }
      // Kept in this step: nothing exported for later ones.
      expect(result.stdout).not.toMatch(/::set-env|AWS_SESSION_TOKEN|AWS_SECRET_ACCESS_KEY/)

      // Every ECS request was signed with the assumed role's key and session, none with the harness's.
      const ecsRequests = proxy.requests.filter(r => r.target?.startsWith(ECS_TARGET))
      const operations = new Set(ecsRequests.map(r => r.target?.slice(ECS_TARGET.length)))
      expect([...operations]).toEqual(
        expect.arrayContaining([
          'DescribeClusters',
          'ListServices',
          'StopTask',
          'DeleteService',
          'DeleteCluster'
        ])
      )
      for (const request of ecsRequests) {
        expect({ op: request.target, key: request.accessKeyId, token: request.securityToken }).toEqual({
          op: request.target,
          key: credentials.accessKeyId,
          token: credentials.sessionToken
        })
      }
      expect(proxy.requests.some(r => r.accessKeyId === TEST_CREDENTIALS.accessKeyId)).toBe(false)

      // And the teardown itself happened.
      expect(result.outputs['clusters-deleted']).toBe('1')
      const left = await whatIsLeft(moto().endpoint, cluster)
      expect(['INACTIVE', 'MISSING']).toContain(left.clusterStatus)
      expect(left.services).toEqual([])
      expect(left.tasksStillDesiredRunning).toEqual([])
      expect(left.containerInstances).toEqual([])
      expect(result.durationMs).toBeLessThan(40_000)
    } finally {
      await proxy.close()
      await tokens.close()
    }
  }, 60_000)
})
