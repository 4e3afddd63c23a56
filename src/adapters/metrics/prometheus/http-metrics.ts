/** Seconds: an API answer from memory takes well under a millisecond; a slow store, seconds. */
const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

interface Series {
  readonly labels: { readonly method: string; readonly route: string; readonly status: string };
  /** Per bucket, not cumulative (cumulated when rendered); the last counts values above every bound. */
  readonly counts: Float64Array;
  sum: number;
  count: number;
}

/** Series kept at most: routes × methods × statuses is small, but a bug must not grow it without bound. */
const MAX_SERIES = 2000;

/**
 * `hookledger_http_request_duration_seconds`: the HTTP request duration histogram by method,
 * route template (`/v1/organizations/webhooks/{webhook_id}`, never the raw path) and status
 * (ADR 0022). Observing costs one map lookup and one bucket increment: prom-client's own
 * Histogram hashes and validates its label object on every call, which the GET route would
 * feel. Registered in a prom-client Registry as a custom metric (`registerMetric`), it is
 * rendered like the others.
 */
export class HttpRequestDurations {
  readonly name = 'hookledger_http_request_duration_seconds';
  readonly help = 'Duration of HTTP requests, from the first middleware to the response, by method, route template and status.';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly series: Series[] = [];
  /** Route → method → status → series: lookups without building a key string per request. */
  private readonly byRoute = new Map<string, Map<string, Map<number, Series>>>();

  observe(method: string, route: string, status: number, seconds: number): void {
    if (!(seconds >= 0)) return;
    let byMethod = this.byRoute.get(route);
    if (byMethod === undefined) this.byRoute.set(route, (byMethod = new Map()));
    let byStatus = byMethod.get(method);
    if (byStatus === undefined) byMethod.set(method, (byStatus = new Map()));
    let series = byStatus.get(status);
    if (series === undefined) {
      if (this.series.length >= MAX_SERIES) return;
      series = { labels: { method, route, status: String(status) }, counts: new Float64Array(BUCKETS.length + 1), sum: 0, count: 0 };
      byStatus.set(status, series);
      this.series.push(series);
    }
    let i = 0;
    while (i < BUCKETS.length && seconds > BUCKETS[i]!) i++;
    series.counts[i]! += 1;
    series.sum += seconds;
    series.count += 1;
  }

  /** prom-client's metric shape: cumulative buckets with `le`, then sum and count, per series. */
  get() {
    const values: { labels: Record<string, string | number>; value: number; metricName: string }[] = [];
    for (const { labels, counts, sum, count } of this.series) {
      let cumulative = 0;
      for (let i = 0; i < BUCKETS.length; i++) {
        cumulative += counts[i]!;
        values.push({ labels: { ...labels, le: BUCKETS[i]! }, value: cumulative, metricName: `${this.name}_bucket` });
      }
      values.push({ labels: { ...labels, le: '+Inf' }, value: count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
}
