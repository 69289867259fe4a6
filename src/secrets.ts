// BuildKit secrets as the `secrets` input holds them, and the masking of every secret value before
// anything else reads the inputs. Pure but for the mask callback.
import { InputError } from './inputs.js';

export interface Secret {
  id: string;
  value: string;
}

const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
/** Shorter values mask every such string in the log and are easy to guess: a warning. */
export const SHORT_SECRET = 4;

/**
 * `ID=VALUE` a line, or a block for a value of several lines (a PEM key):
 *   ID<<EOF
 *   …lines…
 *   EOF
 * Errors never show a value.
 */
export function parseSecrets(raw: string): Secret[] {
  const lines = raw.split(/\r?\n/);
  const secrets: Secret[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const block = /^\s*([^=<\s]+)<<(\S+)\s*$/.exec(line);
    if (block) {
      const end = lines.findIndex((l, j) => j > i && l.trim() === block[2]);
      if (end < 0) throw new InputError('secrets', `the block of secret '${block[1]}' has no closing line '${block[2]}'`);
      secrets.push({ id: checkedId(block[1]), value: lines.slice(i + 1, end).join('\n') });
      i = end;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new InputError('secrets', `line ${i + 1} is not ID=VALUE nor ID<<EOF (${line.length} characters, not shown)`);
    secrets.push({ id: checkedId(line.slice(0, eq).trim()), value: line.slice(eq + 1) });
  }
  const seen = new Set<string>();
  for (const { id } of secrets) {
    if (seen.has(id)) throw new InputError('secrets', `secret id '${id}' is given twice`);
    seen.add(id);
  }
  return secrets;
}

function checkedId(id: string): string {
  if (!SECRET_ID.test(id)) throw new InputError('secrets', `secret id '${id}' may only have letters, digits, '.', '_' and '-'`);
  return id;
}

/**
 * Every string of a secret input that could reach the log, before any validation can echo one: each
 * line of the raw text, each value after `=`, each line of a value. Returns the short ones (for a
 * warning that names the input, never the value).
 */
export function maskSecretInputs(raw: { password: string; secrets: string }, mask: (value: string) => void): { short: string[] } {
  const short = new Set<string>();
  const add = (value: string, input: string): void => {
    const v = value.trim();
    if (v === '') return;
    mask(v);
    if (v.length < SHORT_SECRET) short.add(input);
  };
  for (const line of raw.password.split(/\r?\n/)) add(line, 'registry-password');
  let delimiter: string | undefined;
  for (const line of raw.secrets.split(/\r?\n/)) {
    if (delimiter !== undefined) {
      if (line.trim() === delimiter) delimiter = undefined;
      else add(line, 'secrets');
      continue;
    }
    const block = /^\s*[^=<\s]+<<(\S+)\s*$/.exec(line);
    if (block) delimiter = block[1];
    else if (line.trim().startsWith('#')) continue;
    else if (line.indexOf('=') > 0) add(line.slice(line.indexOf('=') + 1), 'secrets');
    // Not ID=VALUE: the whole line may be a value given the wrong way.
    else add(line, 'secrets');
  }
  return { short: [...short] };
}
