import { describe, expect, it } from 'vitest';
import { classifyAddress, isLocalhostName, isPrivateAddress, literalPrivateDestination } from '../../src/domain/index.js';

describe('classifyAddress: one rule for write time and connect time', () => {
  it.each([
    // IPv4 special-purpose ranges
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', 'private'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['127.0.0.1', 'loopback'],
    ['169.254.169.254', 'linkLocal'],
    ['172.16.0.1', 'private'],
    ['192.0.0.8', 'reserved'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'reserved'],
    ['224.0.0.1', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    // IPv6 special-purpose ranges
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['[::1]', 'loopback'],
    ['fe80::1', 'linkLocal'],
    ['fe80::1%eth0', 'linkLocal'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['ff02::1', 'multicast'],
    ['fec0::1', 'deprecatedSiteLocal'],
    ['100::1', 'discard'],
    ['2001:db8::1', 'reserved'],
    // IPv6 forms that carry an IPv4 address
    ['::ffff:127.0.0.1', 'ipv4Mapped of loopback'],
    ['::ffff:7f00:1', 'ipv4Mapped of loopback'],
    ['::ffff:a9fe:a9fe', 'ipv4Mapped of linkLocal'],
    ['::7f00:1', 'ipv4Compatible'],
    ['::8.8.8.8', 'ipv4Compatible'],
    ['::127.0.0.1', 'ipv4Compatible'],
    ['0:0:0:0:0:0:7f00:1', 'ipv4Compatible'],
    ['::ffff:0:7f00:1', 'rfc6145 of loopback'],
    ['64:ff9b::7f00:1', 'nat64 of loopback'],
    ['64:ff9b::10.0.0.1', 'nat64 of private'],
    ['64:ff9b:1::5db8:d822', 'local-use nat64'],
    ['2002:7f00:1::', '6to4 of loopback'],
    ['2002:c0a8:101::1', '6to4 of private'],
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'teredo of loopback'],
    ['2001:0:a00:1:8000:63bf:a247:27cb', 'teredo of private'],
  ])('%s is private (%s)', (address, range) => {
    expect(classifyAddress(address)).toEqual({ kind: 'private', range });
    expect(isPrivateAddress(address)).toBe(true);
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '1.1.1.1',
    '2606:4700::1',
    '[2606:4700:4700::1111]',
    '2001:4860:4860::8888',
    '::ffff:8.8.8.8',
    '::ffff:0:808:808',
    '64:ff9b::8.8.8.8',
    '2002:5db8:d822::1',
    '2001:0:4136:e378:8000:63bf:a247:27cb',
  ])('%s is public', (address) => {
    expect(classifyAddress(address)).toEqual({ kind: 'public' });
    expect(isPrivateAddress(address)).toBe(false);
  });

  it.each(['example.com', 'localhost', '', '999.1.1.1', '::g', 'not-an-ip'])('%j is not an address, which counts as private', (text) => {
    expect(classifyAddress(text)).toEqual({ kind: 'not-an-address' });
    expect(isPrivateAddress(text)).toBe(true);
  });
});

describe('isLocalhostName', () => {
  it.each([
    ['localhost', true],
    ['LocalHost', true],
    ['localhost.', true],
    ['api.localhost', true],
    ['a.b.localhost.', true],
    ['localhost.example.com', false],
    ['mylocalhost', false],
    ['example.com', false],
  ])('%s → %s', (name, expected) => {
    expect(isLocalhostName(name)).toBe(expected);
  });
});

describe('literalPrivateDestination', () => {
  it('names the address and its range for a private literal', () => {
    expect(literalPrivateDestination('http://[::ffff:127.0.0.1]/x')).toBe(
      'points at [::ffff:7f00:1], a private or reserved address (ipv4Mapped of loopback); webhooks may not target private networks',
    );
    expect(literalPrivateDestination('http://localhost:3000/x')).toContain('points at localhost');
  });

  it('passes hostnames (checked when delivering), public literals and URLs that do not parse', () => {
    for (const url of ['https://example.com/x', 'https://93.184.216.34/x', 'not a url']) expect(literalPrivateDestination(url)).toBeUndefined();
  });
});
