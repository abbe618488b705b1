// Where webhooks may deliver: public addresses only (unless allowed), so a subscription cannot reach internal services.
import { lookup as lookupCallback, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const internal = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16],
  ['172.16.0.0', 12], ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4]] as const) {
  internal.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) {
  internal.addSubnet(network, prefix, 'ipv6');
}

function isInternal(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return internal.check(mapped, 'ipv4');
  return internal.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

/** Why a host with these addresses may not receive webhooks (no address, or an internal one), or undefined. */
function refusal(host: string, addresses: string[]): string | undefined {
  if (addresses.length === 0) return `its host ${host} does not resolve`;
  const blocked = addresses.find(isInternal);
  if (blocked === undefined) return undefined;
  return `${blocked === host ? `its address ${host} is` : `its host ${host} resolves to ${blocked},`} a loopback, private or reserved address`;
}

const hostOf = (url: string) => new URL(url).hostname.replace(/^\[|\]$/g, '');

/** For a URL whose host is an IP literal (a connection makes no lookup for it): why it is refused, or undefined. */
export function refusedLiteral(url: string, allowPrivate: boolean): string | undefined {
  const host = hostOf(url);
  return !allowPrivate && isIP(host) ? refusal(host, [host]) : undefined;
}

/** Why a URL may not receive webhooks, or undefined when it may (every address its host resolves to is public). */
export async function refusedTarget(url: string, allowPrivate: boolean): Promise<string | undefined> {
  if (allowPrivate) return undefined;
  const host = hostOf(url);
  if (isIP(host)) return refusal(host, [host]);
  try {
    return refusal(host, (await lookup(host, { all: true, verbatim: true })).map((a) => a.address));
  } catch {
    return refusal(host, []);
  }
}

/** The resolver a delivery connects with (node's `dns.lookup`; tests pass their own). */
export type Resolver = (hostname: string, options: LookupAllOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, options, callback) => lookupCallback(hostname, options, callback);

/**
 * A `lookup` for the delivery's socket that refuses internal addresses at connect time: the address checked is the
 * address connected to, so a host cannot pass a check and then resolve to an internal address for the connection
 * (DNS rebinding). IP literals never reach a lookup: `refusedLiteral` checks those.
 */
export function guardedLookup(allowPrivate: boolean, resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...(options as LookupOneOptions), all: true }, (error, addresses) => {
      if (error) return callback(error, '', 0);
      const refused = allowPrivate && addresses.length > 0 ? undefined : refusal(hostname, addresses.map((a) => a.address));
      if (refused) return callback(Object.assign(new Error(refused), { code: 'EADDRREFUSED' }), '', 0);
      if ((options as LookupAllOptions).all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, addresses);
      return callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
