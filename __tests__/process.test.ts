// The process seam with real processes (sh): limits kill the whole group, children get no inputs.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { childEnvironment, runProcess } from '../src/run/process.js';

/** Running, not a zombie waiting for whoever adopted it to reap it. */
const alive = (pid: number) => {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
};

describe('runProcess', () => {
  it('gives the exit code, the tail of both streams, and stdout when asked', async () => {
    const result = await runProcess({
      argv: ['sh', '-c', 'echo out; echo err >&2; printf "no newline"; exit 3'],
      limit: { totalMs: 5000 },
      captureStdout: true
    });
    expect(result.exitCode).toBe(3);
    expect(result.tail).toEqual(expect.arrayContaining(['out', 'err', 'no newline']));
    expect(result.stdout).toBe('out\nno newline');
    expect(result.timedOut).toBeUndefined();
  });

  it('kills a process and what it started when its total time is up', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-proc-'));
    const started = Date.now();
    const result = await runProcess({ argv: ['sh', '-c', `sleep 30 & echo $! > ${dir}/bg; sleep 30`], limit: { totalMs: 400 } });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.exitCode).toBe(-1);
    expect(result.timedOut).toBe('still running after 0.4 s');
    expect(result.tail.at(-1)).toBe('killed: still running after 0.4 s');
    const background = Number(fs.readFileSync(path.join(dir, 'bg'), 'utf8'));
    await vi.waitFor(
      () => {
        expect(alive(background)).toBe(false);
      },
      { timeout: 4000 }
    );
  });

  it('stops a process and its group when its work is cancelled, before or while it runs', async () => {
    const controller = new AbortController();
    const started = Date.now();
    const running = runProcess({ argv: ['sh', '-c', 'sleep 30 & sleep 30'], limit: { totalMs: 60_000 }, cancel: controller.signal });
    setTimeout(() => {
      controller.abort();
    }, 200);
    const result = await running;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.exitCode).toBe(-1);
    expect(result.timedOut).toBe('cancelled');
    const before = await runProcess({ argv: ['sh', '-c', 'sleep 30'], limit: { totalMs: 60_000 }, cancel: AbortSignal.abort() });
    expect(before.timedOut).toBe('cancelled');
    // A signal that is never used changes nothing.
    expect((await runProcess({ argv: ['true'], limit: { totalMs: 5000 }, cancel: new AbortController().signal })).exitCode).toBe(0);
  });

  it('kills a process that prints nothing for too long, and lets one that keeps talking run', async () => {
    const silent = await runProcess({ argv: ['sh', '-c', 'echo start; sleep 30'], limit: { idleMs: 300 } });
    expect(silent.timedOut).toBe('no output for 0.3 s');
    const talking = await runProcess({ argv: ['sh', '-c', 'for i in 1 2 3 4 5 6 7 8; do echo $i; sleep 0.1; done'], limit: { idleMs: 500 } });
    expect(talking.exitCode).toBe(0);
    expect(talking.tail.slice(-2)).toEqual(['7', '8']);
  });

  it('says why a program could not start', async () => {
    const result = await runProcess({ argv: ['no-such-program-here'], limit: { totalMs: 2000 } });
    expect(result.exitCode).toBe(-1);
    expect(result.startError).toMatch(/ENOENT/);
  });

  it('writes stdin and streams every line to onLine', async () => {
    const lines: string[] = [];
    const result = await runProcess({
      argv: ['sh', '-c', 'cat; echo done'],
      stdin: 'from stdin\n',
      limit: { totalMs: 5000 },
      onLine: l => lines.push(l)
    });
    expect(result.exitCode).toBe(0);
    expect(lines).toEqual(['from stdin', 'done']);
  });

  it('decodes characters whose bytes arrive in separate chunks, on both streams', async () => {
    // One byte a write, each after the last has been read: every multi-byte character is split.
    const script = `
      const bytes = [...Buffer.from('héllo ✓ 日本\\n'), 0xe6, 0x97];
      let i = 0;
      const next = () => {
        if (i === bytes.length) return;
        const byte = Buffer.from([bytes[i++]]);
        process.stdout.write(byte);
        process.stderr.write(byte, () => setTimeout(next, 2));
      };
      next();`;
    const lines: string[] = [];
    const result = await runProcess({
      argv: [process.execPath, '-e', script],
      limit: { totalMs: 20_000 },
      captureStdout: true,
      onLine: l => lines.push(l)
    });
    expect(result.exitCode).toBe(0);
    // The unfinished character at the end (two of 日's three bytes) is one U+FFFD, as a whole decode gives.
    const expected = Buffer.from([...Buffer.from('héllo ✓ 日本\n'), 0xe6, 0x97]).toString('utf8');
    expect(expected.endsWith('\ufffd')).toBe(true);
    expect(result.stdout).toBe(expected);
    expect(lines).toEqual(['héllo ✓ 日本', 'héllo ✓ 日本', '\ufffd', '\ufffd']);
  });

  it('hands children no action inputs, no state and no runner tokens, unless given', async () => {
    const env = childEnvironment(
      {
        PATH: '/bin',
        INPUT_REGISTRY_PASSWORD: 'pw',
        'INPUT_REGISTRY-PASSWORD': 'pw',
        STATE_x: '1',
        ACTIONS_RUNTIME_TOKEN: 't',
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: 't',
        HOME: '/root'
      },
      { EXTRA: '1' }
    );
    expect(env).toEqual({ PATH: '/bin', HOME: '/root', EXTRA: '1' });
    process.env['INPUT_SECRETS'] = 'token=abcdef';
    try {
      const result = await runProcess({ argv: ['sh', '-c', 'env'], limit: { totalMs: 5000 }, captureStdout: true });
      expect(result.stdout).not.toContain('abcdef');
      expect(result.stdout).not.toMatch(/^INPUT_/m);
    } finally {
      delete process.env['INPUT_SECRETS'];
    }
  });
});
