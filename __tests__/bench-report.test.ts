// The benchmark's pure parts: the table's ratios against other recipes, which recipes build which
// fixture, and the bake file a monorepo's bake recipe writes.
import { describe, expect, it } from 'vitest';
import { markdown, type Sample } from '../bench/lib/report.js';
import { bakeFile } from '../bench/recipes/bake.js';
import { RECIPES } from '../bench/recipes/index.js';
import { builds, imagesOf, type Fixture, type JobContext } from '../bench/recipes/types.js';

const sample = (recipe: string, scenario: Sample['scenario'], seconds: number): Sample => ({
  recipe,
  scenario,
  rep: 1,
  ok: true,
  seconds,
  pulled: 0,
  pushed: 0,
  cacheRestored: 0,
  cacheSaved: 0
});

const meta = { command: 'npm run bench', machine: 'm', fixture: 'mono', reps: 1, date: '2026-12-02' };
const mono: Fixture = {
  name: 'mono',
  binary: 'api',
  changeFile: 'cmd/api/main.go',
  images: [
    { name: 'api', file: 'cmd/api/Dockerfile' },
    { name: 'worker', file: 'cmd/worker/Dockerfile' }
  ]
};

describe('bench report', () => {
  it('puts a recipe against the recipes it names, in each scenario both ran', () => {
    const rows = [
      { id: 'four', title: 'four steps' },
      { id: 'one', title: 'one step', compare: [{ recipe: 'four', label: 'four steps' }] }
    ];
    const text = markdown([sample('four', 'cold', 120), sample('one', 'cold', 40), sample('one', 'fresh-change', 10)], rows, meta);
    const row = text.split('\n').find(l => l.startsWith('| one step |')) ?? '';
    expect(row).toContain('**40 s**<br>×0.33 four steps');
    // No ratio where the other recipe has no cell.
    expect(row).toMatch(/\*\*10 s\*\*<br>×0\.25 cold \|$/);
    expect(text).toContain('×four steps: against four steps.');
  });
});

describe('bench recipes and fixtures', () => {
  const one: Fixture = { name: 'hello-svc', binary: 'hello-svc', changeFile: 'x.go' };

  it('a monorepo is built only by the recipes that build many images, one image by the others', () => {
    const many = RECIPES.filter(r => builds(r, mono)).map(r => r.id);
    expect(many).toEqual(['buildx-registry', 'bake', 'action-images', 'action-images-prebuild', 'action-single']);
    const single = RECIPES.filter(r => builds(r, one)).map(r => r.id);
    expect(single).toContain('buildx-registry');
    expect(single).not.toContain('bake');
    expect(single).not.toContain('action-images');
  });

  it('each image of a monorepo under the job repository; one image is the repository itself', () => {
    const ctx = { fixture: mono, image: 'r/bench/x' } as JobContext;
    expect(imagesOf(ctx).map(i => i.repository)).toEqual(['r/bench/x/api', 'r/bench/x/worker']);
    expect(imagesOf({ fixture: one, image: 'r/bench/y' } as JobContext)).toEqual([
      { name: 'hello-svc', file: 'Dockerfile', repository: 'r/bench/y' }
    ]);
  });

  it('the bake file: one target per image, its own Dockerfile, tags and registry cache ref', () => {
    const ctx = { fixture: mono, image: 'r/bench/x', sha: 'abc', registry: 'r', goproxy: 'http://p' } as JobContext;
    const file = bakeFile(ctx);
    expect(file.group).toEqual({ default: { targets: ['api', 'worker'] } });
    expect(file.target.worker).toEqual({
      context: '.',
      dockerfile: 'cmd/worker/Dockerfile',
      args: { BASE_REGISTRY: 'r', GOPROXY: 'http://p' },
      network: 'host',
      tags: ['r/bench/x/worker:abc', 'r/bench/x/worker:latest'],
      'cache-from': ['type=registry,ref=r/bench/x/worker:buildcache'],
      'cache-to': ['type=registry,ref=r/bench/x/worker:buildcache,mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true']
    });
  });
});
