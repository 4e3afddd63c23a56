import { CHECKPOINT_FORMAT, type Checkpoint, checkpointSchema, checkpointSigningInput } from '../domain/audit/checkpoint.js';
import type { CheckpointSigner } from '../ports/checkpoint-signer.js';
import { type VerifyDeps, type VerifyReport, verifyEventLog } from './verify-log.js';

/**
 * Verifies the whole log and, only if it is intact, signs where it stands: a checkpoint never
 * vouches for a log that already fails `verify` (ADR 0019).
 */
export const takeCheckpoint = async (
  deps: VerifyDeps & { readonly signer: CheckpointSigner; readonly now: () => Date },
  onProgress?: (checked: number) => void,
): Promise<{ ok: true; checkpoint: Checkpoint } | { ok: false; report: VerifyReport }> => {
  const report = await verifyEventLog(deps, onProgress);
  if (report.problems.length > 0) return { ok: false, report };
  const unsigned = {
    format: CHECKPOINT_FORMAT,
    position: report.lastPosition,
    events: report.checked,
    head: report.head,
    taken_at: deps.now().toISOString(),
  } as const;
  return { ok: true, checkpoint: { ...unsigned, signature: deps.signer.sign(checkpointSigningInput(unsigned)) } };
};

/** A checkpoint read back: its fields and a valid signature under this key, or why not. */
export const readCheckpoint = (text: string, signer: CheckpointSigner): { ok: true; checkpoint: Checkpoint } | { ok: false; reason: string } => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'the checkpoint is not JSON' };
  }
  const parsed = checkpointSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { ok: false, reason: `the checkpoint is malformed: ${issue.path.join('.') || 'value'}: ${issue.message}` };
  }
  if (!signer.verify(checkpointSigningInput(parsed.data), parsed.data.signature)) {
    return { ok: false, reason: 'the checkpoint signature does not match: it was edited, or signed with another HOOKLEDGER_CHECKPOINT_KEY' };
  }
  return { ok: true, checkpoint: parsed.data };
};
