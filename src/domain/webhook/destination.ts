import ipaddr from 'ipaddr.js';

/** What an IP address is as a delivery destination. */
export type AddressClass =
  | { readonly kind: 'public' }
  /** `range` names why, e.g. `loopback`, `linkLocal`, `6to4 of private`. */
  | { readonly kind: 'private'; readonly range: string }
  | { readonly kind: 'not-an-address' };

const PUBLIC: AddressClass = { kind: 'public' };

const v4 = (high: number, low: number): ipaddr.IPv4 => new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);

const classifyV4 = (address: ipaddr.IPv4): AddressClass => {
  const range = address.range();
  return range === 'unicast' ? PUBLIC : { kind: 'private', range };
};

/** An IPv6 form that carries an IPv4 address is as private as that address. */
const embedding = (form: string, ...embedded: ipaddr.IPv4[]): AddressClass => {
  for (const address of embedded) {
    const verdict = classifyV4(address);
    if (verdict.kind === 'private') return { kind: 'private', range: `${form} of ${verdict.range}` };
  }
  return PUBLIC;
};

const classifyV6 = (address: ipaddr.IPv6): AddressClass => {
  const p = address.parts as [number, number, number, number, number, number, number, number];
  // `string`: ipaddr.js knows more ranges at run time (deprecatedSiteLocal, discard) than its types list.
  const range: string = address.range();
  switch (range) {
    case 'ipv4Mapped': // ::ffff:0:0/96
      return embedding(range, v4(p[6], p[7]));
    case 'rfc6145': // SIIT ::ffff:0:0:0/96
      return embedding(range, v4(p[6], p[7]));
    case 'rfc6052':
      // 64:ff9b::/96 (well-known NAT64) maps to the public Internet; 64:ff9b:1::/48
      // is local-use (RFC 8215): its translator and address layout are the network's own.
      return p[2] === 0 ? embedding('nat64', v4(p[6], p[7])) : { kind: 'private', range: 'local-use nat64' };
    case '6to4': // 2002:AABB:CCDD::/48
      return embedding(range, v4(p[1], p[2]));
    case 'teredo': // 2001:0:server(32):flags:port:client(32, inverted)
      return embedding(range, v4(p[2], p[3]), v4(~p[6] & 0xffff, ~p[7] & 0xffff));
    case 'unicast':
      // IPv4-compatible ::a.b.c.d (::/96) is deprecated (RFC 4291 §2.5.5.1) and some
      // stacks still route it to the IPv4 address: refuse it outright, e.g. ::7f00:1.
      return p.slice(0, 6).every((part) => part === 0) ? { kind: 'private', range: 'ipv4Compatible' } : PUBLIC;
    default:
      // Loopback, link-local, unique-local, multicast, site-local (fec0::/10),
      // discard (100::/64), documentation and every other special range.
      return { kind: 'private', range };
  }
};

/**
 * Classifies an IP address (IPv4, or IPv6 with or without brackets) as a
 * delivery destination. Every special-purpose range ipaddr.js knows is
 * private (loopback, RFC 1918, link-local and cloud metadata at
 * 169.254.169.254, CGNAT, unique-local, site-local `fec0::/10`, discard
 * `100::/64`, multicast, documentation, …). IPv6 forms that embed an IPv4
 * address (mapped `::ffff:0:0/96`, SIIT `::ffff:0:0:0/96`, NAT64
 * `64:ff9b::/96`, 6to4 `2002::/16`, Teredo) are as private as the IPv4
 * address they carry; IPv4-compatible `::/96` and local-use NAT64
 * `64:ff9b:1::/48` are always private. Used both when settings are written
 * and when a delivery connects, so the two checks are one rule.
 */
export const classifyAddress = (address: string): AddressClass => {
  const text = address.replace(/^\[(.*)\]$/, '$1');
  // A host name (a letter past hex, no colon) is no address: ipaddr.js would say so by throwing and catching an Error (µs each).
  if (!text.includes(':') && !/^[0-9a-fx.]*$/i.test(text)) return { kind: 'not-an-address' };
  if (!ipaddr.isValid(text)) return { kind: 'not-an-address' };
  // ipaddr.js reads the dotted IPv4-compatible form `::a.b.c.d` as IPv4-mapped; it is not.
  if (/^::[0-9a-fx]+\./i.test(text)) return { kind: 'private', range: 'ipv4Compatible' };
  const parsed = ipaddr.parse(text);
  return parsed instanceof ipaddr.IPv4 ? classifyV4(parsed) : classifyV6(parsed);
};

/** True unless `address` is a public IP address (anything that is not an address counts as private). */
export const isPrivateAddress = (address: string): boolean => classifyAddress(address).kind !== 'public';

/** `localhost` and `*.localhost` always mean this machine (RFC 6761 §6.3), whatever DNS says. */
export const isLocalhostName = (hostname: string): boolean => {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
};

/**
 * Why `url` names a private destination literally (an IP address in a
 * private or reserved range, or `localhost`), or undefined. Hostnames are
 * resolved only when delivering, so they are checked then, not here; a URL
 * that does not parse is the schema's problem and is passed over.
 */
export const literalPrivateDestination = (url: string): string | undefined => {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return undefined;
  }
  if (isLocalhostName(hostname)) return `points at ${hostname}, this machine; webhooks may not target private networks`;
  const verdict = classifyAddress(hostname);
  return verdict.kind === 'private'
    ? `points at ${hostname}, a private or reserved address (${verdict.range}); webhooks may not target private networks`
    : undefined;
};
