/** One caller's outcome within a batch. */
export type Settled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: unknown };

export interface GroupCommitOptions {
  /** Most calls written by one batch; the rest go in the next. */
  readonly maxBatch?: number;
  /** Batches being written at once (SQLite writes synchronously, so 1 there); calls made meanwhile wait for the next. */
  readonly maxInFlight?: number;
}

interface Waiting<I, O> {
  readonly input: I;
  readonly resolve: (value: O) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit: the calls made in the same turn of the event loop (and those made while a
 * batch is being written) are written together by `write`, in one transaction and so with
 * one fsync, and each caller gets its own outcome. `write` returns one `Settled` per input, in
 * order; if it throws, its transaction wrote nothing and every caller of the batch is
 * rejected with that error. A caller is answered only after its batch committed, so an
 * answer still means "durable".
 */
export class GroupCommit<I, O> {
  private waiting: Waiting<I, O>[] = [];
  private scheduled = false;
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly write: (batch: readonly I[]) => readonly Settled<O>[] | Promise<readonly Settled<O>[]>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 1;
  }

  submit(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      this.schedule();
    });
  }

  // setImmediate runs after the I/O callbacks of this loop turn: every request read in it joins the batch.
  private schedule(): void {
    if (this.scheduled || this.waiting.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      while (this.waiting.length > 0 && this.inFlight < this.maxInFlight) void this.run(this.waiting.splice(0, this.maxBatch));
    });
  }

  private async run(batch: readonly Waiting<I, O>[]): Promise<void> {
    this.inFlight++;
    try {
      const settled = await this.write(batch.map((w) => w.input));
      batch.forEach((w, i) => {
        const s = settled[i];
        if (s === undefined) w.reject(new Error('group commit: no outcome for this call'));
        else if (s.ok) w.resolve(s.value);
        else w.reject(s.error);
      });
    } catch (error) {
      for (const w of batch) w.reject(error);
    } finally {
      this.inFlight--;
      this.schedule();
    }
  }
}

/** Runs `work` for one caller of a batch, turning a throw into that caller's failure. */
export const settle = <T>(work: () => T): Settled<T> => {
  try {
    return { ok: true, value: work() };
  } catch (error) {
    return { ok: false, error };
  }
};

/**
 * Writes a batch with `writeAll` (atomic: all or nothing); if that throws, writes each call
 * alone, at once, so only a call whose own rows fail is rejected (and every call is when the
 * store itself fails).
 */
export const allOrEachAlone = async <I, O>(batch: readonly I[], writeAll: (inputs: readonly I[]) => Promise<readonly O[]>): Promise<Settled<O>[]> => {
  try {
    return (await writeAll(batch)).map((value) => ({ ok: true, value }));
  } catch (error) {
    if (batch.length === 1) return [{ ok: false, error }];
    return Promise.all(
      batch.map((input) =>
        writeAll([input]).then(
          ([value]): Settled<O> => ({ ok: true, value: value! }),
          (e: unknown): Settled<O> => ({ ok: false, error: e }),
        ),
      ),
    );
  }
};
