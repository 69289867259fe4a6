// A small mutation run: break the code on purpose, one breakage at a time, and see whether the unit
// suite notices. Each breakage is a text replacement in one source file that must apply exactly once.
//
//   npx tsx scripts/mutate.ts            every breakage below
//   npx tsx scripts/mutate.ts --list     their names
//   npx tsx scripts/mutate.ts --only T   those whose name holds T
//
// Prints one line per breakage (caught / MISSED) and the totals; exits 1 when one was missed.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

interface Breakage {
  name: string;
  file: string;
  find: string;
  replace: string;
}

export const BREAKAGES: Breakage[] = [
  // The four that went unnoticed before (issue #16).
  { name: 'drop --iidfile from the image build', file: 'src/plan/pull.ts', find: "      '--iidfile',\n      finalIid,\n", replace: '' },
  {
    name: 'drop --progress=plain from docker build',
    file: 'src/plan/pull.ts',
    find: "    '--progress=plain',\n    '--file',",
    replace: "    '--file',"
  },
  {
    name: 'builder-cache-hit always false',
    file: 'src/report.ts',
    find: 'builderCacheHit: copiedFrom !== undefined || stageFullyCached(',
    replace: 'builderCacheHit: copiedFrom !== undefined || false && stageFullyCached('
  },
  {
    name: 'save the Go caches after an exact hit',
    file: 'src/plan/go.ts',
    find: "const save = maySave && go.hit !== 'exact' && go.hit !== 'warm';",
    replace: "const save = maySave && go.hit !== 'warm';"
  },
  {
    name: 'a warm builder is filled all the same',
    file: 'src/plan/go.ts',
    find: "if (go.hit === 'exact' || go.hit === 'partial' || (replace && go.hit === 'miss')) {",
    replace: "if (go.hit !== 'miss' || (replace && go.hit === 'miss')) {"
  },
  {
    name: 'a mount filled from an exact hit is not marked with its key',
    file: 'src/plan/go.ts',
    find: "      ...(go.hit === 'exact' ? [markMount(mount.target, go.key, go.deltaSince)] : [])\n",
    replace: ''
  },
  {
    name: 'a delta is saved though the build compiled nothing new',
    file: 'src/main.ts',
    find: 'if (added === 0) {',
    replace: 'if (added < 0) {'
  },
  {
    name: "the restored delta's entries are not aged (Go would not mark those it uses)",
    file: 'src/cache/restore.ts',
    find: 'new Date(now - AGED_MS)',
    replace: 'new Date(now - RECENT_MS)'
  },
  {
    name: 'the fill leaves the mount marker undated (the delta then misses what compiled within the same second)',
    file: 'src/plan/go.ts',
    find: 'const dated = since ?',
    replace: 'const dated = since && Date.now() < 0 ?'
  },
  {
    name: 'the key entries restored are as new as since',
    file: 'src/cache/restore.ts',
    find: 'await ageBuildCache(buildDir, new Date(now - RECENT_MS));',
    replace: 'await ageBuildCache(buildDir, new Date(now - SINCE_MS));'
  },
  {
    name: "a run's images each ask the registry for the same base images",
    file: 'src/compare.ts',
    find: 'if (!lookups.has(ref)) lookups.set',
    replace: 'lookups.set'
  },
  {
    name: "the probe's answer is not heeded",
    file: 'src/main.ts',
    find: 'if (probed.warm) {\n',
    replace: 'if (probed.warm && Date.now() < 0) {\n'
  },
  {
    name: 'untrusted runs save the Go caches',
    file: 'src/plan/go.ts',
    find: 'config.goCache.save && policy.saveCaches &&',
    replace: 'config.goCache.save &&'
  },
  // Trust.
  {
    name: 'forks count as trusted',
    file: 'src/trust.ts',
    find: 'if (pr?.headRepo && base && pr.headRepo === base && pr.headRef)',
    replace: 'if (pr?.headRef)'
  },
  {
    name: 'latest moves from any branch',
    file: 'src/trust.ts',
    find: "const onDefault = build.kind === 'branch' && defaultBranch !== undefined && build.branch === defaultBranch;",
    replace: "const onDefault = build.kind === 'branch';"
  },
  {
    name: "branches write the default branch's cache tags",
    file: 'src/trust.ts',
    find: "suffix: branch === defaultBranch ? '' : branchSuffix(branch)",
    replace: "suffix: ''"
  },
  { name: 'untrusted runs get the secrets', file: 'src/plan/common.ts', find: '  if (!policy.secrets) return [];\n', replace: '' },
  {
    name: 'latest moves backwards',
    file: 'src/compare.ts',
    find: 'latest: policy.latest.move ? { move: false, why } : policy.latest,',
    replace: 'latest: policy.latest,'
  },
  // Pushes.
  {
    name: 'latest pushed before the commit tag',
    file: 'src/plan/publish.ts',
    find: '  const targets = [...(moveLatest ? [refs.latest] : []), ...refs.extra];',
    replace: '  const targets = refs.extra;'
  },
  {
    name: 'no retry of transient registry errors',
    file: 'src/run/steps.ts',
    find: "while (outcome.status === 'failed' && retried < (step.retries ?? 0) && outcome.transient)",
    replace: 'while (false)'
  },
  {
    name: 'a refused pull counts as a missing tag',
    file: 'src/run/outcome.ts',
    find: '  if (/unauthori[sz]ed|denied|forbidden|authentication required|\\b40[13]\\b/i.test(text)) return false;\n  return /manifest unknown',
    replace: '  return /manifest unknown'
  },
  { name: 'fallback after a push', file: 'src/run/steps.ts', find: 'step.fallback && !base.pushed?.length', replace: 'step.fallback' },
  // Limits and the seam.
  {
    name: 'no inactivity limit',
    file: 'src/run/process.ts',
    find: '      if (!limit.idleMs) return;\n',
    replace: '      return;\n'
  },
  { name: 'children get the inputs', file: 'src/run/process.ts', find: "key.startsWith('INPUT_') || ", replace: '' },
  // What the saved Go caches keep.
  {
    name: 'GOCACHE entries marked an hour late count as unused',
    file: 'src/cache/keep-used.ts',
    find: 'new Date(agedTo.getTime() + AGED_MS / 4)',
    replace: 'new Date(agedTo.getTime() + AGED_MS / 2)'
  },
  {
    name: 'modules pruned with no go.sum found',
    file: 'src/cache/keep-used.ts',
    find: 'const modules = goSums.length ? await pruneModuleCache(dirs.mod, keep)',
    replace: 'const modules = true ? await pruneModuleCache(dirs.mod, keep)'
  },
  {
    name: 'an unreadable cache list counts as no cache mount',
    file: 'src/cache/mount-probe.ts',
    find: 'if (count === 0) return',
    replace: 'if (count === 0 || count === undefined) return'
  },
  {
    name: 'the probe reads no marker back',
    file: 'src/cache/mount-probe.ts',
    find: 'const markers = go.mounts.map((_, i) => readTextIfExists(path.join(probe.out, String(i))));',
    replace: 'const markers = go.mounts.map(() => undefined);'
  },
  {
    name: 'each chunk decoded alone',
    file: 'src/run/process.ts',
    find: 'const text = decoders[which].write(chunk);',
    replace: "const text = chunk.toString('utf8');"
  },
  {
    name: "a stream's unfinished character dropped",
    file: 'src/run/process.ts',
    find: 'const rest = decoders[which].end();',
    replace: "const rest = '';"
  },
  {
    name: 'look-ups bounded like builds',
    file: 'src/limits.ts',
    find: '    lookup: { totalMs: config.timeouts.lookupMs },',
    replace: '    lookup: { idleMs: config.timeouts.idleMs },'
  },
  // Go caches.
  {
    name: 'a failed restore leaves its half',
    file: 'src/cache/restore.ts',
    find: '      // What a failed download or unpack left is half a cache: none is better.\n      await Promise.all(paths.map(dir => removeTree(dir)));\n',
    replace: ''
  },
  {
    name: "the cache library's errors stay errors",
    file: 'src/cache/worker.ts',
    find: "log(line.replace(/^::error::/, '::warning::'))",
    replace: 'log(line)'
  },
  {
    name: 'save whatever the stage did',
    file: 'src/main.ts',
    find: 'if (images.every(wholeFromCache)) {',
    replace: 'if (false) {'
  },
  // Inputs.
  { name: 'secrets not masked', file: 'src/secrets.ts', find: '    mask(v);\n', replace: '' },
  { name: 'latest accepted in tags', file: 'src/tags.ts', find: "  if (tag === 'latest') return", replace: "  if (tag === 'latest!') return" },
  { name: 'any network accepted', file: 'src/config.ts', find: "if (network !== '' && !NETWORKS.includes(network))", replace: 'if (false)' },
  // This session's decisions (trust under overlap, shallow clones, read-back).
  {
    name: 'a pull request moves latest with latest: true',
    file: 'src/trust.ts',
    find: "  if (build.kind === 'pull') return { move: false, why: 'a pull request never moves latest' };\n",
    replace: ''
  },
  {
    name: 'an older overlapping run pushes the default cache tag',
    file: 'src/main.ts',
    find: '    if (ahead !== true || !revision) return undefined;\n',
    replace: '    return undefined;\n'
  },
  {
    name: "a shallow clone's no taken as an answer",
    file: 'src/git.ts',
    find: "=== 'false' ? false : undefined;",
    replace: "=== 'false' ? false : false;"
  },
  {
    name: 'the read-back swapped in though a mount failed',
    file: 'src/main.ts',
    find: "  if (expected === 0 || ran.length !== expected || !ran.every(o => o.status === 'ok')) {",
    replace: '  if (expected === 0 || ran.length !== expected) {'
  },
  {
    name: "a registry copy re-serializes the manifest (a new digest, not latest's image)",
    file: 'src/registry-api.ts',
    find: "{ 'Content-Type': manifest.ok.mediaType }, manifest.ok.body);",
    replace: "{ 'Content-Type': manifest.ok.mediaType }, Buffer.from(JSON.stringify(JSON.parse(manifest.ok.body.toString()))));"
  },
  {
    name: 'a copy done by the registry API runs imagetools too',
    file: 'src/run/steps.ts',
    find: '    if (copied) return copied;\n',
    replace: ''
  },
  {
    name: 'a registry that does not answer counts as a missing tag',
    file: 'src/registry-api.ts',
    find: 'if (error instanceof Timeout) return { problem:',
    replace: 'if (error instanceof Timeout) return { missing:'
  },
  // Trust from what is checked out (issue #21).
  {
    name: 'latest moves without the merged check',
    file: 'src/trust.ts',
    find: '  if (latest.move && !merged) latest =',
    replace: '  if (false) latest ='
  },
  {
    name: "the default branch's cache tags written for code not of its history",
    file: 'src/trust.ts',
    find: "if (push && writeScope?.suffix === '' && !merged) {",
    replace: 'if (false) {'
  },
  {
    name: "Go caches saved in the default branch's scope from another commit",
    file: 'src/trust.ts',
    find: 'if (saveCaches && mayBeDefaultRef && !headIsEventCommit) {',
    replace: 'if (false) {'
  },
  {
    name: 'the commit tag pushed for another commit than GITHUB_SHA',
    file: 'src/trust.ts',
    find: 'const push = trusted && input.push && !wrongCommit;',
    replace: 'const push = trusted && input.push;'
  },
  { name: 'dirty tree trusted', file: 'src/trust.ts', find: '  if (dirty.length) {\n', replace: '  if (false) {\n' },
  {
    name: 'a tree git cannot answer for trusted',
    file: 'src/trust.ts',
    find: "  if (dirty === undefined) return 'git cannot say whether the work tree is as the commit has it';\n",
    replace: ''
  },
  {
    name: 'base-rights events trusted whatever commit is checked out',
    file: 'src/trust.ts',
    find: '  if (!allowed.includes(head)) return',
    replace: '  if (false) return'
  },
  {
    name: 'untrusted code builds on a builder that stays',
    file: 'src/trust.ts',
    find: '!trusted && input.persistentBuilder && !input.allowUntrustedOnBuilder',
    replace: 'false'
  },
  {
    name: 'markers are proof under allow-untrusted-on-builder',
    file: 'src/trust.ts',
    find: 'return input.allowUntrustedOnBuilder !== true;',
    replace: 'return true;'
  },
  {
    name: "a pull request from a branch named as the default writes the default branch's cache tags",
    file: 'src/trust.ts',
    find: 'writeScope = { branch: build.head, suffix: branchSuffix(build.head) };',
    replace: 'writeScope = scope(build.head);'
  },
  {
    name: 'the fill merges into mounts whose markers are no proof',
    file: 'src/plan/go.ts',
    find: '      ...(replace ? [`find ${mount.target} -mindepth 1 -maxdepth 1 -exec rm -rf {} +`] : []),\n',
    replace: ''
  },
  {
    name: "the runner's Go folders and the mounts probed under allow-untrusted-on-builder",
    file: 'src/main.ts',
    find: '  const markers = policy.markersAreProof;',
    replace: '  const markers = true;'
  },
  {
    name: 'the merged check not asked',
    file: 'src/main.ts',
    find: 'askMerged ? isAncestor(workspace, head, tip, lookup) : undefined,',
    replace: 'undefined,'
  },
  {
    name: 'an images file read for a run the work tree makes untrusted',
    file: 'src/main.ts',
    find: '  if (!policy.trusted && file) {',
    replace: '  if (false) {'
  },
  {
    name: 'a workspace inside another repository taken as its checkout',
    file: 'src/git.ts',
    find: 'return realPathOf(top) === realPathOf(workspace) ? sha : undefined;',
    replace: 'return sha;'
  },
  {
    name: 'every change ignored once a prebuild output is named',
    file: 'src/git.ts',
    find: 'if (skipped.some(p => entry === p || entry.startsWith(`${p}/`))) continue;',
    replace: 'if (skipped.length) continue;'
  },
  // Never backwards, not on a guess.
  {
    name: 'latest moves when git cannot tell (at its push)',
    file: 'src/main.ts',
    find: '    const why = cannotTellWhy(revision, config.commit);\n    core.notice(why);\n    return { moved: false, why };',
    replace: '    return { moved: true, why: cannotTellWhy(revision, config.commit) };'
  },
  {
    name: 'latest moves when git cannot tell (at the comparison)',
    file: 'src/main.ts',
    find: 'policy: policy.latest.move ? { ...policy, latest: { move: false, why } } : policy, cacheTags, latest };',
    replace: 'policy, cacheTags, latest };'
  },
  {
    name: 'latest moves when its revision cannot be read',
    file: 'src/main.ts',
    find: "  if ('problem' in found) {\n    const why = `latest's revision could not be read",
    replace: "  if ('problem' in found && Date.now() < 0) {\n    const why = `latest's revision could not be read"
  },
  // Paths, tags and reads the checked-out code chooses.
  {
    name: 'a context outside the workspace accepted',
    file: 'src/config.ts',
    find: 'if (!realInside(workspace, context, { orSame: true })) throw',
    replace: 'if (false) throw'
  },
  {
    name: 'a Dockerfile outside the workspace accepted',
    file: 'src/config.ts',
    find: 'if (!realInside(workspace, file)) throw',
    replace: 'if (false) throw'
  },
  { name: "an untrusted run's images file read", file: 'src/images.ts', find: '    if (fileRefused) throw', replace: '    if (false) throw' },
  {
    name: 'an images file outside the workspace read',
    file: 'src/images.ts',
    find: "if (!realInside(workspace, file)) throw outsideWorkspace('images'",
    replace: "if (false) throw outsideWorkspace('images'"
  },
  {
    name: 'SHA-shaped extra tags accepted',
    file: 'src/config.ts',
    find: '  if (commitShapedTag(tag)) throw commitShaped(item, tag);\n',
    replace: ''
  },
  {
    name: '8 hex digits of the branch name',
    file: 'src/tags.ts',
    find: 'export const BRANCH_HASH_LENGTH = 16;',
    replace: 'export const BRANCH_HASH_LENGTH = 8;'
  },
  {
    name: 'a long branch cache tag cut through its hash',
    file: 'src/tags.ts',
    find: '  if (whole.length <= TAG_LENGTH) return whole;',
    replace: '  return whole.slice(0, TAG_LENGTH);'
  },
  {
    name: 'credentials sent to a token realm over plain http',
    file: 'src/registry-api.ts',
    find: 'const url = tokenRealm(params.realm);',
    replace: 'const url = new URL(params.realm);'
  },
  { name: 'registry tokens not masked', file: 'src/registry-api.ts', find: '      core.setSecret(token);\n', replace: '' },
  {
    name: 'go.sum files read unbounded',
    file: 'src/cache/restore.ts',
    find: 'const read = readBounded(file);',
    replace: 'const read = readBounded(file, Infinity);'
  },
  { name: 'go.mod read unbounded', file: 'src/cache/restore.ts', find: "if (goMod && 'tooBig' in goMod) {", replace: 'if (false) {' },
  // latest after a fast-forward push in a shallow clone.
  {
    name: "a forced push's before taken as older",
    file: 'src/trust.ts',
    find: 'if (!push || push.forced || head === undefined',
    replace: 'if (!push || head === undefined'
  },
  {
    name: "the push's older commits not asked before git",
    file: 'src/compare.ts',
    find: ' || policy.olderCommits.includes(revision)) return',
    replace: ') return'
  },
  {
    name: 'loopback: any 127.* prefix counts (127.0.0.1.example.com over plain http)',
    file: 'src/loopback.ts',
    find: '/^127\\.\\d+\\.\\d+\\.\\d+$/',
    replace: '/^127\\./'
  },
  {
    name: 'loopback: the port is not taken off (localhost:5000 over https)',
    file: 'src/loopback.ts',
    find: "hostAndPort.replace(/:\\d+$/, '')",
    replace: 'hostAndPort'
  },
  {
    name: 'tag shape: runs of characters a tag cannot hold give a dash each',
    file: 'src/tags.ts',
    find: "    .replace(/-{2,}/g, '-')\n",
    replace: ''
  }
];

function unitSuiteFails(): boolean {
  try {
    execFileSync('npx', ['vitest', 'run', '__tests__', '--bail', '1'], { cwd: ROOT, stdio: 'ignore', timeout: 300_000 });
    return false;
  } catch {
    return true;
  }
}

/** Breakages whose text does not appear exactly once in their file (the code moved under them). */
export function stale(): string[] {
  return BREAKAGES.filter(b => fs.readFileSync(path.join(ROOT, b.file), 'utf8').split(b.find).length !== 2).map(b => `${b.name} (${b.file})`);
}

function main(): void {
  if (process.argv.includes('--list')) {
    for (const b of BREAKAGES) console.log(`${b.name} (${b.file})`);
    return;
  }
  let caught = 0;
  const missed: string[] = [];
  // --only TEXT: the breakages whose name holds TEXT.
  const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : undefined;
  const chosen = BREAKAGES.filter(b => only === undefined || b.name.includes(only));
  for (const breakage of chosen) {
    const file = path.join(ROOT, breakage.file);
    const original = fs.readFileSync(file, 'utf8');
    const count = original.split(breakage.find).length - 1;
    if (count !== 1) throw new Error(`breakage '${breakage.name}': the text to replace appears ${count} times in ${breakage.file}`);
    fs.writeFileSync(file, original.replace(breakage.find, breakage.replace));
    try {
      const noticed = unitSuiteFails();
      console.log(`${noticed ? 'caught' : 'MISSED'}  ${breakage.name}`);
      if (noticed) caught++;
      else missed.push(breakage.name);
    } finally {
      fs.writeFileSync(file, original);
    }
  }
  console.log(`\n${caught} of ${chosen.length} breakages caught by the unit suite${missed.length ? `; missed: ${missed.join('; ')}` : ''}`);
  process.exitCode = missed.length ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) main();
