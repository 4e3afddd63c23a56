/** What the bench process asks of the load process (over IPC), and what it gets back. */
export interface LoadJob {
  readonly id: number;
  /** `burst`: `total` requests with `concurrency` in flight; `rate`: one every 1000/rate ms from `startAt`, whatever the answers. */
  readonly mode: 'burst' | 'rate';
  readonly client: 'http' | 'fetch';
  /** POST URLs; a burst loop or a scheduled request picks one by its index. */
  readonly targets: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
  /** Tag carried in each event's data beside its sequence number, so the receiver can tell runs apart. */
  readonly run: string;
  readonly total: number;
  /** Burst: requests in flight (and keep-alive connections). Rate: connections at most. */
  readonly concurrency: number;
  readonly rate?: number;
  /** Rate: planned send time of sequence 0 (clockMs). */
  readonly startAt?: number;
}

export interface LoadReport {
  readonly id: number;
  /** Per sequence: planned send time (rate) or the time the request was issued (burst), clockMs. */
  readonly sentAt: number[];
  /** Per sequence: when the answer arrived, clockMs (NaN when none did). */
  readonly answeredAt: number[];
  /** Per sequence: the HTTP status, 0 for a network error. */
  readonly status: number[];
  /** Rate: how late the generator issued each request after its planned time, ms. */
  readonly lateMs: number[];
  readonly firstError?: string;
}

/** The body of event `seq` of `run`, as published and as POSTed straight to the receiver. */
export const eventBody = (run: string, seq: number): string =>
  JSON.stringify({ event_type: 'object.created', data: { run, seq, id: `obj_${seq}`, size: seq } });
