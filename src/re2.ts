// Go regular expressions (RE2 syntax, as regexp.Compile reads them) as JavaScript RegExps, for the
// forms moby/patternmatcher builds from .dockerignore patterns: literals, `.`, `^`, `$`, groups,
// alternation, `*` `?` `+` `{n,m}`, bracket classes with ranges, and the escapes Go and JavaScript
// agree on once spelt out (`\d`, `\s`, `\w` are ASCII sets in Go, so they become explicit ranges).
// Anything else (`\p{..}`, `[[:alpha:]]`, octal, hex, flags, lazy repetition) gives undefined: the
// caller cannot then claim to match as BuildKit does. A pattern Go refuses gives undefined too.

type Range = [number, number];

const DIGIT: Range[] = [[0x30, 0x39]];
const SPACE: Range[] = [
  [0x09, 0x0a],
  [0x0c, 0x0d],
  [0x20, 0x20]
];
const WORD: Range[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a]
];
const PERL: Record<string, Range[]> = { d: DIGIT, s: SPACE, w: WORD };
const CONTROL: Record<string, number> = { a: 0x07, f: 0x0c, n: 0x0a, r: 0x0d, t: 0x09, v: 0x0b };
const MAX_RUNE = 0x10ffff;

class Unsupported extends Error {}

/** The RegExp that matches what Go's regexp.MustCompile(source).MatchString matches, or undefined. */
export function re2ToRegExp(source: string): RegExp | undefined {
  try {
    const parser = new Parser(source);
    const js = parser.sequence(false);
    if (!parser.done()) return undefined;
    return new RegExp(js, 'u');
  } catch (error) {
    if (error instanceof Unsupported) return undefined;
    throw error;
  }
}

class Parser {
  private readonly chars: string[];
  private pos = 0;

  constructor(source: string) {
    this.chars = Array.from(source);
  }

  done(): boolean {
    return this.pos >= this.chars.length;
  }

  private peek(offset = 0): string | undefined {
    return this.chars[this.pos + offset];
  }

  private next(): string {
    const ch = this.peek();
    this.pos++;
    if (ch === undefined) throw new Unsupported('unexpected end');
    return ch;
  }

  /** Alternatives of atoms, each with at most one repetition, up to the end or (in a group) its `)`. */
  sequence(inGroup: boolean): string {
    let out = '';
    while (!this.done()) {
      const ch = this.peek();
      if (ch === ')') {
        if (!inGroup) throw new Unsupported('unmatched )');
        return out;
      }
      if (ch === '|') {
        // Empty alternatives are fine in both; JavaScript's test() searches as Go's MatchString does.
        this.pos++;
        out += '|';
        continue;
      }
      const atom = this.atom();
      const repeat = this.repetition();
      if (repeat === undefined) {
        out += atom.js;
        continue;
      }
      // Go refuses stacked repetitions (`a**`, `a*{2}`); `*?` would be lazy: not worth the subset.
      if (this.peek() === '?' || this.repetition() !== undefined) throw new Unsupported('double repetition');
      // Go repeats an assertion (`^+` is `^`); JavaScript's u flag takes that only inside a group.
      out += (atom.repeatable ? atom.js : `(?:${atom.js})`) + repeat;
    }
    if (inGroup) throw new Unsupported('missing )');
    return out;
  }

  /** `*`, `+`, `?` or `{n}`, `{n,}`, `{n,m}` (consumed); a `{` that is no repetition is a literal in Go. */
  private repetition(): string | undefined {
    const ch = this.peek();
    if (ch === '*' || ch === '+' || ch === '?') {
      this.pos++;
      return ch;
    }
    if (ch !== '{') return undefined;
    const rest = this.chars.slice(this.pos).join('');
    const match = /^\{(\d+)(,(\d*))?\}/.exec(rest);
    if (!match) return undefined;
    const min = Number(match[1]);
    const max = match.at(2) === undefined ? min : match[3] === '' ? -1 : Number(match[3]);
    if (min > 1000 || max > 1000 || (max >= 0 && min > max)) throw new Unsupported('repeat count');
    this.pos += Array.from(match[0]).length;
    return match[0];
  }

  private atom(): { js: string; repeatable: boolean } {
    const ch = this.next();
    switch (ch) {
      case '(': {
        if (this.peek() === '?') throw new Unsupported('group flags');
        const inner = this.sequence(true);
        this.next(); // the `)`
        return { js: `(?:${inner})`, repeatable: true };
      }
      case '[':
        return { js: this.charClass(), repeatable: true };
      case '\\':
        return this.escapeOutside();
      case '.':
        // Go's `.` without the s flag is any character but a newline (JavaScript's also skips \r, \u2028…).
        return { js: '[^\\n]', repeatable: true };
      case '^':
        return { js: '^', repeatable: false };
      case '$':
        return { js: '$', repeatable: false };
      case '*':
      case '+':
      case '?':
        throw new Unsupported('missing argument to repetition');
      case '{':
        // Only a `{` that does not read as a repetition gets here, and Go takes it literally; but
        // `{2}` with nothing before it is Go's "missing argument" error.
        this.pos--;
        if (this.repetition() !== undefined) throw new Unsupported('missing argument to repetition');
        this.pos++;
        return { js: literal(0x7b), repeatable: true };
      default:
        return { js: literal(ch.codePointAt(0) as number), repeatable: true };
    }
  }

  private escapeOutside(): { js: string; repeatable: boolean } {
    const c = this.next();
    if (c === 'b' || c === 'B') return { js: `\\${c}`, repeatable: false };
    if (c === 'A') return { js: '^', repeatable: false };
    if (c === 'z') return { js: '$', repeatable: false };
    const perl = perlClass(c);
    if (perl) return { js: classSource(perl, false), repeatable: true };
    return { js: literal(escapedRune(c)), repeatable: true };
  }

  /** A bracket class after its `[`, as Go's parseClass reads it (Perl flags: `-` may be anywhere). */
  private charClass(): string {
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const ranges: Range[] = [];
    let first = true;
    for (;;) {
      const ch = this.peek();
      if (ch === undefined) throw new Unsupported('missing ]');
      if (ch === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (ch === '[' && this.peek(1) === ':') throw new Unsupported('POSIX class');
      if (ch === '\\') {
        const perl = perlClass(this.peek(1) ?? '');
        if (perl) {
          this.pos += 2;
          ranges.push(...perl);
          continue;
        }
      }
      const lo = this.classChar();
      let hi = lo;
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.pos++;
        hi = this.classChar();
        if (hi < lo) throw new Unsupported('bad range');
      }
      ranges.push([lo, hi]);
    }
    return classSource(ranges, negated);
  }

  private classChar(): number {
    const ch = this.next();
    if (ch !== '\\') return ch.codePointAt(0) as number;
    return escapedRune(this.next());
  }
}

/** `\d` `\s` `\w` and their negations as ranges (Go's are ASCII only). */
function perlClass(c: string): Range[] | undefined {
  if (Object.hasOwn(PERL, c)) return PERL[c];
  const lower = c.toLowerCase();
  if (c !== lower && Object.hasOwn(PERL, lower)) return complement(PERL[lower]);
  return undefined;
}

/** The character an escape stands for, as Go's parseEscape reads a single-character escape. */
function escapedRune(c: string): number {
  const code = c.codePointAt(0) as number;
  if (code < 0x80 && !/[0-9A-Za-z]/.test(c)) return code;
  if (Object.hasOwn(CONTROL, c)) return CONTROL[c];
  throw new Unsupported(`escape \\${c}`);
}

function complement(set: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of [...set].sort((a, b) => a[0] - b[0])) {
    if (lo > next) out.push([next, lo - 1]);
    next = Math.max(next, hi + 1);
  }
  if (next <= MAX_RUNE) out.push([next, MAX_RUNE]);
  return out;
}

function classSource(ranges: Range[], negated: boolean): string {
  const body = ranges.map(([lo, hi]) => (lo === hi ? literal(lo) : `${literal(lo)}-${literal(hi)}`)).join('');
  return `[${negated ? '^' : ''}${body}]`;
}

/** Every literal as a code point escape: valid in and out of classes with the u flag. */
function literal(code: number): string {
  return `\\u{${code.toString(16)}}`;
}
