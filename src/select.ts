import type { Cluster } from '@aws-sdk/client-ecs'
import { Inputs } from './constants.js'
import {
  describeClusters,
  listClusterArns,
  listLiveTasks,
  listServices,
  nameFromArn,
  type InventoryContext
} from './inventory.js'
import { newClusterReport, type ClusterReport } from './report/report.js'
import { globToRegExp, type Settings } from './settings.js'
import { InputError } from './util/errors.js'

export interface Selection {
  /** Cluster names or ARNs to tear down, in order. */
  targets: string[]
  /** Clusters a pattern matched but that are not touched, each with the reason. */
  skipped: ClusterReport[]
}

/**
 * Which clusters this run may touch. Everything that decides it happens here, before anything is
 * removed: patterns are expanded with ListClusters (every page), tags and ages are checked, and a
 * selection larger than `max-clusters` fails the run with the list of what matched.
 */
export async function selectClusters(ctx: InventoryContext, settings: Settings): Promise<Selection> {
  const needsTags = settings.requireTags.length > 0
  if (settings.patterns.length === 0 && !needsTags) return { targets: [...settings.clusters], skipped: [] }

  const explicit =
    settings.clusters.length > 0 && needsTags ? await describeClusters(ctx, settings.clusters, ['TAGS']) : []
  for (const cluster of explicit) {
    const missing = missingTags(cluster, settings)
    if (cluster.status === 'ACTIVE' && missing.length > 0) {
      throw new InputError(
        `Cluster ${cluster.clusterName} is named in '${Inputs.cluster}' but lacks the required tag(s) ${missing.join(', ')}: nothing was removed. Tag it, or remove it from 'cluster'.`
      )
    }
  }

  const targets = [...settings.clusters]
  const skipped: ClusterReport[] = []
  if (settings.patterns.length > 0) {
    const explicitNames = new Set(settings.clusters.map(nameFromArn))
    const patterns = settings.patterns.map(globToRegExp)
    const excluded = settings.exclude.map(p => ({ pattern: p, regex: globToRegExp(p) }))
    const arns = await listClusterArns(ctx)
    const candidates = arns.filter(
      arn => patterns.some(p => p.test(nameFromArn(arn))) && !explicitNames.has(nameFromArn(arn))
    )
    const described = (await describeClusters(ctx, candidates, ['TAGS'])).filter(c => c.status === 'ACTIVE')
    described.sort((a, b) => (a.clusterName ?? '').localeCompare(b.clusterName ?? ''))
    for (const cluster of described) {
      const name = cluster.clusterName ?? ''
      const skip = (reason: string): void => {
        const report = newClusterReport(name, settings.region)
        report.arn = cluster.clusterArn ?? ''
        report.outcome = 'skipped'
        report.message = `Not touched: ${reason}.`
        skipped.push(report)
      }
      const exclusion = excluded.find(e => e.regex.test(name))
      if (exclusion) {
        skip(`excluded by '${Inputs.exclude}' (${exclusion.pattern})`)
        continue
      }
      const missing = missingTags(cluster, settings)
      if (missing.length > 0) {
        skip(`lacks the required tag(s) ${missing.join(', ')}`)
        continue
      }
      if (settings.olderThanMs !== undefined) {
        const last = await lastActivity(ctx, cluster.clusterArn ?? '')
        const age = ctx.clock() - (last ?? 0)
        if (last !== undefined && age < settings.olderThanMs) {
          skip(`active ${describeAge(age)} ago, more recently than '${Inputs.olderThan}' allows`)
          continue
        }
      }
      targets.push(cluster.clusterArn ?? name)
    }
  }

  if (targets.length > settings.maxClusters) {
    const names = targets.map(nameFromArn)
    throw new InputError(
      `${targets.length} clusters qualify, more than '${Inputs.maxClusters}' (${settings.maxClusters}) allows, so nothing was removed: ${names.slice(0, 50).join(', ')}${names.length > 50 ? ` and ${names.length - 50} more` : ''}. Narrow the patterns or raise max-clusters.`
    )
  }
  return { targets, skipped }
}

function missingTags(cluster: Cluster, settings: Settings): string[] {
  const tags = new Map((cluster.tags ?? []).map(t => [t.key ?? '', t.value ?? '']))
  return settings.requireTags.filter(t => tags.get(t.key) !== t.value).map(t => `${t.key}=${t.value}`)
}

/**
 * The newest sign of life in a cluster: a service created or deployed, a task started. A cluster
 * with no services and no tasks has none (undefined) and qualifies at any age.
 */
async function lastActivity(ctx: InventoryContext, clusterArn: string): Promise<number | undefined> {
  const [services, tasks] = await Promise.all([
    listServices(ctx, clusterArn),
    listLiveTasks(ctx, clusterArn, ['RUNNING'])
  ])
  const times = [
    ...services.map(s => s.lastActivity?.getTime()),
    ...tasks.map(t => t.createdAt?.getTime())
  ].filter((t): t is number => t !== undefined)
  return times.length > 0 ? Math.max(...times) : undefined
}

function describeAge(ms: number): string {
  const hours = ms / 3_600_000
  return hours >= 48
    ? `${Math.round(hours / 24)} d`
    : hours >= 1
      ? `${Math.round(hours)} h`
      : `${Math.max(1, Math.round(ms / 60_000))} min`
}
