/**
 * The event log keeps copies of hashed metadata in columns of their own, which queries filter
 * on (`as_of` reads the time, tenancy the organization). A copy is not hashed itself, so
 * `verify` checks it against the hashed metadata it was copied from (ADR 0019).
 */

/** What a store's columns say about one event, beside its hashed content. */
export interface ColumnCopies {
  readonly position: number;
  readonly organizationId: string;
  readonly recordedAt: string;
}

/** The hashed metadata those columns copy. */
export interface CopiedMetadata {
  readonly organizationId: string;
  readonly recordedAt: string;
}

/** One line per column that no longer says what the hashed metadata says. */
export const columnCopyProblems = (hashed: CopiedMetadata, columns: ColumnCopies): string[] => {
  const problems: string[] = [];
  if (columns.organizationId !== hashed.organizationId) {
    problems.push(`its organization_id column was changed to '${columns.organizationId}' (the hashed metadata says '${hashed.organizationId}')`);
  }
  if (columns.recordedAt !== hashed.recordedAt) {
    problems.push(`its recorded_at column was changed to '${columns.recordedAt}' (the hashed metadata says '${hashed.recordedAt}')`);
  }
  return problems;
};
