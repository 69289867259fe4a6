import { describe, expect, it } from 'vitest';
import { answeredByCache, ProgressReader, stageFullyCached, type Vertex } from '../src/run/progress.js';
import { stepResult } from '../src/report.js';
import { buildFailure, isMissingImage, pushedDigest } from '../src/run/outcome.js';

// Output of dockerd 20.10's BuildKit with --progress=plain, shortened.
const PLAIN = `#1 [internal] load build definition from Dockerfile
#1 sha256:2b1e
#1 transferring dockerfile: 38B done
#1 DONE 0.0s

#4 [builder 1/5] FROM 127.0.0.1:5000/base/go:1.26@sha256:aa
#4 DONE 0.0s

#5 importing cache manifest from 127.0.0.1:5000/e2e/hello:builder
#5 DONE 0.1s

#6 [builder 2/5] WORKDIR /src
#6 CACHED

#7 [builder 3/5] COPY go.mod go.sum ./
#7 CACHED

#8 [builder 4/5] RUN go mod download
#8 CACHED

#9 [builder 5/5] RUN go build -o /out/app ./cmd/app
#9 0.512 compiling
#9 DONE 12.5s
`;

describe('ProgressReader', () => {
  const reader = new ProgressReader();
  for (const line of PLAIN.split('\n')) reader.line(line);
  it('reads every vertex with its final status', () => {
    expect(reader.all().map(v => [v.id, v.status])).toEqual([
      [1, 'done'],
      [4, 'done'],
      [5, 'done'],
      [6, 'cached'],
      [7, 'cached'],
      [8, 'cached'],
      [9, 'done']
    ]);
  });
  it('keeps only Dockerfile steps as steps, with stage and instruction', () => {
    const steps = reader.steps();
    expect(steps.map(s => s.position)).toEqual(['1/5', '2/5', '3/5', '4/5', '5/5']);
    expect(steps[4]).toMatchObject({ stage: 'builder', instruction: 'RUN go build -o /out/app ./cmd/app', seconds: 12.5 });
  });
  it('calls a stage fully cached only when every step but FROM is CACHED', () => {
    expect(stageFullyCached(reader.steps(), 'builder')).toBe(false);
    const cached = reader.steps().map(v => (v.position === '5/5' ? { ...v, status: 'cached' as const } : v));
    expect(stageFullyCached(cached, 'builder')).toBe(true);
    expect(stageFullyCached(cached, 'other')).toBe(false);
  });
  it('knows a step answered by a registry cache from its layer pulls, with or without a CACHED line', () => {
    const r = new ProgressReader();
    for (const line of [
      '#9 [builder 4/6] RUN go mod download',
      `#9 sha256:${'4b'.repeat(32)} 67.43MB / 67.43MB 0.2s done`,
      `#9 extracting sha256:${'4b'.repeat(32)} 2.1s done`,
      '#9 DONE 2.3s',
      '#9 [builder 4/6] RUN go mod download',
      `#9 extracting sha256:${'bf'.repeat(32)} done`,
      '#9 DONE 2.3s',
      '#10 [builder 5/6] COPY . .',
      // dockerd 20.10's BuildKit prints each step's digest: not a layer pull.
      `#10 sha256:${'f8'.repeat(32)}`,
      '#10 DONE 0.2s',
      '#11 [builder 6/6] RUN go build ./...',
      '#11 0.512 example.com/x',
      '#11 DONE 28.3s',
      '#5 [builder 1/6] FROM r/go@sha256:aa',
      `#5 sha256:${'aa'.repeat(32)} 1MB / 1MB done`,
      '#5 DONE 1.0s'
    ])
      r.line(line);
    expect(r.steps().map(v => [v.position, v.status])).toEqual([
      ['1/6', 'done'],
      ['4/6', 'cached'],
      ['5/6', 'done'],
      ['6/6', 'done']
    ]);
  });

  it("counts a step BuildKit canceled because a later one was cached as answered (dockerd 20.10's race)", () => {
    // Printed by dockerd 20.10 for a builder stage whose every step was in the cache (CI, 2026-12-03).
    const r = new ProgressReader();
    for (const line of [
      '#7 [builder 3/6] COPY go.mod go.sum ./',
      '#7 CACHED',
      '#9 [builder 5/6] COPY . .',
      '#9 CANCELED',
      '#11 [builder 1/6] FROM 127.0.0.1:5000/base/go:1.26@sha256:6f3f',
      '#11 CANCELED',
      '#10 [builder 6/6] RUN go build -v -trimpath -o /out/hello-svc ./cmd/hello-svc',
      '#10 ...',
      '#9 [builder 5/6] COPY . .',
      '#9 CANCELED',
      '#10 [builder 6/6] RUN go build -v -trimpath -o /out/hello-svc ./cmd/hello-svc',
      '#10 CACHED'
    ])
      r.line(line);
    expect(r.steps().map(v => [v.position, v.status])).toEqual([
      ['3/6', 'cached'],
      ['5/6', 'canceled'],
      ['6/6', 'cached'],
      ['1/6', 'canceled']
    ]);
    expect(stageFullyCached(r.steps(), 'builder')).toBe(true);
    // A step that ran is not answered, canceled or not elsewhere.
    r.line('#12 [builder 2/6] WORKDIR /src');
    r.line('#12 DONE 0.1s');
    expect(stageFullyCached(r.steps(), 'builder')).toBe(false);
  });

  it("names each outcome in the summary; a failed build's CANCELED step was stopped, not answered", () => {
    const step = (status: Vertex['status']): Vertex => ({ id: 1, name: 'RUN x', status });
    const table = (['cached', 'done', 'canceled', 'error', 'running'] as const).map(status => [
      status,
      answeredByCache(step(status)),
      answeredByCache(step(status), true),
      stepResult(step(status), false),
      stepResult(step(status), true)
    ]);
    expect(table).toEqual([
      ['cached', true, true, 'CACHED', 'CACHED'],
      ['done', false, false, 'built', 'built'],
      ['canceled', true, false, 'not needed (a later step was cached)', 'canceled'],
      ['error', false, false, 'error', 'error'],
      ['running', false, false, 'running', 'running']
    ]);
  });

  it('records errors', () => {
    const r = new ProgressReader();
    r.line('#3 [builder 2/2] RUN false');
    r.line('#3 ERROR: process "/bin/sh -c false" did not complete successfully: exit code: 1');
    expect(r.steps()[0]).toMatchObject({ status: 'error', error: 'process "/bin/sh -c false" did not complete successfully: exit code: 1' });
  });
});

describe('outcome readers', () => {
  it('knows a missing tag from the registry answer', () => {
    expect(isMissingImage(['Error response from daemon: manifest for 127.0.0.1:5000/x:latest not found: manifest unknown: manifest unknown'])).toBe(
      true
    );
    expect(isMissingImage(['Error response from daemon: Get "https://r/v2/": dial tcp: connection refused'])).toBe(false);
  });
  it('reads the digest from docker push', () => {
    const digest = `sha256:${'ab'.repeat(32)}`;
    expect(pushedDigest(['abc: Pushed', `latest: digest: ${digest} size: 528`])).toBe(digest);
    expect(pushedDigest(['nothing'])).toBeUndefined();
  });
  it('finds the reason and the Dockerfile line of a failed build', () => {
    expect(
      buildFailure([
        '#9 ERROR: process "/bin/sh -c go build" did not complete successfully: exit code: 1',
        '------',
        'Dockerfile:9',
        '--------------------',
        'error: failed to solve: process "/bin/sh -c go build" did not complete successfully: exit code: 1'
      ])
    ).toEqual({ message: 'error: failed to solve: process "/bin/sh -c go build" did not complete successfully: exit code: 1', line: 9 });
  });
});

describe('progress of a build of several platforms', () => {
  it('reads the platform of each step, and the stage after it', async () => {
    const { ProgressReader } = await import('../src/run/progress.js');
    const reader = new ProgressReader();
    for (const line of [
      '#12 [linux/amd64 builder 6/7] RUN go mod download',
      '#12 CACHED',
      '#13 [linux/amd64->arm64 builder 7/7] RUN GOOS=linux GOARCH=arm64 go build',
      '#13 DONE 4.2s',
      '#14 [linux/arm64 stage-1 2/2] COPY --from=builder /out/hello-svc /usr/local/bin/hello-svc',
      '#14 DONE 0.1s'
    ])
      reader.line(line);
    expect(reader.steps().map(v => [v.platform, v.stage, v.position, v.status])).toEqual([
      ['linux/amd64', 'builder', '6/7', 'cached'],
      ['linux/amd64->arm64', 'builder', '7/7', 'done'],
      ['linux/arm64', 'stage-1', '2/2', 'done']
    ]);
  });
});
