import type { Attempt } from './api.js';

/** One hour of one channel: attempts that succeeded and failed, and their summed latency. */
export interface HourBucket {
  ok: number;
  bad: number;
  latency: number;
}

/** One channel's last 24 hours, oldest hour first, with its totals. */
export interface ChannelSeries {
  readonly channel: string;
  readonly hours: readonly HourBucket[];
  readonly total: number;
  readonly ok: number;
  /** Mean latency over every attempt, in ms. */
  readonly latency: number;
  /** The highest hourly mean latency (at least 1, to scale by). */
  readonly maxLatency: number;
  /** The most attempts in one hour (at least 1, to scale by). */
  readonly max: number;
}

const HOUR = 3_600_000;

/** An hour's mean latency in ms (0 for an empty hour). */
export const meanLatency = (h: HourBucket): number => h.latency / Math.max(1, h.ok + h.bad);

/** Attempts by channel (in order of first appearance) and by hour before `now`; anything older than 23 h counts in the first hour. */
export const hourlySeries = (attempts: readonly Attempt[], now: number): ChannelSeries[] => {
  const hourOf = (a: Attempt) => 23 - Math.min(23, Math.floor((now - Date.parse(a.at)) / HOUR));
  return [...new Set(attempts.map((a) => a.channel))].map((channel) => {
    const hours: HourBucket[] = Array.from({ length: 24 }, () => ({ ok: 0, bad: 0, latency: 0 }));
    for (const a of attempts.filter((x) => x.channel === channel)) {
      const h = hours[hourOf(a)]!;
      if (a.status === 'succeeded') h.ok++;
      else h.bad++;
      h.latency += a.latency_ms;
    }
    const total = hours.reduce((s, h) => s + h.ok + h.bad, 0);
    return {
      channel,
      hours,
      total,
      ok: hours.reduce((s, h) => s + h.ok, 0),
      latency: hours.reduce((s, h) => s + h.latency, 0) / Math.max(1, total),
      maxLatency: Math.max(1, ...hours.map(meanLatency)),
      max: Math.max(1, ...hours.map((h) => h.ok + h.bad)),
    };
  });
};
