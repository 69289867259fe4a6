// Image references, by the grammar of distribution/reference (the spec every registry client uses).

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);
const PATH_RE = new RegExp(`^${COMPONENT}(?:/${COMPONENT})*$`);
const TAG = /^[\w][\w.-]{0,127}$/;

export interface Repository {
  /** As the user wrote it, e.g. ghcr.io/acme/api or 127.0.0.1:5000/acme/api. */
  name: string;
  /** The registry host (with port), or docker.io when none is given. */
  registry: string;
}

/**
 * Parse a repository (an image name without tag or digest). The first path component is a
 * registry only when it looks like a host (has a dot or a port, or is localhost), as docker does.
 */
export function parseRepository(value: string): Repository | undefined {
  if (value.length > 255) return undefined;
  const slash = value.indexOf('/');
  const first = slash > 0 ? value.slice(0, slash) : '';
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  if (hasRegistry && !DOMAIN_RE.test(first)) return undefined;
  if (!PATH_RE.test(hasRegistry ? value.slice(slash + 1) : value)) return undefined;
  return { name: value, registry: hasRegistry ? first : 'docker.io' };
}

export function isValidTag(tag: string): boolean {
  return TAG.test(tag);
}

/** Split `repo:tag` into its parts; the colon of a registry port is not a tag separator. */
export function splitTaggedRef(ref: string): { repository: string; tag: string } | undefined {
  const slash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon <= slash) return undefined;
  return { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) };
}
