// Tag names: the branch part of cache tags, bare tags made valid, and the names users may not take.
// Pure.
import { createHash } from 'node:crypto';

/** The longest slug kept of a branch name; the hash keeps long names apart. */
const SLUG_LENGTH = 40;
const TAG_LENGTH = 128;

/**
 * The part a branch adds to cache tag names: a slug that is valid in any tag, and a short hash of
 * the exact name, so `feature/login` and `feature-login` stay apart: `feature-login-1a2b3c4d`.
 */
export function branchSuffix(branch: string): string {
  const slug =
    branch
      .toLowerCase()
      .replace(/[^a-z0-9._-]+/g, '-')
      .replace(/-{2,}/g, '-')
      .replace(/^[.-]+/, '')
      .slice(0, SLUG_LENGTH)
      .replace(/[.-]+$/, '') || 'branch';
  return `${slug}-${createHash('sha256').update(branch).digest('hex').slice(0, 8)}`;
}

/** A cache tag's name: the plain name for the default branch, with the branch suffix otherwise. */
export function scopedTag(name: string, suffix: string): string {
  if (!suffix) return name;
  return `${name}-${suffix}`.slice(0, TAG_LENGTH);
}

const VALID_TAG = /^[\w][\w.-]{0,127}$/;

/**
 * A bare tag made valid: `feature/login` → `feature-login`, `7/merge` (a pull request's ref name)
 * → `pr-7`; other characters a tag cannot hold become `-`. Undefined when nothing is left.
 */
export function validTag(raw: string): string | undefined {
  const pull = /^(\d+)\/(merge|head)$/.exec(raw);
  if (pull) return `pr-${pull[1]}`;
  if (VALID_TAG.test(raw)) return raw;
  const made = raw
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, TAG_LENGTH);
  return VALID_TAG.test(made) ? made : undefined;
}

/**
 * Why a tag may not be given in `tags`, when so: latest has its own input, and the cache tags are the
 * action's own (the plain names and the branch-scoped ones of the form NAME-slug-hash8).
 */
export function reservedTag(tag: string, cacheNames: string[]): string | undefined {
  if (tag === 'latest') return "latest moves by the trust rules: use the input 'latest' (auto, true or false)";
  for (const name of cacheNames) {
    if (tag === name || new RegExp(`^${escapeRegExp(name)}-[a-z0-9._-]*-[0-9a-f]{8}$`).test(tag)) {
      return `'${tag}' is a cache tag of the action (${name}, or ${name}-<branch>-<hash> for a branch); pick another name`;
    }
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
