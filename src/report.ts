// What the run tells the user: outputs, the job summary, annotations.
import * as core from '@actions/core';
import type { GoCacheRestore } from './cache/go-cache.js';
import type { Config } from './config.js';
import type { Phase, Plan } from './plan/types.js';
import { answeredByCache, stageFullyCached, type Vertex } from './run/progress.js';
import { stageSteps, type RunResult, type StepOutcome, type StepStatus } from './run/steps.js';
import type { PlatformManifest, RemoteImage } from './registry.js';
import type { Policy } from './trust.js';

export interface LatestOutcome {
  moved: boolean;
  why: string;
}

export interface Report {
  /** The image's repository. */
  image: string;
  strategy: string;
  /** Why that strategy: what auto found, or why it fell back. */
  strategyReason?: string;
  fellBack?: boolean;
  /** Buildx path: per build, the registry cache refs read and the one written (or why not). */
  cache: Array<{ title: string; from: string[]; to?: string; manifest?: string; error?: string; cachedSteps: number; steps: number }>;
  digest?: string;
  /** No build: the tags name latest's image, copied in the registry. */
  copied: boolean;
  /** Several platforms: each one's image digest in the index `digest` names. */
  platforms?: PlatformManifest[];
  imageId?: string;
  pushedTags: string[];
  builderCacheHit: boolean;
  phases: Array<{ phase: Phase; seconds: number; result: string }>;
  builds: Array<{ title: string; steps: Vertex[] }>;
  goCache?: GoCacheRestore;
  /** Set when the Go caches were not restored because the registry's latest has the same inputs. */
  goCacheUnneeded?: string;
  /** Who the run is for, and what it may write. */
  policy: Policy;
  latest: LatestOutcome;
  /** The engine the build ran on (a copy runs on none). */
  engine?: string;
  notes: string[];
}

/** The time steps took on the clock: steps that ran together count once. */
export function wallSeconds(outcomes: StepOutcome[]): number {
  let total = 0;
  let reached = -Infinity;
  const timed = outcomes.filter(o => o.startedAt !== undefined).sort((a, b) => (a.startedAt as number) - (b.startedAt as number));
  for (const outcome of timed) {
    const start = outcome.startedAt as number;
    const end = start + outcome.durationMs;
    if (end > reached) total += end - Math.max(start, reached);
    reached = Math.max(reached, end);
  }
  for (const outcome of outcomes) if (outcome.startedAt === undefined) total += outcome.durationMs;
  return total / 1000;
}

export interface ReportExtras {
  goCache?: GoCacheRestore;
  goCacheUnneeded?: string;
  latest: LatestOutcome;
  /** Nothing was built: the new tags name this image of latest's. */
  copiedFrom?: RemoteImage;
  /** Several platforms: each one's image in the pushed index. */
  platforms?: PlatformManifest[];
  /** The engine the build ran on: its version, image store and buildx. */
  engine?: string;
}

/** Pure: the report of a finished (or stopped) run. */
export function buildReport(
  config: Config,
  policy: Policy,
  plan: Plan,
  result: RunResult,
  { goCache, goCacheUnneeded, latest, copiedFrom, platforms, engine }: ReportExtras
): Report {
  const byId = (id: string) => result.outcomes.find(o => o.step.id === id);
  const commitPush = result.outcomes.find(o => o.step.pushRef === plan.refs.commit && o.status === 'ok');
  const phases: Report['phases'] = [];
  for (const phase of [...new Set(result.outcomes.map(o => o.step.phase))]) {
    const outcomes = result.outcomes.filter(o => o.step.phase === phase);
    // The phase reads as its worst step: a failure is never hidden by a success beside it.
    const worst = outcomes.reduce((a, b) => (SEVERITY.indexOf(b.status) > SEVERITY.indexOf(a.status) ? b : a));
    phases.push({ phase, seconds: wallSeconds(outcomes), result: describe(worst) });
  }
  // The Go caches' restore runs after the login and before the plan: a phase of the job all the same.
  if (goCache)
    phases.splice(phases[0]?.phase === 'login' ? 1 : 0, 0, { phase: 'restore', seconds: goCache.seconds, result: `Go caches: ${goCache.hit}` });
  const cache: Report['cache'] = result.outcomes
    .filter(o => o.step.build?.cacheFrom?.length || o.step.build?.cacheTo)
    .map(o => {
      const own = (o.vertices ?? []).filter(v => !v.instruction?.startsWith('FROM '));
      return {
        title: o.step.title,
        from: o.step.build?.cacheFrom ?? [],
        to: o.step.build?.cacheTo,
        manifest: o.cacheExport?.manifest,
        error: o.cacheExport?.error,
        cachedSteps: own.filter(v => answeredByCache(v, o.status === 'failed')).length,
        steps: own.length
      };
    });
  return {
    image: config.image.name,
    strategy: plan.strategy,
    strategyReason: plan.reason,
    fellBack: plan.fellBack,
    cache,
    digest: copiedFrom?.digest ?? commitPush?.digest,
    copied: copiedFrom !== undefined,
    platforms,
    imageId: byId('build-final')?.imageId,
    // A build that failed after BuildKit pushed a tag still says what it pushed.
    pushedTags: result.outcomes.flatMap(o =>
      o.step.pushRef && o.status === 'ok' ? (o.step.pushedRefs ?? [o.step.pushRef]) : o.status === 'failed' ? (o.pushed ?? []) : []
    ),
    // A copy built nothing: every step was, in effect, answered.
    builderCacheHit: copiedFrom !== undefined || stageFullyCached(stageSteps(result.outcomes, config.builderTarget) ?? [], config.builderTarget),
    phases,
    builds: result.outcomes.filter(o => o.step.build && o.vertices).map(o => ({ title: o.step.title, steps: o.vertices as Vertex[] })),
    goCache,
    goCacheUnneeded,
    policy,
    latest,
    engine,
    notes: [...config.notes, ...policy.notes, ...plan.notes, ...(goCache?.note ? [goCache.note] : []), ...(goCacheUnneeded ? [goCacheUnneeded] : [])]
  };
}

function describe(outcome: StepOutcome): string {
  const steps = outcome.vertices?.filter(v => !v.instruction?.startsWith('FROM '));
  if (outcome.status === 'ok' && steps?.length) {
    return `${steps.filter(v => answeredByCache(v)).length} of ${steps.length} steps cached`;
  }
  return { ok: 'ok', missing: 'not found (first build)', warned: 'failed, went on', failed: 'failed', skipped: 'skipped' }[outcome.status];
}

const SEVERITY: StepStatus[] = ['ok', 'missing', 'skipped', 'warned', 'failed'];

/**
 * The outputs. One image: its own. Several: `images` holds each one's (a JSON map by name), `tags`
 * every tag pushed, and the single-image outputs say what holds for all (digest only for one image).
 */
export function setOutputs(images: Array<{ name: string; report: Report }>): void {
  const reports = images.map(i => i.report);
  const one = reports.length === 1 ? reports[0] : undefined;
  const all = (test: (r: Report) => boolean) => String(reports.every(test));
  core.setOutput('digest', one?.digest ?? '');
  core.setOutput('image-id', one?.imageId ?? '');
  core.setOutput('tags', reports.flatMap(r => r.pushedTags).join('\n'));
  core.setOutput('strategy', one?.strategy ?? [...new Set(reports.map(r => r.strategy))].join(','));
  core.setOutput('strategy-reason', one?.strategyReason ?? '');
  core.setOutput('cache-refs', reports.flatMap(r => r.cache.filter(c => c.manifest && c.to).map(c => c.to)).join('\n'));
  core.setOutput(
    'builder-cache-hit',
    all(r => r.builderCacheHit)
  );
  core.setOutput('go-cache-hit', reports[0].goCacheUnneeded ? 'unneeded' : (reports[0].goCache?.hit ?? 'miss'));
  core.setOutput('latest-moved', one ? String(one.latest.moved) : all(r => r.latest.moved));
  core.setOutput('latest-reason', one?.latest.why ?? images.map(i => `${i.name}: ${i.report.latest.why}`).join('\n'));
  core.setOutput('trusted', String(reports[0].policy.trusted));
  core.setOutput(
    'copied',
    all(r => r.copied)
  );
  core.setOutput(
    'images',
    JSON.stringify(
      Object.fromEntries(
        images.map(({ name, report }) => [
          name,
          {
            image: report.image,
            digest: report.digest ?? '',
            tags: report.pushedTags,
            built: !report.copied && report.digest !== undefined,
            copied: report.copied,
            strategy: report.strategy
          }
        ])
      )
    )
  );
}

/** Several images: one row each, before each image's own section. */
export async function writeOverview(images: Array<{ name: string; report: Report; failure?: string }>): Promise<void> {
  const own = (r: Report) => r.builds.flatMap(b => b.steps).filter(v => !v.instruction?.startsWith('FROM '));
  await core.summary
    .addHeading(`Cached Image Build: ${images.length} images`, 2)
    .addTable([
      [
        { data: 'Name', header: true },
        { data: 'Image', header: true },
        { data: 'Result', header: true },
        { data: 'Steps cached', header: true },
        { data: 'Time', header: true },
        { data: 'Digest', header: true }
      ],
      ...images.map(({ name, report, failure }) => [
        name,
        code(report.image),
        failure ? 'failed' : report.copied ? 'copied (no build)' : 'built',
        report.copied
          ? 'all (nothing built)'
          : `${own(report).filter(v => answeredByCache(v, failure !== undefined)).length} of ${own(report).length}`,
        `${report.phases.reduce((t, p) => t + p.seconds, 0).toFixed(1)} s`,
        report.digest ? code(report.digest) : 'not pushed'
      ])
    ])
    .write();
}

/** Pure: a step's outcome as the summary names it. */
export function stepResult(vertex: Vertex, buildFailed: boolean): string {
  if (vertex.status === 'cached') return 'CACHED';
  if (vertex.status === 'done') return 'built';
  if (answeredByCache(vertex, buildFailed)) return 'not needed (a later step was cached)';
  return vertex.status;
}

export async function writeSummary(config: Config, report: Report, failure?: string, name?: string): Promise<void> {
  const summary = core.summary.addHeading(name ? `${name}: ${config.image.name}` : 'Cached Image Build', name ? 3 : 2);
  if (failure) summary.addRaw(`**Failed:** ${escape(failure)}`, true);
  if (report.fellBack && report.strategyReason) summary.addRaw(`**Fell back:** ${escape(report.strategyReason)}`, true);
  if (report.copied)
    summary.addRaw(
      `**No build:** latest was built from exactly these inputs; the new tags name its image (${code(report.digest ?? '')}), copied in the registry.`,
      true
    );
  summary.addRaw(
    `**This run:** ${escape(report.policy.who)}. ${report.policy.trusted ? '' : '**Untrusted: nothing pushed, nothing saved, no secrets.** '}latest ${report.latest.moved ? 'moved' : 'did not move'}: ${escape(report.latest.why)}.`,
    true
  );
  if (report.engine) summary.addRaw(`**Engine:** ${escape(report.engine)}.`, true);
  summary.addTable([
    [
      { data: 'Image', header: true },
      { data: 'Strategy', header: true },
      { data: 'Builder stage cached', header: true },
      { data: 'Digest', header: true }
    ],
    [code(config.image.name), report.strategy, report.builderCacheHit ? 'yes, every step' : 'no', report.digest ? code(report.digest) : 'not pushed']
  ]);
  if (report.platforms?.length) {
    summary.addHeading('Platforms', 3).addTable([
      [
        { data: 'Platform', header: true },
        { data: 'Image digest', header: true }
      ],
      ...report.platforms.map(p => [p.platform, code(p.digest)])
    ]);
  }
  if (report.goCache) {
    const go = report.goCache;
    summary.addHeading('Go caches', 3).addTable([
      [
        { data: 'Restored', header: true },
        { data: 'Key', header: true },
        { data: 'Size', header: true },
        { data: 'Time', header: true },
        { data: 'Used by', header: true }
      ],
      [
        go.hit === 'partial'
          ? `partial (${code(go.matchedKey ?? '')})`
          : go.delta?.matchedKey
            ? `exact, with the delta ${code(go.delta.matchedKey)} (${go.delta.restored.length} entries)`
            : go.hit,
        code(go.key),
        `${(go.bytes / 1e6).toFixed(1)} MB`,
        `${go.seconds.toFixed(1)} s`,
        [...go.mounts.map(m => `cache mount ${code(m.mount.id)}`), ...(config.goCache.prebuild ? ['go build on the runner'] : [])].join(', ')
      ]
    ]);
  }
  summary.addHeading('Phases', 3).addTable([
    [
      { data: 'Phase', header: true },
      { data: 'Time', header: true },
      { data: 'Result', header: true }
    ],
    ...report.phases.map(p => [p.phase, `${p.seconds.toFixed(1)} s`, p.result])
  ]);
  for (const build of report.builds) {
    summary.addHeading(build.title, 3).addTable([
      [
        { data: 'Step', header: true },
        { data: 'Cache', header: true },
        { data: 'Time', header: true }
      ],
      ...build.steps.map(v => [code(v.name), stepResult(v, failure !== undefined), v.seconds === undefined ? '' : `${v.seconds.toFixed(1)} s`])
    ]);
  }
  if (report.cache.length) {
    summary.addHeading('Registry cache', 3).addTable([
      [
        { data: 'Build', header: true },
        { data: 'Read from', header: true },
        { data: 'Steps from the cache', header: true },
        { data: 'Written to', header: true }
      ],
      ...report.cache.map(c => [
        c.title,
        c.from.map(code).join('<br>') || 'nothing (no-cache)',
        `${c.cachedSteps} of ${c.steps}`,
        c.to ? `${code(c.to)} ${c.manifest ? `(${code(c.manifest.slice(0, 19))})` : `refused: ${escape(c.error ?? '')}`}` : 'not written'
      ])
    ]);
  }
  if (report.pushedTags.length) summary.addHeading('Pushed', 3).addList(report.pushedTags.map(code));
  if (report.notes.length) summary.addHeading('Notes', 3).addList(report.notes.map(escape));
  await summary.write();
}

/** After the main summary: how reading the Go caches back went (its failures are warnings). */
export async function writeReadBackSummary(result: RunResult): Promise<void> {
  if (!result.outcomes.length) return;
  await core.summary
    .addHeading('Go caches read back', 3)
    .addTable([
      [
        { data: 'Step', header: true },
        { data: 'Time', header: true },
        { data: 'Result', header: true }
      ],
      ...result.outcomes.map(o => [o.step.title, `${(o.durationMs / 1000).toFixed(1)} s`, o.status === 'ok' ? 'ok' : escape(o.message ?? o.status)])
    ])
    .write();
}

function code(text: string): string {
  return `<code>${escape(text)}</code>`;
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '&#124;');
}
