// From samples to what people read: medians with min and max, a markdown table (recipes ×
// scenarios) with ratios to cold and to the warm-machine limit, the traffic behind each cell, and a
// hand-written SVG chart of the same. Pure: no I/O.

export const SCENARIOS = [
  { id: 'cold', title: 'cold', note: 'nothing anywhere: new repository, empty cache service, wiped engine and builder, empty Go folders' },
  {
    id: 'fresh-same',
    title: 'fresh runner, no change',
    note: 'the registry and the cache service keep what the cold run left; the machine is wiped'
  },
  { id: 'fresh-change', title: 'fresh runner, one-line change', note: 'as above, after a one-line change in a Go file of the service' },
  {
    id: 'warm-change',
    title: 'warm machine, one-line change',
    note: 'nothing wiped, another one-line change: the limit (a laptop with every cache warm)'
  },
  {
    id: 'drift',
    title: 'after 10 commits of drift',
    note: 'ten fresh runners in a row on the same go.sum, each after a one-line change in a different package; the tenth is timed. ×first: against the fresh-runner one-line change. Only recipes that carry Go caches (for the others every change compiles from nothing)'
  }
] as const;

export type ScenarioId = (typeof SCENARIOS)[number]['id'];

export interface Sample {
  recipe: string;
  scenario: ScenarioId;
  rep: number;
  ok: boolean;
  error?: string;
  /** whole-job wall time as the runner sees it */
  seconds: number;
  /** registry bytes, measured by the counting proxy */
  pulled: number;
  pushed: number;
  /** Actions cache bytes, from the cache service's stats */
  cacheRestored: number;
  cacheSaved: number;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

export interface Cell {
  time: Spread;
  pulled: number;
  pushed: number;
  cacheRestored: number;
  cacheSaved: number;
  failed: number;
}

export interface RecipeRow {
  id: string;
  title: string;
  /** its time against these recipes', scenario by scenario (×0.4 <label>) */
  compare?: Array<{ recipe: string; label: string }>;
}

export interface ReportMeta {
  command: string;
  machine: string;
  fixture: string;
  reps: number;
  date: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function spread(values: number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), n: values.length };
}

export function cells(samples: Sample[]): Map<string, Cell> {
  const out = new Map<string, Cell>();
  const groups = new Map<string, Sample[]>();
  for (const s of samples) {
    const key = `${s.recipe}/${s.scenario}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const [key, group] of groups) {
    const ok = group.filter(s => s.ok);
    if (ok.length === 0) {
      out.set(key, {
        time: { median: NaN, min: NaN, max: NaN, n: 0 },
        pulled: NaN,
        pushed: NaN,
        cacheRestored: NaN,
        cacheSaved: NaN,
        failed: group.length
      });
      continue;
    }
    out.set(key, {
      time: spread(ok.map(s => s.seconds)),
      pulled: median(ok.map(s => s.pulled)),
      pushed: median(ok.map(s => s.pushed)),
      cacheRestored: median(ok.map(s => s.cacheRestored)),
      cacheSaved: median(ok.map(s => s.cacheSaved)),
      failed: group.length - ok.length
    });
  }
  return out;
}

/** The warm-machine limit: the fastest warm-machine median of all recipes. */
export function warmLimit(table: Map<string, Cell>, recipes: RecipeRow[]): { recipe: RecipeRow; seconds: number } | undefined {
  let best: { recipe: RecipeRow; seconds: number } | undefined;
  for (const recipe of recipes) {
    const seconds = table.get(`${recipe.id}/warm-change`)?.time.median;
    if (seconds !== undefined && Number.isFinite(seconds) && (!best || seconds < best.seconds)) best = { recipe, seconds };
  }
  return best;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return '–';
  if (bytes === 0) return '0';
  if (bytes < 1e6) return `${(bytes / 1e3).toFixed(0)} kB`;
  if (bytes < 1e9) return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
  return `${(bytes / 1e9).toFixed(2)} GB`;
}

const secs = (s: number) => (s < 10 ? s.toFixed(1) : s.toFixed(0));
const ratio = (r: number) => `×${r < 1 ? r.toFixed(2) : r.toFixed(1)}`;

export function markdown(samples: Sample[], recipes: RecipeRow[], meta: ReportMeta): string {
  const scenarios = SCENARIOS.filter(sc => samples.some(s => s.scenario === sc.id));
  const table = cells(samples);
  const limit = warmLimit(table, recipes);
  const lines: string[] = [];
  lines.push(`Fixture \`${meta.fixture}\`, ${meta.reps} repetition${meta.reps === 1 ? '' : 's'} per cell, ${meta.date}.`);
  lines.push(`Machine: ${meta.machine}.`);
  lines.push(`Command: \`${meta.command}\``);
  lines.push('');
  lines.push(
    `Whole-job wall time as the runner sees it (restore, build, push, save; for this action main + post), median` +
      (meta.reps > 1 ? ' (min–max)' : '') +
      `. ×cold: against the same recipe's cold run.` +
      [
        ...new Set(
          recipes.flatMap(r =>
            (r.compare ?? [])
              .filter(c => recipes.some(o => o.id === c.recipe))
              .map(c => ` ×${c.label}: against ${recipes.find(o => o.id === c.recipe)?.title}.`)
          )
        )
      ].join('') +
      (limit ? ` ×limit: against the warm-machine limit, the fastest warm-machine median (${secs(limit.seconds)} s, ${limit.recipe.title}).` : '')
  );
  lines.push('');
  lines.push(`| recipe | ${scenarios.map(s => s.title).join(' | ')} |`);
  lines.push(`| --- | ${scenarios.map(() => '---').join(' | ')} |`);
  for (const recipe of recipes) {
    const cold = table.get(`${recipe.id}/cold`)?.time.median;
    const row = scenarios.map(sc => {
      const cell = table.get(`${recipe.id}/${sc.id}`);
      if (!cell) return '';
      if (cell.time.n === 0) return `failed (${cell.failed})`;
      const parts = [`**${secs(cell.time.median)} s**`];
      if (cell.time.n > 1) parts.push(`(${secs(cell.time.min)}–${secs(cell.time.max)})`);
      const ratios: string[] = [];
      if (sc.id !== 'cold' && cold && Number.isFinite(cold)) ratios.push(`${ratio(cell.time.median / cold)} cold`);
      const first = table.get(`${recipe.id}/fresh-change`)?.time.median;
      if (sc.id === 'drift' && first && Number.isFinite(first)) ratios.push(`${ratio(cell.time.median / first)} first`);
      for (const other of recipe.compare ?? []) {
        const theirs = table.get(`${other.recipe}/${sc.id}`)?.time.median;
        if (theirs && Number.isFinite(theirs)) ratios.push(`${ratio(cell.time.median / theirs)} ${other.label}`);
      }
      if (limit) ratios.push(`${ratio(cell.time.median / limit.seconds)} limit`);
      if (cell.failed) ratios.push(`${cell.failed} failed`);
      return ratios.length ? `${parts.join(' ')}<br>${ratios.join(' · ')}` : parts.join(' ');
    });
    lines.push(`| ${recipe.title} | ${row.join(' | ')} |`);
  }
  lines.push('');
  lines.push('Bytes per job (medians): registry pulled / pushed, Actions cache restored / saved.');
  lines.push('');
  lines.push(`| recipe | ${scenarios.map(s => s.title).join(' | ')} |`);
  lines.push(`| --- | ${scenarios.map(() => '---').join(' | ')} |`);
  for (const recipe of recipes) {
    const row = scenarios.map(sc => {
      const cell = table.get(`${recipe.id}/${sc.id}`);
      if (!cell || cell.time.n === 0) return '';
      const cache = cell.cacheRestored || cell.cacheSaved ? `<br>cache ↓${formatBytes(cell.cacheRestored)} ↑${formatBytes(cell.cacheSaved)}` : '';
      return `reg ↓${formatBytes(cell.pulled)} ↑${formatBytes(cell.pushed)}${cache}`;
    });
    lines.push(`| ${recipe.title} | ${row.join(' | ')} |`);
  }
  lines.push('');
  lines.push('Scenarios:');
  for (const sc of scenarios) lines.push(`- **${sc.title}**: ${sc.note}.`);
  const failures = samples.filter(s => !s.ok);
  if (failures.length) {
    lines.push('');
    lines.push('Failed runs:');
    for (const f of failures) lines.push(`- ${f.recipe} / ${f.scenario} / rep ${f.rep}: ${(f.error ?? '').split('\n')[0].slice(0, 300)}`);
  }
  return `${lines.join('\n')}\n`;
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** One panel per scenario, one bar per recipe: the median, a whisker from min to max. */
export function svgChart(samples: Sample[], recipes: RecipeRow[], meta: ReportMeta): string {
  const scenarios = SCENARIOS.filter(sc => samples.some(s => s.scenario === sc.id));
  const table = cells(samples);
  const limit = warmLimit(table, recipes);
  const label = 330;
  const plot = 520;
  const bar = 16;
  const gap = 6;
  const width = label + plot + 90;
  const max = Math.max(1, ...[...table.values()].map(c => (Number.isFinite(c.time.max) ? c.time.max : 0)));
  const scale = (s: number) => (s / max) * plot;
  const out: string[] = [];
  let y = 48;
  out.push(`<text x="12" y="22" font-size="15" font-weight="bold">Whole-job wall time, seconds (median; whisker: min–max of ${meta.reps})</text>`);
  out.push(`<text x="12" y="38" font-size="11" fill="#555">${escapeXml(`${meta.fixture} · ${meta.machine}`)}</text>`);
  for (const sc of scenarios) {
    y += 18;
    out.push(`<text x="12" y="${y}" font-size="13" font-weight="bold">${escapeXml(sc.title)}</text>`);
    y += 8;
    for (const recipe of recipes) {
      const cell = table.get(`${recipe.id}/${sc.id}`);
      if (!cell) continue;
      const colour = recipe.id.startsWith('action') ? '#1f6feb' : '#8c959f';
      out.push(`<text x="${label - 8}" y="${y + bar - 4}" font-size="12" text-anchor="end">${escapeXml(recipe.title)}</text>`);
      if (cell.time.n === 0) {
        out.push(`<text x="${label + 4}" y="${y + bar - 4}" font-size="12" fill="#cf222e">failed</text>`);
      } else {
        const w = Math.max(1, scale(cell.time.median));
        out.push(`<rect x="${label}" y="${y}" width="${w.toFixed(1)}" height="${bar}" fill="${colour}"/>`);
        if (cell.time.n > 1) {
          const mid = y + bar / 2;
          const x1 = label + scale(cell.time.min);
          const x2 = label + scale(cell.time.max);
          out.push(
            `<path d="M${x1.toFixed(1)} ${mid}H${x2.toFixed(1)}M${x1.toFixed(1)} ${mid - 4}V${mid + 4}M${x2.toFixed(1)} ${mid - 4}V${mid + 4}" stroke="#24292f" stroke-width="1.2"/>`
          );
        }
        const end = label + Math.max(w, scale(cell.time.max));
        out.push(`<text x="${(end + 6).toFixed(1)}" y="${y + bar - 4}" font-size="12">${secs(cell.time.median)} s</text>`);
      }
      y += bar + gap;
    }
  }
  if (limit) {
    const x = label + scale(limit.seconds);
    out.push(`<line x1="${x.toFixed(1)}" y1="60" x2="${x.toFixed(1)}" y2="${y}" stroke="#1a7f37" stroke-dasharray="4 3"/>`);
    out.push(`<text x="${(x + 4).toFixed(1)}" y="${y + 14}" font-size="11" fill="#1a7f37">warm-machine limit ${secs(limit.seconds)} s</text>`);
  }
  y += 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    ''
  ].join('\n');
}
