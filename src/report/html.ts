/** The summary's HTML pieces, shared by the summary and the kinds' own parts of it (src/kinds/). */

/** Every string that came from AWS or the user goes through here before it reaches the summary. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;')
    .replace(/\|/g, '&#124;')
    .replace(/`/g, '&#96;')
}

export const code = (text: string): string => `<code>${escapeHtml(text)}</code>`
export const link = (href: string, text: string): string => `<a href="${escapeHtml(href)}">${text}</a>`
