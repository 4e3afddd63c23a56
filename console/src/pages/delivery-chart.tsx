import { type Attempt, type AttemptPage, webhooks } from '../api.js';
import { hourlySeries, meanLatency } from '../chart-buckets.js';
import { useLoad } from './shared.js';

/** Up to `max` attempts matching `query`, newest first, page by page (pages hold at most 100). */
const attemptsUpTo = async (webhookId: string, query: Record<string, string>, max: number): Promise<Attempt[]> => {
  const out: Attempt[] = [];
  for (let cursor: string | null = null; ;) {
    const page: AttemptPage = await webhooks.attempts(webhookId, { ...query, limit: '100', ...(cursor ? { cursor } : {}) });
    out.push(...page.results);
    cursor = page.pagination.next_cursor;
    if (!cursor || out.length >= max) return out;
  }
};

/** Success rate and mean latency per channel over the last 24 h (its latest 1,000 attempts), by hour, from the attempt log. */
export const Chart = ({ webhookId, round }: { webhookId: string; round: number }) => {
  const data = useLoad(() => attemptsUpTo(webhookId, { since: new Date(Date.now() - 24 * 3600 * 1000).toISOString() }, 1000), [webhookId, round]);
  if (!data.value || data.value.length === 0) return null;
  return (
    <figure>
      {hourlySeries(data.value, Date.now()).map(({ channel, hours, total, ok, latency, maxLatency, max }) => (
        <div key={channel}>
          <svg
            class="chart"
            viewBox="0 0 240 40"
            width="100%"
            height="60"
            role="img"
            aria-label={`${channel}: ${Math.round((100 * ok) / total)}% of ${total} attempts succeeded in the last 24 hours, mean latency ${Math.round(latency)} ms`}
          >
            {hours.map((h, i) => {
              const okH = (36 * h.ok) / max;
              const badH = (36 * h.bad) / max;
              return (
                <g key={i}>
                  <title>{`${24 - i} h ago: ${h.ok} succeeded, ${h.bad} failed, mean ${Math.round(meanLatency(h))} ms`}</title>
                  <rect class="ok" x={i * 10 + 1} y={40 - okH} width="8" height={okH} />
                  <rect class="bad" x={i * 10 + 1} y={40 - okH - badH} width="8" height={badH} />
                </g>
              );
            })}
          </svg>
          <svg
            class="chart"
            viewBox="0 0 240 24"
            width="100%"
            height="36"
            role="img"
            aria-label={`${channel}: mean latency per hour, highest ${Math.round(maxLatency)} ms`}
          >
            {hours.map((h, i) => {
              const mean = meanLatency(h);
              const height = (22 * mean) / maxLatency;
              return (
                <g key={i}>
                  <title>{`${24 - i} h ago: mean latency ${Math.round(mean)} ms`}</title>
                  <rect class="latency" x={i * 10 + 1} y={24 - height} width="8" height={height} />
                </g>
              );
            })}
          </svg>
          <figcaption>
            <strong>{channel}</strong>: {Math.round((100 * ok) / total)}% of {total} attempts succeeded in the last 24 h; mean latency {Math.round(latency)} ms.
          </figcaption>
        </div>
      ))}
    </figure>
  );
};
