// Runs a plan's steps in order, timing each, and reads what each one reported.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as core from '@actions/core';
import type { Config } from '../config.js';
import { replaceTree } from '../files.js';
import type { Condition, Plan, PlanFile, Step } from '../plan/types.js';
import { execStreaming } from './exec.js';
import { buildFailure, builderFailure, isMissingImage, pushedDigest, readBuildMetadata, type BuildMetadata } from './outcome.js';
import { ProgressReader, stageFullyCached, type Vertex } from './progress.js';

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
  /** Builds that export registry cache: the cache manifest written, or why the export failed. */
  cacheExport?: { ref: string; manifest?: string; error?: string };
  /** Under auto: the builder or cache reason this step failed for; the other strategy can build. */
  fallbackReason?: string;
}

export interface RunResult {
  outcomes: StepOutcome[];
  /** The step that stopped the run, if one did. */
  failed?: StepOutcome;
}

export async function runPlan(plan: Plan, config: Config): Promise<RunResult> {
  return runSteps(plan.steps, plan.files, config);
}

/** Writes the files, runs the steps in order (a failed `stop` step skips the rest), removes the secrets. */
export async function runSteps(steps: Step[], files: PlanFile[], config: Config): Promise<RunResult> {
  const secrets = new Map(config.secrets.map(s => [s.id, s.value]));
  for (const file of files) {
    fs.mkdirSync(path.dirname(file.path), { recursive: true });
    fs.writeFileSync(file.path, file.secretId ? (secrets.get(file.secretId) ?? '') : (file.content ?? ''), { mode: 0o600 });
  }
  const outcomes: StepOutcome[] = [];
  try {
    for (const step of steps) {
      if (step.when && !holds(step.when.condition, outcomes)) {
        core.info(`${step.title}: skipped, ${step.when.otherwise}`);
        outcomes.push({ step, status: 'skipped', durationMs: 0, message: step.when.otherwise });
        continue;
      }
      const outcome = await core.group(step.title, () => runStep(step, config));
      outcomes.push(outcome);
      if (outcome.status === 'failed') {
        for (const rest of steps.slice(steps.indexOf(step) + 1)) {
          outcomes.push({ step: rest, status: 'skipped', durationMs: 0 });
        }
        return { outcomes, failed: outcome };
      }
    }
    return { outcomes };
  } finally {
    for (const file of files) if (file.secretId) fs.rmSync(file.path, { force: true });
  }
}

/** Whether a step's condition holds, from the outcomes of the steps before it. */
export function holds(condition: Condition, outcomes: StepOutcome[]): boolean {
  if ('not' in condition) return !holds(condition.not, outcomes);
  if ('succeeded' in condition) return outcomes.some(o => o.step.id === condition.succeeded && o.status === 'ok');
  const { step, stage } = condition.stageCached;
  const build = outcomes.find(o => o.step.id === step && o.status === 'ok');
  return build !== undefined && stageFullyCached(build.vertices ?? [], stage);
}

/**
 * The steps BuildKit reported for a stage, from the first build that reached it: a later build of the
 * same stage is answered by the cache the first one left, and says nothing about the run.
 */
export function stageSteps(outcomes: StepOutcome[], stage: string): Vertex[] | undefined {
  for (const outcome of outcomes) {
    const own = outcome.status === 'ok' ? (outcome.vertices ?? []).filter(v => v.stage === stage) : [];
    if (own.length > 0) return own;
  }
  return undefined;
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
    const metadata = step.build?.metadataFile ? readMetadata(step.build.metadataFile) : undefined;
    const cacheExport = step.build?.cacheTo ? cacheExportOf(step.build.cacheTo, metadata, progress?.all() ?? []) : undefined;
    const ok: StepOutcome = {
      ...base,
      status: 'ok',
      vertices: progress?.steps(),
      imageId: step.build?.iidfile ? readIid(step.build.iidfile) : metadata?.imageId,
      digest: step.pushRef ? (metadata?.digest ?? pushedDigest(result.tail)) : undefined,
      cacheExport
    };
    if (cacheExport?.error) {
      // ignore-error=true kept the build going; the next run will find no cache at this ref.
      const message = `the registry refused the cache export to ${cacheExport.ref}: ${cacheExport.error}`;
      if (step.fallback) return { ...ok, status: 'failed', message, fallbackReason: message };
      core.warning(`${step.title}: ${message}; the image is built, but the next run finds no cache there`);
    }
    return ok;
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
  const vertices = progress?.steps();
  const fallbackReason = step.fallback
    ? builderFailure(reason.message, (vertices ?? []).some(v => v.status === 'error'))
    : undefined;
  return { ...base, status: 'failed', message, vertices, line: 'line' in reason ? reason.line : undefined, fallbackReason };
}

function readMetadata(file: string): BuildMetadata | undefined {
  try {
    return readBuildMetadata(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** The cache manifest buildx wrote, or the error BuildKit reported on its `exporting cache` step. */
function cacheExportOf(ref: string, metadata: BuildMetadata | undefined, vertices: Vertex[]): StepOutcome['cacheExport'] {
  if (metadata?.cacheManifest) return { ref, manifest: metadata.cacheManifest };
  const failed = vertices.find(v => /^exporting cache/.test(v.name) && v.status === 'error');
  return { ref, error: failed?.error || 'no cache manifest was written' };
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
