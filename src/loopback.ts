// Whether an address is on this machine's loopback (127.0.0.0/8, localhost, [::1]): the one answer
// for registries (which the engine and the registry client reach over plain HTTP there) and for
// BuildKit endpoints (which the action may share with the runner's own builds).

/** `host` or `host:port`, as a registry or URL host is written; an IPv6 host in brackets. */
export function isLoopbackHost(hostAndPort: string): boolean {
  const host = hostAndPort.replace(/:\d+$/, '');
  return host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** A `tcp://host[:port]` address on the loopback; any other scheme is not. */
export function isLoopbackEndpoint(endpoint: string): boolean {
  const host = /^tcp:\/\/(\[[^\]]+\]|[^:/]+)/.exec(endpoint)?.[1];
  return host !== undefined && isLoopbackHost(host);
}
