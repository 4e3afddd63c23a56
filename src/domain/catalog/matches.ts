import type { EventCatalog } from './catalog.js';

/** `*` subscribes to every event of the organization, including ones added to the catalog later. */
export const ALL_EVENTS = '*';

const isPrefixWildcard = (pattern: string): boolean => pattern.length > 1 && pattern.endsWith('*');

/** Does one subscription pattern (`*`, `cluster.*`, or an exact name) select `eventType`? */
export const patternMatches = (pattern: string, eventType: string): boolean => {
  if (pattern === ALL_EVENTS) return true;
  if (isPrefixWildcard(pattern)) return eventType.startsWith(pattern.slice(0, -1));
  return pattern === eventType;
};

/** Would a webhook subscribed to `subscription` receive an event of `eventType`? */
export const matches = (subscription: readonly string[], eventType: string): boolean => subscription.some((pattern) => patternMatches(pattern, eventType));

export type PatternProblem =
  | { readonly kind: 'unknown'; readonly pattern: string }
  | { readonly kind: 'bad-wildcard'; readonly pattern: string }
  | { readonly kind: 'no-match'; readonly pattern: string }
  | { readonly kind: 'archived'; readonly pattern: string };

/**
 * Checks one pattern against the catalog: an exact name must be in it; a
 * wildcard must be `<prefix><separator>*` and select at least one name. Archived types
 * cannot be newly subscribed to: an exact one is refused, a wildcard must select another.
 */
export const checkPattern = (catalog: EventCatalog, pattern: string): PatternProblem | undefined => {
  if (pattern === ALL_EVENTS) return undefined;
  if (pattern.includes('*')) {
    const prefix = pattern.slice(0, -1);
    if (!isPrefixWildcard(pattern) || prefix.includes('*') || !prefix.endsWith(catalog.separator) || prefix.length < 2) {
      return { kind: 'bad-wildcard', pattern };
    }
    return catalog.eventTypes.some((t) => !t.archived && t.name.startsWith(prefix)) ? undefined : { kind: 'no-match', pattern };
  }
  const found = catalog.eventTypes.find((t) => t.name === pattern);
  return found === undefined ? { kind: 'unknown', pattern } : found.archived ? { kind: 'archived', pattern } : undefined;
};

/** The first other pattern that already selects everything `pattern` selects, if any. */
export const coveredBy = (patterns: readonly string[], pattern: string): string | undefined =>
  patterns.find((other) => {
    if (other === pattern || !(other === ALL_EVENTS || isPrefixWildcard(other))) return false;
    // A wildcard covers an exact name it matches, or a narrower wildcard.
    return patternMatches(other, isPrefixWildcard(pattern) ? pattern.slice(0, -1) : pattern);
  });
