// Several images of a monorepo in one step: the `images` input (YAML, or the path of a YAML file in
// the workspace) names each image and what differs for it; every other input is shared. Each image
// is then read as a Config of its own, from its values over the shared inputs. Pure but for reading
// the file the input names.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { outsideWorkspace, readConfig, type Config, type ConfigEnvironment } from './config.js';
import { MAX_INPUT_FILE_BYTES, readTextBounded, realInside } from './files.js';
import { InputError, type InputReader } from './inputs.js';

/** What an image may set for itself; the rest of the inputs are the step's, shared by all. */
export const PER_IMAGE = [
  'image',
  'context',
  'file',
  'builder-target',
  'build-args',
  'labels',
  'tags',
  'platforms',
  'prebuild',
  'prebuild-output',
  'go-cache-mounts'
] as const;

export interface ImageSpec {
  /** The name the summary and the `images` output use. */
  name: string;
  values: Record<string, string>;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The file the `images` input names (one line ending in .yml or .yaml); undefined when it holds the YAML itself. */
export function imagesFile(raw: string): string | undefined {
  const text = raw.trim();
  return text !== '' && !text.includes('\n') && /\.ya?ml$/i.test(text) ? text : undefined;
}

export interface ImagesOptions {
  /**
   * Why an images file may not be read, when so: an untrusted run's file is the untrusted code's
   * choice (its contexts, Dockerfiles and tags).
   */
  fileRefused?: string;
}

/** The images of the `images` input, in the order written; none when it is empty. */
export function parseImages(raw: string, workspace: string, { fileRefused }: ImagesOptions = {}): ImageSpec[] {
  const text = raw.trim();
  if (text === '') return [];
  let source = text;
  if (imagesFile(text)) {
    if (fileRefused) throw new InputError('images', `the file '${text}' is not read: ${fileRefused}; give the images in the workflow itself`);
    const file = path.resolve(workspace, text);
    if (!fs.existsSync(file)) throw new InputError('images', `the file '${text}' does not exist in the workspace`);
    if (!realInside(workspace, file)) throw outsideWorkspace('images', file, workspace);
    const read = readTextBounded(file);
    if (!read) throw new InputError('images', `the file '${text}' cannot be read`);
    if ('tooBig' in read) {
      throw new InputError(
        'images',
        `the file '${text}' holds ${read.tooBig} bytes, more than ${MAX_INPUT_FILE_BYTES} (a list of images is far smaller)`
      );
    }
    source = read.text;
  }
  let data: unknown;
  try {
    data = parse(source);
  } catch (error) {
    throw new InputError('images', `is not YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new InputError('images', 'must be a mapping of names to images, e.g.\n  api:\n    image: ghcr.io/acme/api\n    file: cmd/api/Dockerfile');
  }
  return Object.entries(data as Record<string, unknown>).map(([name, spec]) => imageOf(name, spec));
}

function imageOf(name: string, spec: unknown): ImageSpec {
  if (!NAME.test(name)) throw new InputError('images', `'${name}' is not a name (letters, digits, '.', '_', '-')`);
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) throw new InputError('images', `${name}: give a mapping (image, file, …)`);
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec as Record<string, unknown>)) {
    if (!(PER_IMAGE as readonly string[]).includes(key)) {
      throw new InputError('images', `${name}.${key} is not set per image (per image: ${PER_IMAGE.join(', ')}; the other inputs are the step's)`);
    }
    if (Array.isArray(value)) values[key] = value.map(String).join('\n');
    else if (value !== null && typeof value === 'object') {
      // build-args / labels as a mapping: KEY: VALUE.
      values[key] = Object.entries(value as Record<string, unknown>)
        .map(([k, v]) => `${k}=${String(v)}`)
        .join('\n');
    }
    // eslint-disable-next-line @typescript-eslint/no-base-to-string -- a YAML scalar: arrays and mappings were taken above.
    else values[key] = value === null ? '' : String(value);
  }
  if (!values.image) throw new InputError('images', `${name}.image is required (the repository to push)`);
  return { name, values };
}

export interface NamedConfig {
  name: string;
  config: Config;
}

/**
 * One Config per image: an image's own values over the step's inputs. Without `images`, the one image
 * the inputs describe (named after its repository).
 */
export function readConfigs(input: InputReader, environment: ConfigEnvironment, options: ImagesOptions = {}): NamedConfig[] {
  const images = parseImages(input('images'), environment.workspace, options);
  if (images.length === 0) {
    const config = readConfig(input, environment);
    if (input('parallel').trim()) config.notes.push('parallel is ignored: it bounds the builds of several images (the images input)');
    return [{ name: config.image.name.split('/').pop() as string, config }];
  }
  if (input('image').trim()) throw new InputError('image', 'give image or images, not both (with images, each one names its own)');
  const seen = new Set<string>();
  return images.map(({ name, values }) => {
    try {
      const config = readConfig(key => values[key] ?? input(key), environment);
      if (seen.has(config.image.name)) throw new InputError('image', `'${config.image.name}' is the image of two entries; each pushes its own`);
      seen.add(config.image.name);
      return { name, config };
    } catch (error) {
      if (error instanceof InputError) throw new InputError(`images.${name}.${error.input}`, error.message.replace(/^Input '[^']*': /, ''));
      throw error;
    }
  });
}
