import { readFileSync } from 'node:fs';
import { readCheckpoint, takeCheckpoint } from '../../application/checkpoint.js';
import { type VerifyReport, verifyEventLog } from '../../application/verify-log.js';
import type { Checkpoint } from '../../domain/audit/checkpoint.js';
import type { CheckpointSigner } from '../../ports/checkpoint-signer.js';
import type { Digest } from '../../ports/digest.js';
import type { EventLogColumns } from '../../ports/event-log-columns.js';
import type { EventStore } from '../../ports/event-store.js';
import { type Io, type ProgressTarget, printJson } from './cli-kit.js';

/** What `verify` and `checkpoint` need (ADR 0008, ADR 0019). */
export interface IntegrityDeps {
  readonly eventStore: EventStore;
  readonly digest: Digest;
  /** The columns the store copies hashed metadata into (SQLite, PostgreSQL), checked against it. */
  readonly columns?: EventLogColumns | undefined;
  /** The key of HOOKLEDGER_CHECKPOINT_KEY; called only by the commands that sign or check (it throws on a bad key). */
  readonly checkpointSigner?: (() => CheckpointSigner) | undefined;
  readonly now?: (() => Date) | undefined;
}

export interface IntegrityOptions {
  /** One JSON document on stdout instead of lines. */
  readonly json?: boolean | undefined;
  /** Where progress is drawn, and only when it is a terminal (default stderr). */
  readonly progress?: ProgressTarget | undefined;
}

export interface VerifyOptions extends IntegrityOptions {
  /** A checkpoint as JSON text, or the path of a file holding it. */
  readonly checkpoint?: string | undefined;
}

const NO_KEY = 'error: set HOOKLEDGER_CHECKPOINT_KEY (at least 32 bytes, kept outside the database) to sign or check checkpoints';

const progress = (target: ProgressTarget = process.stderr) => {
  const tty = target.isTTY === true;
  return {
    onProgress: tty ? (checked: number) => void target.write(`\rverifying: ${checked} events`) : undefined,
    done: () => void (tty && target.write('\n')),
  };
};

const printProblems = (report: VerifyReport, out: Io['out']) => {
  for (const p of report.problems) out(`TAMPERED position ${p.position} (${p.streamId} revision ${p.revision}, event ${p.eventId}): ${p.problem}`);
};

/** What `--json` prints for a verification: `ok` is true exactly when the exit code is 0. */
const reportJson = (report: VerifyReport, ok: boolean, checkpoint?: Checkpoint) => ({
  ok,
  checked: report.checked,
  head: report.head,
  last_position: report.lastPosition,
  problems: report.problems.map((p) => ({ position: p.position, stream: p.streamId, revision: p.revision, event_id: p.eventId, problem: p.problem })),
  ...(report.checkpoint && checkpoint
    ? { checkpoint: { ...report.checkpoint, taken_at: checkpoint.taken_at, position: checkpoint.position, events: checkpoint.events } }
    : {}),
});

/** A checkpoint given as JSON text, or the path of a file holding it. */
const checkpointText = (value: string): string => (value.trimStart().startsWith('{') ? value : readFileSync(value, 'utf8'));

/** `hookledger verify [--checkpoint <file|json>]`: 0 when intact (and consistent with the checkpoint), 1 when not, 2 when it cannot check. */
export const runVerify = async (deps: IntegrityDeps, options: VerifyOptions, io: Io): Promise<number> => {
  const { out, err } = io;
  let checkpoint: Checkpoint | undefined;
  if (options.checkpoint !== undefined) {
    if (!deps.checkpointSigner) {
      err(NO_KEY);
      return 2;
    }
    let text: string;
    try {
      text = checkpointText(options.checkpoint);
    } catch (error) {
      err(`error: cannot read the checkpoint: ${(error as Error).message}`);
      return 2;
    }
    const read = readCheckpoint(text, deps.checkpointSigner());
    if (!read.ok) {
      if (options.json) printJson(io, { ok: false, checkpoint: { kind: 'rejected', detail: read.reason } });
      else out(`CHECKPOINT REJECTED: ${read.reason}`);
      return 1;
    }
    checkpoint = read.checkpoint;
  }
  const { onProgress, done } = progress(options.progress);
  const report = await verifyEventLog(deps, onProgress, checkpoint);
  done();
  const finding = report.checkpoint;
  const ok = report.problems.length === 0 && (finding === undefined || finding.kind === 'consistent');
  if (options.json) {
    printJson(io, reportJson(report, ok, checkpoint));
    return ok ? 0 : 1;
  }
  printProblems(report, out);
  if (finding && finding.kind !== 'consistent') out(`${finding.kind === 'cut-tail' ? 'CUT TAIL' : 'REWRITTEN PAST'} since the checkpoint: ${finding.detail}`);
  if (finding?.kind === 'consistent')
    out(`consistent with the checkpoint of ${checkpoint!.taken_at} (position ${checkpoint!.position}, ${checkpoint!.events} events)`);
  out(`${report.checked} events checked; ${report.problems.length === 0 ? 'the log is intact' : `${report.problems.length} problem(s)`}; head ${report.head}`);
  return ok ? 0 : 1;
};

/** `hookledger checkpoint`: verifies the log and prints a signed checkpoint of where it stands (one JSON line, with or without --json). */
export const runCheckpoint = async (deps: IntegrityDeps, options: IntegrityOptions, io: Io): Promise<number> => {
  if (!deps.checkpointSigner) {
    io.err(NO_KEY);
    return 2;
  }
  const signer = deps.checkpointSigner();
  const { onProgress, done } = progress(options.progress);
  const taken = await takeCheckpoint({ ...deps, signer, now: deps.now ?? (() => new Date()) }, onProgress);
  done();
  if (!taken.ok) {
    if (options.json) printJson(io, reportJson(taken.report, false));
    else printProblems(taken.report, io.out);
    io.err(`error: the log fails verify (${taken.report.problems.length} problem(s)): no checkpoint taken`);
    return 1;
  }
  printJson(io, taken.checkpoint);
  return 0;
};
