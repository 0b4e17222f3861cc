/**
 * `npm run matrix`: the packed connector on each Logto release it supports. For every release, a
 * temporary folder laid out like that release's `packages/core`, holding only what it ships for
 * connectors (its `@logto/cli`, its `@logto/connector-kit`, zod 3.24.3 and ky 1.2.3, which the
 * connector must not pick up: it bundles its own); then scripts/matrix-release.ts in a fresh
 * process adds, loads and sends. Prints a
 * table and exits with 1 when any check fails. Slow (one npm install per release): not part of
 * `npm test`. `npm run matrix -- 1.37.1` runs the rows of one release.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import type { CheckResult, ReleaseReport } from './matrix-release.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

type Release = { logto: string; kit: string };

/** Each release's kit is the one its `@logto/cli` declares. */
const allReleases: Release[] = [
  { logto: '1.37.1', kit: '4.7.0' },
  { logto: '1.40.1', kit: '5.0.1' },
  { logto: '1.42.0', kit: '5.1.0' },
  { logto: '1.43.0', kit: '5.1.1' },
];

/** `npm run matrix -- 1.37.1` runs only the rows of that release. */
const chosen = process.argv.slice(2);
const releases =
  chosen.length > 0 ? allReleases.filter(({ logto }) => chosen.includes(logto)) : allReleases;

const pack = async (folder: string) => {
  await run('npm', ['run', '--silent', 'build'], { cwd: root });
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--ignore-scripts', '--pack-destination', folder],
    { cwd: root }
  );
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
  return path.join(folder, packed?.filename ?? '');
};

const prepareInstance = async (folder: string, { logto, kit }: Release) => {
  const core = path.join(folder, 'packages', 'core');
  await mkdir(core, { recursive: true });
  await writeFile(
    path.join(core, 'package.json'),
    JSON.stringify({
      name: '@logto/core',
      version: logto,
      private: true,
      type: 'module',
      dependencies: {
        '@logto/cli': logto,
        '@logto/connector-kit': kit,
        zod: '3.24.3',
        ky: '1.2.3',
      },
    })
  );
  await run(
    'npm',
    ['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'],
    { cwd: core }
  );
};

type Row = { release: Release; report?: ReleaseReport; failure?: string; seconds: number };

/** Settles with the error instead of rejecting: installs run ahead of the release that awaits them. */
const settled = async (promise: Promise<void>): Promise<unknown> =>
  promise.catch((error: unknown) => error);

const runRelease = async (
  folder: string,
  tarball: string,
  release: Release,
  prepared: Promise<unknown>
): Promise<Row> => {
  const installError = await prepared;

  if (installError) {
    return { release, failure: `npm install failed: ${String(installError)}`, seconds: 0 };
  }

  const started = performance.now();
  const seconds = () => Math.round((performance.now() - started) / 100) / 10;
  const reportFile = path.join(folder, 'report.json');

  try {
    await run(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(root, 'scripts', 'matrix-release.ts'),
        folder,
        tarball,
        reportFile,
      ],
      { cwd: root, timeout: 120_000 }
    );
    const report = JSON.parse(await readFile(reportFile, 'utf8')) as ReleaseReport;
    return { release, report, seconds: seconds() };
  } catch (error: unknown) {
    // The child's stderr says why; the error itself only that it exited with 1.
    const { stderr = '' } = error as { stderr?: string };
    return { release, failure: `${String(error)}\n${stderr}`, seconds: seconds() };
  }
};

const passed = ({ report, failure }: Row) =>
  failure === undefined && Boolean(report?.checks.every(({ ok }) => ok));

const cell = ({ ok, outcome }: CheckResult) => (ok ? outcome : 'FAIL');

/** One column per release, one line per check: a markdown table, to read or to paste. */
const printTable = (rows: Row[]) => {
  const checkNames = rows.flatMap(({ report }) => report?.checks.map(({ check }) => check) ?? []);
  const lines = [
    ['Logto', ...rows.map(({ release, report }) => report?.versions.cli ?? release.logto)],
    ['connector-kit', ...rows.map(({ release, report }) => report?.versions.kit ?? release.kit)],
    ...[...new Set(checkNames)].map((name) => [
      name,
      ...rows.map(({ report }) => {
        const result = report?.checks.find(({ check }) => check === name);
        return result ? cell(result) : 'FAIL';
      }),
    ]),
    ['seconds', ...rows.map(({ seconds }) => String(seconds))],
  ];
  const widths = lines.reduce<number[]>(
    (widest, line) => line.map((value, index) => Math.max(value.length, widest[index] ?? 0)),
    []
  );
  const format = (line: string[]) =>
    `| ${line.map((value, index) => value.padEnd(widths[index] ?? 0)).join(' | ')} |`;
  const [header = [], ...body] = lines;

  console.log(format(header));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const line of body) {
    console.log(format(line));
  }
};

const printFailures = (rows: Row[]) => {
  for (const { release, report, failure } of rows) {
    const name = `Logto ${report?.versions.cli ?? release.logto}`;

    if (failure) {
      console.log(`\n${name} did not run:\n${failure.trim()}`);
    }

    for (const { check, outcome } of report?.checks.filter(({ ok }) => !ok) ?? []) {
      console.log(`\n${name}, ${check}: ${outcome}`);
    }
  }
};

const main = async () => {
  const started = performance.now();
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);

  if (major !== 22 || minor < 14) {
    console.warn(`Logto runs on Node ^22.14.0; this is Node ${process.versions.node}.`);
  }

  const work = await mkdtemp(path.join(tmpdir(), 'logto-matrix-'));

  try {
    const folders = releases.map((release, index) =>
      path.join(work, `logto-${release.logto}-${index}`)
    );
    const tarball = await pack(work);
    // The installs run in parallel; the releases one after the other, each in its own process.
    const prepared = releases.map(async (release, index) =>
      settled(prepareInstance(folders[index] ?? '', release))
    );
    const rows: Row[] = [];
    for (const [index, release] of releases.entries()) {
      rows.push(
        await runRelease(
          folders[index] ?? '',
          tarball,
          release,
          prepared[index] ?? Promise.resolve()
        )
      );
    }

    console.log(
      `Node ${process.versions.node}; the connector packed as ${path.basename(tarball)}.\n`
    );
    printTable(rows);
    printFailures(rows);
    console.log(`\nThe matrix took ${Math.round((performance.now() - started) / 1000)} s.`);

    process.exitCode = rows.every((row) => passed(row)) ? 0 : 1;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
};

await main();
