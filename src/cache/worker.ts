// @actions/cache runs in a process of its own, started through the process seam like any other
// command: so a cache service that hangs is killed by the time limit (with the tar it started), and a
// restore that failed half-way can be cleaned up after. The library's own log lines pass through, its
// error annotations turned into warnings: a cache fault never fails a build.
import { runProcess, type TimeLimit } from '../run/process.js';
import { JOB_VARIABLE } from './job-variable.js';

/** The library (with the Azure SDK, most of the bundle) is loaded only in the cache job's process. */
const loadCache = () => import('@actions/cache');

export type CacheJob = { op: 'restore'; paths: string[]; key: string; restoreKeys: string[] } | { op: 'save'; paths: string[]; key: string };

export interface CacheJobResult {
  /** restore: the key of the entry found. */
  matchedKey?: string;
  /** restore: an entry was found, but downloading or unpacking it failed (the folders may be half-made). */
  restoreFailed?: boolean;
  /** save: the library's cache id (-1: it did not take the save and said why). */
  cacheId?: number;
  /** save: another run reserved the key first. */
  reserveConflict?: boolean;
  /** The job failed: an exception, a time limit, a worker that died. */
  error?: string;
  /** The runner offers no cache service (no ACTIONS_CACHE_URL / ACTIONS_RESULTS_URL as the protocol needs). */
  unavailable?: boolean;
}

const RESULT_MARK = 'cib-cache-result=';
/** What the cache library needs of the runner's environment, and children do not get by default. */
const CACHE_ENV = ['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL', 'ACTIONS_CACHE_SERVICE_V2'];

/** Runs a cache job in a child process (this same bundle) and reads its result. */
export async function runCacheJob(
  job: CacheJob,
  limit: TimeLimit,
  log: (line: string) => void = line => process.stdout.write(`${line}\n`),
  cancel?: AbortSignal
): Promise<CacheJobResult> {
  let result: CacheJobResult | undefined;
  const env: Record<string, string> = { [JOB_VARIABLE]: JSON.stringify(job) };
  for (const name of CACHE_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  const run = await runProcess({
    // The same Node flags (a memory probe in the tests), the same bundle.
    argv: [process.execPath, ...process.execArgv, process.argv[1]],
    env,
    limit,
    cancel,
    onLine: line => {
      if (line.startsWith(RESULT_MARK)) result = JSON.parse(line.slice(RESULT_MARK.length)) as CacheJobResult;
      else log(line.replace(/^::error::/, '::warning::'));
    }
  });
  if (run.timedOut) return { error: `the cache service did not finish in time (${run.timedOut})` };
  if (!result) return { error: `the cache job ended without an answer (exit ${run.exitCode}: ${run.tail.at(-1) ?? 'no output'})` };
  return result;
}

/** In the child: run the job with the real library, print the result on a line of its own. */
export async function cacheJobMain(raw: string): Promise<void> {
  const job = JSON.parse(raw) as CacheJob;
  let result: CacheJobResult;
  try {
    result = job.op === 'restore' ? await restore(job) : await save(job);
  } catch (error) {
    result = { error: (error as Error).message };
  }
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

async function restore(job: Extract<CacheJob, { op: 'restore' }>): Promise<CacheJobResult> {
  const cache = await loadCache();
  if (!cache.isFeatureAvailable()) return { unavailable: true };
  // restoreCache answers undefined both for no entry and for one it failed to unpack: ask first.
  const found = await cache.restoreCache(job.paths, job.key, job.restoreKeys, { lookupOnly: true });
  if (!found) return {};
  const matchedKey = await cache.restoreCache(job.paths, found, []);
  return matchedKey ? { matchedKey } : { matchedKey: found, restoreFailed: true };
}

async function save(job: Extract<CacheJob, { op: 'save' }>): Promise<CacheJobResult> {
  const cache = await loadCache();
  if (!cache.isFeatureAvailable()) return { unavailable: true };
  try {
    return { cacheId: await cache.saveCache(job.paths, job.key) };
  } catch (error) {
    if (error instanceof cache.ReserveCacheError) return { reserveConflict: true, error: error.message };
    throw error;
  }
}
