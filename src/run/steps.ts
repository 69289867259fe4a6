// Runs a plan's steps in order, timing each, and reads what each one reported.
import * as fs from 'node:fs';
import * as core from '@actions/core';
import type { Config } from '../config.js';
import { writePlanFiles } from '../files.js';
import type { Condition, PlanFile, Step } from '../plan/types.js';
import {
  buildFailure,
  infrastructureFailure,
  isMissingImage,
  isTransientRegistryError,
  pushedDigest,
  readBuildMetadata,
  type BuildMetadata
} from './outcome.js';
import { lastLine, runProcess, type ProcessResult } from './process.js';
import { copyManifest } from '../registry-api.js';
import { ProgressReader, stageFullyCached, type Vertex } from './progress.js';

export type StepStatus = 'ok' | 'missing' | 'warned' | 'failed' | 'skipped';

export interface StepOutcome {
  step: Step;
  status: StepStatus;
  durationMs: number;
  /** When it started (ms since the epoch); steps that ran together overlap. */
  startedAt?: number;
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
  /** Under auto: the builder reason this step failed for, before it pushed anything; the pull path can build. */
  fallbackReason?: string;
  /** References BuildKit reported pushed (a buildx build), even when the step failed after. */
  pushed?: string[];
  /** How many times a transient registry error made the step run again. */
  retried?: number;
}

export interface RunResult {
  outcomes: StepOutcome[];
  /** The step that stopped the run, if one did. */
  failed?: StepOutcome;
}

/** Writes the files, runs the steps in order (a failed `stop` step skips the rest), removes the secrets. */
/**
 * `skip`: asked just before a step starts, for what the plan could not know then (the registry may
 * have moved meanwhile); a reason skips the step.
 */
export async function runSteps(
  steps: Step[],
  files: PlanFile[],
  config: Config,
  skip?: (step: Step) => Promise<string | undefined>
): Promise<RunResult> {
  const secrets = new Map(config.secrets.map(s => [s.id, s.value]));
  writePlanFiles(files, file => (file.secretId ? (secrets.get(file.secretId) ?? '') : (file.content ?? '')));
  const outcomes: StepOutcome[] = [];
  try {
    for (let i = 0; i < steps.length;) {
      // A step alone, or every concurrent step in a row.
      let end = i + 1;
      if (steps[i].concurrent) while (end < steps.length && steps[end].concurrent) end++;
      const batch = steps.slice(i, end);
      i = end;
      const skipped = new Map<Step, string>();
      for (const step of batch) {
        if (step.when && !holds(step.when.condition, outcomes)) skipped.set(step, step.when.otherwise);
        else {
          const why = await skip?.(step);
          if (why) skipped.set(step, why);
        }
      }
      const runnable = batch.filter(step => !skipped.has(step));
      const done =
        runnable.length > 1
          ? await runTogether(runnable, config)
          : await Promise.all(runnable.map(step => core.group(step.title, () => runStep(step, config))));
      for (const step of batch) {
        const index = runnable.indexOf(step);
        const outcome = index >= 0 ? done[index] : undefined;
        if (outcome) outcomes.push(outcome);
        else {
          const why = skipped.get(step) ?? '';
          core.info(`${step.title}: skipped, ${why}`);
          outcomes.push({ step, status: 'skipped', durationMs: 0, message: why });
        }
      }
      const failed = done.find(outcome => outcome.status === 'failed');
      if (failed) {
        for (const rest of steps.slice(i)) outcomes.push({ step: rest, status: 'skipped', durationMs: 0 });
        return { outcomes, failed };
      }
    }
    return { outcomes };
  } finally {
    for (const file of files) if (file.secretId) fs.rmSync(file.path, { force: true });
  }
}

/** Runs steps at once, each one's output held back and printed in its own group, in order, after. */
async function runTogether(steps: Step[], config: Config): Promise<StepOutcome[]> {
  const logs = steps.map((): string[] => []);
  const started = Date.now();
  const outcomes = await Promise.all(steps.map((step, i) => runStep(step, config, line => logs[i].push(line))));
  for (const [i, step] of steps.entries()) {
    core.startGroup(step.title);
    for (const line of logs[i]) core.info(line);
    core.endGroup();
  }
  // The steps' times overlap: the wall time of the batch is what the job spent.
  core.info(`${steps.map(step => step.title).join(', ')}: together in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return outcomes;
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

/** Runs one step, again after a transient registry error when it may; with `hold`, its output goes there. */
async function runStep(step: Step, config: Config, hold?: (line: string) => void): Promise<StepOutcome> {
  let outcome = await runOnce(step, config, hold);
  let retried = 0;
  while (outcome.status === 'failed' && retried < (step.retries ?? 0) && outcome.transient) {
    retried++;
    const wait = 1000 * 2 ** (retried - 1);
    const line = `${step.title}: ${outcome.reason} looks passing; trying again in ${wait / 1000} s (${retried} of ${step.retries})`;
    if (hold) hold(line);
    else core.warning(line);
    await new Promise(resolve => setTimeout(resolve, wait));
    const again = await runOnce(step, config, hold);
    outcome = { ...again, durationMs: again.durationMs + outcome.durationMs + wait, startedAt: outcome.startedAt };
  }
  const { transient: _transient, reason: _reason, ...done } = outcome;
  return retried ? { ...done, retried } : done;
}

type Attempt = StepOutcome & { transient?: boolean; reason?: string };

/** A copy in the registry has this long to be done by its HTTP API before buildx is asked to do it. */
const API_COPY_MS = 30_000;

/** The step's copy through the registry's HTTP API; undefined (and why, in the log) when it could not be done there. */
async function copyByApi(step: Step, copy: { source: string; targets: string[] }, say: (line: string) => void): Promise<Attempt | undefined> {
  const startedAt = Date.now();
  const limitMs = Math.min(step.limit.totalMs ?? step.limit.idleMs ?? API_COPY_MS, API_COPY_MS);
  const answer = await copyManifest(copy.source, copy.targets, { totalMs: limitMs });
  if ('ok' in answer) {
    say(`${copy.targets.join(', ')}: the manifest of ${copy.source} put there by the registry's HTTP API (${Date.now() - startedAt} ms)`);
    return { step, status: 'ok', durationMs: Date.now() - startedAt, startedAt, digest: answer.ok };
  }
  const why = 'unsupported' in answer ? answer.unsupported : 'missing' in answer ? answer.missing : answer.problem;
  say(`The registry's HTTP API did not copy ${copy.source} (${why}); docker buildx imagetools does`);
  return undefined;
}

async function runOnce(step: Step, config: Config, hold?: (line: string) => void): Promise<Attempt> {
  if (step.registryCopy) {
    const copied = await copyByApi(
      step,
      step.registryCopy,
      hold ??
        (line => {
          core.info(line);
        })
    );
    if (copied) return copied;
  }
  const progress = step.build ? new ProgressReader() : undefined;
  const startedAt = Date.now();
  hold?.(`[command]${step.argv.join(' ')}`);
  const result: ProcessResult = await runProcess({
    argv: step.argv,
    env: step.env,
    cwd: step.cwd,
    stdin: step.stdin === 'registry-password' ? config.login?.password : undefined,
    limit: step.limit,
    echo: hold === undefined,
    onLine: line => {
      progress?.line(line);
      hold?.(line);
    }
  });
  const base = { step, durationMs: result.durationMs, startedAt, pushed: progress?.pushed() };

  if (result.exitCode === 0) {
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
      // ignore-error=true kept the build going and the image is pushed; the next run finds no cache here.
      core.warning(
        `${step.title}: the registry refused the cache export to ${cacheExport.ref} (${cacheExport.error}); the image is built and pushed, but the next run finds no cache there (a registry that refuses cache manifests: set cache-strategy: pull)`
      );
    }
    return ok;
  }
  if (step.missingIsNormal && !result.timedOut && isMissingImage(result.tail)) {
    core.info(`${step.title}: not in the registry yet (normal on a first build); going on without it`);
    return { ...base, status: 'missing', message: 'not in the registry yet' };
  }
  const reason = result.timedOut
    ? { message: `killed: ${result.timedOut} (idle-timeout / lookup-timeout)`, line: undefined }
    : step.build
      ? buildFailure(result.tail)
      : { message: lastLine(result.tail), line: undefined };
  const transient = !result.timedOut && isTransientRegistryError(result.tail);
  if (step.onFailure === 'warn') {
    core.warning(`${step.title} failed, going on without it: ${reason.message}`);
    return { ...base, status: 'warned', message: reason.message };
  }
  const already = base.pushed?.length
    ? `. BuildKit had pushed ${base.pushed.join(', ')} before it failed (left as it is; no other path builds a second image)`
    : '';
  const message = `${step.title} failed${result.exitCode >= 0 ? ` (exit ${result.exitCode})` : ''}: ${reason.message}${already}${step.hint ? `. Fix: ${step.hint}` : ''}`;
  const vertices = progress?.steps();
  // Once BuildKit pushed a tag, the other path would push a second, different image: no fallback.
  const fallbackReason =
    step.fallback && !base.pushed?.length
      ? infrastructureFailure(
          reason.message,
          (vertices ?? []).some(v => v.status === 'error'),
          result.timedOut !== undefined
        )
      : undefined;
  return { ...base, status: 'failed', message, vertices, line: reason.line, fallbackReason, transient, reason: reason.message };
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
