// Runs a plan's steps in order, timing each, and reads what each one reported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import type { Config } from '../config.js';
import { replaceTree } from '../files.js';
import type { Plan, Step } from '../plan/types.js';
import { execStreaming } from './exec.js';
import { buildFailure, isMissingImage, pushedDigest } from './outcome.js';
import { ProgressReader, type Vertex } from './progress.js';

export type StepStatus = 'ok' | 'missing' | 'warned' | 'failed' | 'skipped';

export interface StepOutcome {
  step: Step;
  status: StepStatus;
  durationMs: number;
  message?: string;
  /** Builds: the Dockerfile steps as BuildKit reported them. */
  vertices?: Vertex[];
  imageId?: string;
  /** Pushes: the digest the registry answered with. */
  digest?: string;
  /** Failed builds: the Dockerfile line BuildKit named. */
  line?: number;
}

export interface RunResult {
  outcomes: StepOutcome[];
  /** The step that stopped the run, if one did. */
  failed?: StepOutcome;
}

export async function runPlan(plan: Plan, config: Config): Promise<RunResult> {
  const secrets = new Map(config.secrets.map(s => [s.id, s.value]));
  for (const file of plan.files) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    fs.writeFileSync(file.path, file.secretId ? (secrets.get(file.secretId) ?? '') : (file.content ?? ''), { mode: 0o600 });
  }
  const outcomes: StepOutcome[] = [];
  try {
    for (const step of plan.steps) {
      const outcome = await core.group(step.title, () => runStep(step, config));
      outcomes.push(outcome);
      if (outcome.status === 'failed') {
        for (const rest of plan.steps.slice(plan.steps.indexOf(step) + 1)) {
          outcomes.push({ step: rest, status: 'skipped', durationMs: 0 });
        }
        return { outcomes, failed: outcome };
      }
    }
    return { outcomes };
  } finally {
    for (const file of plan.files) if (file.secretId) fs.rmSync(file.path, { force: true });
  }
}

async function runStep(step: Step, config: Config): Promise<StepOutcome> {
  const progress = step.build ? new ProgressReader() : undefined;
  const result = await execStreaming({
    argv: step.argv,
    env: step.env,
    cwd: step.cwd,
    stdin: step.stdin === 'registry-password' ? config.login?.password : undefined,
    onLine: progress ? line => progress.line(line) : undefined
  });
  const base = { step, durationMs: result.durationMs };

  if (result.exitCode === 0) {
    if (step.extract) await replaceTree(step.extract.from, step.extract.to);
    return {
      ...base,
      status: 'ok',
      vertices: progress?.steps(),
      imageId: step.build?.iidfile ? readIid(step.build.iidfile) : undefined,
      digest: step.pushRef ? pushedDigest(result.tail) : undefined
    };
  }
  if (step.missingIsNormal && isMissingImage(result.tail)) {
    core.info(`${step.title}: not in the registry yet (normal on a first build); going on without it`);
    return { ...base, status: 'missing', message: 'not in the registry yet' };
  }
  const reason = step.build ? buildFailure(result.tail) : { message: lastLine(result.tail) };
  if (step.onFailure === 'warn') {
    core.warning(`${step.title} failed, going on without it: ${reason.message}`);
    return { ...base, status: 'warned', message: reason.message };
  }
  const message = `${step.title} failed (exit ${result.exitCode}): ${reason.message}${step.hint ? `. Fix: ${step.hint}` : ''}`;
  return { ...base, status: 'failed', message, vertices: progress?.steps(), line: 'line' in reason ? reason.line : undefined };
}

function readIid(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

function lastLine(lines: string[]): string {
  return [...lines].reverse().find(line => line.trim() !== '')?.trim() ?? 'no output';
}
