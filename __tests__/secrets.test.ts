import { describe, expect, it } from 'vitest';
import { maskSecretInputs, parseSecrets } from '../src/secrets.js';

const PEM = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', 'bm90IGEgcmVhbCBrZXkgYXQgYWxs', '-----END PRIVATE KEY-----'];

describe('parseSecrets', () => {
  it('reads ID=VALUE lines and ID<<EOF blocks of several lines', () => {
    const raw = ['token=abc=def', 'key<<EOF', ...PEM, 'EOF', '# a comment', '', 'other=x y'].join('\n');
    expect(parseSecrets(raw)).toEqual([
      { id: 'token', value: 'abc=def' },
      { id: 'key', value: PEM.join('\n') },
      { id: 'other', value: 'x y' }
    ]);
  });
  it('refuses a duplicate id, an unclosed block and a line that is no secret, never showing a value', () => {
    expect(() => parseSecrets('a=1\na=2')).toThrow("Input 'secrets': secret id 'a' is given twice");
    expect(() => parseSecrets('key<<EOF\nsecret-line')).toThrow("Input 'secrets': the block of secret 'key' has no closing line 'EOF'");
    const error = (() => {
      try {
        parseSecrets('hunter2-is-my-password');
      } catch (e) {
        return (e as Error).message;
      }
      return '';
    })();
    expect(error).toBe("Input 'secrets': line 1 is not ID=VALUE nor ID<<EOF (22 characters, not shown)");
    expect(() => parseSecrets('bad id=x')).toThrow(/secret id 'bad id'/);
  });
});

describe('maskSecretInputs', () => {
  it('masks the password line by line and every secret value, before any validation', () => {
    const masked: string[] = [];
    const { short } = maskSecretInputs(
      { password: 'pw-line-1\npw-line-2', secrets: ['token=abc=def', 'key<<EOF', ...PEM, 'EOF', 'not-a-pair-but-secret'].join('\n') },
      v => masked.push(v)
    );
    expect(masked).toEqual(['pw-line-1', 'pw-line-2', 'abc=def', ...PEM, 'not-a-pair-but-secret']);
    expect(short).toEqual([]);
  });
  it('names the inputs whose values are short, never the values', () => {
    const { short } = maskSecretInputs({ password: 'abc', secrets: 'a=xy' }, () => undefined);
    expect(short).toEqual(['registry-password', 'secrets']);
  });
});
