/** A stream the writer hands text to: process.stdout, or a stand-in in tests. */
export interface LineSink {
  write(text: string): unknown;
  /** Bytes handed over but not yet taken by the reader (Node's Writable#writableLength). */
  readonly writableLength: number;
  on(event: 'error', listener: (error: Error) => void): unknown;
  once(event: 'drain', listener: () => void): unknown;
  removeListener(event: 'drain', listener: () => void): unknown;
}

/**
 * pino's destination for the service's log (ADR 0016): lines go to the sink
 * once per turn of the event loop (one write for all lines of that turn), and
 * what the reader has not taken yet is bounded. A line that does not fit is
 * dropped and counted, never queued: a log reader that stops reading (a full
 * pipe) costs memory up to the bound and nothing else. A sink that fails
 * (EPIPE: the reader went away) drops everything after, also counted.
 */
export class BoundedLogWriter {
  private pending: string[] = [];
  private pendingLength = 0;
  private scheduled = false;
  private broken = false;
  private droppedLines = 0;

  constructor(
    private readonly sink: LineSink,
    /** Most bytes (UTF-16 units, for lines not yet handed over) waiting for the reader. */
    private readonly maxBufferBytes: number,
  ) {
    sink.on('error', () => {
      this.broken = true;
      this.droppedLines += this.pending.length;
      this.pending = [];
      this.pendingLength = 0;
    });
  }

  /** Called by pino with one serialised line. Never throws, never blocks. */
  write(line: string): boolean {
    if (this.broken || this.pendingLength + this.sink.writableLength + line.length > this.maxBufferBytes) {
      this.droppedLines += 1;
      return true;
    }
    this.pending.push(line);
    this.pendingLength += line.length;
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.handOver);
    }
    return true;
  }

  /** Lines dropped so far (for the `hookledger_log_lines_dropped_total` metric). */
  dropped(): number {
    return this.droppedLines;
  }

  /** Hands over what is pending and waits until the reader took it, at most `deadlineMs`; true when it did. Never throws. */
  flush(deadlineMs: number): Promise<boolean> {
    this.handOver();
    if (this.broken || this.sink.writableLength === 0) return Promise.resolve(!this.broken);
    return new Promise((done) => {
      const drained = () => {
        clearTimeout(timer);
        done(true);
      };
      const timer = setTimeout(() => {
        this.sink.removeListener('drain', drained);
        done(false);
      }, deadlineMs);
      timer.unref();
      this.sink.once('drain', drained);
    });
  }

  private readonly handOver = (): void => {
    this.scheduled = false;
    if (this.pending.length === 0 || this.broken) return;
    const lines = this.pending.length;
    const text = lines === 1 ? this.pending[0]! : this.pending.join('');
    this.pending = [];
    this.pendingLength = 0;
    try {
      this.sink.write(text);
    } catch {
      // A sink that throws (closed under us) counts like one that errors.
      this.broken = true;
      this.droppedLines += lines;
    }
  };
}
