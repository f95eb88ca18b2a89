/**
 * Escaping text for HTML: every page this package makes puts error messages, paths and
 * environ values (all attacker-influenced) into markup, and only through `escapeHtml`.
 * @see https://html.spec.whatwg.org/multipage/parsing.html#escapingString
 * @module
 */

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** `text` safe to place in HTML content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]!);
}
