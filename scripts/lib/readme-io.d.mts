// Types for readme-io.mjs, which stays plain JavaScript so that `node scripts/readme-io.mjs` needs no build.

export interface ActionInput {
  name: string
  /** The description on one line. */
  description: string
  required: boolean
  /** action.yml's `default:`, '' when absent or empty. */
  default: string
}

export interface ActionOutput {
  name: string
  description: string
}

export declare const MARKERS: Record<'inputs' | 'outputs', [start: string, end: string]>

export declare function readActionMetadata(actionYml: string): { inputs: ActionInput[]; outputs: ActionOutput[] }

export declare function defaultSentence(description: string): { sentence: string; value: string } | undefined

export declare function inputRow(
  input: ActionInput,
  inputNames?: string[]
): { name: string; default: string; description: string }

export declare function renderInputsTable(actionYml: string): Promise<string>

export declare function renderOutputsTable(actionYml: string): Promise<string>

export declare function readSection(readme: string, which: 'inputs' | 'outputs'): string | undefined

export declare function replaceSection(readme: string, which: 'inputs' | 'outputs', content: string): string
