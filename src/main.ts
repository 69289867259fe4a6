// The main step, as the story of a run: read the inputs, probe, decide what this run may write, log
// in, compare with latest, bring the Go caches, build and push the commit tag, move latest and the
// extra tags, report, then read the Go caches back for the post step to save.
import * as path from 'node:path';
import * as core from '@actions/core';
import { cannotTellWhy, compareWithLatest, type Comparison, holdBack, latestIsAhead, lookUpCacheTags } from './compare.js';
import { ageRestoredBuildCache, keepOnlyUsed } from './cache/keep-used.js';
import { goCacheKeyFor, goCacheUsers, keyOfRunnerFolders, markRunnerFolders, restoreGoCaches } from './cache/restore.js';
import { collectNewer, entryNames } from './cache/trim.js';
import type { GoCacheDelta, GoCacheRestore, GoCacheState, GoDirs } from './cache/go-cache.js';
import { probeMounts } from './cache/mount-probe.js';
import type { Config } from './config.js';
import { removeTree, replaceTree } from './files.js';
import { imagesFile, readConfigs, type NamedConfig } from './images.js';
import { lineOfStep } from './dockerfile.js';
import { readEvent, type RunEvent } from './event.js';
import { classicClient, engineLine, prepareBuilder, probeClient, probeFacts, untestedEngineNote, type ClientFacts, type Facts } from './facts.js';
import { isAncestor, workspaceHead, worktreeChanges } from './git.js';
import { InputError } from './inputs.js';
import { unknownInputsHash } from './labels.js';
import { limits } from './limits.js';
import { buildsOnBuilder, choosePlan, fallbackPlan, mountBuildCommand } from './plan/choose.js';
import { planCopy } from './plan/copy.js';
import { loginSteps, refsFor } from './plan/common.js';
import type { InputsComparison, PlanInput } from './plan/input.js';
import { planPublish } from './plan/publish.js';
import type { Plan, Step } from './plan/types.js';
import { inspectImage, platformManifests, type Lookup, type PlatformManifest, type RemoteImage } from './registry.js';
import { buildReport, setOutputs, writeOverview, writeReadBackSummary, writeSummary, type LatestOutcome, type Report } from './report.js';
import { lastLine, runProcess } from './run/process.js';
import { stageFullyCached, type Vertex } from './run/progress.js';
import { runSteps, stageSteps, type RunResult, type StepOutcome } from './run/steps.js';
import { maskSecretInputs } from './secrets.js';
import { savePostState, type PostState } from './state.js';
import { POST_MARK } from './step-mark.js';
import { decidePolicy, defaultBranchTip, needsCleanTree, onDefaultBranchRef, persistentBuilderOf, untrustedByEvent, type Policy } from './trust.js';

export async function run(): Promise<void> {
  // First of all: the post step is the run of the bundle that finds this mark.
  core.saveState(POST_MARK, 'true');
  try {
    // The event first: an untrusted run's images file is not even read.
    const event = readEvent(process.env);
    const images = readInputs(event);
    // The step's own inputs (push, latest, go-cache, limits, login) are the same in every image's config.
    const step = images[0].config;
    // Of the machine, a run that copies needs only the docker CLI's version (whose .dockerignore
    // rules send the context): asked while git and the registry are; the rest once a build is certain.
    const client = probeClient(step);
    client.catch(() => undefined);
    const trusted = await decideWhatMayBeWritten(images, event);
    const state: PostState = {};
    if (
      !(await logIn(
        images.map(i => i.config),
        trusted,
        state
      ))
    )
      return;
    // The images' base images are asked once for all of them (a monorepo's share theirs).
    const baseLookups = new Map<string, Promise<Lookup>>();
    const compared = await Promise.all(images.map(image => compareImage(image, client, trusted, baseLookups)));
    const outcomes = await Promise.all(compared.filter(copyable).map(copyInsteadOfBuilding));
    const toBuild = compared.filter(image => !copyable(image));
    if (toBuild.length === 0) {
      await reportImages(outcomes);
      return;
    }
    const facts = await probeBuilder(step, await probe(step, await client, state), state);
    const go = await bringGoCaches(
      toBuild[0].config,
      facts,
      toBuild.every(image => image.inputs.unchanged),
      trusted
    );
    outcomes.push(...(await inBatches(toBuild, step.parallel, image => buildImage(image, facts, go))));
    // Outputs and summary first: nothing that follows can lose them.
    const failed = await reportImages(outcomes);
    if (failed) return;
    const built = outcomes.filter((o): o is BuiltImage => 'built' in o);
    for (const image of built) warnIfLayerCacheMissed(image.config, image.inputs, go.unneeded, image.built.result);
    await readBackGoCaches(built, go, state);
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Secrets are masked before anything can echo one; then every input of every image is checked. An
 * images file is not read when the event alone makes the run untrusted (its content would be the
 * untrusted code's choice).
 */
function readInputs(event: RunEvent): NamedConfig[] {
  const masked = maskSecretInputs({ password: core.getInput('registry-password'), secrets: core.getInput('secrets') }, core.setSecret);
  for (const input of masked.short) {
    core.warning(`Input '${input}' has a value shorter than 4 characters: it is easy to guess, and masking it hides every such string in the log`);
  }
  const untrusted = untrustedByEvent(event);
  const images = readConfigs(
    name => core.getInput(name),
    { env: process.env, workspace: process.env.GITHUB_WORKSPACE || process.cwd() },
    { fileRefused: untrusted ? `this run builds untrusted code (${untrusted})` : undefined }
  );
  for (const { name, config } of images) for (const note of config.notes) core.notice(images.length > 1 ? `${name}: ${note}` : note);
  return images;
}

/** The engine, buildx and Go, once a build is certain; the run's private folder, for the post step to remove. */
async function probe(config: Config, client: ClientFacts, state: PostState): Promise<Facts> {
  return core.group('Probe the environment', async () => {
    const found = await probeFacts(config, client);
    state.tempDir = found.tempDir;
    savePostState(state);
    core.info(
      `docker ${found.dockerClient} (engine ${found.dockerServer}, ${found.imageStore} image store), buildx ${found.buildx ?? 'not installed'}, go ${found.go?.version ?? 'not installed'}`
    );
    const untested = untestedEngineNote(found.dockerServer);
    if (untested) core.notice(untested);
    return found;
  });
}

/** The buildx builder, once it is clear a build is needed (a copy needs none). */
async function probeBuilder(config: Config, facts: Facts, state: PostState): Promise<Facts> {
  return core.group('Probe the buildx builder', async () => {
    const builder = await prepareBuilder(config, facts.buildx);
    if (builder) core.info(`builder ${builder.name}: driver ${builder.driver ?? '?'}, ${builder.problem ?? builder.status ?? '?'}`);
    if (builder?.created) {
      state.createdBuilder = builder.name;
      savePostState(state);
    }
    return { ...facts, builder };
  });
}

/**
 * From the event and what is checked out: who the run is for, and so what it may push, save and read.
 * git is asked of the workspace (GITHUB_WORKSPACE), never of a context's own .git: its HEAD, whether
 * that is in the default branch's history, and for events run with the base's rights whether the
 * tree the build reads is exactly that commit.
 */
async function decideWhatMayBeWritten(images: NamedConfig[], event: RunEvent): Promise<Policy> {
  const step = images[0].config;
  const lookup = limits(step).lookup;
  const workspace = step.workspace;
  const head = await workspaceHead(workspace, lookup);
  const tip = defaultBranchTip(event);
  // Asked where it decides something: a run of the default branch that built another commit, or latest: true.
  const askMerged = head !== undefined && tip !== undefined && head !== tip && (onDefaultBranchRef(event) || step.latest === 'true');
  const configs = images.map(i => i.config);
  const file = imagesFile(core.getInput('images'));
  const [merged, dirty] = await Promise.all([
    askMerged ? isAncestor(workspace, head, tip, lookup) : undefined,
    needsCleanTree(event.name) && head !== undefined
      ? worktreeChanges(
          workspace,
          [...configs.flatMap(c => [c.context, c.file]), ...(file ? [path.resolve(workspace, file)] : [])],
          configs.flatMap(c => (c.goCache.prebuild ? [c.goCache.prebuild.output] : [])),
          lookup
        )
      : undefined
  ]);
  const policy = decidePolicy({
    event,
    head,
    merged,
    dirty,
    commitInput: step.commitGiven ? step.commit : '',
    persistentBuilder: persistentBuilderOf(step, process.env.RUNNER_ENVIRONMENT),
    allowUntrustedOnBuilder: step.allowUntrustedOnBuilder,
    push: step.push,
    latest: step.latest,
    saveGoCache: step.goCache.save
  });
  core.info(
    `This run: ${policy.who}; builds ${head ?? 'a commit git cannot name'}. ${policy.push ? 'Pushes the commit tag' : 'Pushes nothing'}${policy.writeScope ? `, writes the cache tags of ${policy.writeScope.branch}` : ''}; latest: ${policy.latest.why}.`
  );
  if (policy.refused) throw new Error(policy.refused);
  if (!policy.trusted && file) {
    throw new InputError(
      'images',
      `the file '${file}' is not used: this run builds untrusted code (${policy.who}); give the images in the workflow itself`
    );
  }
  if (!policy.trusted) core.warning(`Untrusted code (${policy.who}): nothing is pushed, no cache is saved, no secret or login is used`);
  for (const warning of policy.warnings) core.warning(warning);
  for (const note of policy.notes) core.notice(note);
  return policy;
}

/** Log in to each image's registry before anything reads one; the post step logs out. */
async function logIn(configs: Config[], policy: Policy, state: PostState): Promise<boolean> {
  const registries = [...new Map(configs.filter(c => c.login).map(c => [c.login?.registry, c])).values()];
  for (const config of registries) {
    const steps = loginSteps(config, policy);
    if (!steps.length) continue;
    const login = await runSteps(steps, [], config);
    if (login.failed) {
      core.setFailed(login.failed.message ?? 'docker login failed');
      return false;
    }
    state.loggedInRegistries = [...(state.loggedInRegistries ?? []), config.login?.registry as string];
    savePostState(state);
  }
  return true;
}

/**
 * This build's inputs hash and whether latest was built from the same; and whether latest's commit
 * already contains this one, so that an older run moves neither latest nor the default branch's cache.
 */
async function compareWithRegistry(
  config: Config,
  client: Promise<ClientFacts>,
  policy: Policy,
  baseLookups: Map<string, Promise<Lookup>>
): Promise<{ inputs: InputsComparison; policy: Policy; cacheTags: { unreadable: string[]; present: string[] }; latest?: RemoteImage }> {
  const users = goCacheUsers(config);
  const fillsMounts = config.goCache.enabled && !config.goCache.prebuild && users.mounts.length > 0;
  // The builder is not probed yet (a copy needs none): the engine's, unless one was named.
  const onEngine = config.cacheStrategy === 'pull' || (config.cacheStrategy === 'auto' && !config.builder && !config.buildkitEndpoint);
  const uses = [
    ...(config.copyUnchanged && policy.push ? ['the image is copied, not built'] : []),
    ...(fillsMounts ? ['the Go caches are not restored'] : []),
    ...(onEngine && config.builderTarget ? ['the image is built first'] : [])
  ].join('; ');
  return core.group('Compare with latest in the registry', async () => {
    const mayMove = policy.latest.move || policy.writeScope?.suffix === '';
    // Both paths' cache tags: which path builds is known only once the builder is probed.
    const tags = (['pull', 'buildx'] as const).flatMap(strategy => {
      const refs = refsFor(config, policy, strategy);
      return [...refs.cacheRead, ...(refs.cacheWrite ? [refs.cacheWrite] : [])];
    });
    const [{ inputs, latest, latestProblem }, cacheTags] = await Promise.all([
      compareWithLatest(config, {
        rules: client.then(found => (classicClient(found) && onEngine ? 'docker-20.10' : 'buildx')),
        uses: uses || undefined,
        mayMoveLatest: mayMove,
        baseLookups
      }).catch((error: unknown): Comparison => ({
        inputs: { hash: unknownInputsHash(), unchanged: false, note: `inputs not compared: ${(error as Error).message}` }
      })),
      lookUpCacheTags(config, [...new Set(tags)])
    ]);
    if (latestProblem) cacheTags.unreadable.push(`${config.image.name}:latest`);
    core.info(inputs.note);
    if (!mayMove || !latest) return { inputs, policy, cacheTags, latest };
    const { ahead, revision } = await latestIsAhead(config, latest, policy);
    if (ahead === undefined && revision) {
      // latest never moves backwards, so not on a guess either; the default branch's cache tag still may.
      const why = cannotTellWhy(revision, config.commit);
      core.notice(why);
      return { inputs, policy: policy.latest.move ? { ...policy, latest: { move: false, why } } : policy, cacheTags, latest };
    }
    if (!ahead || !revision) return { inputs, policy, cacheTags, latest };
    const held = holdBack(policy, revision, config.commit);
    core.notice(held.latest.why);
    return { inputs, policy: held, cacheTags, latest };
  });
}

/** An image of the step, compared with its latest. */
interface ComparedImage {
  name: string;
  config: Config;
  inputs: InputsComparison;
  policy: Policy;
  cacheTags: { unreadable: string[]; present: string[] };
  latest?: RemoteImage;
}

async function compareImage(
  { name, config }: NamedConfig,
  client: Promise<ClientFacts>,
  policy: Policy,
  baseLookups: Map<string, Promise<Lookup>>
): Promise<ComparedImage> {
  return { name, config, ...(await compareWithRegistry(config, client, policy, baseLookups)) };
}

/**
 * No build at all when latest was built from exactly these inputs and the run's cache tags are there
 * (so the cache stays whole for the next change): the new tags get latest's image.
 */
function copyable({ config, policy, inputs, cacheTags, latest }: ComparedImage): boolean {
  if (!config.copyUnchanged || config.noCache || !inputs.unchanged || !policy.push || !latest) return false;
  if (!config.builderTarget) return true;
  const read = (['pull', 'buildx'] as const).flatMap(strategy => refsFor(config, policy, strategy).cacheRead);
  return read.some(ref => cacheTags.present.includes(ref));
}

/** What became of an image: its report, and whether it failed (and why). */
interface ImageOutcome {
  name: string;
  config: Config;
  report: Report;
  failed?: StepOutcome;
}

interface BuiltImage extends ImageOutcome {
  inputs: InputsComparison;
  built: Built;
}

async function copyInsteadOfBuilding({ name, config, policy, inputs, latest }: ComparedImage): Promise<ImageOutcome> {
  const image = latest as RemoteImage;
  const copy = planCopy(config, policy, image.digest);
  core.info(`${inputs.note}: no build, the new tags get latest's image (${image.digest})`);
  const result = await runSteps(copy.steps, [], config);
  const plan: Plan = {
    strategy: 'copy',
    refs: copy.refs,
    steps: copy.steps,
    readBack: [],
    saveGoCaches: false,
    files: [],
    notes: [`no build: ${inputs.note}`]
  };
  const report = buildReport(config, policy, plan, result, {
    goCacheUnneeded: inputs.note,
    latest: { moved: false, why: `latest already is this image (${image.digest.slice(0, 19)}): nothing was built` },
    copiedFrom: result.failed ? undefined : image
  });
  return { name, config, report, failed: result.failed };
}

/** Build, push and tag one image (the Go caches already in the builder). */
async function buildImage(image: ComparedImage, facts: Facts, go: GoCaches): Promise<BuiltImage> {
  const { name, config, policy, inputs, cacheTags } = image;
  const built = await buildAndPush({ config, policy, facts, inputs, go: go.state, ...cacheTags });
  const latest = built.result.failed ? undefined : await publishTags(config, policy, built);
  const failed = built.result.failed ?? latest?.result.failed;
  const result = mergeResults(built.result, latest?.result);
  const report = buildReport(config, policy, built.plan, result, {
    goCache: go.restore,
    goCacheUnneeded: go.unneeded ? inputs.note : undefined,
    latest: latest?.outcome ?? { moved: false, why: failed ? 'the build or a push failed' : policy.latest.why },
    engine: engineLine(facts),
    platforms: failed ? undefined : await platformsOf(config, built)
  });
  return { name, config, report, failed, inputs, built };
}

/** Runs `work` on every item, at most `width` at once, in the items' order. */
async function inBatches<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(width, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** Outputs and the summary for every image; a failure fails the step (annotated at its Dockerfile line). Returns whether one failed. */
async function reportImages(outcomes: ImageOutcome[]): Promise<boolean> {
  setOutputs(outcomes.map(o => ({ name: o.name, report: o.report })));
  if (outcomes.length > 1) await writeOverview(outcomes.map(o => ({ name: o.name, report: o.report, failure: o.failed?.message })));
  for (const { name, config, report, failed } of outcomes)
    await writeSummary(config, report, failed?.message, outcomes.length > 1 ? name : undefined);
  const failures = outcomes.filter(o => o.failed);
  for (const { config, failed } of failures) {
    const step = failed as StepOutcome;
    const line = step.line ?? failedStepLine(config, step.vertices);
    if (step.step.build && line !== undefined) core.error(step.message ?? 'build failed', { file: config.file, startLine: line });
  }
  if (failures.length) {
    core.setFailed(
      failures.map(o => `${outcomes.length > 1 ? `${o.name}: ` : ''}${o.failed?.message ?? `${o.failed?.step.title} failed`}`).join('\n')
    );
  }
  return failures.length > 0;
}

interface GoCaches {
  restore?: GoCacheRestore;
  state?: GoCacheState;
  /** latest has the same inputs: every step comes from the layer cache, the Go caches are not needed. */
  unneeded: boolean;
  /** After a partial hit, restored GOCACHE entries were aged to this time, to see which the build uses. */
  agedTo?: Date;
}

async function bringGoCaches(config: Config, facts: Facts, allUnchanged: boolean, policy: Policy): Promise<GoCaches> {
  const users = goCacheUsers(config);
  const fillsMounts = config.goCache.enabled && !config.goCache.prebuild && users.mounts.length > 0;
  const unneeded = fillsMounts && allUnchanged;
  if (unneeded) return { unneeded };
  const found = await goCacheKeyFor(config, facts);
  if (!found) return { unneeded };
  // Untrusted builds may run here (allow-untrusted-on-builder): no marker is proof, and a self-hosted
  // runner's Go folders, which such a build's go build may have written, start empty as on a fresh one.
  const markers = policy.markersAreProof;
  if (!markers) {
    core.info('Key markers are not taken as proof here (allow-untrusted-on-builder): the Go caches are restored and filled as on a fresh builder');
    if (process.env.RUNNER_ENVIRONMENT === 'self-hosted') await Promise.all([facts.goDirs.mod, facts.goDirs.build].map(dir => removeTree(dir)));
  }
  // Prebuild mode on a machine that kept its Go folders (a self-hosted runner): they hold the key already.
  if (markers && config.goCache.prebuild && keyOfRunnerFolders(facts.goDirs) === found.key) {
    const note = `the runner's Go folders already hold the Go caches of ${found.key}: not restored`;
    core.info(note);
    const { key, restoreKeys, mounts, baseImage } = found;
    const restore: GoCacheRestore = {
      key,
      restoreKeys,
      hit: 'warm',
      paths: [facts.goDirs.mod, facts.goDirs.build],
      bytes: 0,
      seconds: 0,
      mounts,
      baseImage,
      note
    };
    return { restore, state: { hit: 'warm', key, dirs: facts.goDirs, mounts, baseImage }, unneeded };
  }
  const onBuilder = buildsOnBuilder({ config, facts });
  // A builder may hold the caches already (its mounts name the key): ask it while the restore runs.
  // The engine's BuildKit is asked only when it has the mounts' base image: else it is a fresh one.
  const probing = markers && fillsMounts && (onBuilder || (await imagePresent(config, users.baseImage)));
  // The engine pulls the mounts' base image while the Go caches download: the fill and the compile
  // both need it, and on the pull path a local image is what BuildKit uses.
  const prepull = fillsMounts && !onBuilder ? pullQuietly(config, users.baseImage) : undefined;
  const cancel = new AbortController();
  const probe = probing
    ? probeMounts(found, facts, mountBuildCommand({ config, facts }), limits(config).activity).then(result => {
        if (result.warm) cancel.abort();
        return result;
      })
    : undefined;
  let restore = await core.group('Restore the Go caches', () => restoreGoCaches(config, facts, found, cancel.signal));
  const probed = await probe;
  if (prepull) core.info(await prepull);
  if (probed) {
    core.info(`The builder's Go cache mounts: ${probed.said} (asked in ${probed.seconds.toFixed(1)} s)`);
    // The one place a run is called warm: the restore was stopped, or it ended before the probe did.
    if (probed.warm) {
      const note = `the builder's cache mounts already hold the Go caches of ${found.key}: not restored, not filled`;
      restore = { ...restore, hit: 'warm', matchedKey: undefined, bytes: 0, note };
      core.info(note);
    }
  }
  // After a partial hit the save holds old and new: age the restored entries to see which are used.
  const agedTo = restore.hit === 'partial' ? await ageRestoredBuildCache(facts.goDirs) : undefined;
  const state = {
    hit: restore.hit,
    key: restore.key,
    dirs: facts.goDirs,
    mounts: restore.mounts,
    baseImage: restore.baseImage,
    deltaDir: restore.delta?.dir,
    deltaSince: restore.delta?.since
  };
  return { restore, state, unneeded, agedTo };
}

/** Whether the engine has the image (a look-up; any failure is a no). */
async function imagePresent(config: Config, image: string): Promise<boolean> {
  const result = await runProcess({ argv: ['docker', 'image', 'inspect', '--format', '{{.Id}}', image], limit: limits(config).lookup });
  return result.exitCode === 0;
}

/** `docker pull`, for speed only: a failure is a line in the log, the build pulls on its own. */
async function pullQuietly(config: Config, image: string): Promise<string> {
  const result = await runProcess({ argv: ['docker', 'pull', '--quiet', image], limit: limits(config).activity });
  const took = `${(result.durationMs / 1000).toFixed(1)} s`;
  return result.exitCode === 0
    ? `Pulled ${image} during the restore (${took})`
    : `Pulling ${image} ahead did not work (${result.timedOut ?? lastLine(result.tail)}); the build pulls it`;
}

interface Built {
  plan: Plan;
  result: RunResult;
  input: PlanInput;
}

/** The build, and the push of its commit tag and cache tag; under auto, the pull path if buildx's builder fails first. */
async function buildAndPush(input: PlanInput): Promise<Built> {
  let plan = choosePlan(input);
  for (const note of plan.notes) core.info(note);
  for (const warning of plan.warnings ?? []) core.warning(warning);
  if (plan.fellBack && plan.reason) core.warning(plan.reason);
  let result = await runSteps(plan.steps, plan.files, input.config, defaultCacheTagStill(input, plan));
  const reason = result.failed?.fallbackReason;
  if (reason) {
    plan = fallbackPlan(input, reason);
    core.warning(plan.reason as string);
    result = await runSteps(plan.steps, plan.files, input.config, defaultCacheTagStill(input, plan));
  }
  return { plan, result, input };
}

/**
 * A run that overlapped a newer one of the default branch: the newer may have moved latest while this
 * one built. Its push of the default branch's cache tag is asked again just before it starts, as
 * latest is (latestMayMove), so the older run leaves the newer's cache tag in place.
 */
function defaultCacheTagStill({ config, policy }: PlanInput, plan: Plan): (step: Step) => Promise<string | undefined> {
  return async step => {
    if (step.pushRef === undefined || step.pushRef !== plan.refs.cacheWrite || policy.writeScope?.suffix !== '') return undefined;
    const found = await inspectImage(plan.refs.latest, limits(config).lookup);
    if (!('image' in found)) return undefined;
    const { ahead, revision } = await latestIsAhead(config, found.image, policy);
    if (ahead !== true || !revision) return undefined;
    return `latest moved to ${revision.slice(0, 12)} while this run built, and that commit contains ${config.commit.slice(0, 12)}: the default branch's cache tag stays with it`;
  };
}

/** latest (unless it would move backwards) and the extra tags, once the commit tag is in. */
async function publishTags(config: Config, policy: Policy, { plan, result }: Built): Promise<{ result: RunResult; outcome: LatestOutcome }> {
  const outcome = await latestMayMove(config, policy, plan);
  if (plan.refs.moveLatest) core.info(`latest: ${outcome.why}`);
  const digest = result.outcomes.find(o => o.step.pushRef === plan.refs.commit && o.status === 'ok')?.digest;
  const steps = policy.push ? planPublish({ config }, { strategy: plan.strategy, refs: plan.refs, moveLatest: outcome.moved, digest }) : [];
  const published = await runSteps(steps, [], config);
  const moved = outcome.moved && !published.failed;
  return {
    result: published,
    outcome: { moved, why: published.failed && outcome.moved ? `its push failed: ${published.failed.message}` : outcome.why }
  };
}

/**
 * latest never moves backwards: not when its commit already contains this one, nor when that cannot
 * be told (latest unreadable, a shallow clone): then it stays where it is, and a notice says why.
 */
async function latestMayMove(config: Config, policy: Policy, plan: Plan): Promise<LatestOutcome> {
  if (!plan.refs.moveLatest || !policy.push) return { moved: false, why: policy.latest.why };
  const found = await inspectImage(plan.refs.latest, limits(config).lookup);
  if ('missing' in found) return { moved: true, why: `${policy.latest.why}; latest is new` };
  if ('problem' in found) {
    const why = `latest's revision could not be read (${found.problem}), so whether it would move backwards cannot be told: latest stays where it is`;
    core.notice(why);
    return { moved: false, why };
  }
  // A latest without a revision label was not pushed by this action: nothing to keep it from moving.
  const { ahead, revision } = await latestIsAhead(config, found.image, policy);
  if (!revision || revision === config.commit) return { moved: true, why: policy.latest.why };
  if (ahead === true) {
    return {
      moved: false,
      why: `latest is at ${revision.slice(0, 12)}, which already contains ${config.commit.slice(0, 12)}: latest never moves backwards`
    };
  }
  if (ahead === undefined) {
    const why = cannotTellWhy(revision, config.commit);
    core.notice(why);
    return { moved: false, why };
  }
  return { moved: true, why: `${policy.latest.why}; from ${revision.slice(0, 12)}` };
}

/** Each platform's image in the pushed index, for the summary (a look-up; its failure only a note). */
async function platformsOf(config: Config, { plan, result }: Built): Promise<PlatformManifest[] | undefined> {
  const digest = result.outcomes.find(o => o.step.pushRef === plan.refs.commit && o.status === 'ok')?.digest;
  if (!config.platforms.length || !digest) return undefined;
  const found = await platformManifests(`${config.image.name}@${digest}`, limits(config).lookup);
  if ('problem' in found) {
    core.info(`The index's platforms could not be read (${found.problem})`);
    return undefined;
  }
  return found;
}

function mergeResults(first: RunResult, second?: RunResult): RunResult {
  if (!second) return first;
  return { outcomes: [...first.outcomes, ...second.outcomes], failed: first.failed ?? second.failed };
}

/** latest had these inputs, yet the builder stage ran: say so (a moved base image, overwritten cache tags). */
function warnIfLayerCacheMissed(config: Config, inputs: InputsComparison, goUnneeded: boolean, result: RunResult): void {
  if (!inputs.unchanged || !config.builderTarget) return;
  if (stageFullyCached(stageSteps(result.outcomes, config.builderTarget) ?? [], config.builderTarget)) return;
  core.warning(
    `The inputs matched latest, but the ${config.builderTarget} stage was not answered whole from the layer cache (its base image may have moved, or the cache tags were overwritten)${goUnneeded ? ': it compiled without the Go caches, which were not restored' : ''}`
  );
}

/** After the outputs: the builder's cache mounts back into the runner's Go folders, for the post step's save. */
async function readBackGoCaches(images: BuiltImage[], go: GoCaches, state: PostState): Promise<void> {
  const restore = go.restore;
  // Every image's build used the same cache mounts (by id): reading them back once holds all.
  const saving = images.find(image => image.built.plan.saveGoCaches);
  const delta = images.find(image => image.built.plan.saveGoDelta);
  if (!restore || !(saving ?? delta)) return;
  // A builder stage answered whole from the layer cache used no Go cache: its save would hold nothing new.
  const wholeFromCache = ({ config: c, built }: BuiltImage) => {
    const builder = stageSteps(built.result.outcomes, c.builderTarget);
    return !c.goCache.prebuild && builder !== undefined && stageFullyCached(builder, c.builderTarget);
  };
  if (images.every(wholeFromCache)) {
    core.info('Go caches not saved: the builder stage came whole from the layer cache, so the build used none of them');
    return;
  }
  if (!saving) {
    if (delta && restore.delta) await readBackDelta(delta, restore.delta, (go.state as GoCacheState).dirs, state);
    return;
  }
  const { config } = saving;
  const { plan, result } = saving.built;
  const readBack = await runSteps(plan.readBack, [], config);
  const ran = [...result.outcomes, ...readBack.outcomes].filter(o => o.step.phase === 'read-back' || o.step.phase === 'prebuild');
  const expected = plan.readBack.length + plan.steps.filter(s => s.phase === 'prebuild').length;
  await writeReadBackSummary(readBack);
  if (expected === 0 || ran.length !== expected || !ran.every(o => o.status === 'ok')) {
    core.warning("Go caches not saved: reading them back from the build did not work (see above); the runner's Go folders are as they were");
    return;
  }
  // The copies read back are trimmed where they are, and put in the runner's place only once all are whole.
  const dirs = (go.state as GoCacheState).dirs;
  const swaps = plan.readBack.flatMap(step => (step.extract ? [step.extract] : []));
  const fresh = { mod: swaps.find(s => s.to === dirs.mod)?.from ?? dirs.mod, build: swaps.find(s => s.to === dirs.build)?.from ?? dirs.build };
  try {
    await core.group('Keep what the build used of the Go caches', () =>
      keepOnlyUsed(fresh, config.context, config.goCache.dependencyPaths, go.agedTo)
    );
  } catch (error) {
    core.warning(
      `Go caches not saved: trimming them failed (${(error as Error).message})${swaps.length ? "; the runner's Go folders are as they were" : ''}`
    );
    return;
  }
  const swapped: string[] = [];
  try {
    for (const { from, to } of swaps) {
      await replaceTree(from, to);
      swapped.push(to);
    }
  } catch (error) {
    const kept = swaps.map(s => s.to).filter(to => !swapped.includes(to));
    core.warning(
      `Go caches not saved: putting the copy read back in place failed (${(error as Error).message}); ${kept.join(' and ')} ${kept.length > 1 ? 'are' : 'is'} as ${kept.length > 1 ? 'they were' : 'it was'}${swapped.length ? `, ${swapped.join(' and ')} holds the build's copy` : ''}`
    );
    return;
  }
  // The folders now hold what is saved under the key: a later run on this machine finds them marked.
  await markRunnerFolders(dirs, restore.key);
  savePostState({ ...state, goCacheSave: { key: restore.key, paths: restore.paths, limitMs: limits(config).activity.idleMs as number } });
}

/**
 * After an exact hit: the GOCACHE entries the build compiled or used beyond the key's entry, read from
 * the mount (or, in prebuild mode, from the runner's GOCACHE), saved as the key's newest delta when
 * they hold an entry the restored delta did not.
 */
async function readBackDelta(image: BuiltImage, delta: GoCacheDelta, dirs: GoDirs, state: PostState): Promise<void> {
  const { config } = image;
  const { plan } = image.built;
  let names: string[];
  if (config.goCache.prebuild) {
    names = await collectNewer(dirs.build, new Date(delta.since), delta.dir);
  } else {
    const readBack = await runSteps(plan.readBack, [], config);
    await writeReadBackSummary(readBack);
    const swap = plan.readBack.find(step => step.extract)?.extract;
    if (!swap || readBack.outcomes.length !== plan.readBack.length || !readBack.outcomes.every(o => o.status === 'ok')) {
      core.warning('Go caches: no delta saved, reading what the build added did not work (see above)');
      return;
    }
    try {
      await replaceTree(swap.from, swap.to);
    } catch (error) {
      core.warning(`Go caches: no delta saved, putting it in place failed (${(error as Error).message})`);
      return;
    }
    names = await entryNames(delta.dir);
  }
  const known = new Set(delta.restored);
  const added = names.filter(name => !known.has(name)).length;
  if (added === 0) {
    core.info(`Go caches: the build compiled nothing beyond ${delta.matchedKey ?? 'the key'}'s entries: no delta saved`);
    return;
  }
  core.info(`Go caches: ${names.length} GOCACHE entries beyond the key's entry (${added} new), saved as ${delta.key} in the post step`);
  savePostState({ ...state, goCacheSave: { key: delta.key, paths: [delta.dir], limitMs: limits(config).activity.idleMs as number } });
}

/** Older clients do not print `Dockerfile:N`: find the failed step's line from its instruction. */
function failedStepLine(config: Config, vertices: Vertex[] = []): number | undefined {
  const failed = vertices.find(v => v.status === 'error' && v.stage && v.instruction);
  return failed ? lineOfStep(config.dockerfile, failed.stage as string, failed.instruction as string) : undefined;
}
