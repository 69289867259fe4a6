// The .dockerignore rules exactly as BuildKit applies them: a port of the Go code that runs on the
// client side of every BuildKit build (buildx, and docker build ≥ 23, which is buildx):
// github.com/moby/patternmatcher v0.6.1 — ignorefile.ReadAll, New, Pattern.compile and match,
// MatchesUsingParentResults — with the Go library functions they lean on (strings.TrimSpace,
// filepath.Clean, filepath.Match as New's syntax check, text/scanner's BOM skip). Go builds an RE2
// regular expression for most patterns; re2.ts translates it, and refuses what it cannot translate.
//
// The classic docker CLI 20.10 filters with older code: see IgnoreRules.
//
// Why not @balena/dockerignore: it follows the old docker/pkg/fileutils, not patternmatcher, and keeps
// or drops files otherwise than BuildKit for `[^a-z]*`, `a+b.txt` and `(x).txt`, `**bar`, a plain
// `foo|bar` (__tests__/context-hash.test.ts); it has no walk (which folders are sent is left to its
// caller) and takes a lone `!`, which fails the build.
import { re2ToRegExp } from './re2.js';

/** bufio.Scanner's default limit: a longer line makes ReadAll fail, and with it the build. */
const MAX_LINE = 64 * 1024;
const BOM = '\uFEFF';

/** The patterns of an ignore file as ignorefile.ReadAll returns them, or why BuildKit would refuse it. */
export function readIgnoreFile(data: Uint8Array): { patterns: string[] } | { problem: string } {
  let text: string;
  try {
    // Go keeps invalid UTF-8 as bytes; a JavaScript string cannot hold them faithfully.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(data);
  } catch {
    return { problem: 'it is not valid UTF-8' };
  }
  const patterns: string[] = [];
  const lines = text.split('\n');
  // ScanLines yields no empty token after a final newline.
  if (lines[lines.length - 1] === '') lines.pop();
  for (let index = 0; index < lines.length; index++) {
    let line = lines[index];
    // The limit counts bytes; near it the exact rule (buffer growth) is not worth copying: refuse.
    if (Buffer.byteLength(line) >= MAX_LINE - 1) return { problem: `line ${index + 1} is longer than BuildKit reads` };
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (index === 0 && line.startsWith(BOM)) line = line.slice(1);
    // Comments are recognised before trimming: "  # x" is a pattern.
    if (line.startsWith('#')) continue;
    let pattern = goTrimSpace(line);
    if (pattern === '') continue;
    const invert = pattern[0] === '!';
    if (invert) pattern = goTrimSpace(pattern.slice(1));
    if (pattern.length > 0) {
      pattern = goClean(pattern);
      if (pattern.length > 1 && pattern[0] === '/') pattern = pattern.slice(1);
    }
    patterns.push(invert ? `!${pattern}` : pattern);
  }
  return { patterns };
}

/**
 * Whose code filters the context: it runs in the client that sends it, not in BuildKit.
 * - `buildx`: buildx ≥ 0.12, and so `docker build` of Docker ≥ 23 (patternmatcher ≥ 0.5 and
 *   fsutil's walk with MatchesUsingParentResults; fsutil of 2023-06 and of 2026 agree on 3000 fuzzed
 *   ignore files).
 * - `docker-20.10`: the classic docker CLI 20.10 with DOCKER_BUILDKIT=1 (fsutil of 2020-11 with
 *   docker/pkg/fileutils 20.10): only `.` and `$` escaped, the deprecated Matches that tries a single
 *   parent folder, and an excluded folder that an exception may reach is sent itself.
 */
export type IgnoreRules = 'buildx' | 'docker-20.10';

/** Which patterns a path matched, kept for its children (patternmatcher.MatchInfo). */
export type MatchInfo = boolean[];

/** What the walk does with an entry. */
export interface Decision {
  /** Sent (for buildx, the folders above it are then sent too). */
  send: boolean;
  /** A folder whose entries are looked at. */
  walk: boolean;
  /** What it matched, for its entries. */
  info?: MatchInfo;
}

interface Pattern {
  cleaned: string;
  exclusion: boolean;
  /** The pattern's folders (Pattern.dirs), for the classic single parent test. */
  depth: number;
  test: (path: string) => boolean;
}

/** The exclusion rules of an ignore file, as the client's fsutil walk applies them. */
export class IgnoreMatcher {
  private constructor(
    private readonly rules: IgnoreRules,
    private readonly patterns: Pattern[],
    /** Some pattern is an exception (`!`). */
    private readonly exclusions: boolean,
    /** No exception has a glob character before a trailing `/*` or `/**`: fsutil may skip folders. */
    private readonly onlyPrefixExceptions: boolean
  ) {}

  /** patternmatcher.New, compiling every pattern at once; or why BuildKit would refuse one. */
  static create(raw: string[], rules: IgnoreRules = 'buildx'): IgnoreMatcher | { problem: string } {
    const patterns: Pattern[] = [];
    let exclusions = false;
    for (const original of raw) {
      let p = goTrimSpace(original);
      if (p === '') continue;
      p = goClean(p);
      let exclusion = false;
      if (p[0] === '!') {
        if (p.length === 1) return { problem: 'illegal exclusion pattern: "!"' };
        exclusion = true;
        exclusions = true;
        p = p.slice(1);
      }
      if (goMatchIsBad(p)) return { problem: `syntax error in pattern ${JSON.stringify(original)}` };
      const test = rules === 'buildx' ? compile(p) : compileClassic(p);
      // Go compiles lazily and fails the build at the first path that meets a bad pattern; refusing
      // up front is stricter than BuildKit only for a pattern no path ever reaches.
      if (!test) return { problem: `pattern ${JSON.stringify(original)} is not one this port can match exactly` };
      patterns.push({ cleaned: p, exclusion, depth: p.split('/').length, test });
    }
    // fsutil's NewFilterFS: `\` counts as a glob character on Unix.
    const onlyPrefixExceptions = !patterns.some(p => p.exclusion && /[*[\]?^\\]/.test(withoutTrailingGlob(p.cleaned)));
    return new IgnoreMatcher(rules, patterns, exclusions, onlyPrefixExceptions);
  }

  get size(): number {
    return this.patterns.length;
  }

  /** The walk's verdict on `path` (slash-separated, relative), given what its folder matched. */
  decide(path: string, isDir: boolean, parent?: MatchInfo): Decision {
    if (this.rules === 'docker-20.10') {
      if (!this.matchesClassic(path)) return { send: true, walk: isDir };
      // fsutil 2020: an excluded folder that an exception's text starts inside is sent, and walked.
      const reachable = isDir && this.exclusions && this.patterns.some(p => p.exclusion && `${p.cleaned}/`.startsWith(`${path}/`));
      return { send: reachable, walk: reachable };
    }
    const { excluded, info } = this.matches(path, parent);
    if (!excluded) return { send: true, walk: isDir, info };
    return { send: false, walk: isDir && !this.skipsExcludedDir(path), info };
  }

  /**
   * MatchesUsingParentResults: whether `path` is excluded, given what its folder matched (undefined
   * at the top of the context, where the parent folders are tried instead).
   */
  private matches(path: string, parent?: MatchInfo): { excluded: boolean; info: MatchInfo } {
    let matched = false;
    const info: MatchInfo = new Array<boolean>(this.patterns.length).fill(false);
    this.patterns.forEach((pattern, i) => {
      let match = parent ? parent[i] : false;
      if (!match) {
        // An inclusion cannot change a match, nor an exception a non-match: not evaluated, not recorded.
        if (pattern.exclusion !== matched) return;
        match = pattern.test(path);
        if (!match && !parent) {
          const dirs = parentDirs(path);
          for (let k = 1; k <= dirs.length && !match; k++) match = pattern.test(dirs.slice(0, k).join('/'));
        }
      }
      info[i] = match;
      if (match) matched = !pattern.exclusion;
    });
    return { excluded: matched, info };
  }

  /** fileutils 20.10's Matches: every pattern, on the path and on its first `depth` folders only. */
  private matchesClassic(path: string): boolean {
    const dirs = parentDirs(path);
    let matched = false;
    for (const pattern of this.patterns) {
      let match = pattern.test(path);
      if (!match && dirs.length > 0 && pattern.depth <= dirs.length) match = pattern.test(dirs.slice(0, pattern.depth).join('/'));
      if (match) matched = !pattern.exclusion;
    }
    return matched;
  }

  /**
   * fsutil's shortcut for an excluded folder: it is not walked when no exception could bring back
   * anything inside it. When an exception has glob characters, every excluded folder is walked.
   */
  private skipsExcludedDir(path: string): boolean {
    if (!this.onlyPrefixExceptions) return false;
    if (!this.exclusions) return true;
    const dirSlash = `${path}/`;
    return !this.patterns.some(p => p.exclusion && `${withoutTrailingGlob(p.cleaned)}/`.startsWith(dirSlash));
  }
}

/** The folders of filepath.Dir(path), split; none at the top. */
function parentDirs(path: string): string[] {
  const slash = path.lastIndexOf('/');
  return slash > 0 ? goClean(path.slice(0, slash)).split('/') : [];
}

function withoutTrailingGlob(pattern: string): string {
  let p = pattern;
  if (p.endsWith('/**')) p = p.slice(0, -3);
  if (p.endsWith('/*')) p = p.slice(0, -2);
  return p;
}

/** Pattern.compile and Pattern.match: exact, prefix and suffix shortcuts, else an RE2 expression. */
function compile(pattern: string): ((path: string) => boolean) | undefined {
  // patternmatcher means to escape `.+()|{}$`, but its bitmap (`escapeBytes[b%8] |= 1 << (b/8)` in
  // bytes) loses every bit for b >= 64: only `.+()$` are escaped; `|`, `{` and `}` reach the regular
  // expression raw, so `a|b` is an alternation and `x{2}` a repetition. Kept, as BuildKit has it.
  const SHOULD_ESCAPE = '.+()$';
  // text/scanner drops a byte order mark at the very start, but the shortcuts slice bytes of the
  // pattern with it: too odd to copy.
  if (pattern.startsWith(BOM)) return undefined;
  let regex = '^';
  let type: 'exact' | 'prefix' | 'suffix' | 'regexp' = 'exact';
  const chars = Array.from(pattern);
  let at = 0;
  const peek = (): string | undefined => chars[at];
  for (let i = 0; at < chars.length; i++) {
    const ch = chars[at++];
    if (ch === '*') {
      if (peek() === '*') {
        at++;
        // `**/` is `**`: eat the slash.
        if (peek() === '/') at++;
        if (peek() === undefined) {
          // `**` at the end: everything, as in .gitignore.
          if (type === 'exact') type = 'prefix';
          else {
            regex += '.*';
            type = 'regexp';
          }
        } else {
          // Any number of folders, none included.
          regex += '(.*/)?';
          type = 'regexp';
        }
        if (i === 0) type = 'suffix';
      } else {
        regex += '[^/]*';
        type = 'regexp';
      }
    } else if (ch === '?') {
      regex += '[^/]';
      type = 'regexp';
    } else if (SHOULD_ESCAPE.includes(ch)) {
      regex += `\\${ch}`;
    } else if (ch === '\\') {
      // Escapes the next character; a trailing `\` stays (filepath.Match has refused it already).
      if (peek() !== undefined) {
        regex += `\\${chars[at++]}`;
        type = 'regexp';
      } else {
        regex += '\\';
      }
    } else if (ch === '[' || ch === ']') {
      regex += ch;
      type = 'regexp';
    } else {
      regex += ch;
    }
  }
  switch (type) {
    case 'exact':
      return path => path === pattern;
    case 'prefix': {
      const prefix = pattern.slice(0, -2);
      return path => path.startsWith(prefix);
    }
    case 'suffix': {
      const suffix = pattern.slice(2);
      // `**/foo` matches `foo` too.
      return path => path.endsWith(suffix) || (suffix[0] === '/' && path === suffix.slice(1));
    }
    case 'regexp': {
      const re = re2ToRegExp(`${regex}$`);
      return re ? path => re.test(path) : undefined;
    }
  }
}

/** fileutils 20.10's Pattern.compile: always a regular expression, only `.` and `$` escaped. */
function compileClassic(pattern: string): ((path: string) => boolean) | undefined {
  if (pattern.startsWith(BOM)) return undefined;
  let regex = '^';
  const chars = Array.from(pattern);
  let at = 0;
  while (at < chars.length) {
    const ch = chars[at++];
    if (ch === '*') {
      if (chars[at] === '*') {
        at++;
        if (chars[at] === '/') at++;
        regex += at >= chars.length ? '.*' : '(.*/)?';
      } else {
        regex += '[^/]*';
      }
    } else if (ch === '?') {
      regex += '[^/]';
    } else if (ch === '.' || ch === '$') {
      regex += `\\${ch}`;
    } else if (ch === '\\') {
      regex += at < chars.length ? `\\${chars[at++]}` : '\\';
    } else {
      regex += ch;
    }
  }
  const re = re2ToRegExp(`${regex}$`);
  return re ? path => re.test(path) : undefined;
}

/** Go's unicode.IsSpace: the White_Space property (not JavaScript's trim set: no U+FEFF, but U+0085). */
const GO_SPACE =
  /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

export function goTrimSpace(s: string): string {
  return s.replace(GO_SPACE, '');
}

/** Go's path.Clean (filepath.Clean on Unix). */
export function goClean(p: string): string {
  if (p === '') return '.';
  const rooted = p.startsWith('/');
  const out: string[] = [];
  for (const segment of p.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!rooted) out.push('..');
    } else {
      out.push(segment);
    }
  }
  const cleaned = (rooted ? '/' : '') + out.join('/');
  return cleaned === '' ? '.' : cleaned;
}

/**
 * Whether Go's filepath.Match(pattern, ".") reports ErrBadPattern: the syntax check patternmatcher.New
 * makes. A port of Go 1.26's match.go on bytes; note it stops checking at the first chunk that
 * cannot match ".", as Go does (what it misses, the regular expression may still refuse).
 */
export function goMatchIsBad(pattern: string): boolean {
  let pat: Buffer = Buffer.from(pattern, 'utf8');
  let name: Buffer = Buffer.from('.');
  outer: while (pat.length > 0) {
    const { star, chunk, rest } = scanChunk(pat);
    pat = rest;
    if (star && chunk.length === 0) return false;
    const first = matchChunk(chunk, name);
    if (first.ok && (first.rest.length === 0 || pat.length > 0)) {
      name = first.rest;
      continue;
    }
    if (first.bad) return true;
    if (star) {
      for (let i = 0; i < name.length && name[i] !== SLASH; i++) {
        const later = matchChunk(chunk, name.subarray(i + 1));
        if (later.ok) {
          if (pat.length === 0 && later.rest.length > 0) continue;
          name = later.rest;
          continue outer;
        }
        if (later.bad) return true;
      }
    }
    return false;
  }
  return false;
}

const SLASH = 0x2f;
const BACKSLASH = 0x5c;

function scanChunk(pattern: Buffer): { star: boolean; chunk: Buffer; rest: Buffer } {
  let star = false;
  let p = pattern;
  while (p.length > 0 && p[0] === 0x2a) {
    p = p.subarray(1);
    star = true;
  }
  let inRange = false;
  for (let i = 0; i < p.length; i++) {
    switch (p[i]) {
      case BACKSLASH:
        if (i + 1 < p.length) i++;
        break;
      case 0x5b:
        inRange = true;
        break;
      case 0x5d:
        inRange = false;
        break;
      case 0x2a:
        if (!inRange) return { star, chunk: p.subarray(0, i), rest: p.subarray(i) };
    }
  }
  return { star, chunk: p, rest: Buffer.alloc(0) };
}

function matchChunk(chunkIn: Buffer, sIn: Buffer): { rest: Buffer; ok: boolean; bad: boolean } {
  let chunk = chunkIn;
  let s = sIn;
  let failed = false;
  while (chunk.length > 0) {
    failed = failed || s.length === 0;
    switch (chunk[0]) {
      case 0x5b: {
        let r = -1;
        if (!failed) {
          const [rune, n] = decodeRune(s);
          r = rune;
          s = s.subarray(n);
        }
        chunk = chunk.subarray(1);
        let negated = false;
        if (chunk.length > 0 && chunk[0] === 0x5e) {
          negated = true;
          chunk = chunk.subarray(1);
        }
        let match = false;
        let nrange = 0;
        for (;;) {
          if (chunk.length > 0 && chunk[0] === 0x5d && nrange > 0) {
            chunk = chunk.subarray(1);
            break;
          }
          const lo = getEsc(chunk);
          if (lo.bad) return { rest: Buffer.alloc(0), ok: false, bad: true };
          chunk = lo.rest;
          let hi = lo.rune;
          if (chunk[0] === 0x2d) {
            const h = getEsc(chunk.subarray(1));
            if (h.bad) return { rest: Buffer.alloc(0), ok: false, bad: true };
            chunk = h.rest;
            hi = h.rune;
          }
          match = match || (lo.rune <= r && r <= hi);
          nrange++;
        }
        failed = failed || match === negated;
        break;
      }
      case 0x3f:
        if (!failed) {
          failed = s[0] === SLASH;
          s = s.subarray(decodeRune(s)[1]);
        }
        chunk = chunk.subarray(1);
        break;
      case BACKSLASH:
        chunk = chunk.subarray(1);
        if (chunk.length === 0) return { rest: Buffer.alloc(0), ok: false, bad: true };
      // falls through
      default:
        if (!failed) {
          failed = chunk[0] !== s[0];
          s = s.subarray(1);
        }
        chunk = chunk.subarray(1);
    }
  }
  if (failed) return { rest: Buffer.alloc(0), ok: false, bad: false };
  return { rest: s, ok: true, bad: false };
}

function getEsc(chunkIn: Buffer): { rune: number; rest: Buffer; bad: boolean } {
  let chunk = chunkIn;
  if (chunk.length === 0 || chunk[0] === 0x2d || chunk[0] === 0x5d) return { rune: 0, rest: chunk, bad: true };
  if (chunk[0] === BACKSLASH) {
    chunk = chunk.subarray(1);
    if (chunk.length === 0) return { rune: 0, rest: chunk, bad: true };
  }
  const [rune, n] = decodeRune(chunk);
  const rest = chunk.subarray(n);
  return { rune, rest, bad: rest.length === 0 };
}

/** utf8.DecodeRune on valid UTF-8 (readIgnoreFile refuses anything else). */
function decodeRune(b: Buffer): [number, number] {
  const lead = b[0];
  const n = lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
  const rune = b.subarray(0, n).toString('utf8').codePointAt(0) as number;
  return [rune, n];
}
