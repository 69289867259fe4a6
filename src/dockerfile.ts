// What the action needs to know of a Dockerfile, read with a real parser (dockerfile-ast).
import { DockerfileParser } from 'dockerfile-ast';

export interface Stage {
  /** The stage's name as BuildKit knows it (lower case), or its index when it has no name. */
  name: string;
  index: number;
  baseImage: string;
  /** FROM's --platform value, as written. */
  platform?: string;
}

/** An image a stage reads from besides its base: `COPY --from=` or `RUN --mount=…,from=` (as written). */
export interface StageSource {
  stage: string;
  via: 'COPY' | 'RUN --mount';
  from: string;
}

/** An ADD's sources as written (variables unexpanded, heredocs left out): what it may fetch from outside the context. */
export interface AddInstruction {
  stage: string;
  /** 1-based. */
  line: number;
  sources: string[];
  /** Its --checksum value, when it has one. */
  checksum?: string;
}

export interface CacheMount {
  stage: string;
  id: string;
  target: string;
  sharing?: string;
  uid?: string;
  gid?: string;
}

/** An instruction, as BuildKit prints it in its progress (continuations joined). */
export interface InstructionLine {
  stage: string;
  /** 1-based, as annotations count. */
  line: number;
  text: string;
}

export interface DockerfileFacts {
  /** ARGs before the first FROM, with their defaults: they may name base images. */
  globalArgs: Record<string, string>;
  /** The same ARGs in order, every name of each line, the default as written (quotes and all). */
  metaArgs?: Array<{ name: string; value?: string }>;
  /** COPY --from and RUN --mount from= values: stage names or images. */
  sources?: StageSource[];
  /** The frontend image of a `# syntax=` directive (BuildKit's DetectSyntax). */
  syntax?: string;
  /** Every ADD, for what it fetches (add-sources.ts). */
  adds?: AddInstruction[];
  stages: Stage[];
  cacheMounts: CacheMount[];
  instructions: InstructionLine[];
}

export function readDockerfile(content: string): DockerfileFacts {
  const dockerfile = DockerfileParser.parse(content);
  const stages: Stage[] = [];
  const cacheMounts: CacheMount[] = [];
  const instructions: InstructionLine[] = [];
  const sources: StageSource[] = [];
  const adds: AddInstruction[] = [];
  const raw = rawText(content);
  dockerfile.getFROMs().forEach((from, index) => {
    const platform = from.getPlatformFlag()?.getValue() ?? undefined;
    stages.push({
      name: from.getBuildStage()?.toLowerCase() ?? String(index),
      index,
      baseImage: from.getImage() ?? '',
      ...(platform !== undefined ? { platform } : {})
    });
  });
  const fromLines = dockerfile.getFROMs().map(f => f.getRange().start.line);
  for (const instruction of dockerfile.getInstructions()) {
    const stage = stageAt(stages, fromLines, instruction.getRange().start.line);
    instructions.push({ stage, line: instruction.getRange().start.line + 1, text: squash(instruction.toString()) });
    if (instruction.getKeyword() === 'COPY') {
      const from = (instruction as unknown as FlagHolder)
        .getFlags()
        .find(f => f.getName() === 'from')
        ?.getValue();
      if (from) sources.push({ stage, via: 'COPY', from });
    }
    if (instruction.getKeyword() === 'ADD') adds.push(addOf(instruction as unknown as AddHolder, stage, raw));
    if (instruction.getKeyword() !== 'RUN') continue;
    for (const flag of (instruction as unknown as FlagHolder).getFlags()) {
      if (flag.getName() !== 'mount') continue;
      const options = Object.fromEntries(flag.getOptions().map(o => [o.getName(), o.getValue() ?? '']));
      if (options.from) sources.push({ stage, via: 'RUN --mount', from: options.from });
      if (options.type !== 'cache' || !options.target) continue;
      cacheMounts.push({
        stage,
        // BuildKit uses the target as the id when none is given.
        id: options.id || options.target,
        target: options.target,
        sharing: options.sharing,
        uid: options.uid,
        gid: options.gid
      });
    }
  }
  const globalArgs: Record<string, string> = {};
  const metaArgs: Array<{ name: string; value?: string }> = [];
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property?.getName()) globalArgs[property.getName()] = property.getValue() ?? '';
    for (const p of arg.getProperties()) {
      const range = p.getValueRange();
      metaArgs.push(range ? { name: p.getName(), value: raw(range) } : { name: p.getName() });
    }
  }
  const syntax = detectSyntax(content);
  return { globalArgs, metaArgs, sources, ...(syntax ? { syntax } : {}), adds, stages, cacheMounts, instructions };
}

/**
 * The sources of an ADD: every word but the last (the destination), JSON form or not; the `<<NAME`
 * words of heredocs and the lines of their bodies left out (their bytes are the Dockerfile's own).
 */
function addOf(instruction: AddHolder, stage: string, raw: (range: Range) => string): AddInstruction {
  const line = instruction.getRange().start.line + 1;
  const checksum = instruction
    .getFlags()
    .find(f => f.getName() === 'checksum')
    ?.getValue();
  const json = instruction.getJSONStrings();
  let words: string[];
  if (json.length > 0) {
    // getValue() of a JSON string drops its spaces: the raw text, parsed, is the word.
    words = json.map(s => JSON.parse(raw(s.getRange())) as string);
  } else {
    const bodyStart = Math.min(...instruction.getHeredocs().map(h => (h.getContentRange() ?? h.getDelimiterRange())?.start.line ?? Infinity));
    words = instruction
      .getArguments()
      .filter(a => a.getRange().start.line < bodyStart)
      .map(a => a.getValue());
  }
  const sources = words.slice(0, -1).filter(w => !w.startsWith('<<'));
  return { stage, line, sources, ...(checksum != null ? { checksum } : {}) };
}

interface Range {
  start: Position;
  end: Position;
}

interface AddHolder extends FlagHolder {
  getRange(): Range;
  getJSONStrings(): Array<{ getRange(): Range }>;
  getArguments(): Array<{ getValue(): string; getRange(): Range }>;
  getHeredocs(): Array<{ getContentRange(): Range | null; getDelimiterRange(): Range | null }>;
}

/** The text of a range, line continuations (`\` + newline) taken out as BuildKit's parser does. */
function rawText(content: string): (range: Range) => string {
  const starts = [0];
  for (const match of content.matchAll(/\r\n|\r|\n/g)) starts.push(match.index + match[0].length);
  const offset = (p: Position) => (starts[p.line] ?? content.length) + p.character;
  return range => content.slice(offset(range.start), offset(range.end)).replace(/\\\r?\n/g, '');
}

interface Position {
  line: number;
  character: number;
}

/**
 * The frontend image of the Dockerfile's syntax directive: BuildKit's parser.DetectSyntax (after a
 * BOM and a `#!` line, the leading `#` comments, then `//` ones, then a JSON document's "syntax").
 */
export function detectSyntax(content: string): string | undefined {
  let text = content.replace(/^\uFEFF/, '');
  const firstLine = text.split('\n', 1)[0];
  if (firstLine.startsWith('#!')) text = text.slice(firstLine.length + 1);
  const lines = text.split('\n').map(l => l.replace(/\r$/, ''));
  for (const comment of ['#', '//']) {
    const value = directive(lines, comment);
    if (value !== undefined) return value.split(' ')[0];
  }
  try {
    const json = JSON.parse(text) as unknown;
    if (json && typeof json === 'object' && typeof (json as Record<string, unknown>).syntax === 'string')
      return (json as Record<string, string>).syntax;
  } catch {
    // not JSON
  }
  return undefined;
}

/** DirectiveParser.ParseAll: directives until the first line that is not one; the syntax value. */
function directive(lines: string[], comment: string): string | undefined {
  const seen = new Set<string>();
  for (const line of lines) {
    if (!line.startsWith(comment)) return undefined;
    const match = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/.exec(line.slice(comment.length).replace(/^\s+/, ''));
    if (!match) return undefined;
    const key = match[1].toLowerCase();
    if (!['syntax', 'escape', 'check'].includes(key) || seen.has(key)) return undefined;
    seen.add(key);
    if (key === 'syntax') return match[2];
  }
  return undefined;
}

interface FlagHolder {
  getFlags(): Array<{ getName(): string; getValue(): string | null; getOptions(): Array<{ getName(): string; getValue(): string | null }> }>;
}

function stageAt(stages: Stage[], fromLines: number[], line: number): string {
  let current = stages[0]?.name ?? '0';
  fromLines.forEach((fromLine, i) => {
    if (fromLine <= line) current = stages[i].name;
  });
  return current;
}

export function hasStage(facts: DockerfileFacts, name: string): boolean {
  return facts.stages.some(stage => stage.name === name.toLowerCase());
}

/** The Dockerfile line of a step BuildKit reported as `[stage i/n] INSTRUCTION`. */
export function lineOfStep(facts: DockerfileFacts, stage: string, instruction: string): number | undefined {
  const text = squash(instruction);
  const inStage = facts.instructions.filter(i => i.stage === stage || (/^stage-\d+$/.test(stage) && i.stage === stage.slice(6)));
  return inStage.find(i => i.text === text)?.line;
}

function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
