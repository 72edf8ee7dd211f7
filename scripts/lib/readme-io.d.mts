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

export type SectionName = 'inputs' | 'outputs' | 'summary-example' | 'bench'

export declare const MARKERS: Record<SectionName, [start: string, end: string]>

export declare function readActionMetadata(actionYml: string): { inputs: ActionInput[]; outputs: ActionOutput[] }

export declare function defaultSentence(description: string): { sentence: string; value: string } | undefined

export declare function inputRow(
  input: ActionInput,
  inputNames?: string[]
): { name: string; default: string; description: string }

export declare function renderInputsTable(actionYml: string): Promise<string>

export declare function renderOutputsTable(actionYml: string): Promise<string>

export declare function readSection(text: string, which: SectionName): string | undefined

export declare function replaceSection(text: string, which: SectionName, content: string): string

export declare const SUMMARY_EXCERPT_END: string

export declare function renderSummaryExcerpt(summaryExample: string): Promise<string>

export declare function renderBench(benchResults: string): Promise<string>

export interface GeneratedSection {
  /** Relative to the repository root. */
  file: string
  which: SectionName
  content: string
}

export declare function generatedSections(read: (path: string) => string): Promise<GeneratedSection[]>
