/**
 * `npm run mutate:modules`: Stryker over src/, one module at a time, each with the test files that
 * exercise it. Every mutant against the whole suite takes hours on two cores; these runs take under
 * an hour. Each run's tests are part of the whole suite, so a mutant they kill the whole suite kills
 * too: the total printed is a lower bound of the whole suite's score.
 *
 * `npm run mutate:modules -- check request` runs those modules only; `-- --report` prints the total
 * of the reports already in reports/mutation/modules/. Needs Node 22, as Stryker 10 does.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const reports = path.join(root, 'reports/mutation/modules');

const unit = (...names: string[]) => names.map((name) => `src/${name}.test.ts`);
const integration = (...names: string[]) => names.map((name) => `test/${name}.test.ts`);

/** Each module of src/ and the tests that reach it, directly or through the connector. */
const plan: Record<string, string[]> = {
  'config/messages': unit('config/messages', 'config/parse'),
  'config/parse': unit('config/parse'),
  constant: [
    ...unit('metadata', 'config/parse', 'preflight/index', 'postmark/fetch', 'postmark/client'),
    ...unit('index'),
    ...integration('console-form', 'logto'),
  ],
  'email-body/escape-html': [...unit('email-body/index'), ...integration('starter-templates')],
  'email-body/html-to-text': unit('email-body/html-to-text'),
  'email-body/index': unit('email-body/index', 'index'),
  'errors/connector-error': [
    ...unit(
      'errors/connector-error',
      'errors/readers',
      'postmark/answers',
      'postmark/client',
      'preflight/index'
    ),
    ...integration('console-messages'),
  ],
  'errors/readers': unit('errors/readers', 'index', 'errors/redact'),
  'errors/redact': unit('errors/redact'),
  'errors/user-messages': unit('errors/user-messages'),
  index: [
    ...unit('index', 'errors/readers'),
    ...integration('edges', 'logto', 'error-readers', 'console-form'),
  ],
  language: unit('language'),
  mailbox: [...unit('mailbox'), ...integration('addresses')],
  message: [...unit('message', 'email-body/index', 'index'), ...integration('hostile')],
  'postmark/answers': unit('postmark/answers', 'index'),
  'postmark/client': unit('postmark/client'),
  'postmark/fetch': unit('postmark/fetch', 'postmark/client'),
  'postmark/json': unit('postmark/answers', 'postmark/client', 'preflight/index', 'index'),
  'preflight/index': [...unit('preflight/index'), ...integration('preflight')],
  'preflight/lookups': [
    ...unit('preflight/index'),
    ...integration('preflight', 'console-messages'),
  ],
  'preflight/template-content': [...unit('preflight/index'), ...integration('preflight')],
  'preflight/logto-payload': unit('preflight/logto-payload'),
  'preflight/mustachio': unit('preflight/mustachio'),
  template: unit('template', 'index'),
  types: [
    ...unit('config/parse', 'template', 'index', 'email-body/index'),
    ...integration('console-form'),
  ],
};

const modules = readdirSync(path.join(root, 'src'), { recursive: true, encoding: 'utf8' })
  .map((file) => file.split(path.sep).join('/'))
  // The tests' fixtures (mock.ts) hold nothing to mutate.
  .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && file !== 'mock.ts')
  .map((file) => file.slice(0, -'.ts'.length))
  .sort();
const unplanned = modules.filter((module) => !(module in plan));

if (unplanned.length > 0) {
  throw new Error(`No tests are named for ${unplanned.join(', ')}: add them to the plan.`);
}

const run = (module: string) => {
  console.log(`src/${module}.ts with ${plan[module]?.join(', ')}`);
  const { status } = spawnSync(
    'npx',
    ['stryker', 'run', '--mutate', `src/${module}.ts`, '--reporters', 'json', '--logLevel', 'warn'],
    {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, MUTATE_TESTS: plan[module]?.join(',') },
    }
  );

  if (status !== 0) {
    throw new Error(`Stryker failed on src/${module}.ts (exit ${String(status)}).`);
  }

  mkdirSync(reports, { recursive: true });
  copyFileSync(
    path.join(root, 'reports/mutation/mutation.json'),
    path.join(reports, `${module.replaceAll('/', '--')}.json`)
  );
};

type Report = { files: Record<string, { mutants: Array<{ status: string }> }> };

/** Stryker's score: killed and timed-out mutants over all that ran or had no test. */
const tally = (module: string) => {
  const file = path.join(reports, `${module.replaceAll('/', '--')}.json`);

  if (!existsSync(file)) {
    return;
  }

  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const count = (status: string) =>
    Object.values(report.files)
      .flatMap(({ mutants }) => mutants)
      .filter((mutant) => mutant.status === status).length;
  const detected = count('Killed') + count('Timeout');
  const undetected = count('Survived') + count('NoCoverage');
  return { module, detected, undetected, ignored: count('Ignored') };
};

const percent = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1)} %`;

const chosen = process.argv.slice(2).filter((argument) => argument !== '--report');
const unknown = chosen.filter((module) => !modules.includes(module));

if (unknown.length > 0) {
  throw new Error(`No module ${unknown.join(', ')} in src/; there are ${modules.join(', ')}.`);
}

if (!process.argv.includes('--report')) {
  for (const module of chosen.length > 0 ? chosen : modules) {
    run(module);
  }
}

const rows = modules.flatMap((module) => tally(module) ?? []);

for (const { module, detected, undetected, ignored } of rows) {
  const valid = detected + undetected;
  console.log(
    `${module.padEnd(18)} ${String(valid).padStart(5)} mutants  ${String(undetected).padStart(3)} undetected  ${percent(detected, valid).padStart(7)}${ignored > 0 ? `  (${ignored} ignored)` : ''}`
  );
}

const detected = rows.reduce((sum, row) => sum + row.detected, 0);
const valid = rows.reduce((sum, row) => sum + row.detected + row.undetected, 0);
const missing = modules.filter((module) => !rows.some((row) => row.module === module));
console.log(
  `${'src/'.padEnd(18)} ${String(valid).padStart(5)} mutants  ${String(valid - detected).padStart(3)} undetected  ${percent(detected, valid).padStart(7)}${missing.length > 0 ? `  (no report yet: ${missing.join(', ')})` : ''}`
);
