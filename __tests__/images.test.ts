import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_INPUT_FILE_BYTES } from '../src/files.js';
import { imagesFile, parseImages, readConfigs } from '../src/images.js';
import { environment, inputs } from './support/workspace.js';

const MONO = path.resolve(import.meta.dirname, '../test/fixtures/mono');
const YAML = `
api:
  image: 127.0.0.1:5000/acme/api
  file: cmd/api/Dockerfile
worker:
  image: 127.0.0.1:5000/acme/worker
  file: cmd/worker/Dockerfile
  build-args:
    VERSION: 2
  tags: [stable, v2]
`;

describe('parseImages', () => {
  it('reads a mapping of names to what differs per image, in order', () => {
    expect(parseImages(YAML, MONO)).toEqual([
      { name: 'api', values: { image: '127.0.0.1:5000/acme/api', file: 'cmd/api/Dockerfile' } },
      {
        name: 'worker',
        values: { image: '127.0.0.1:5000/acme/worker', file: 'cmd/worker/Dockerfile', 'build-args': 'VERSION=2', tags: 'stable\nv2' }
      }
    ]);
  });
  it('reads the same from a file in the workspace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-images-'));
    fs.writeFileSync(path.join(dir, 'images.yml'), YAML);
    expect(parseImages('images.yml', dir).map(i => i.name)).toEqual(['api', 'worker']);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  it('reads a file only inside the workspace, links followed, of a few MB at most, and not for untrusted runs', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-images-'));
    const ws = path.join(root, 'ws');
    fs.mkdirSync(ws);
    fs.writeFileSync(path.join(root, 'images.yml'), YAML);
    fs.symlinkSync(path.join(root, 'images.yml'), path.join(ws, 'linked.yml'));
    fs.writeFileSync(path.join(ws, 'images.yml'), YAML);
    fs.writeFileSync(path.join(ws, 'big.yml'), `# ${'x'.repeat(MAX_INPUT_FILE_BYTES)}\n`);
    expect(() => parseImages('../images.yml', ws)).toThrow(/^Input 'images': '.*\/images\.yml' is outside the workspace/);
    expect(() => parseImages('linked.yml', ws)).toThrow(
      /^Input 'images': '.*\/ws\/linked\.yml' \(.*\/images\.yml, links followed\) is outside the workspace/
    );
    expect(() => parseImages('big.yml', ws)).toThrow(/^Input 'images': the file 'big\.yml' holds \d+ bytes, more than 4194304/);
    expect(() => parseImages('images.yml', ws, { fileRefused: 'this run builds untrusted code (a fork)' })).toThrow(
      "Input 'images': the file 'images.yml' is not read: this run builds untrusted code (a fork); give the images in the workflow itself"
    );
    // The YAML given in the workflow is read for any run.
    expect(parseImages(YAML, ws, { fileRefused: 'untrusted' }).map(i => i.name)).toEqual(['api', 'worker']);
    expect(imagesFile('images.yml')).toBe('images.yml');
    expect(imagesFile(YAML)).toBeUndefined();
    fs.rmSync(root, { recursive: true, force: true });
  });
  it.each([
    ['- api', /must be a mapping of names to images/],
    ['api: [1]', /api: give a mapping/],
    ['api:\n  file: x', /api\.image is required/],
    ['api:\n  image: x\n  push: false', /api\.push is not set per image \(per image: image, context, file/],
    ['bad name!:\n  image: x', /'bad name!' is not a name/],
    ['api: {image: [', /is not YAML/],
    ['nope.yml', /the file 'nope\.yml' does not exist/]
  ])('refuses %j, naming the input', (raw, message) => {
    expect(() => parseImages(raw, MONO)).toThrow(message);
    expect(() => parseImages(raw, MONO)).toThrow(/^Input 'images': /);
  });
});

describe('readConfigs', () => {
  const env = environment(MONO);
  it("gives each image its own config: its values over the step's inputs", () => {
    const configs = readConfigs(inputs({ images: YAML, push: 'false', 'build-args': 'SHARED=1' }), env);
    expect(configs.map(c => [c.name, c.config.image.name, c.config.file, c.config.push, c.config.buildArgs, c.config.extraTags])).toEqual([
      ['api', '127.0.0.1:5000/acme/api', path.join(MONO, 'cmd/api/Dockerfile'), false, ['SHARED=1'], []],
      [
        'worker',
        '127.0.0.1:5000/acme/worker',
        path.join(MONO, 'cmd/worker/Dockerfile'),
        false,
        ['VERSION=2'],
        ['127.0.0.1:5000/acme/worker:stable', '127.0.0.1:5000/acme/worker:v2']
      ]
    ]);
  });
  it('without images, the one image the inputs describe', () => {
    expect(readConfigs(inputs({ image: '127.0.0.1:5000/acme/api', file: 'cmd/api/Dockerfile' }), env).map(c => c.name)).toEqual(['api']);
  });
  it("keeps each image's context, Dockerfile and prebuild output inside the workspace", () => {
    const outside = path.resolve(MONO, '..');
    expect(() =>
      readConfigs(inputs({ images: `api:\n  image: 127.0.0.1:5000/acme/api\n  context: ${outside}\n  file: mono/cmd/api/Dockerfile` }), env)
    ).toThrow(/^Input 'images\.api\.context': .* is outside the workspace/);
    expect(() => readConfigs(inputs({ images: 'api:\n  image: 127.0.0.1:5000/acme/api\n  file: ../hello-svc/Dockerfile' }), env)).toThrow(
      /^Input 'images\.api\.file': .* is outside the workspace/
    );
    expect(() =>
      readConfigs(
        inputs({ images: 'api:\n  image: 127.0.0.1:5000/acme/api\n  file: cmd/api/Dockerfile\n  prebuild: ./cmd/api\n  prebuild-output: ../out' }),
        env
      )
    ).toThrow(/^Input 'images\.api\.prebuild-output': '\.\.\/out' must be a folder inside the context/);
  });
  it('names the image whose input is wrong', () => {
    expect(() => readConfigs(inputs({ images: 'api:\n  image: 127.0.0.1:5000/acme/api\n  file: cmd/nope/Dockerfile' }), env)).toThrow(
      /^Input 'images\.api\.file': .* does not exist/
    );
    expect(() => readConfigs(inputs({ images: YAML, image: 'x/y' }), env)).toThrow("Input 'image': give image or images, not both");
    const twice =
      'a:\n  image: 127.0.0.1:5000/acme/api\n  file: cmd/api/Dockerfile\nb:\n  image: 127.0.0.1:5000/acme/api\n  file: cmd/auth/Dockerfile';
    expect(() => readConfigs(inputs({ images: twice }), env)).toThrow(/is the image of two entries/);
  });
});
