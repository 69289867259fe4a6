// The images a build pulls besides the context: every FROM, COPY --from and RUN --mount from= that
// names no stage, and the `# syntax=` frontend. Their digests are build inputs: a base image that
// moved to a fixed release must change the inputs hash, or the fix never ships. Pure.
import type { DockerfileFacts } from './dockerfile.js';

export interface BaseImageOptions {
  /** The build's --platform list; empty: the builder's own platform. */
  platforms?: string[];
  /** The builder's platform (`os/arch[/variant]`), for BUILDPLATFORM and an empty `platforms`. */
  buildPlatform?: string;
}

/** What FROM names when there is no image (BuildKit's emptyImageName). */
const SCRATCH = 'scratch';

/**
 * The external images of a build, sorted, each once. FROM names are expanded as BuildKit expands
 * them: with the ARGs before the first FROM (a build arg overrides only an ARG declared there) and the
 * automatic platform ARGs. A name this cannot expand exactly (quotes with escapes, `${X#y}`, a
 * platform ARG with no platform given, …) is returned as written, `$` and all: it cannot be resolved,
 * so a hash that needs its digest is never exact. `--platform` flags do not change the ref: its digest
 * is the index digest, which covers every platform. COPY --from and mount from= take no variables in
 * BuildKit, so they are taken as written.
 */
export function baseImageRefs(dockerfile: DockerfileFacts, buildArgs: string[] | Record<string, string>, options: BaseImageOptions = {}): string[] {
  const args = Array.isArray(buildArgs) ? parseBuildArgs(buildArgs) : buildArgs;
  const refs = new Set<string>();
  // A lookup in the build args may find nothing: the Record type does not say so.
  const syntaxArg = args.BUILDKIT_SYNTAX as string | undefined;
  const syntax = syntaxArg !== undefined ? firstWord(syntaxArg) : dockerfile.syntax;
  if (syntax) refs.add(syntax);
  const platforms = options.platforms && options.platforms.length > 0 ? options.platforms : [options.buildPlatform];
  // readDockerfile names an unnamed stage by its index: not a name a FROM or mount can use.
  const named = dockerfile.stages.filter(s => s.name !== String(s.index));
  const stageNames = new Set(named.map(s => s.name.toLowerCase()));
  for (const platform of platforms) {
    const vars = fromScope(dockerfile, args, platform, options.buildPlatform);
    const earlier = new Set<string>();
    for (const stage of dockerfile.stages) {
      const name = expandWord(stage.baseImage, vars) ?? stage.baseImage;
      if (name !== SCRATCH && !earlier.has(name.toLowerCase())) refs.add(name);
      if (stage.name !== String(stage.index)) earlier.add(stage.name.toLowerCase());
    }
  }
  for (const source of dockerfile.sources ?? []) {
    const from = source.from;
    if (from === '' || from === SCRATCH || stageNames.has(from.toLowerCase())) continue;
    // COPY --from=<index> names a stage by number.
    if (source.via === 'COPY' && /^\d+$/.test(from)) continue;
    refs.add(from);
  }
  return [...refs].sort();
}

/** `KEY=VALUE` lines as a map (a bare `KEY` takes nothing from here, as `--build-arg KEY` without an environment value). */
export function parseBuildArgs(lines: string[]): Record<string, string> {
  const args: Record<string, string> = {};
  for (const line of lines) {
    const eq = line.indexOf('=');
    if (eq > 0) args[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return args;
}

type Scope = Map<string, string | undefined>;

/** The variables a FROM sees: automatic platform ARGs, then the global ARGs in order. */
function fromScope(dockerfile: DockerfileFacts, args: Record<string, string>, target: string | undefined, build: string | undefined): Scope {
  const scope: Scope = new Map();
  const setPlatform = (prefix: string, platform: string | undefined) => {
    if (platform === undefined) return;
    const [os = '', arch = '', variant = ''] = platform.split('/');
    scope.set(`${prefix}PLATFORM`, platform);
    scope.set(`${prefix}OS`, os);
    scope.set(`${prefix}ARCH`, arch);
    scope.set(`${prefix}VARIANT`, variant);
  };
  setPlatform('BUILD', build);
  setPlatform('TARGET', target ?? build);
  for (const { name, value } of dockerfile.metaArgs ?? Object.entries(dockerfile.globalArgs).map(([n, v]) => ({ name: n, value: v }))) {
    // An automatic platform ARG declared again keeps its value.
    if (/^(BUILD|TARGET)(PLATFORM|OS|ARCH|VARIANT)$/.test(name) && scope.has(name)) continue;
    if (Object.hasOwn(args, name)) scope.set(name, args[name]);
    else if (value == null) scope.set(name, scope.get(name));
    else scope.set(name, expandWord(value, scope) ?? UNEXPANDABLE);
  }
  return scope;
}

/** Marks a variable whose value could not be worked out: any word that uses it cannot be either. */
const UNEXPANDABLE = '\u0000unexpandable';

/**
 * A word as BuildKit's shell lexer expands it, for the forms seen in FROM lines: literals, single
 * and double quotes, `$X`, `${X}`, `${X:-word}`, `${X:+word}`. Undefined for anything else.
 */
export function expandWord(word: string, scope: Map<string, string | undefined> | Record<string, string>): string | undefined {
  const lookup = (name: string): string | undefined =>
    scope instanceof Map ? scope.get(name) : Object.hasOwn(scope, name) ? scope[name] : undefined;
  const chars = Array.from(word);
  let at = 0;
  const fail: () => never = () => {
    throw new Unexpandable();
  };
  const value = (name: string): string | undefined => {
    const v = lookup(name);
    if (v === UNEXPANDABLE || (v === undefined && /^(BUILD|TARGET)(PLATFORM|OS|ARCH|VARIANT)$/.test(name))) fail();
    return v;
  };
  const dollar = (): string => {
    if (chars[at] === '{') {
      at++;
      const name = readName();
      if (name === '') fail();
      const ch = chars[at++];
      if (ch === '}') return value(name) ?? '';
      if (ch !== ':') fail();
      const op = chars[at++];
      if (op !== '-' && op !== '+') fail();
      const alternative = readUntilBrace();
      const v = value(name);
      const set = v !== undefined && v !== '';
      return op === '-' ? (set ? v : alternative) : set ? alternative : '';
    }
    if (/[0-9]/.test(chars[at] ?? '')) fail();
    const name = readName();
    // BuildKit keeps a `$` that starts no name.
    return name === '' ? '$' : (value(name) ?? '');
  };
  const readName = (): string => {
    let name = '';
    while (at < chars.length && /[A-Za-z0-9_]/.test(chars[at])) name += chars[at++];
    // eslint-disable-next-line no-control-regex -- \x00 is the bottom of the ASCII range: this tests for a non-ASCII character.
    if (at < chars.length && /[^\x00-\x7f]/.test(chars[at]) && name !== '') fail();
    return name;
  };
  const readUntilBrace = (): string => {
    let out = '';
    for (;;) {
      const ch = chars.at(at++);
      if (ch === undefined) fail();
      if (ch === '}') return out;
      if (ch === '$') out += dollar();
      else if (ch === '"' || ch === "'" || ch === '\\' || ch === '`') fail();
      else out += ch;
    }
  };
  try {
    let out = '';
    while (at < chars.length) {
      const ch = chars[at++];
      if (ch === '\\' || ch === '`') fail();
      else if (ch === "'") {
        const end = chars.indexOf("'", at);
        if (end < 0) fail();
        out += chars.slice(at, end).join('');
        at = end + 1;
      } else if (ch === '"') {
        for (;;) {
          const inner = chars.at(at++);
          if (inner === undefined || inner === '\\' || inner === '`') fail();
          if (inner === '"') break;
          out += inner === '$' ? dollar() : inner;
        }
      } else if (ch === '$') out += dollar();
      else out += ch;
    }
    return out;
  } catch (error) {
    if (error instanceof Unexpandable) return undefined;
    throw error;
  }
}

class Unexpandable extends Error {}

function firstWord(text: string): string {
  return text.trim().split(' ')[0];
}
