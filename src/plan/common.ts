// What both paths' plans share: the references a run reads and writes, labels, secret files, login,
// time limits. Pure.
import * as path from 'node:path';
import { BUILDX_CACHE_TAG, type Config } from '../config.js';
import { CREATED_LABEL, INPUTS_LABEL, REVISION_LABEL, SOURCE_LABEL } from '../labels.js';
import { limits } from '../limits.js';
import { scopedTag } from '../tags.js';
import type { Policy } from '../trust.js';
import type { PlanFile, Refs, Step, Strategy } from './types.js';

export { limits };

/**
 * The tags of this run. The cache tags are per branch (the policy's scopes): the pull path's hold the
 * builder stage (IMAGE:builder), the buildx path's the registry cache (IMAGE:buildcache).
 */
export function refsFor(config: Config, policy: Policy, strategy: Strategy, unreadable: string[] = []): Refs {
  const image = config.image.name;
  const cacheName = strategy === 'buildx' ? BUILDX_CACHE_TAG : config.builderTarget;
  const cacheRef = (suffix: string) => `${image}:${scopedTag(cacheName, suffix)}`;
  const commit = `${image}:${config.commit}`;
  const latest = `${image}:latest`;
  return {
    commit,
    latest,
    moveLatest: policy.latest.move,
    extra: unique(config.extraTags).filter(tag => tag !== commit && tag !== latest),
    cacheWrite: cacheName && policy.writeScope ? cacheRef(policy.writeScope.suffix) : undefined,
    cacheRead: cacheName ? unique(policy.readScopes.map(scope => cacheRef(scope.suffix))).filter(ref => !unreadable.includes(ref)) : [],
    latestReadable: !unreadable.includes(latest)
  };
}

export function ociLabels(config: Config, now: string, inputsHash: string): string[] {
  return [
    `${REVISION_LABEL}=${config.commit}`,
    `${CREATED_LABEL}=${now}`,
    ...(config.source ? [`${SOURCE_LABEL}=${config.source}`] : []),
    `${INPUTS_LABEL}=${inputsHash}`,
    ...config.labels
  ];
}

/** BuildKit secrets go to the build as files (mode 0600, removed after the run), never on a command line. */
export function secretFiles(config: Config, policy: Policy, tempDir: string): PlanFile[] {
  if (!policy.secrets) return [];
  return config.secrets.map(secret => ({ secretId: secret.id, path: path.join(tempDir, `secret-${secret.id}`) }));
}

export function secretFlags(files: PlanFile[]): string[] {
  return files.flatMap(file => ['--secret', `id=${file.secretId as string},src=${file.path}`]);
}

/** `docker login` by stdin, when the config has credentials and the run may use them. */
export function loginSteps(config: Config, policy: Policy): Step[] {
  if (!config.login || !policy.secrets) return [];
  return [
    {
      id: 'login',
      phase: 'login',
      title: `Log in to ${config.login.registry}`,
      argv: ['docker', 'login', config.login.registry, '--username', config.login.username, '--password-stdin'],
      stdin: 'registry-password',
      limit: limits(config).lookup,
      onFailure: 'stop',
      retries: 1,
      hint: 'check registry-username and registry-password'
    }
  ];
}

export function pushHint(config: Config): string {
  return `check that the registry is reachable and that the credentials (registry-username/registry-password, or an earlier docker login) may push to ${config.image.name}`;
}

export function unique(items: string[]): string[] {
  return [...new Set(items)];
}

/** The tag of a reference (after the last colon that follows the last slash). */
export function tagOf(ref: string): string {
  return ref.slice(ref.lastIndexOf(':') + 1);
}
