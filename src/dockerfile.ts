// What the action needs to know of a Dockerfile, read with a real parser (dockerfile-ast).
import { DockerfileParser } from 'dockerfile-ast';

export interface Stage {
  /** The stage's name as BuildKit knows it (lower case), or its index when it has no name. */
  name: string;
  index: number;
  baseImage: string;
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
  stages: Stage[];
  cacheMounts: CacheMount[];
  instructions: InstructionLine[];
}

export function readDockerfile(content: string): DockerfileFacts {
  const dockerfile = DockerfileParser.parse(content);
  const stages: Stage[] = [];
  const cacheMounts: CacheMount[] = [];
  const instructions: InstructionLine[] = [];
  dockerfile.getFROMs().forEach((from, index) => {
    stages.push({
      name: from.getBuildStage()?.toLowerCase() ?? String(index),
      index,
      baseImage: from.getImage() ?? ''
    });
  });
  const fromLines = dockerfile.getFROMs().map(f => f.getRange().start.line);
  for (const instruction of dockerfile.getInstructions()) {
    const stage = stageAt(stages, fromLines, instruction.getRange().start.line);
    instructions.push({ stage, line: instruction.getRange().start.line + 1, text: squash(instruction.toString()) });
    if (instruction.getKeyword() !== 'RUN') continue;
    for (const flag of (instruction as unknown as FlagHolder).getFlags()) {
      if (flag.getName() !== 'mount') continue;
      const options = Object.fromEntries(flag.getOptions().map(o => [o.getName(), o.getValue() ?? '']));
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
  for (const arg of dockerfile.getInitialARGs()) {
    const property = arg.getProperty();
    if (property?.getName()) globalArgs[property.getName()] = property.getValue() ?? '';
  }
  return { globalArgs, stages, cacheMounts, instructions };
}

interface FlagHolder {
  getFlags(): Array<{ getName(): string; getOptions(): Array<{ getName(): string; getValue(): string | null }> }>;
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
