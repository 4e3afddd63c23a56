/** One problem with one field, addressed by its path in the request body. */
export interface ErrorDetail {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** Failures a caller can act on; infrastructure failures are thrown instead. */
export type DomainError =
  | { readonly type: 'ValidationFailed'; readonly message: string; readonly details: readonly ErrorDetail[] }
  | { readonly type: 'WebhookNotFound'; readonly message: string }
  | { readonly type: 'WebhookAlreadyExists'; readonly message: string };

/** A `ValidationError` domain error with the failing paths and messages. */
export const validationFailed = (details: readonly ErrorDetail[]): DomainError => ({
  type: 'ValidationFailed',
  message: details.length === 1 ? `${formatPath(details[0]!.path)}: ${details[0]!.message}` : `${details.length} problems in the request`,
  details,
});

export const notFound = (webhookId?: string): DomainError => ({
  type: 'WebhookNotFound',
  message: webhookId ? `webhook ${webhookId} not found` : 'webhook not found',
});

/** A validation path as the API shows it, e.g. `channels[0].configs.url`. */
export const formatPath = (path: readonly (string | number)[]): string =>
  path.length === 0
    ? '(body)'
    : path
        .map((p) => (typeof p === 'number' ? `[${p}]` : p))
        .join('.')
        .replace(/\.\[/g, '[');

/** zod issues (any version-compatible shape) as details. */
export const detailsFromIssues = (
  issues: readonly { readonly path: readonly PropertyKey[]; readonly message: string }[],
  prefix: readonly (string | number)[] = [],
): ErrorDetail[] =>
  issues.map((issue) => ({
    path: [...prefix, ...issue.path.map((p) => (typeof p === 'number' ? p : String(p)))],
    message: issue.message,
  }));
