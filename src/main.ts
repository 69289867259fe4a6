// The main step: inputs → config → facts → Go caches → plan → run → report.
import * as core from '@actions/core';
import * as exec from '@actions/exec';
import { ageRestoredBuildCache, keepOnlyUsed } from './cache/keep-used.js';
import { goCacheUsers, restoreGoCaches, type GoCacheRestore } from './cache/restore.js';
import { checkInputs } from './build-inputs.js';
import { readConfig, type Config } from './config.js';
import { lineOfStep } from './dockerfile.js';
import { builderProblem, prepareBuilder, probeFacts, type Facts } from './facts.js';
import { choosePlan, fallbackPlan } from './plan/choose.js';
import type { Plan } from './plan/types.js';
import { buildReport, setOutputs, writeSummary } from './report.js';
import { stageFullyCached, type Vertex } from './run/progress.js';
import { runPlan, runSteps, stageSteps, type RunResult } from './run/steps.js';
import { loginSteps, refsFor } from './plan/pull.js';
import { savePostState, type PostState } from './state.js';

export async function run(): Promise<void> {
  try {
    const config = readConfig(name => core.getInput(name), {
      env: process.env,
      workspace: process.env.GITHUB_WORKSPACE || process.cwd()
    });
    if (config.login) core.setSecret(config.login.password);
    for (const secret of config.secrets) core.setSecret(secret.value);

    const facts = await core.group('Probe the environment', async () => {
      const found = await probeFacts();
      core.info(`docker ${found.dockerClient} (engine ${found.dockerServer}), buildx ${found.buildx ?? 'not installed'}, go ${found.go?.version ?? 'not installed'}`);
      return found;
    });
    const state: PostState = { tempDir: facts.tempDir, loggedInRegistry: config.login?.registry };
    savePostState(state);
    facts.builder = await core.group('Probe the buildx builder', () => prepareBuilder(config, facts));
    if (facts.builder?.created) {
      state.createdBuilder = facts.builder.name;
      savePostState(state);
    }
    if (facts.builder) core.info(`builder ${facts.builder.name}: driver ${facts.builder.driver ?? '?'}, ${facts.builder.problem ?? facts.builder.status ?? '?'}`);

    // Log in before anything reads the registry (the inputs label below, then the builds).
    const login = await runSteps(loginSteps(config), [], config);
    if (login.failed) {
      core.setFailed(login.failed.message ?? 'docker login failed');
      return;
    }
    const refs = refsFor(config);
    // Cache-mount mode: the Go caches are restored and copied into the Dockerfile's cache mounts.
    const users = goCacheUsers(config);
    const fillsMounts = config.goCache.enabled && !config.goCache.prebuild && users.mounts.length > 0;
    const onEngine = !buildsElsewhere(config, facts);
    const uses = [
      ...(fillsMounts ? ['the Go caches are not restored'] : []),
      ...(onEngine && refs.builder ? ['the image is built first'] : [])
    ].join('; ');
    const inputs = await core.group('Compare the build inputs with the registry', async () => {
      const checked = await checkInputs(config, refs.latest, facts.buildx !== undefined, uses || undefined).catch(
        (error: Error) => ({ unchanged: false, note: `inputs not compared: ${error.message}`, hash: undefined })
      );
      core.info(checked.note);
      return checked;
    });
    facts.inputsHash = inputs.hash;
    facts.inputsUnchanged = inputs.unchanged;
    const goUnneeded = fillsMounts && inputs.unchanged;

    // The engine pulls the mounts' base image while the Go caches download: the fill and the
    // compile both need it, and on the pull path a local image is what BuildKit uses.
    const prepull = fillsMounts && !inputs.unchanged && onEngine ? pullQuietly(users.baseImage) : undefined;
    const goCache = goUnneeded
      ? undefined
      : await core.group('Restore the Go caches', () => restoreGoCaches(config, facts));
    if (prepull) core.info(await prepull);
    // After a partial hit the save holds old and new: age the restored entries to see which are used.
    const agedTo = goCache?.hit === 'partial' ? await ageRestoredBuildCache(facts.goDirs) : undefined;
    const goState = goCache && { hit: goCache.hit, dirs: facts.goDirs, mounts: goCache.mounts, baseImage: goCache.baseImage };
    let plan = choosePlan(config, facts, goState);
    for (const note of plan.notes) core.info(note);
    if (plan.fellBack && plan.reason) core.warning(plan.reason);
    let result = await runPlan(plan, config);
    result = { ...result, outcomes: [...login.outcomes, ...result.outcomes] };
    // auto: a builder or cache failure of the buildx path (never a Dockerfile's) → the pull path.
    if (result.failed?.fallbackReason) {
      plan = fallbackPlan(config, facts, goState, result.failed.fallbackReason);
      core.warning(plan.reason as string);
      result = await runPlan(plan, config);
    }
    if (inputs.unchanged && !result.failed && !stageFullyCached(stageSteps(result.outcomes, config.builderTarget) ?? [], config.builderTarget)) {
      core.warning(
        `The inputs matched ${refs.latest}, but the ${config.builderTarget} stage was not answered whole from the layer cache (its base image may have moved, or the cache tags were overwritten)${goUnneeded ? ': it compiled without the Go caches, which were not restored' : ''}`
      );
    }

    if (goCache && !result.failed && shouldSave(config, goCache, plan, result)) {
      await core.group('Keep what the build used of the Go caches', () =>
        keepOnlyUsed(facts.goDirs, config.context, config.goCache.dependencyPaths, agedTo)
      );
      savePostState({ ...state, goCacheSave: { key: goCache.key, paths: goCache.paths } });
    }
    const report = buildReport(config, plan, result, goCache, goUnneeded ? inputs.note : undefined);
    setOutputs(report);
    await writeSummary(config, report, result.failed?.message);
    if (result.failed) {
      const { message, step } = result.failed;
      const line = result.failed.line ?? failedStepLine(config, result.failed.vertices);
      if (step.build && line !== undefined) core.error(message ?? 'build failed', { file: config.file, startLine: line });
      core.setFailed(message ?? `${step.title} failed`);
    }
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

/** True when the build will run on a buildx builder of its own, where the engine's images are not seen. */
function buildsElsewhere(config: Config, facts: Facts): boolean {
  return config.cacheStrategy === 'buildx' || (config.cacheStrategy === 'auto' && builderProblem(facts) === undefined);
}

/** `docker pull`, for speed only: a failure is a line in the log, the build pulls on its own. */
async function pullQuietly(image: string): Promise<string> {
  const started = Date.now();
  const result = await exec.getExecOutput('docker', ['pull', '--quiet', image], { silent: true, ignoreReturnCode: true }).catch((error: Error) => ({ exitCode: -1, stderr: error.message }));
  const took = `${((Date.now() - started) / 1000).toFixed(1)} s`;
  return result.exitCode === 0 ? `Pulled ${image} during the restore (${took})` : `Pulling ${image} ahead did not work (${result.stderr.trim().split('\n').pop()}); the build pulls it`;
}

/** Save only what this build refreshed, and never over an exact hit (the entry is already there). */
function shouldSave(config: Config, goCache: GoCacheRestore, plan: Plan, result: RunResult): boolean {
  if (goCache.hit === 'exact' || !config.goCache.save) return false;
  // A builder stage answered whole from the layer cache used no Go cache: its save would be empty.
  const builder = stageSteps(result.outcomes, config.builderTarget);
  if (!config.goCache.prebuild && builder && stageFullyCached(builder, config.builderTarget)) {
    core.info('Go caches not saved: the builder stage came whole from the layer cache, so the build used none of them');
    return false;
  }
  const refreshed = result.outcomes.filter(o => o.step.phase === 'extract' || o.step.phase === 'prebuild');
  const expected = plan.steps.filter(s => s.phase === 'extract' || s.phase === 'prebuild').length;
  return expected > 0 && refreshed.length === expected && refreshed.every(o => o.status === 'ok');
}

/** Older clients do not print `Dockerfile:N`: find the failed step's line from its instruction. */
function failedStepLine(config: Config, vertices: Vertex[] = []): number | undefined {
  const failed = vertices.find(v => v.status === 'error' && v.stage && v.instruction);
  return failed ? lineOfStep(config.dockerfile, failed.stage as string, failed.instruction as string) : undefined;
}
