// What the run tells the user: outputs, the job summary, annotations.
import * as core from '@actions/core';
import type { GoCacheRestore } from './cache/restore.js';
import type { Config } from './config.js';
import type { Phase, Plan } from './plan/types.js';
import { stageFullyCached, type Vertex } from './run/progress.js';
import { stageSteps, type RunResult, type StepOutcome, type StepStatus } from './run/steps.js';
import type { PlatformManifest, RemoteImage } from './registry.js';
import type { Policy } from './trust.js';

export interface LatestOutcome {
  moved: boolean;
  why: string;
}

export interface Report {
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
}

/** Pure: the report of a finished (or stopped) run. */
export function buildReport(config: Config, policy: Policy, plan: Plan, result: RunResult, { goCache, goCacheUnneeded, latest, copiedFrom, platforms }: ReportExtras): Report {
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
  if (goCache) phases.splice(phases[0]?.phase === 'login' ? 1 : 0, 0, { phase: 'restore', seconds: goCache.seconds, result: `Go caches: ${goCache.hit}` });
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
        cachedSteps: own.filter(v => v.status === 'cached').length,
        steps: own.length
      };
    });
  return {
    strategy: plan.strategy,
    strategyReason: plan.reason,
    fellBack: plan.fellBack,
    cache,
    digest: copiedFrom?.digest ?? commitPush?.digest,
    copied: copiedFrom !== undefined,
    platforms,
    imageId: byId('build-final')?.imageId,
    pushedTags: result.outcomes
      .filter(o => o.step.pushRef && o.status === 'ok')
      .flatMap(o => o.step.pushedRefs ?? [o.step.pushRef as string]),
    // A copy built nothing: every step was, in effect, answered.
    builderCacheHit: copiedFrom !== undefined || stageFullyCached(stageSteps(result.outcomes, config.builderTarget) ?? [], config.builderTarget),
    phases,
    builds: result.outcomes
      .filter(o => o.step.build && o.vertices)
      .map(o => ({ title: o.step.title, steps: o.vertices as Vertex[] })),
    goCache,
    goCacheUnneeded,
    policy,
    latest,
    notes: [...config.notes, ...policy.notes, ...plan.notes, ...(goCache?.note ? [goCache.note] : []), ...(goCacheUnneeded ? [goCacheUnneeded] : [])]
  };
}

function describe(outcome: StepOutcome): string {
  const steps = outcome.vertices?.filter(v => !v.instruction?.startsWith('FROM '));
  if (outcome.status === 'ok' && steps?.length) {
    return `${steps.filter(v => v.status === 'cached').length} of ${steps.length} steps cached`;
  }
  return { ok: 'ok', missing: 'not found (first build)', warned: 'failed, went on', failed: 'failed', skipped: 'skipped' }[
    outcome.status
  ];
}

const SEVERITY: StepStatus[] = ['ok', 'missing', 'skipped', 'warned', 'failed'];

export function setOutputs(report: Report): void {
  core.setOutput('digest', report.digest ?? '');
  core.setOutput('image-id', report.imageId ?? '');
  core.setOutput('tags', report.pushedTags.join('\n'));
  core.setOutput('strategy', report.strategy);
  core.setOutput('strategy-reason', report.strategyReason ?? '');
  core.setOutput('cache-refs', report.cache.filter(c => c.manifest && c.to).map(c => c.to).join('\n'));
  core.setOutput('builder-cache-hit', String(report.builderCacheHit));
  core.setOutput('go-cache-hit', report.goCacheUnneeded ? 'unneeded' : (report.goCache?.hit ?? 'miss'));
  core.setOutput('latest-moved', String(report.latest.moved));
  core.setOutput('latest-reason', report.latest.why);
  core.setOutput('trusted', String(report.policy.trusted));
  core.setOutput('copied', String(report.copied));
}

export async function writeSummary(config: Config, report: Report, failure?: string): Promise<void> {
  const summary = core.summary.addHeading('Cached Image Build', 2);
  if (failure) summary.addRaw(`**Failed:** ${escape(failure)}`, true);
  if (report.fellBack && report.strategyReason) summary.addRaw(`**Fell back:** ${escape(report.strategyReason)}`, true);
  if (report.copied) summary.addRaw(`**No build:** latest was built from exactly these inputs; the new tags name its image (${code(report.digest ?? '')}), copied in the registry.`, true);
  summary.addRaw(`**This run:** ${escape(report.policy.who)}. ${report.policy.trusted ? '' : '**Untrusted: nothing pushed, nothing saved, no secrets.** '}latest ${report.latest.moved ? 'moved' : 'did not move'}: ${escape(report.latest.why)}.`, true);
  summary.addTable([
    [
      { data: 'Image', header: true },
      { data: 'Strategy', header: true },
      { data: 'Builder stage cached', header: true },
      { data: 'Digest', header: true }
    ],
    [
      code(config.image.name),
      report.strategy,
      report.builderCacheHit ? 'yes, every step' : 'no',
      report.digest ? code(report.digest) : 'not pushed'
    ]
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
        go.hit === 'partial' ? `partial (${code(go.matchedKey ?? '')})` : go.hit,
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
      ...build.steps.map(v => [
        code(v.name),
        v.status === 'cached' ? 'CACHED' : v.status === 'done' ? 'built' : v.status,
        v.seconds === undefined ? '' : `${v.seconds.toFixed(1)} s`
      ])
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
