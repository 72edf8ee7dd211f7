import { Inputs } from './constants.js'
import {
  describeCluster,
  describeClusters,
  describeServices,
  listClusterArns,
  listLiveTasks,
  listServices,
  type InventoryContext,
  type ServiceInfo,
  type ServiceSelection
} from './inventory/index.js'
import { newClusterReport, type ClusterReport } from './report/report.js'
import { globToRegExp, type ServiceRefs, type Settings } from './settings.js'
import { lastPartOfArn } from './util/arn.js'
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
    const missing = missingTags(tagsOf(cluster.tags), settings)
    if (cluster.status === 'ACTIVE' && missing.length > 0) {
      throw new InputError(
        `Cluster ${cluster.clusterName} is named in '${Inputs.cluster}' but lacks the required tag(s) ${missing.join(', ')}: nothing was removed. Tag it, or remove it from 'cluster'.`
      )
    }
  }

  const targets = [...settings.clusters]
  const skipped: ClusterReport[] = []
  if (settings.patterns.length > 0) {
    const explicitNames = new Set(settings.clusters.map(lastPartOfArn))
    const patterns = settings.patterns.map(globToRegExp)
    const excluded = settings.exclude.map(p => ({ pattern: p, regex: globToRegExp(p) }))
    const arns = await listClusterArns(ctx)
    const candidates = arns.filter(
      arn => patterns.some(p => p.test(lastPartOfArn(arn))) && !explicitNames.has(lastPartOfArn(arn))
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
      const missing = missingTags(tagsOf(cluster.tags), settings)
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
    const names = targets.map(lastPartOfArn)
    throw new InputError(
      `${targets.length} clusters qualify, more than '${Inputs.maxClusters}' (${settings.maxClusters}) allows, so nothing was removed: ${names.slice(0, 50).join(', ')}${names.length > 50 ? ` and ${names.length - 50} more` : ''}. Narrow the patterns or raise max-clusters.`
    )
  }
  return { targets, skipped }
}

/**
 * Services mode: which services of the one named cluster go. The same rules as for clusters, before
 * anything is removed: patterns are matched against every ACTIVE service (ListServices, every page),
 * `exclude`, `require-tags` and `older-than` skip pattern matches (reported), and a service named
 * explicitly without the required tags fails the run. A named service already gone or INACTIVE is
 * absent, not an error. Undefined when the cluster itself is gone (the teardown reports it absent).
 */
export async function selectServices(
  ctx: InventoryContext,
  settings: Settings,
  refs: ServiceRefs
): Promise<ServiceSelection | undefined> {
  const cluster = await describeCluster(ctx, settings.clusters[0]!)
  if (cluster.state === 'absent') return undefined
  const clusterArn = cluster.info.arn
  const active = await listServices(ctx, clusterArn, ['TAGS'])
  const byName = new Map(active.map(s => [s.name, s]))
  const named = [...new Set(refs.names.map(lastPartOfArn))]
  // A named service missing from the list may be DRAINING after an interrupted run: describe it.
  const unlisted = named.filter(name => !byName.has(name))
  const described = (await describeServices(ctx, clusterArn, unlisted, ['TAGS'])).present
  const selected: ServiceInfo[] = []
  const absent: string[] = []
  // A re-run after an interrupted one: what was around a named service already gone may remain.
  // Looked at only when its tags (INACTIVE: still described) or no required tags (purged) allow.
  const inactive: ServiceInfo[] = []
  const purged: string[] = []
  for (const name of named) {
    const service = byName.get(name) ?? described.find(s => s.name === name)
    if (service && service.status !== 'INACTIVE') {
      selected.push(service)
      continue
    }
    absent.push(name)
    if (service && missingTags(service.tags ?? {}, settings).length === 0) inactive.push(service)
    else if (!service && settings.requireTags.length === 0) purged.push(name)
  }
  for (const service of selected) {
    const missing = missingTags(service.tags ?? {}, settings)
    if (service.status === 'ACTIVE' && missing.length > 0) {
      throw new InputError(
        `Service ${service.name} is named in '${Inputs.services}' but lacks the required tag(s) ${missing.join(', ')}: nothing was removed. Tag it, or remove it from 'services'.`
      )
    }
  }

  const skipped: ServiceSelection['skipped'] = []
  const patterns = refs.patterns.map(globToRegExp)
  const excluded = settings.exclude.map(p => ({ pattern: p, regex: globToRegExp(p) }))
  const matched = active
    .filter(s => !named.includes(s.name) && patterns.some(p => p.test(s.name)))
    .sort((a, b) => a.name.localeCompare(b.name))
  for (const service of matched) {
    const reason = whyNotSelected(ctx, service, settings, excluded)
    if (reason) skipped.push({ name: service.name, reason })
    else selected.push(service)
  }
  return {
    selected,
    absent,
    ...(inactive.length > 0 ? { inactive } : {}),
    ...(purged.length > 0 ? { purged } : {}),
    skipped,
    neighbours: active.filter(s => !selected.includes(s))
  }
}

function whyNotSelected(
  ctx: InventoryContext,
  service: ServiceInfo,
  settings: Settings,
  excluded: { pattern: string; regex: RegExp }[]
): string | undefined {
  const exclusion = excluded.find(e => e.regex.test(service.name))
  if (exclusion) return `excluded by '${Inputs.exclude}' (${exclusion.pattern})`
  const missing = missingTags(service.tags ?? {}, settings)
  if (missing.length > 0) return `lacks the required tag(s) ${missing.join(', ')}`
  const last = service.lastActivity?.getTime()
  if (settings.olderThanMs !== undefined && last !== undefined) {
    const age = ctx.clock() - last
    if (age < settings.olderThanMs)
      return `created or deployed ${describeAge(age)} ago, more recently than '${Inputs.olderThan}' allows`
  }
  return undefined
}

function tagsOf(tags: { key?: string; value?: string }[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).map(t => [t.key ?? '', t.value ?? '']))
}

function missingTags(tags: Record<string, string>, settings: Settings): string[] {
  return settings.requireTags.filter(t => tags[t.key] !== t.value).map(t => `${t.key}=${t.value}`)
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
