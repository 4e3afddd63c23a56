import * as z from 'zod';
import type { ErrorDetail } from '../shared/errors.js';

/** RFC 9110 §5.6.2 `token`: the only characters a field name may have. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const NAME_LENGTH = 256;
const VALUE_LENGTH = 4096;

// Headers the signature owns (Standard Webhooks) or whose value Hookledger sets.
const SET_BY_HOOKLEDGER = new Set(['webhook-id', 'webhook-timestamp', 'webhook-signature', 'content-type']);
// Hop-by-hop and framing headers (RFC 9110 §7.6.1, RFC 9112): the HTTP client
// owns them, and Node refuses or mis-frames a request that carries them, so
// every attempt would fail. Proxy-* belong to a proxy hop, never to the receiver.
const TRANSPORT = new Set(['connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'transfer-encoding', 'content-length', 'host']);

/** Why `name` cannot be a channel header, or undefined when it can. */
export const headerNameProblem = (name: string): string | undefined => {
  if (name.length > NAME_LENGTH) return `header names are at most ${NAME_LENGTH} characters`;
  if (!TOKEN.test(name)) return "is not a valid HTTP header name (letters, digits and !#$%&'*+-.^_`|~ only)";
  const lower = name.toLowerCase();
  if (SET_BY_HOOKLEDGER.has(lower)) return 'is set by Hookledger and cannot be overridden';
  if (TRANSPORT.has(lower) || lower.startsWith('proxy-')) {
    return 'is a hop-by-hop or framing header that the HTTP client controls; it cannot be set on a channel';
  }
  return undefined;
};

const codePoint = (char: string): string => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Why `value` cannot be sent as a header value, or undefined when it can.
 * Allowed: visible ASCII, space and tab (RFC 9110 §5.5), and the Latin-1
 * obs-text U+00A0–U+00FF, which Node writes as one byte each. Refused: C0
 * controls, DEL, C1 controls (U+0080–U+009F) and anything above U+00FF
 * (Node throws on it, so no attempt could ever be sent). Leading or trailing
 * spaces and tabs are refused rather than trimmed: receivers strip them, so
 * the stored value would differ from what they see.
 */
export const headerValueProblem = (value: string): string | undefined => {
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 ? code !== 0x09 : code >= 0x7f && code < 0xa0) {
      return `contains the control character ${codePoint(char)}; header values may hold only printable characters, spaces and tabs`;
    }
    if (code > 0xff) {
      return `contains '${char}' (${codePoint(char)}), which an HTTP header cannot carry (only ASCII and Latin-1 up to U+00FF); percent- or base64-encode it`;
    }
  }
  if (/^[ \t]|[ \t]$/.test(value)) return 'must not begin or end with a space or tab (receivers strip them)';
  return undefined;
};

// What the schema held before the full grammar (ADR 0012): every stored event passes it, so
// reading history never fails on a header accepted back then. Kept as it was; do not tighten.
const LEGACY_RESERVED = new Set([
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
  'content-type',
  'content-length',
  'host',
  'transfer-encoding',
  'connection',
]);

/**
 * The schema of a channel's extra HTTP headers: at most `max`, token names
 * Hookledger or the transport do not own, no line breaks. It is what stored
 * events are read back with, so it stays as lenient as it ever was; the full
 * grammar is the write-time rule `headerProblems`.
 */
export const headerMap = (max: number) =>
  z.record(z.string(), z.string().max(VALUE_LENGTH)).superRefine((value, ctx) => {
    const names = Object.keys(value);
    if (names.length > max) ctx.addIssue({ code: 'custom', message: `at most ${max} headers` });
    for (const name of names) {
      // Messages come from the full grammar, which refuses everything refused here.
      if (!TOKEN.test(name) || LEGACY_RESERVED.has(name.toLowerCase())) ctx.addIssue({ code: 'custom', path: [name], message: headerNameProblem(name)! });
      else if (/[\r\n\0]/.test(value[name] ?? '')) ctx.addIssue({ code: 'custom', path: [name], message: headerValueProblem(value[name] ?? '')! });
    }
  });

/**
 * Write-time rule for a channel's headers: names are RFC 9110 tokens that
 * Hookledger or the transport do not own, no name twice in any letter case,
 * and values that can be sent as they are. Paths are relative to the header
 * map, e.g. `['TE']`.
 */
export const headerProblems = (headers: Readonly<Record<string, string>>): ErrorDetail[] => {
  const problems: ErrorDetail[] = [];
  const seen = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const nameProblem = headerNameProblem(name);
    if (nameProblem) {
      problems.push({ path: [name], message: nameProblem });
      continue;
    }
    const earlier = seen.get(name.toLowerCase());
    if (earlier !== undefined) {
      problems.push({ path: [name], message: `repeats '${earlier}' (header names ignore letter case); set it once` });
      continue;
    }
    seen.set(name.toLowerCase(), name);
    const valueProblem = headerValueProblem(value);
    if (valueProblem) problems.push({ path: [name], message: valueProblem });
  }
  return problems;
};
