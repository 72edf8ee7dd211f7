import { sdk } from '../aws/sdk.js'
import type { Stack } from '@aws-sdk/client-cloudformation'
import { callAws } from '../aws/call.js'
import { errorMessage, isAwsError } from '../util/errors.js'
import { paginate } from '../util/paginate.js'
import { describeStack, type StackContext } from './describe.js'

/**
 * Stacks that import what another stack exports. CloudFormation will not delete a stack while a live
 * stack imports one of its exports ("After another stack imports an output value, you can't delete
 * the stack that is exporting the output value": the Fn::ImportValue reference), so the importers
 * are found during the inventory and deleted first, or the deletion is refused before anything is
 * touched. Read only.
 */

/** One stack that imports an export of the stack to delete (or of another importer). */
export interface Importer {
  stack: Stack
  /** The export names it imports from the stacks of the environment. */
  imports: string[]
  /** The stacks whose exports it imports (names). */
  from: string[]
}

/** A stack's export names: its Outputs with an ExportName (read by DescribeStacks, no further call). */
export function exportNames(stack: Stack): string[] {
  return (stack.Outputs ?? []).map(o => o.ExportName).filter((n): n is string => Boolean(n))
}

/**
 * ListImports for one export, every page: the names of the stacks that import it. CloudFormation
 * answers ValidationError "Export 'X' is not imported by any stack." when none does (the AWS CLI's
 * own output; moto does not model ListImports).
 */
export async function listImports(ctx: StackContext, exportName: string): Promise<string[]> {
  try {
    return await paginate(async nextToken => {
      const out = await callAws(
        ctx,
        ctx.cloudformation,
        new (await sdk.cloudformation()).ListImportsCommand({ ExportName: exportName, NextToken: nextToken })
      )
      return { items: out.Imports ?? [], nextToken: out.NextToken }
    })
  } catch (error) {
    if (isAwsError(error, 'ValidationError') && /is not imported by any stack/i.test(errorMessage(error)))
      return []
    throw error
  }
}

/**
 * Every live stack that imports an export of `root`, and those that import theirs in turn, each
 * once: one ListImports per export, one DescribeStacks per importer. Returned in deletion order (a
 * stack before every stack whose export it imports).
 */
export async function findImporters(
  ctx: StackContext,
  root: { name: string; exports: string[] }
): Promise<Importer[]> {
  const found = new Map<string, Importer>()
  const queue = [root]
  for (let exporter = queue.shift(); exporter; exporter = queue.shift()) {
    for (const exportName of exporter.exports) {
      for (const name of await listImports(ctx, exportName)) {
        if (name === root.name) continue
        const known = found.get(name)
        if (known) {
          if (!known.imports.includes(exportName)) known.imports.push(exportName)
          if (!known.from.includes(exporter.name)) known.from.push(exporter.name)
          continue
        }
        const stack = await describeStack(ctx, name)
        if (!stack || stack.StackStatus === 'DELETE_COMPLETE') continue
        found.set(name, { stack, imports: [exportName], from: [exporter.name] })
        queue.push({ name, exports: exportNames(stack) })
      }
    }
  }
  return deletionWaves([...found.entries()].map(([name, i]) => ({ ...i, name }))).flat()
}

/** Groups of importers that can be deleted together, in order: none imports from a later group's stack. */
export function deletionWaves<T extends { name: string; from: string[] }>(importers: readonly T[]): T[][] {
  const waves: T[][] = []
  let left = [...importers]
  while (left.length > 0) {
    // A stack can go once no stack still left imports from it. Imports cannot form a circle (a
    // stack cannot import what is not yet exported); were one there, the rest would go together.
    const wave = left.filter(i => !left.some(other => other.from.includes(i.name)))
    const next = wave.length > 0 ? wave : left
    waves.push(next)
    left = left.filter(i => !next.includes(i))
  }
  return waves
}

/**
 * The plan's steps for the importers of `stack`, one per wave, before the stack's own step: the
 * dry run and the run list the same stacks in the same order.
 */
export function importerSteps(stack: {
  importers?: readonly { name: string; imports: string[]; from: string[] }[]
}): { phase: string; description: string; resources: string[] }[] {
  return deletionWaves(stack.importers ?? []).map(wave => ({
    phase: 'delete-stack',
    description: `Delete ${wave.length === 1 ? 'stack' : 'stacks'} ${wave
      .map(i => `${i.name} (imports ${i.imports.join(', ')} from ${i.from.join(', ')})`)
      .join(
        ', '
      )}, which own nothing but what goes with the services, so that CloudFormation can delete what they import from; wait until DELETE_COMPLETE`,
    resources: wave.map(i => i.name)
  }))
}
