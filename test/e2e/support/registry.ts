// Asks the loopback registry directly (HTTP API v2), so tests check what it really holds.
export const REGISTRY = process.env.STACK_REGISTRY ?? '127.0.0.1:5000';

const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');

function split(image: string): string {
  if (!image.startsWith(`${REGISTRY}/`)) throw new Error(`${image} is not on ${REGISTRY}`);
  return image.slice(REGISTRY.length + 1);
}

/** The digest the registry serves for repo:tag, or undefined when the tag does not exist. */
export async function manifestDigest(image: string, tag: string): Promise<string | undefined> {
  const response = await fetch(`http://${REGISTRY}/v2/${split(image)}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: MANIFEST_TYPES }
  });
  if (response.status === 404) return undefined;
  if (!response.ok) throw new Error(`registry answered ${response.status} for ${image}:${tag}`);
  return response.headers.get('docker-content-digest') ?? undefined;
}

export async function listTags(image: string): Promise<string[]> {
  const response = await fetch(`http://${REGISTRY}/v2/${split(image)}/tags/list`);
  if (response.status === 404) return [];
  const body = (await response.json()) as { tags?: string[] | null };
  return (body.tags ?? []).sort();
}
