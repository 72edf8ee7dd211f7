import type { StackReport } from '../report/report.js'
import { isStackTarget, type ImportingStack, type StackLookup } from './find.js'

/**
 * What is known, before anything is touched, to stand in the way of deleting the stack (and the
 * stacks importing its exports), in one line that says what to do; and the report's entry for what
 * was found.
 */

/**
 * Statuses from which CloudFormation will not start a deletion. AWS answers ValidationError "Stack
 * [x] cannot be deleted while in status UPDATE_IN_PROGRESS" (also seen for
 * UPDATE_COMPLETE_CLEANUP_IN_PROGRESS); the other operations in progress are refused here too,
 * verified or not, because deleting a stack that is being created, rolled back or imported races
 * whoever is changing it. DELETE_IN_PROGRESS is not refused (the deletion is already running: wait
 * for it), nor REVIEW_IN_PROGRESS (a stack with a change set and no resources; DeleteStack takes it).
 */
const CANNOT_DELETE_WHILE = new Set<string>([
  'CREATE_IN_PROGRESS',
  'ROLLBACK_IN_PROGRESS',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'IMPORT_IN_PROGRESS',
  'IMPORT_ROLLBACK_IN_PROGRESS'
])

/**
 * Why CloudFormation would refuse (or this action will not ask) to delete the stack, in one line
 * that says what to do; undefined when nothing known up front stands in the way. A stack that was
 * not found and not asked for is not a refusal: there is nothing to delete.
 */
export function stackRefusal(lookup: StackLookup): string | undefined {
  if (!isStackTarget(lookup)) {
    if (!lookup.requested) return undefined
    return lookup.alreadyDeleted
      ? `Stack ${lookup.requested} (input 'stack-name') was already deleted (DELETE_COMPLETE): remove stack-name, or name the stack that built this cluster.`
      : `Stack ${lookup.requested} (input 'stack-name') does not exist in this Region: check the name and the region input, or remove stack-name to find the stack from the cluster.`
  }
  const t = lookup
  if (t.alsoOwns && t.otherMatches.length > 0) {
    return `The selected services belong to several stacks (${[t.name, ...t.otherMatches].join(', ')}): set stack-name to the one to delete, or select the services of one stack.`
  }
  if (t.alsoOwns && t.alsoOwns.length > 0) {
    return `Stack ${t.name} owns the selected services but also what is outside the selection: ${listed(t.alsoOwns)}. Deleting it would delete those too: set delete-stack: false to remove only the services, or take those resources out of the stack.`
  }
  const importerRefusal = (t.importers ?? []).map(importRefusal).find(r => r !== undefined)
  if (importerRefusal) return importerRefusal
  if (t.otherMatches.length > 0) {
    return `Several stacks could have built this cluster (${[t.name, ...t.otherMatches].join(', ')}), and none is the single owner of it: set stack-name to the one to delete.`
  }
  if (t.terminationProtection) {
    // Turning protection off is the owner's decision; this action never does it.
    return `Stack ${t.name} has termination protection enabled, so CloudFormation would refuse to delete it, and this action never turns it off. If the stack should go, turn it off yourself (aws cloudformation update-termination-protection --no-enable-termination-protection --stack-name ${t.name}) and run again, or set delete-stack: false.`
  }
  if (CANNOT_DELETE_WHILE.has(t.status)) {
    const how =
      t.status === 'UPDATE_IN_PROGRESS'
        ? `wait until the update ends (or cancel it: aws cloudformation cancel-update-stack --stack-name ${t.name})`
        : 'wait until that operation ends'
    return `Stack ${t.name} is ${t.status}, and CloudFormation cannot start a deletion until it ends: ${how}, then run again.`
  }
  return undefined
}

/**
 * Why a stack that imports the stack to delete cannot go first: CloudFormation would then refuse
 * the deletion ("Export X cannot be deleted as it is in use by Y"), after the services are drained.
 */
function importRefusal(i: ImportingStack): string | undefined {
  const what = `Stack ${i.name} imports ${i.imports.join(', ')} from ${i.from.join(', ')}, so it has to be deleted first`
  const instead = `delete or change ${i.name} yourself and run again, or set delete-stack: false`
  if (i.alsoOwns && i.alsoOwns.length > 0) {
    return `${what}, but it also owns what is not part of this environment: ${listed(i.alsoOwns)}. Deleting it would delete those too: ${instead}.`
  }
  if (i.cannotKnow) {
    return `${what}, but whether another cluster uses what it owns (${listed(i.usedElsewhere?.map(r => `${r.id} (${r.type})`) ?? [])}) cannot be known: ${i.cannotKnow}. Deleting it could delete what another cluster uses: ${instead}.`
  }
  if (i.parent)
    return `${what}, but it is nested in stack ${i.parent}, which alone can delete it: ${instead}.`
  if (i.terminationProtection)
    return `${what}, but it has termination protection enabled, and this action never turns it off: ${instead}.`
  if (CANNOT_DELETE_WHILE.has(i.status))
    return `${what}, but it is ${i.status}, and CloudFormation cannot start a deletion until that ends: wait, then run again.`
  return undefined
}

function listed(items: string[]): string {
  return items.slice(0, 10).join(', ') + (items.length > 10 ? ` and ${items.length - 10} more` : '')
}

/** The report entry for what was found, before any deletion. */
export function stackReport(lookup: StackLookup): StackReport {
  if (!isStackTarget(lookup)) {
    return {
      name: lookup.requested ?? '',
      searched: lookup.searched,
      status: lookup.alreadyDeleted ? 'DELETE_COMPLETE' : 'NOT_FOUND',
      ownsCluster: false,
      deleted: false,
      failedResources: []
    }
  }
  return {
    name: lookup.name,
    id: lookup.id,
    foundBy: lookup.foundBy,
    status: lookup.status,
    ownsCluster: lookup.ownsCluster,
    deleted: false,
    failedResources: [],
    ...(lookup.importers
      ? { importers: lookup.importers.map(i => ({ ...stackReport(i), imports: i.imports, from: i.from })) }
      : {})
  }
}
