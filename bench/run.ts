// npm run bench [-- --reps N --recipes a,b --scenarios a,b --fixture NAME --out DIR]
//
// Runs each recipe through the scenarios on the real stack, N repetitions, and writes
// results.json, results.md (the tables) and chart.svg to --out (default bench/results).
// --engine picks the stack's engine (scripts/stack.sh: docker28, the default, as on GitHub's
// runners; docker28-containerd; docker20; docker29, as on ubuntu-26.04 runners). The benchmark wipes that engine before every
// fresh-runner scenario: run it where no one else uses the engine.
import { execFileSync } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { imageStoreOf } from '../src/facts.js';
import { ROOT, commitAll, copyFixture, laneKind } from '../test/e2e/support/stack.js';
import { startCacheServer, type CacheServer } from '../test/support/cache-server/server.js';
import { Log } from './lib/exec.js';
import { removeTree, settleDisk, startMachine, wipeEngine, type Machine } from './lib/machine.js';
import { markdown, SCENARIOS, svgChart, type RecipeRow, type ReportMeta, type Sample, type ScenarioId } from './lib/report.js';
import { RECIPES } from './recipes/index.js';
import { writeRules } from './gen-rules.js';
import { builds, type Fixture, type JobContext, type Recipe } from './recipes/types.js';

const FIXTURES: Partial<Record<string, Fixture>> = {
  'bench-svc': {
    name: 'bench-svc',
    binary: 'bench-svc',
    changeFile: 'internal/rules/r00/rules.go',
    driftFiles: [1, 2, 3, 4, 5, 6, 7, 8, 9, 0].map(n => `internal/rules/r0${n}/rules.go`)
  },
  'hello-svc': { name: 'hello-svc', binary: 'hello-svc', changeFile: 'internal/greeting/greeting.go' },
  // The monorepo of test/e2e/monorepo.test.ts: four services, one module, a shared package; the
  // one-line change goes into one service (api).
  mono: {
    name: 'mono',
    binary: 'api',
    changeFile: 'cmd/api/main.go',
    images: ['api', 'worker', 'auth', 'billing'].map(name => ({ name, file: `cmd/${name}/Dockerfile` })),
    scenarios: ['cold', 'fresh-same', 'fresh-change']
  }
};

export interface BenchOptions {
  reps: number;
  recipes: Recipe[];
  scenarios: ScenarioId[];
  fixture: Fixture;
  out: string;
  logs: string;
  registryPort: number;
  command: string;
  /** keep the other recipes' samples already in --out (a recipe re-run replaces its own) */
  merge: boolean;
  /** only write results.md and chart.svg again from --out's results.json */
  render: boolean;
}

function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      reps: { type: 'string', default: '3' },
      recipes: { type: 'string' },
      scenarios: { type: 'string' },
      fixture: { type: 'string', default: 'bench-svc' },
      engine: { type: 'string', default: process.env.STACK_ENGINE || 'docker28' },
      out: { type: 'string', default: path.join(ROOT, 'bench/results') },
      logs: { type: 'string' },
      'registry-port': { type: 'string', default: '0' },
      merge: { type: 'boolean', default: false },
      render: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }
    }
  });
  if (values.help) {
    console.log(
      fs
        .readFileSync(new URL(import.meta.url), 'utf8')
        .split('\n')
        .filter(l => l.startsWith('//'))
        .map(l => l.slice(3))
        .join('\n')
    );
    console.log(
      `\nrecipes: ${RECIPES.map(r => r.id).join(', ')}\nscenarios: ${SCENARIOS.map(s => s.id).join(', ')}\nfixtures: ${Object.keys(FIXTURES).join(', ')}`
    );
    process.exit(0);
  }
  const pick = <T extends { id: string }>(list: readonly T[], wanted: string, what: string): T[] =>
    wanted.split(',').map(id => {
      const found = list.find(item => item.id === id.trim());
      if (!found) throw new Error(`--${what}: unknown '${id}' (valid: ${list.map(i => i.id).join(', ')})`);
      return found;
    });
  const ENGINES = ['docker28', 'docker28-containerd', 'docker20', 'docker29'];
  // A lane's engine (docker28-lane2, when the tests run side by side) is one of these kinds.
  if (!ENGINES.includes(laneKind(values.engine))) throw new Error(`--engine: unknown '${values.engine}' (valid: ${ENGINES.join(', ')})`);
  // startMachine brings this engine up and takes its environment (DOCKER_HOST, its docker client).
  process.env.STACK_ENGINE = values.engine;
  const reps = Number(values.reps);
  if (!Number.isInteger(reps) || reps < 1) throw new Error(`--reps: a whole number ≥ 1, not '${values.reps}'`);
  const fixture = FIXTURES[values.fixture];
  if (!fixture) throw new Error(`--fixture: unknown '${values.fixture}' (valid: ${Object.keys(FIXTURES).join(', ')})`);
  // By default every recipe that builds this fixture (one image, or a monorepo's), and its scenarios.
  const recipes = pick(
    RECIPES,
    values.recipes ??
      RECIPES.filter(r => builds(r, fixture))
        .map(r => r.id)
        .join(','),
    'recipes'
  );
  const wrong = recipes.filter(r => !builds(r, fixture));
  if (wrong.length)
    throw new Error(
      `--recipes: ${wrong.map(r => r.id).join(', ')} cannot build fixture '${fixture.name}' (${fixture.images ? 'a monorepo' : 'one image'})`
    );
  // Scenarios keep their natural order whatever the command line says.
  const wanted = pick(SCENARIOS, values.scenarios ?? (fixture.scenarios ?? SCENARIOS.map(s => s.id)).join(','), 'scenarios');
  const scenarios = SCENARIOS.filter(sc => wanted.includes(sc)).map(sc => sc.id);
  return {
    reps,
    recipes: RECIPES.filter(r => recipes.includes(r)),
    scenarios,
    fixture,
    out: path.resolve(values.out),
    logs: path.resolve(values.logs ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cib-bench-logs-'))),
    registryPort: Number(values['registry-port']),
    merge: values.merge,
    render: values.render,
    command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`
  };
}

/** The drift scenario's commits: the last one is timed. */
const DRIFT_COMMITS = 10;

/** One repetition of one recipe: its own repository, cache service, runner home and checkout. */
class Chain {
  readonly image: string;
  readonly runnerHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-bench-home-'));
  readonly cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-bench-cache-'));
  /** Where a fresh runner's predecessor's home goes: moved aside, removed when the chain ends (see prepare). */
  readonly trash = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-bench-trash-'));
  workspace = '';
  cache?: CacheServer;
  changes = 0;
  drifts = 0;
  trashed = 0;

  constructor(
    readonly machine: Machine,
    readonly recipe: Recipe,
    readonly options: BenchOptions,
    readonly rep: number
  ) {
    const id = `${Date.now().toString(36)}${crypto.randomBytes(2).toString('hex')}`;
    this.image = `${machine.registry.address}/bench/${recipe.id}-${id}`;
  }

  /** Make the machine what the scenario says; nothing here is timed. */
  async prepare(scenario: ScenarioId): Promise<void> {
    const fresh = scenario !== 'warm-change';
    if (scenario === 'drift') {
      const files = this.options.fixture.driftFiles ?? [this.options.fixture.changeFile];
      const file = files[this.drifts % files.length];
      this.drifts++;
      fs.appendFileSync(path.join(this.workspace, file), `\nvar benchDrift${this.drifts} = ${this.drifts}\n`);
    }
    if (scenario === 'cold') {
      this.workspace = copyFixture(this.options.fixture.name);
      this.cache = await startCacheServer({ dir: this.cacheDir, host: '127.0.0.1' });
    }
    if (fresh) {
      wipeEngine();
      if (this.recipe.needsBuildx) this.machine.builder?.fresh();
      // Moved aside, not deleted: on this VM half a gigabyte of Go caches unpacks in 1.3 s into a
      // folder made after a rename, and in 6-16 s into one made right after the old one was deleted.
      // A fresh runner never deleted anything; the chain's trash goes when it ends.
      if (fs.existsSync(this.runnerHome)) fs.renameSync(this.runnerHome, path.join(this.trash, `home-${this.trashed++}`));
      fs.mkdirSync(this.runnerHome, { recursive: true });
      removeTree(path.join(this.workspace, '.prebuilt'));
      await settleDisk();
    }
    if (scenario === 'fresh-change' || scenario === 'warm-change') {
      this.changes++;
      fs.appendFileSync(path.join(this.workspace, this.options.fixture.changeFile), `\nvar benchChange${this.changes} = ${this.changes}\n`);
    }
  }

  async run(scenario: ScenarioId): Promise<Sample> {
    await this.prepare(scenario);
    const cache = this.cache as CacheServer;
    const log = new Log(path.join(this.options.logs, `${this.recipe.id}-rep${this.rep}-${scenario}.log`));
    const ctx: JobContext = {
      fixture: this.options.fixture,
      workspace: this.workspace,
      image: this.image,
      registry: this.machine.registry.address,
      goproxy: this.machine.goproxy,
      // A real commit of what the job builds, as a push brings it (the action reads who it builds for from git).
      sha: commitAll(this.workspace, `${this.recipe.id} ${scenario}`),
      runnerHome: this.runnerHome,
      cache,
      builder: this.machine.builder?.name,
      log,
      env: process.env
    };
    const traffic = this.machine.registry.counts();
    const cacheBefore = cache.stats();
    const started = performance.now();
    let error: string | undefined;
    try {
      await this.recipe.job(ctx);
    } catch (e) {
      error = (e as Error).message;
      log.write(`# FAILED: ${error}`);
    }
    const seconds = (performance.now() - started) / 1000;
    const after = this.machine.registry.counts();
    const cacheAfter = cache.stats();
    return {
      recipe: this.recipe.id,
      scenario,
      rep: this.rep,
      ok: error === undefined,
      error,
      seconds,
      pulled: after.pulled - traffic.pulled,
      pushed: after.pushed - traffic.pushed,
      cacheRestored: cacheAfter.bytesDownloaded - cacheBefore.bytesDownloaded,
      cacheSaved: cacheAfter.bytesUploaded - cacheBefore.bytesUploaded
    };
  }

  async close(): Promise<void> {
    await this.cache?.close();
    removeTree(this.runnerHome);
    removeTree(this.trash);
    removeTree(this.cacheDir);
    if (this.workspace) removeTree(this.workspace);
  }
}

function describeMachine(): string {
  const cpu = os.cpus();
  const version = (argv: string[]) => {
    try {
      return execFileSync(argv[0], argv.slice(1), { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .trim()
        .split('\n')[0];
    } catch {
      return '?';
    }
  };
  // The store the engine reports, read as the action reads it.
  const imageStore = () => imageStoreOf(version(['docker', 'info', '--format', '{{json .DriverStatus}}']));
  return [
    `${cpu[0]?.model.trim() ?? 'cpu'}, ${cpu.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, ${os.type()} ${os.release()}`,
    `Docker engine ${version(['docker', 'version', '--format', '{{.Server.Version}}'])} (stack engine ${process.env.STACK_ENGINE ?? '?'}: ${imageStore()} image store)`,
    version(['docker', 'buildx', 'version']).replace(/^github.com\/docker\//, ''),
    version(['go', 'version']).replace(/^go version /, ''),
    `Node ${process.version}`
  ].join(', ');
}

/** results.md and chart.svg from a results.json, as a run writes them. */
export function render(out: string): void {
  const { meta, recipes, samples } = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as {
    meta: ReportMeta;
    recipes: RecipeRow[];
    samples: Sample[];
  };
  fs.writeFileSync(path.join(out, 'results.md'), markdown(samples, recipes, meta));
  fs.writeFileSync(path.join(out, 'chart.svg'), svgChart(samples, recipes, meta));
}

export async function bench(options: BenchOptions): Promise<Sample[]> {
  if (options.render) {
    render(options.out);
    return [];
  }
  fs.mkdirSync(options.out, { recursive: true });
  fs.mkdirSync(options.logs, { recursive: true });
  if (!fs.existsSync(path.join(ROOT, 'dist/index.js'))) throw new Error('dist/index.js is missing: npm run build');
  if (options.fixture.name === 'bench-svc') writeRules();
  const needsBuildx = options.recipes.some(r => r.needsBuildx);
  const machine = await startMachine({ registryPort: options.registryPort, buildx: needsBuildx });
  const meta: ReportMeta = {
    command: options.command,
    machine: describeMachine(),
    fixture: options.fixture.name,
    reps: options.reps,
    date: new Date().toISOString().slice(0, 10)
  };
  console.log(
    `[bench] engine ${process.env.DOCKER_HOST ?? '(default)'}, registry via ${machine.registry.address}, modules via ${machine.goproxy}, logs in ${options.logs}`
  );
  const samples: Sample[] = [];
  let included = options.recipes;
  const previous = path.join(options.out, 'results.json');
  if (options.merge && fs.existsSync(previous)) {
    const old = JSON.parse(fs.readFileSync(previous, 'utf8')) as { meta: ReportMeta; recipes: Array<{ id: string }>; samples: Sample[] };
    samples.push(...old.samples.filter(s => !options.recipes.some(r => r.id === s.recipe)));
    included = RECIPES.filter(r => options.recipes.includes(r) || old.recipes.some(o => o.id === r.id));
    meta.command = `${old.meta.command}; then ${options.command}`;
  }
  const write = () => {
    const rows = included.map(r => ({ id: r.id, title: r.title, compare: r.compare }));
    fs.writeFileSync(
      path.join(options.out, 'results.json'),
      `${JSON.stringify({ meta, recipes: included.map(r => ({ id: r.id, title: r.title, how: r.how, compare: r.compare })), samples }, null, 2)}\n`
    );
    fs.writeFileSync(path.join(options.out, 'results.md'), markdown(samples, rows, meta));
    fs.writeFileSync(path.join(options.out, 'chart.svg'), svgChart(samples, rows, meta));
  };
  // A fresh-runner scenario needs what a cold run leaves behind; run cold unrecorded if not asked for.
  const order: ScenarioId[] = options.scenarios[0] === 'cold' ? options.scenarios : ['cold', ...options.scenarios];
  try {
    for (let rep = 1; rep <= options.reps; rep++) {
      for (const recipe of options.recipes) {
        const chain = new Chain(machine, recipe, options, rep);
        try {
          let broken: string | undefined;
          for (const scenario of order) {
            if (broken) {
              if (options.scenarios.includes(scenario))
                samples.push({
                  recipe: recipe.id,
                  scenario,
                  rep,
                  ok: false,
                  error: `not run: ${broken}`,
                  seconds: NaN,
                  pulled: NaN,
                  pushed: NaN,
                  cacheRestored: NaN,
                  cacheSaved: NaN
                });
              continue;
            }
            // Drift: nine commits unrecorded, the tenth timed; only for recipes that carry Go caches.
            if (scenario === 'drift' && !recipe.carriesGoCaches) continue;
            if (scenario === 'drift') {
              for (let commit = 1; commit < DRIFT_COMMITS; commit++) {
                const step = await chain.run(scenario);
                console.log(
                  `[bench] rep ${rep}/${options.reps} ${recipe.id} drift commit ${commit}: ${step.ok ? `${step.seconds.toFixed(1)} s` : 'FAILED'}`
                );
                if (!step.ok) break;
              }
            }
            const sample = await chain.run(scenario);
            const recorded = options.scenarios.includes(scenario);
            if (recorded) samples.push(sample);
            console.log(
              `[bench] rep ${rep}/${options.reps} ${recipe.id} ${scenario}: ${sample.ok ? `${sample.seconds.toFixed(1)} s` : `FAILED (${sample.error?.split('\n')[0]})`}` +
                `, registry ↓${(sample.pulled / 1e6).toFixed(1)} MB ↑${(sample.pushed / 1e6).toFixed(1)} MB, cache ↓${(sample.cacheRestored / 1e6).toFixed(1)} MB ↑${(sample.cacheSaved / 1e6).toFixed(1)} MB${recorded ? '' : ' (setup, not recorded)'}`
            );
            if (recorded) write();
            // The rest of the chain builds on this run: stop it when it failed.
            if (!sample.ok) broken = `the ${scenario} run before it failed`;
          }
        } finally {
          await chain.close();
        }
      }
    }
  } finally {
    await machine.close();
  }
  write();
  console.log(`[bench] wrote ${path.join(options.out, 'results.md')}, results.json and chart.svg`);
  return samples;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  bench(parseOptions(process.argv.slice(2))).catch((error: unknown) => {
    console.error(`[bench] ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  });
}
