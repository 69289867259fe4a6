// What an ADD fetches from outside the context (a URL, a git repository), told apart as BuildKit's
// Dockerfile frontend tells them, and whether the Dockerfile's own bytes pin what comes back. What
// is not pinned can change between two builds of the same inputs: the inputs hash cannot be exact
// about it. Pure.
import { expandWord } from './base-images.js';
import type { DockerfileFacts } from './dockerfile.js';

/** A source of an ADD that is not in the context. */
export interface FetchedSource {
  /** The Dockerfile line of the ADD (1-based). */
  line: number;
  /** As written. */
  source: string;
  /** url: fetched over HTTP(S); git: a repository; variable: a source with a variable that may turn out either. */
  kind: 'url' | 'git' | 'variable';
  /** Its content is fixed by the Dockerfile: --checksum, or a git ref that is a full commit. */
  pinned: boolean;
}

/** The transports BuildKit takes a `scheme://` git source over. */
const GIT_SCHEMES = ['http', 'https', 'ssh', 'git'];
/** BuildKit's scp-like git form, user@host:path[?query][#fragment]. */
const SCP_STYLE = /^([a-zA-Z0-9-_]+)@([a-zA-Z0-9-.]+):(.*?)(?:\?(.*?))?(?:#(.*))?$/;
/** A full commit as BuildKit tells one (lower-case hex). */
const COMMIT_SHA = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/** Every source of the Dockerfile's ADDs that comes from outside the context. */
export function fetchedSources(dockerfile: DockerfileFacts): FetchedSource[] {
  const found: FetchedSource[] = [];
  for (const add of dockerfile.adds ?? []) {
    for (const source of add.sources) {
      // ADD expands ARG and ENV values in its sources: a source with a variable is only known in the build.
      const word = source.includes('$') ? undefined : expandWord(source, {});
      if (word === undefined) {
        if (couldBeRemote(source)) found.push({ line: add.line, source, kind: 'variable', pinned: add.checksum !== undefined });
        continue;
      }
      const remote = remoteOf(word);
      if (!remote) continue;
      const pinned =
        remote.kind === 'url'
          ? add.checksum !== undefined
          : [remote.ref, remote.checksum, add.checksum].some(v => v !== undefined && COMMIT_SHA.test(v));
      found.push({ line: add.line, source, kind: remote.kind, pinned });
    }
  }
  return found;
}

/** What to do about a source that is not pinned, for the run's notice. */
export function unpinnedNote({ line, source, kind }: FetchedSource): string {
  const what = `ADD ${source} (Dockerfile line ${line})`;
  if (kind === 'url') return `${what} fetches a URL the hash cannot see: add --checksum=sha256:… to it`;
  if (kind === 'git') return `${what} fetches a branch or tag: pin it to a full commit (#<commit SHA>) or add --checksum=<commit SHA>`;
  return `${what} may fetch a URL (its source holds a variable): add --checksum=… or write the source without a variable`;
}

/**
 * A source as BuildKit's Dockerfile frontend tells it: a git ref first (`./`, `../` and
 * `github.com/…` are local paths to ADD), then an http(s) URL; anything else is in the context.
 */
function remoteOf(source: string): { kind: 'git'; ref?: string; checksum?: string } | { kind: 'url' } | undefined {
  if (source.startsWith('./') || source.startsWith('../') || source.startsWith('github.com/')) return undefined;
  const scheme = /^([a-zA-Z0-9]+):\/\//.exec(source)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (GIT_SCHEMES.includes(scheme)) {
      const url = parseUrl(source);
      // An http(s) URL is a git source only when its path ends in .git.
      if (url && ((scheme !== 'http' && scheme !== 'https') || url.pathname.endsWith('.git'))) {
        return gitRef(url.hash.replace(/^#/, ''), url.searchParams);
      }
    }
  } else {
    const scp = SCP_STYLE.exec(source);
    if (scp) return gitRef(scp.at(5) ?? '', new URLSearchParams(scp.at(4) ?? ''));
  }
  return source.startsWith('http://') || source.startsWith('https://') ? { kind: 'url' } : undefined;
}

/** The ref (`#ref:subdir` or ?ref=) and checksum (?checksum= or ?commit=) of a git source; tag= and branch= name no commit. */
function gitRef(fragment: string, query: URLSearchParams): { kind: 'git'; ref?: string; checksum?: string } {
  const ref = fragment.split(':')[0] || query.get('ref') || undefined;
  const checksum = query.get('checksum') ?? query.get('commit') ?? undefined;
  return { kind: 'git', ...(ref !== undefined ? { ref } : {}), ...(checksum !== undefined ? { checksum } : {}) };
}

function parseUrl(source: string): URL | undefined {
  try {
    return new URL(source);
  } catch {
    return undefined;
  }
}

/**
 * Whether a source known only in the build may turn out a URL or git ref: only a text before its
 * first variable that rules out both forms (a path: a `/` before any `:` or `@`) says it cannot.
 */
function couldBeRemote(source: string): boolean {
  const known = source.split(/[$\\`]/)[0].replace(/["']/g, '');
  if (known.startsWith('github.com/')) return false;
  const slash = known.indexOf('/');
  return slash < 0 || /[:@]/.test(known.slice(0, slash));
}
