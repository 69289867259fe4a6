// Before the restore: does the builder's BuildKit already hold this key's Go caches in its cache
// mounts? Then neither the restore nor the fill is needed (a self-hosted runner, a remote BuildKit,
// a second build on the same machine). The probe is a throwaway build; any failure only means "no".
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mountsHoldKey, type GoMount } from './go-cache.js';
import type { Facts } from '../facts.js';
import { readTextIfExists, writePlanFiles } from '../files.js';
import { countCacheMountRecords, planCacheMountRecords, planMountProbe, type BuildCommand } from '../plan/go.js';
import { lastLine, runProcess, type TimeLimit } from '../run/process.js';

export interface MountProbeResult {
  warm: boolean;
  /** For the log: what the markers said, or why the probe could not tell. */
  said: string;
  seconds: number;
}

export async function probeMounts(
  go: { mounts: GoMount[]; baseImage: string; key: string },
  facts: Facts,
  build: BuildCommand,
  limit: TimeLimit
): Promise<MountProbeResult> {
  const started = Date.now();
  // A builder with no cache mount at all (a fresh one) holds no Go caches: said without a build.
  const records = planCacheMountRecords(build);
  if (records) {
    const listed = await runProcess({ argv: records, limit, captureStdout: true });
    const count = listed.exitCode === 0 ? countCacheMountRecords(listed.stdout) : undefined;
    if (count === 0) return { warm: false, seconds: (Date.now() - started) / 1000, said: 'the builder holds no cache mount yet' };
  }
  const probe = planMountProbe(go, facts, build, limit);
  writePlanFiles(probe.files);
  fs.rmSync(probe.out, { recursive: true, force: true });
  const result = await runProcess({ argv: probe.step.argv, env: probe.step.env, limit: probe.step.limit });
  const seconds = (Date.now() - started) / 1000;
  if (result.exitCode !== 0) return { warm: false, seconds, said: `the probe build failed (${result.timedOut ?? lastLine(result.tail)})` };
  const markers = go.mounts.map((_, i) => readTextIfExists(path.join(probe.out, String(i))));
  fs.rmSync(probe.out, { recursive: true, force: true });
  const warm = mountsHoldKey(markers, go.key);
  const said = go.mounts.map(({ mount }, i) => `${mount.id}: ${markers[i]?.trim() || 'no marker'}`).join(', ');
  return { warm, seconds, said };
}
