/**
 * Outbound HTTP to addresses chosen by third parties (cash-out provider webhooks), without SSRF:
 *  - every address a host resolves to must be public: loopback, link-local, private, CGNAT, ULA, unspecified,
 *    multicast/broadcast, documentation/benchmark/reserved ranges, and the IPv4-mapped, IPv4-compatible and
 *    NAT64 forms of the IPv4 ones are refused (one refused address refuses the host);
 *  - the connection goes to the address that was checked (a pinned `lookup`), so DNS cannot change between the
 *    check and the connect; the hostname is kept for SNI, the Host header and certificate checks;
 *  - redirects are never followed (a 3xx is returned as the answer's status);
 *  - https on port 443 only; in the local stage loopback targets (the demo receiver) may use http and any port;
 *  - the caller's AbortSignal bounds the whole attempt, DNS included.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { request as httpRequest, type RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';

export interface ResolvedAddress {
  address: string;
  family: number;
}
/** Resolves a host name to all its addresses (production: node:dns `lookup` with `all: true`). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
// IPv4-mapped addresses (::ffff:a.b.c.d) need no rule of their own: BlockList checks them against the IPv4 rules.
const V6_BLOCKED: [string, number][] = [
  ['::', 96], // unspecified, loopback, IPv4-compatible (deprecated)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, benchmarking)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds any IPv4)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];
const LOOPBACK_RANGES: [string, number, 'ipv4' | 'ipv6'][] = [
  ['127.0.0.0', 8, 'ipv4'],
  ['::1', 128, 'ipv6'],
];

const v4hex = (v4: string) => {
  const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
  return `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
};

const blocked = new BlockList();
for (const [net, prefix] of V4_BLOCKED) {
  blocked.addSubnet(net, prefix, 'ipv4');
  blocked.addSubnet(`64:ff9b::${v4hex(net)}`, 96 + prefix, 'ipv6'); // NAT64 (RFC 6052) of the same range
}
for (const [net, prefix] of V6_BLOCKED) blocked.addSubnet(net, prefix, 'ipv6');

const loopback = new BlockList();
for (const [net, prefix, family] of LOOPBACK_RANGES) loopback.addSubnet(net, prefix, family);

const familyOf = (ip: string) => (isIP(ip) === 4 ? 'ipv4' : 'ipv6');

/** True for an address that must not be connected to (anything not plainly public unicast). Non-IPs count as refused. */
export function isNonPublicAddress(ip: string): boolean {
  if (!isIP(ip)) return true;
  return blocked.check(ip, familyOf(ip));
}

export function isLoopbackAddress(ip: string): boolean {
  return isIP(ip) !== 0 && loopback.check(ip, familyOf(ip));
}

/** The URL's host as an IP literal (brackets of IPv6 removed), or undefined for a name. */
export function literalIp(url: URL): string | undefined {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : undefined;
}

/** Why an endpoint URL cannot be used, checked without DNS (registration time); undefined when it is acceptable. */
export function staticRefusal(url: URL, local: boolean, localHostnames: ReadonlySet<string> = new Set(['localhost'])): string | undefined {
  const ip = literalIp(url);
  const loop = local && (ip ? isLoopbackAddress(ip) : localHostnames.has(url.hostname));
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loop)) {
    return 'endpoint must be an https URL (http is accepted only for loopback in the local stage)';
  }
  if (url.username || url.password) return 'endpoint must not contain credentials';
  if (!loop && url.port !== '' && url.port !== '443') return 'endpoint must use port 443';
  if (ip && !loop && isNonPublicAddress(ip)) return 'endpoint must not be a private, loopback, link-local or reserved address';
  return undefined;
}

/** A delivery refused before any connection; its message is safe to show (no timing, no addresses). */
export class OutboundRefusedError extends Error {
  override name = 'OutboundRefusedError';
}

export interface OutboundOptions {
  /** Local stage: loopback targets are allowed (over http, on any port). */
  local: boolean;
  resolve?: Resolver;
}

export interface PostInit {
  method: 'POST';
  headers: Record<string, string>;
  body: string;
  signal: AbortSignal;
}

function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** The addresses to use for `url`, all checked; throws OutboundRefusedError when any is not allowed. */
export async function resolveChecked(url: URL, opts: OutboundOptions, signal: AbortSignal): Promise<ResolvedAddress[]> {
  const problem = staticRefusal(url, opts.local, new Set());
  const ip = literalIp(url);
  // A name that only resolves to loopback passes the static check in the local stage only after resolving.
  const nameMayBeLocal = opts.local && !ip;
  if (problem && !nameMayBeLocal) throw new OutboundRefusedError(`endpoint refused: ${problem.replace(/^endpoint /, '')}`);
  let addresses: ResolvedAddress[];
  if (ip) addresses = [{ address: ip, family: isIP(ip) }];
  else {
    try {
      addresses = await abortable((opts.resolve ?? systemResolver)(url.hostname), signal);
    } catch (err) {
      if (signal.aborted) throw err;
      throw new OutboundRefusedError('endpoint host not found');
    }
  }
  if (addresses.length === 0) throw new OutboundRefusedError('endpoint host not found');
  const allLoopback = addresses.every((a) => isLoopbackAddress(a.address));
  if (opts.local && allLoopback) return addresses; // the local demo receiver
  if (problem) throw new OutboundRefusedError(`endpoint refused: ${problem.replace(/^endpoint /, '')}`);
  if (addresses.some((a) => isNonPublicAddress(a.address))) throw new OutboundRefusedError('endpoint refused: resolves to a non-public address');
  return addresses;
}

/** A network error as a short reason that names no address, port or internal detail. */
export function describeNetworkError(err: unknown): string {
  const code = (err as { code?: string }).code ?? '';
  if (code === 'ECONNREFUSED') return 'connection refused';
  if (code === 'ECONNRESET' || code === 'EPIPE') return 'connection reset';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'endpoint host not found';
  if (/CERT|SSL|TLS|SELF_SIGNED|HOSTNAME/i.test(code)) return 'TLS certificate not accepted';
  return 'connection failed';
}

/**
 * POSTs `init.body` to `endpoint` under the rules above. Resolves with the answer's status (3xx included,
 * never followed); rejects with OutboundRefusedError before connecting to a refused target, with the signal's
 * reason on timeout, or with the network error.
 */
export async function safePost(endpoint: string, init: PostInit, opts: OutboundOptions): Promise<{ status: number }> {
  const url = new URL(endpoint);
  const [pinned] = await resolveChecked(url, opts, init.signal);
  const family = pinned!.family === 6 ? 6 : 4;
  const address = pinned!.address;
  const pinnedLookup = ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all) cb(null, [{ address, family }]);
    else cb(null, address, family);
  }) as unknown as LookupFunction;
  const ip = literalIp(url);
  const options: RequestOptions & { servername?: string } = {
    method: init.method,
    protocol: url.protocol,
    hostname: ip ?? url.hostname,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    path: `${url.pathname}${url.search}`,
    headers: { ...init.headers, 'content-length': String(Buffer.byteLength(init.body)) },
    lookup: pinnedLookup,
    agent: false,
    signal: init.signal,
    ...(url.protocol === 'https:' && !ip ? { servername: url.hostname } : {}),
  };
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(options, (res) => {
      res.resume(); // the body is not needed
      resolve({ status: res.statusCode ?? 0 });
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
