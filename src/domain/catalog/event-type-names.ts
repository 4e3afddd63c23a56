/**
 * The naming rule of each catalog style (ADR 0020), so a name can be matched by the
 * style's prefix wildcards (`cluster.*`, `FACT_SHEET_*`): lower-case words joined by
 * dots, or upper-case words joined by underscores; 2 to 8 words, at most 128 characters.
 */
const RULES: Record<string, { readonly pattern: RegExp; readonly text: string }> = {
  '.': { pattern: /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*){1,7}$/, text: "lower-case words joined by '.', such as 'invoice.paid'" },
  _: { pattern: /^[A-Z][A-Z0-9]*(_[A-Z0-9]+){1,7}$/, text: "upper-case words joined by '_', such as 'INVOICE_PAID'" },
};

/** Characters an event type name may have. */
export const EVENT_TYPE_NAME_MAX = 128;
/** Names Hookledger sends itself (`webhook.test`) and so keeps out of every catalog. */
const RESERVED_PREFIXES = ['webhook.', 'WEBHOOK_'];

/** Why `name` breaks the naming rule of a catalog with this separator, or undefined when it follows it. */
export const eventTypeNameProblem = (separator: string, name: string): string | undefined => {
  const rule = RULES[separator];
  if (!rule) return `no naming rule for separator '${separator}'`;
  if (name.length > EVENT_TYPE_NAME_MAX) return `has more than ${EVENT_TYPE_NAME_MAX} characters`;
  if (!rule.pattern.test(name)) return `must be ${rule.text}`;
  if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) return `'${name}' is reserved for Hookledger's own events`;
  return undefined;
};
