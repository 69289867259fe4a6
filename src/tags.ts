// Tag names: the branch part of cache tags, bare tags made valid, and the names users may not take.
// Pure.
import { createHash } from 'node:crypto';

/** The longest slug kept of a branch name; the hash keeps long names apart. */
const SLUG_LENGTH = 40;
const TAG_LENGTH = 128;
/** Hex digits of the branch name's SHA-256 in its suffix: 64 bits, so no branch can be named to meet another's. */
export const BRANCH_HASH_LENGTH = 16;

/**
 * The part a branch adds to cache tag names: a slug that is valid in any tag, and a hash of the
 * exact name, so `feature/login` and `feature-login` stay apart: `feature-login-1a2b3c4d5e6f7a8b`.
 */
export function branchSuffix(branch: string): string {
  const slug = tagShaped(branch.toLowerCase(), SLUG_LENGTH).replace(/[.-]+$/, '') || 'branch';
  return `${slug}-${createHash('sha256').update(branch).digest('hex').slice(0, BRANCH_HASH_LENGTH)}`;
}

/**
 * A cache tag's name: the plain name for the default branch, with the branch suffix otherwise. A tag
 * holds at most 128 characters: the slug is cut to fit, never the hash (which keeps branches apart).
 */
export function scopedTag(name: string, suffix: string): string {
  if (!suffix) return name;
  const whole = `${name}-${suffix}`;
  if (whole.length <= TAG_LENGTH) return whole;
  const hash = suffix.slice(-BRANCH_HASH_LENGTH);
  const slug = suffix.slice(0, -BRANCH_HASH_LENGTH - 1);
  // NAME-SLUG-HASH: what is left for the slug once the name, the hash and both dashes are in.
  const room = TAG_LENGTH - name.length - BRANCH_HASH_LENGTH - 2;
  const cut = slug.slice(0, Math.max(0, room)).replace(/[.-]+$/, '');
  if (cut) return `${name}-${cut}-${hash}`;
  return `${name.slice(0, TAG_LENGTH - BRANCH_HASH_LENGTH - 1)}-${hash}`;
}

/** A tag with the shape of a commit SHA (7 to 64 hex digits), as the commit tags are. */
export function commitShapedTag(tag: string): boolean {
  return /^[0-9a-f]{7,64}$/.test(tag);
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
  const made = tagShaped(raw, TAG_LENGTH);
  return VALID_TAG.test(made) ? made : undefined;
}

/**
 * Text in a tag's shape, at most `max` long: each run of characters a tag cannot hold becomes one
 * `-`, and no `.` or `-` leads. The one rule for both the branch slugs and the bare tags.
 */
function tagShaped(text: string, max: number): string {
  return text
    .replace(/[^\w.-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[.-]+/, '')
    .slice(0, max);
}

/**
 * Why a tag may not be given in `tags`, when so: latest has its own input, and the cache tags are the
 * action's own (the plain names and the branch-scoped ones of the form NAME-slug-hash16, or NAME-hash16
 * when no room is left for the slug).
 */
export function reservedTag(tag: string, cacheNames: string[]): string | undefined {
  if (tag === 'latest') return "latest moves by the trust rules: use the input 'latest' (auto, true or false)";
  for (const name of cacheNames) {
    if (tag === name || new RegExp(`^${escapeRegExp(name)}-(?:[a-z0-9._-]*-)?[0-9a-f]{${BRANCH_HASH_LENGTH}}$`).test(tag)) {
      return `'${tag}' is a cache tag of the action (${name}, or ${name}-<branch>-<hash> for a branch); pick another name`;
    }
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
