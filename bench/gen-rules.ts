// test/fixtures/bench-svc/internal/rules/r00…r09: ten packages of plain generated Go (many small
// functions with branches) that each take the compiler about a second, as a service's own business
// logic does. The drift scenario changes one of them per commit; the one-line change of the other
// scenarios goes into r00. Generated, not committed (ten copies of one shape): `npm run bench` writes
// them before it copies the fixture; `npx tsx bench/gen-rules.ts` does it by hand. Deterministic.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT } from '../test/e2e/support/stack.js';

const PACKAGES = 10;
const FUNCTIONS = 450;

function rules(pkg: string): string {
  const lines = [
    `// Package ${pkg} is generated business logic for the drift benchmark (bench/gen-rules.ts): enough`,
    '// functions that compiling it takes the compiler a noticeable while.',
    `package ${pkg}`,
    '',
    'import "strings"',
    '',
    '// Rule is one pricing rule.',
    'type Rule struct {',
    '\tName  string',
    '\tLimit int',
    '\tRate  float64',
    '}',
    ''
  ];
  for (let f = 0; f < FUNCTIONS; f++) {
    lines.push(
      `func rule${f}(in []Rule, key string) (int, float64) {`,
      '\ttotal, sum := 0, 0.0',
      '\tfor i, r := range in {',
      '\t\tswitch {',
      `\t\tcase strings.HasPrefix(r.Name, key) && r.Limit > ${f % 17}:`,
      `\t\t\ttotal += r.Limit * ${(f % 7) + 1}`,
      `\t\t\tsum += r.Rate * float64(i+${f % 5})`,
      `\t\tcase r.Limit%${(f % 3) + 2} == 0:`,
      `\t\t\ttotal -= i ^ ${f}`,
      '\t\t\tsum /= 1 + r.Rate',
      '\t\tdefault:',
      `\t\t\ttotal += len(r.Name) << ${f % 4}`,
      '\t\t}',
      '\t}',
      '\treturn total, sum',
      '}',
      ''
    );
  }
  lines.push(
    '// Apply runs every rule over in and adds up what they say.',
    'func Apply(in []Rule, key string) (int, float64) {',
    '\ttotal, sum := 0, 0.0'
  );
  for (let f = 0; f < FUNCTIONS; f++) lines.push(`\tif t, s := rule${f}(in, key); t != 0 {`, '\t\ttotal, sum = total+t, sum+s', '\t}');
  lines.push('\treturn total, sum', '}', '');
  return lines.join('\n');
}

/** Writes the packages unless they are there as this generator makes them. */
export function writeRules(): string {
  const root = path.join(ROOT, 'test/fixtures/bench-svc/internal/rules');
  for (let p = 0; p < PACKAGES; p++) {
    const pkg = `r${String(p).padStart(2, '0')}`;
    const file = path.join(root, pkg, 'rules.go');
    const text = rules(pkg);
    if (fs.existsSync(file) && fs.readFileSync(file, 'utf8') === text) continue;
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return root;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  console.log(`wrote ${PACKAGES} packages of ${FUNCTIONS} functions under ${path.relative(ROOT, writeRules())}`);
}
