import { lookup as dnsLookup } from 'node:dns';
import { isIP } from 'node:net';
import { isPrivateAddress } from '../../../domain/index.js';

/**
 * Addresses a webhook must not reach unless the operator allows private
 * destinations. The domain's classifier decides, so this connect-time check
 * and the check when settings are written are one rule: loopback, private,
 * link-local (cloud metadata at 169.254.169.254), CGNAT, unique-local,
 * site-local, multicast, reserved and unspecified, and IPv6 forms that embed
 * a private IPv4 address. Anything that is not an address counts as private.
 */
export { isPrivateAddress };

export class DestinationRefused extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(`destination ${host} resolves to ${address}, a private or reserved address (set HOOKLEDGER_ALLOW_PRIVATE_DESTINATIONS=true to allow it)`);
    this.name = 'DestinationRefused';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

/**
 * A `lookup` for http.request that refuses private addresses at connect
 * time, so a DNS name that resolves (or re-resolves) to one is caught too.
 */
export const guardedLookup =
  (allowPrivate: boolean) =>
  (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as { address: string; family: number }[];
      const bad = allowPrivate ? undefined : list.find((a) => isPrivateAddress(a.address));
      if (bad) return callback(new DestinationRefused(hostname, bad.address) as NodeJS.ErrnoException, []);
      if (options.all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), []);
      callback(null, first.address, first.family);
    });
  };

/** A literal IP in the URL never goes through lookup, so it is checked here. */
export const refuseLiteralPrivate = (url: URL, allowPrivate: boolean): void => {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!allowPrivate && isIP(host) && isPrivateAddress(host)) throw new DestinationRefused(url.hostname, host);
};
