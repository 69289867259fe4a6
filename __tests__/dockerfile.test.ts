import { describe, expect, it } from 'vitest';
import { hasStage, lineOfStep, readDockerfile } from '../src/dockerfile.js';

const DOCKERFILE = `ARG BASE=127.0.0.1:5000
FROM \${BASE}/base/go:1.26 AS Builder
WORKDIR /src
RUN --mount=type=cache,id=gomod,target=/go/pkg/mod \\
    --mount=type=cache,target=/root/.cache/go-build,sharing=locked,uid=0 \\
    go build ./...
# a comment that says FROM scratch AS fake
FROM scratch
RUN --mount=type=bind,target=/x true
COPY --from=builder /out /out
`;

describe('readDockerfile', () => {
  const facts = readDockerfile(DOCKERFILE);
  it('finds the stages, named in lower case as BuildKit names them, and unnamed by index', () => {
    expect(facts.stages.map(s => s.name)).toEqual(['builder', '1']);
    expect(hasStage(facts, 'BUILDER')).toBe(true);
    expect(hasStage(facts, 'fake')).toBe(false);
  });
  it('finds the cache mounts with their options; the id defaults to the target', () => {
    expect(facts.cacheMounts).toEqual([
      { stage: 'builder', id: 'gomod', target: '/go/pkg/mod', sharing: undefined, uid: undefined, gid: undefined },
      { stage: 'builder', id: '/root/.cache/go-build', target: '/root/.cache/go-build', sharing: 'locked', uid: '0', gid: undefined }
    ]);
  });
});

describe('readDockerfile: ADD', () => {
  it('lists the sources of each ADD as written: JSON form whole, heredocs and their bodies left out, --checksum kept', () => {
    const facts = readDockerfile(
      'FROM scratch AS a\nADD --checksum=sha256:x https://e.com/a.tgz /a\nADD ["my file.tgz", "b c", "/y/"]\nADD <<EOF $URL /dir/\nhttps://in-the-body\nEOF\nCOPY x /x\n'
    );
    expect(facts.adds).toEqual([
      { stage: 'a', line: 2, sources: ['https://e.com/a.tgz'], checksum: 'sha256:x' },
      { stage: 'a', line: 3, sources: ['my file.tgz', 'b c'] },
      { stage: 'a', line: 4, sources: ['$URL'] }
    ]);
  });
});

describe('lineOfStep', () => {
  const facts = readDockerfile(DOCKERFILE);
  it('finds the line of a step as BuildKit prints it, continuations joined', () => {
    expect(
      lineOfStep(
        facts,
        'builder',
        'RUN --mount=type=cache,id=gomod,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build,sharing=locked,uid=0 go build ./...'
      )
    ).toBe(4);
  });
  it("knows an unnamed stage by BuildKit's stage-N name", () => {
    expect(lineOfStep(facts, 'stage-1', 'COPY --from=builder /out /out')).toBe(10);
    expect(lineOfStep(facts, 'stage-1', 'RUN nothing')).toBeUndefined();
  });
});
