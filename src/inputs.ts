// Parsing of the raw strings that GitHub hands an action as inputs. Pure: no I/O.

/** An input that failed validation: the message always names the input and what would be valid. */
export class InputError extends Error {
  constructor(
    readonly input: string,
    message: string
  ) {
    super(`Input '${input}': ${message}`);
    this.name = 'InputError';
  }
}

export type InputReader = (name: string) => string;

/**
 * A list input. Items are separated by newlines and, unless `commas` is false, by commas
 * (build-args and labels keep commas inside values, as docker/build-push-action does).
 * Blank items and lines starting with '#' are dropped.
 */
export function parseList(raw: string, { commas = true } = {}): string[] {
  const lines = raw.split(/\r?\n/);
  const items = commas ? lines.flatMap(line => line.split(',')) : lines;
  return items.map(item => item.trim()).filter(item => item !== '' && !item.startsWith('#'));
}

const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

/** YAML 1.2 core-schema booleans, as @actions/core's getBooleanInput accepts them, with a default. */
export function parseBoolean(input: string, raw: string, fallback: boolean): boolean {
  const value = raw.trim();
  if (value === '') return fallback;
  if (TRUE.has(value)) return true;
  if (FALSE.has(value)) return false;
  throw new InputError(input, `'${value}' is not a boolean; use true or false`);
}

export function parseChoice<T extends string>(input: string, raw: string, choices: readonly T[], fallback: T): T {
  const value = raw.trim();
  if (value === '') return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new InputError(input, `'${value}' is not one of ${choices.join(', ')}`);
}

/** `KEY=VALUE` items (build-args, labels, secrets). The key may not be empty. */
export function parseKeyValues(input: string, raw: string, { secret = false } = {}): Array<{ key: string; value: string }> {
  return parseList(raw, { commas: false }).map(item => {
    const eq = item.indexOf('=');
    if (eq <= 0) throw new InputError(input, `'${secret ? redact(item) : item}' is not KEY=VALUE`);
    return { key: item.slice(0, eq).trim(), value: item.slice(eq + 1) };
  });
}

/** Show where an item went wrong without echoing what might be a secret value. */
function redact(item: string): string {
  return `${item.slice(0, 3)}… (${item.length} characters)`;
}
