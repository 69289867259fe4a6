// Runs the bundled action (dist/index.js) as a GitHub runner does: INPUT_* variables, the file
// commands (GITHUB_OUTPUT, GITHUB_STATE, GITHUB_STEP_SUMMARY), then the post step with STATE_*.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = path.resolve(import.meta.dirname, '../..');
export const DIST = path.join(ROOT, 'dist/index.js');

export interface StepRun {
  exitCode: number;
  log: string;
  durationMs: number;
  /** Peak resident memory of the step's Node process itself (children not counted), when measured. */
  maxRssMb?: number;
}

export interface ActionRun {
  main: StepRun;
  post: StepRun;
  outputs: Record<string, string>;
  summary: string;
}

/** The event a run is for, as the runner hands it over (GITHUB_EVENT_NAME, GITHUB_REF, the payload file). */
export interface RunnerEvent {
  name: string;
  ref: string;
  payload: Record<string, unknown>;
}

export const REPOSITORY = 'acme/hello-svc';

/** A push to a branch of the repository whose default branch is main. */
export function pushTo(branch = 'main'): RunnerEvent {
  return {
    name: 'push',
    ref: `refs/heads/${branch}`,
    payload: { ref: `refs/heads/${branch}`, repository: { full_name: REPOSITORY, default_branch: 'main' } }
  };
}

export interface ActionRequest {
  inputs: Record<string, string>;
  workspace: string;
  sha: string;
  /** Default: a push to main, the default branch. */
  event?: RunnerEvent;
  env?: Record<string, string>;
  /** Measure the peak resident memory of each step's Node process. */
  measureMemory?: boolean;
}

export async function runAction({ inputs, workspace, sha, event = pushTo(), env = {}, measureMemory = false }: ActionRequest): Promise<ActionRun> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-runner-'));
  const files = {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_STEP_SUMMARY: path.join(dir, 'summary')
  };
  for (const file of Object.values(files)) fs.writeFileSync(file, '');
  const eventPath = path.join(dir, 'event.json');
  fs.writeFileSync(eventPath, JSON.stringify(event.payload));
  const runnerTemp = path.join(dir, 'temp');
  fs.mkdirSync(runnerTemp);
  const base: Record<string, string> = {
    ...stringEnv(process.env),
    ...files,
    GITHUB_ACTIONS: 'true',
    GITHUB_SHA: sha,
    GITHUB_WORKSPACE: workspace,
    GITHUB_REPOSITORY: REPOSITORY,
    GITHUB_EVENT_NAME: event.name,
    GITHUB_REF: event.ref,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_SERVER_URL: 'https://github.example',
    RUNNER_TEMP: runnerTemp,
    ...env
  };
  for (const [name, value] of Object.entries(inputs)) base[`INPUT_${name.toUpperCase().replace(/ /g, '_')}`] = value;

  const main = await runNode(base, workspace, measureMemory);
  const state = parseFileCommands(fs.readFileSync(files.GITHUB_STATE, 'utf8'));
  const stateEnv = Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
  const post = await runNode({ ...base, ...stateEnv }, workspace, measureMemory);
  const run = {
    main,
    post,
    outputs: parseFileCommands(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8')),
    summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8')
  };
  fs.rmSync(dir, { recursive: true, force: true });
  return run;
}

const RSS_MARK = 'cib-max-rss-kb=';
const RSS_PROBE = pathToFileURL(path.join(ROOT, 'test/support/rss-probe.mjs')).href;

function runNode(env: Record<string, string>, cwd: string, measureMemory: boolean): Promise<StepRun> {
  const started = Date.now();
  const args = measureMemory ? ['--import', RSS_PROBE, DIST] : [DIST];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.on('error', reject);
    child.on('close', code => {
      // The step's own process and the cache job's (a child of the same bundle) each print theirs.
      const peaks = [...log.matchAll(new RegExp(`${RSS_MARK}(\\d+)`, 'g'))].map(m => Number(m[1]) / 1024);
      resolve({ exitCode: code ?? -1, log, durationMs: Date.now() - started, maxRssMb: peaks.length ? Math.max(...peaks) : undefined });
    });
  });
}

/** The `name<<DELIMITER … DELIMITER` format that @actions/core writes to GITHUB_OUTPUT and GITHUB_STATE. */
export function parseFileCommands(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const heredoc = /^([^<=]+)<<(.+)$/.exec(lines[i]);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2], i + 1);
      result[heredoc[1]] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (lines[i].includes('=')) {
      result[lines[i].slice(0, lines[i].indexOf('='))] = lines[i].slice(lines[i].indexOf('=') + 1);
    }
  }
  return result;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    // Inputs of an outer action run must not leak into the one under test.
    if (value !== undefined && !key.startsWith('INPUT_') && !key.startsWith('STATE_')) out[key] = value;
  }
  return out;
}
