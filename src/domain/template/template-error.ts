/**
 * Why a template cannot be rendered. `syntax` and `too-deep` come from parsing;
 * `too-large`, `too-much-work` and `unreadable-data` from rendering; `not-json`
 * from a field whose output must be JSON (payload, Slack blocks).
 */
export type TemplateErrorKind = 'syntax' | 'too-deep' | 'too-large' | 'too-much-work' | 'unreadable-data' | 'not-json';

/** Where in the template source a problem is (1-based line and column, 0-based offset). */
export interface TemplatePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** A template that cannot be parsed or rendered, with a message a tenant can act on. */
export interface TemplateError {
  readonly kind: TemplateErrorKind;
  readonly message: string;
  readonly position?: TemplatePosition | undefined;
}

/** The line and column of `offset` in `source`. */
export const positionOf = (source: string, offset: number): TemplatePosition => {
  let line = 1;
  let lineStart = 0;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { offset, line, column: offset - lineStart + 1 };
};

/** An error located in the source: the message starts with `line L, column C:`. */
export const errorAt = (kind: TemplateErrorKind, source: string, offset: number, what: string): TemplateError => {
  const position = positionOf(source, offset);
  return { kind, message: `line ${position.line}, column ${position.column}: ${what}`, position };
};

/** `1,000,000`: counts as people read them, the same in every locale. */
export const formatCount = (n: number): string => String(n).replace(/\B(?=(\d{3})+$)/g, ',');

/** `1 MiB`, `256 KiB` or `40,000 characters`: limits as people read them. */
export const formatLimit = (characters: number): string => {
  if (characters >= 1024 * 1024 && characters % (1024 * 1024) === 0) return `${characters / (1024 * 1024)} MiB`;
  if (characters >= 1024 && characters % 1024 === 0) return `${characters / 1024} KiB`;
  return `${formatCount(characters)} characters`;
};
