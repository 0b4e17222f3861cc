/**
 * `npm run bench`: this connector beside the official one, a floor connector (the least a connector
 * can do on Logto's path, generated for the run), a bare-ky connector (one ky POST, generated too)
 * and two bare-request floors (`fetch` and `node:https`), over TLS to a local Postmark sandbox, built once and rebuilt for every send as
 * Logto core does; writes BENCHMARKS.md. Not part of `npm test`: the figures depend on the machine and what else it does.
 *
 * `npm run bench -- --quick`: fewer sends, no hang, install or profile runs, written to
 * .tmp/bench/BENCHMARKS.quick.md; for trying a change, not for the record.
 * BENCH_CANDIDATE=<folder>: also measures the package in that folder (a checkout with lib/ built),
 * each round beside this one. BENCH_ONLY=<word,…>: only the contenders whose key holds one of the
 * words (keys: ours-once, official-rebuilt, floor-once, ky-rebuilt, https, candidate-rebuilt…).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { createCertificate } from '../sandbox/route.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const scratch = path.join(root, '.tmp', 'bench');
const quick = process.argv.includes('--quick') || process.env.BENCH_QUICK === '1';
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? (quick ? 5 : 15));
const sendsAt = quick ? ({ 1: 600, 32: 1500 } as const) : ({ 1: 2000, 32: 5000 } as const);
const candidateRoot = process.env.BENCH_CANDIDATE
  ? path.resolve(process.env.BENCH_CANDIDATE)
  : undefined;
const only = process.env.BENCH_ONLY?.split(',').filter(Boolean);
const inFlights = [1, 32] as const;
type InFlight = (typeof inFlights)[number];
const hangCapMs = 30_000;
const addresses = { normal: '127.77.0.1', hang: '127.77.0.2', hangEveryOther: '127.77.0.3' };

type Build = 'once' | 'rebuilt';

type Contender = {
  key: string;
  name: string;
  worker: 'ours' | 'official' | 'floor' | 'ky' | 'fetch' | 'https';
  build: Build;
  /** Where its package is, when it is a copy of this one (or of the candidate). */
  packagePath?: string;
  /** The contender its throughput and CPU ratios compare with. */
  base?: string;
  /** The floor connector it is compared with, built the same way. */
  floor: string;
  /** The bare-ky connector it is compared with, built the same way. */
  bareKy: string;
};

type Throughput = {
  sendsPerSecond: number;
  cpuMicrosecondsPerSend: number;
  p50Milliseconds: number;
  p99Milliseconds: number;
};

type Profile = {
  nodes: Array<{ id: number; callFrame: { url: string; functionName: string } }>;
  samples: number[];
  timeDeltas: number[];
};

const median = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const format = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (value: number, base: number) => (base ? format(value / base, 2) : 'n/a');

/**
 * A copy of what the built package (this one, or the candidate) ships, as Logto's CLI unpacks it;
 * its imports resolve to this package's node_modules.
 */
const preparePackage = async (source = root, label = 'ours') => {
  const connector = path.join(scratch, label);
  await rm(connector, { recursive: true, force: true });
  const { files } = JSON.parse(await readFile(path.join(source, 'package.json'), 'utf8')) as {
    files: string[];
  };
  for (const entry of ['package.json', ...files]) {
    await cp(path.join(source, entry), path.join(connector, entry), { recursive: true });
  }
  return connector;
};

/**
 * The floor connector: the least any email connector can do on Logto's path. Its package has
 * connector-kit as its only dependency, a one-line README, a tiny logo and no form items; its
 * `sendMessage` reads the configuration and makes one bare keep-alive `node:https` POST (with the
 * same timeout as the bare floor). Written for each run, beside this package so that its import
 * of connector-kit resolves to the one installed here.
 */
const floorConnectorSource = `import https from 'node:https';
import { ConnectorType } from '@logto/connector-kit';

const metadata = {
  id: 'floor-email',
  target: 'floor',
  platform: null,
  name: { en: 'Floor' },
  logo: './logo.svg',
  logoDark: null,
  description: { en: 'The least an email connector can do.' },
  readme: './README.md',
};
const configGuard = { safeParse: (data) => ({ success: true, data }) };

const post = (token, body) =>
  new Promise((resolve, reject) => {
    const request = https.request(
      'https://api.postmarkapp.com/email/withTemplate',
      {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          'Content-Type': 'application/json',
          'X-Postmark-Server-Token': token,
        },
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          clearTimeout(timer);
          if (response.statusCode === 200) {
            resolve(JSON.parse(Buffer.concat(chunks).toString()));
          } else {
            reject(new Error(\`HTTP \${response.statusCode}\`));
          }
        });
      }
    );
    const timer = setTimeout(() => request.destroy(new Error('timed out')), 15_000);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(body);
  });

export default async ({ getConfig }) => ({
  metadata,
  type: ConnectorType.Email,
  configGuard,
  async sendMessage({ to, type, payload }) {
    const { serverToken, fromEmail, templates } = await getConfig(metadata.id);
    const template = templates.find((entry) => entry.usageType === type);
    return post(
      serverToken,
      JSON.stringify({
        From: fromEmail,
        To: to,
        TemplateAlias: template.templateAlias,
        TemplateModel: payload,
        Tag: type,
      })
    );
  },
});
`;

/**
 * The bare-ky connector: what a connector built the plain way on ky costs. Like the floor
 * connector, but its `sendMessage` makes one ky POST over the global `fetch` (ky's defaults, a
 * timeout as the floors have), and its logo and README are inline in its metadata, as this
 * connector's are. Its ky is the one this package bundles.
 */
const bareKyConnectorSource = `import ky from 'ky';
import { ConnectorType } from '@logto/connector-kit';

const metadata = {
  id: 'bare-ky-email',
  target: 'bare-ky',
  platform: null,
  name: { en: 'Bare ky' },
  logo: 'data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4=',
  logoDark: null,
  description: { en: 'One ky POST to Postmark.' },
  readme: 'One ky POST to Postmark.',
};
const configGuard = { safeParse: (data) => ({ success: true, data }) };

export default async ({ getConfig }) => ({
  metadata,
  type: ConnectorType.Email,
  configGuard,
  async sendMessage({ to, type, payload }) {
    const { serverToken, fromEmail, templates } = await getConfig(metadata.id);
    const template = templates.find((entry) => entry.usageType === type);
    return ky
      .post('https://api.postmarkapp.com/email/withTemplate', {
        headers: { 'X-Postmark-Server-Token': serverToken },
        json: {
          From: fromEmail,
          To: to,
          TemplateAlias: template.templateAlias,
          TemplateModel: payload,
          Tag: type,
        },
        timeout: 15_000,
      })
      .json();
  },
});
`;

const prepareFloorConnector = async (name = 'floor-connector', source = floorConnectorSource) => {
  const folder = path.join(scratch, name);
  await rm(folder, { recursive: true, force: true });
  await mkdir(path.join(folder, 'lib'), { recursive: true });
  const { version } = JSON.parse(
    await readFile(
      path.join(root, 'node_modules', '@logto', 'connector-kit', 'package.json'),
      'utf8'
    )
  ) as { version: string };
  await writeFile(
    path.join(folder, 'package.json'),
    JSON.stringify({
      name,
      version: '0.0.0',
      type: 'module',
      main: './lib/index.js',
      dependencies: { '@logto/connector-kit': `^${version}` },
    })
  );
  await writeFile(path.join(folder, 'README.md'), 'The least an email connector can do.\n');
  await writeFile(
    path.join(folder, 'logo.svg'),
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><rect width="1" height="1"/></svg>\n'
  );
  await writeFile(path.join(folder, 'lib', 'index.js'), source);
  return folder;
};

const startSandbox = async (folder: string, address: string, mode?: string) => {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'sandbox/serve.ts',
      '--key',
      path.join(folder, 'key.pem'),
      '--cert',
      path.join(folder, 'cert.pem'),
      '--host',
      address,
      '--port',
      '443',
      ...(mode ? [mode] : []),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const [line] = (await once(child.stdout, 'data')) as [Buffer];

  if (!line.toString().startsWith('ready')) {
    throw new Error(`The sandbox did not start: ${line.toString()}`);
  }

  return child;
};

const packTarballs = async (folder: string) => {
  const pack = async (...args: string[]) => {
    const { stdout } = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', folder, ...args],
      { cwd: root }
    );
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
    return path.join(folder, packed?.filename ?? '');
  };
  return { ours: await pack(), official: await pack('@logto/connector-postmark@1.2.4') };
};

/** Files and bytes of a production install of a packed package into an empty folder. */
const footprint = async (folder: string, tarball: string) => {
  const target = await mkdtemp(path.join(folder, 'install-'));
  await writeFile(path.join(target, 'package.json'), '{ "name": "footprint", "private": true }');
  await run(
    'npm',
    ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', tarball],
    { cwd: target }
  );

  let packages = 0;
  let bytes = 0;
  const walk = async (directory: string): Promise<void> => {
    for (const entry of await readdir(directory, { withFileTypes: true })) {
      const full = path.join(directory, entry.name);
      if (entry.isDirectory()) {
        const parent = path.basename(directory);
        const isPackage =
          (parent === 'node_modules' &&
            !entry.name.startsWith('@') &&
            !entry.name.startsWith('.')) ||
          (path.basename(path.dirname(directory)) === 'node_modules' && parent.startsWith('@'));
        if (isPackage) {
          packages += 1;
        }
        await walk(full);
      } else if (entry.isFile()) {
        const { size } = await stat(full);
        bytes += size;
      }
    }
  };
  await walk(path.join(target, 'node_modules'));
  return { packages, bytes };
};

/** Self time, by where it is spent; each sample goes to the first category that claims it. */
const categories: Array<[string, (url: string, name: string) => boolean]> = [
  ['floor connector', (url) => url.includes('/floor-connector/')],
  ['this connector (lib/index.js)', (url) => url.endsWith('/lib/index.js') && url.includes(root)],
  ['ky', (url) => url.includes('/ky/')],
  ['zod', (url) => url.includes('/zod/')],
  [
    'official connector, postmark SDK, axios',
    (url) => /connector-postmark\/|\/postmark\/|\/axios\/|follow-redirects|form-data/.test(url),
  ],
  ['connector-kit', (url) => url.includes('/connector-kit/')],
  [
    "Logto's loader: rebuilding, reading logo and README",
    (url, name) =>
      url.includes('@logto/cli') ||
      url.includes('node:internal/fs') ||
      (!url && /^(openFileHandle|close|fstat|read|existsSync|readFileUtf8)$/.test(name)) ||
      (url === 'node:buffer' && name === 'slice'),
  ],
  ['Request, Response, Headers (undici)', (url) => url.includes('undici')],
  ['web streams', (url) => url.includes('webstreams')],
  [
    'abort signals and events',
    (url) => /abort_controller|event_target|js_transferable|node:events/.test(url),
  ],
  [
    'HTTP client, TLS and socket writes',
    (url, name) =>
      /node:_http|node:https|node:net|node:_tls|node:tls|streams|stream_base/.test(url) ||
      (!url && /^(writev|writeUtf8String|writeBuffer|writeLatin1String)$/.test(name)),
  ],
  ['garbage collection', (_, name) => name === '(garbage collector)'],
  ['timers, promises and the rest of Node', (url, name) => url.startsWith('node:') || !url],
];
const otherCategory = 'the benchmark loop';

const profileShares = (profile: Profile) => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const shares = new Map<string, number>();
  let total = 0;
  for (const [index, id] of profile.samples.entries()) {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    if (!node || node.callFrame.functionName === '(idle)') {
      continue;
    }
    total += delta;
    const [name] = categories.find(([, matches]) =>
      matches(node.callFrame.url, node.callFrame.functionName)
    ) ?? [otherCategory];
    shares.set(name, (shares.get(name) ?? 0) + delta);
  }
  return new Map([...shares].map(([name, time]) => [name, time / total]));
};

const rotate = <T>(items: T[], by: number) => [
  ...items.slice(by % items.length),
  ...items.slice(0, by % items.length),
];

const main = async () => {
  console.log('Building lib/ …');
  await run('npm', ['run', '--silent', 'build'], { cwd: root });
  const oursPackage = await preparePackage();
  const floorPackage = await prepareFloorConnector();
  const bareKyPackage = await prepareFloorConnector('bare-ky-connector', bareKyConnectorSource);
  const candidatePackage = candidateRoot && (await preparePackage(candidateRoot, 'candidate'));
  const built = (build: Build) => (build === 'once' ? 'built once' : 'rebuilt per send');

  const allContenders: Contender[] = (['once', 'rebuilt'] as const).flatMap((build) => [
    {
      key: `ours-${build}`,
      name: `this connector, ${built(build)}`,
      worker: 'ours',
      build,
      packagePath: oursPackage,
      base: `official-${build}`,
      floor: `floor-${build}`,
      bareKy: `ky-${build}`,
    } satisfies Contender,
    ...(candidatePackage
      ? [
          {
            key: `candidate-${build}`,
            name: `candidate, ${built(build)} (× this connector, not × official)`,
            worker: 'ours',
            build,
            packagePath: candidatePackage,
            base: `ours-${build}`,
            floor: `floor-${build}`,
            bareKy: `ky-${build}`,
          } satisfies Contender,
        ]
      : []),
    {
      key: `official-${build}`,
      name: `official 1.2.4, ${built(build)}`,
      worker: 'official',
      build,
      base: `official-${build}`,
      floor: `floor-${build}`,
      bareKy: `ky-${build}`,
    } satisfies Contender,
    {
      key: `ky-${build}`,
      name: `bare-ky connector, ${built(build)}`,
      worker: 'ky',
      build,
      base: `official-${build}`,
      floor: `floor-${build}`,
      bareKy: `ky-${build}`,
    } satisfies Contender,
    {
      key: `floor-${build}`,
      name: `floor connector, ${built(build)}`,
      worker: 'floor',
      build,
      base: `official-${build}`,
      floor: `floor-${build}`,
      bareKy: `ky-${build}`,
    } satisfies Contender,
    ...(build === 'once'
      ? [
          {
            key: 'fetch',
            name: 'floor: bare `fetch`',
            worker: 'fetch',
            build,
            base: 'official-once',
            floor: 'floor-once',
            bareKy: 'ky-once',
          } satisfies Contender,
          {
            key: 'https',
            name: 'floor: bare `node:https`',
            worker: 'https',
            build,
            base: 'official-once',
            floor: 'floor-once',
            bareKy: 'ky-once',
          } satisfies Contender,
        ]
      : []),
  ]);
  const contenders = only
    ? allContenders.filter(({ key }) => only.some((word) => key.includes(word)))
    : allContenders;
  const byKey = new Map(contenders.map((contender) => [contender.key, contender]));
  // A contender and those it is compared with run in the same group, one after the other.
  const groups = (['once', 'rebuilt'] as const)
    .map((build) => contenders.filter((contender) => contender.build === build))
    .filter((group) => group.length > 0);

  const folder = await mkdtemp(path.join(os.tmpdir(), 'postmark-bench-'));
  const certificate = await createCertificate();
  await writeFile(path.join(folder, 'key.pem'), certificate.key);
  await writeFile(path.join(folder, 'cert.pem'), certificate.cert);

  const worker = async (
    address: string,
    contender: Contender,
    [mode, ...args]: [string, ...Array<string | number>],
    extraEnv: Record<string, string> = {}
  ) => {
    const { stdout } = await run(
      process.execPath,
      [
        '--import',
        './scripts/bench-route.mjs',
        'scripts/bench-worker.mjs',
        mode,
        contender.worker,
        ...args.map(String),
      ],
      {
        cwd: root,
        env: {
          ...process.env,
          NODE_EXTRA_CA_CERTS: path.join(folder, 'cert.pem'),
          BENCH_POSTMARK_ADDRESS: address,
          BENCH_PACKAGE: contender.packagePath ?? root,
          BENCH_FLOOR_PACKAGE: floorPackage,
          BENCH_KY_PACKAGE: bareKyPackage,
          ...extraEnv,
        },
        maxBuffer: 1024 * 1024,
      }
    );
    return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
  };

  const loadBefore = os.loadavg();
  const sandboxes: ChildProcess[] = [
    await startSandbox(folder, addresses.normal),
    await startSandbox(folder, addresses.hang, '--hang'),
    await startSandbox(folder, addresses.hangEveryOther, '--hang-every-other'),
  ];

  try {
    const throughput: Record<string, Throughput[]> = {};
    for (let round = 0; round < rounds; round++) {
      // Each round runs the groups, and the contenders within each, in a different order, so that
      // none always follows the same one, and a connector always runs next to its comparison.
      const order = rotate(groups, round).flatMap((group) => rotate(group, round));
      for (const inFlight of inFlights) {
        for (const contender of order) {
          const result = (await worker(addresses.normal, contender, [
            'throughput',
            contender.build,
            inFlight,
            sendsAt[inFlight],
          ])) as Throughput;
          (throughput[`${contender.key}@${inFlight}`] ??= []).push(result);
          console.log(
            `round ${round + 1}/${rounds}, ${inFlight} in flight, ${contender.name}: ${format(result.sendsPerSecond)} sends/s, ${format(result.cpuMicrosecondsPerSend)} µs CPU/send`
          );
        }
      }
    }

    const figure = (key: string, inFlight: InFlight, measure: keyof Throughput) =>
      median((throughput[`${key}@${inFlight}`] ?? []).map((result) => result[measure]));

    const cold: Record<'ours' | 'official', number[]> = { ours: [], official: [] };
    const coldPair = [byKey.get('ours-once'), byKey.get('official-once')] as const;
    for (let index = 0; index < coldRuns && coldPair[0] && coldPair[1]; index++) {
      for (const [key, contender] of [
        ['ours', coldPair[0]],
        ['official', coldPair[1]],
      ] as const) {
        const { milliseconds } = (await worker(addresses.normal, contender, ['cold'])) as {
          milliseconds: number;
        };
        cold[key].push(milliseconds);
      }
    }
    const coldOurs = median(cold.ours);
    const coldOfficial = median(cold.official);
    console.log(
      `cold start: ours ${format(coldOurs, 1)} ms, official ${format(coldOfficial, 1)} ms`
    );

    type Outcome = { milliseconds: number; outcome: string };
    const hangRuns = quick ? 0 : Number(process.env.BENCH_HANG_RUNS ?? 3);
    const ourHangKeys = ['ours-rebuilt'].filter((key) => byKey.has(key));
    // A sandbox's first connection pays for its own cold start; this one is not measured. A
    // connector that retries keeps the hang-every-other sandbox's turns in step.
    const warmUp = byKey.get('ours-rebuilt');
    if (warmUp && hangRuns > 0) {
      await worker(addresses.hang, warmUp, ['hang', 1000]);
      await worker(addresses.hangEveryOther, warmUp, ['hang', hangCapMs]);
    }
    const hangResults: Record<string, { hung: Outcome[]; oneHang: Outcome[] }> = {};
    for (let index = 0; index < hangRuns; index++) {
      for (const key of ourHangKeys) {
        const contender = byKey.get(key);
        if (contender) {
          const results = hangResults[key] ?? { hung: [], oneHang: [] };
          hangResults[key] = results;
          results.hung.push(
            (await worker(addresses.hang, contender, ['hang', hangCapMs])) as Outcome
          );
          results.oneHang.push(
            (await worker(addresses.hangEveryOther, contender, ['hang', hangCapMs])) as Outcome
          );
        }
      }
    }
    /** The run of median duration, so that its outcome is shown with it. */
    const medianRun = (outcomes: Outcome[]) =>
      [...outcomes].sort((left, right) => left.milliseconds - right.milliseconds)[
        Math.floor(outcomes.length / 2)
      ];
    const official = byKey.get('official-rebuilt');
    // The official connector never retries, and would wait on the swallowed request for 180 s.
    const officialHung =
      official && hangRuns > 0
        ? ((await worker(addresses.hang, official, ['hang', hangCapMs])) as Outcome)
        : undefined;
    const hangs =
      hangRuns > 0
        ? [
            ...ourHangKeys.map((key) => ({
              name: byKey.get(key)?.name ?? key,
              hung: medianRun(hangResults[key]?.hung ?? []),
              oneHang: medianRun(hangResults[key]?.oneHang ?? []),
            })),
            { name: official?.name ?? 'official', hung: officialHung, oneHang: undefined },
          ]
        : [];
    for (const { name, hung, oneHang } of hangs) {
      console.log(
        `${name}: hung Postmark → ${hung?.outcome ?? ''} after ${format((hung?.milliseconds ?? 0) / 1000, 1)} s${oneHang ? `; one hung attempt → ${oneHang.outcome} after ${format(oneHang.milliseconds / 1000, 1)} s` : ''}`
      );
    }

    const installs = quick
      ? undefined
      : await (async () => {
          const tarballs = await packTarballs(folder);
          return {
            ours: await footprint(folder, tarballs.ours),
            official: await footprint(folder, tarballs.official),
          };
        })();

    const profiled = quick
      ? []
      : ['ours-rebuilt', 'official-rebuilt', 'floor-rebuilt', 'ours-once', 'https'].filter((key) =>
          byKey.has(key)
        );
    const profiles = new Map<string, Map<string, number>>();
    for (const key of profiled) {
      const contender = byKey.get(key);
      if (!contender) {
        continue;
      }
      const file = path.join(folder, `${key}.cpuprofile`);
      await worker(addresses.normal, contender, ['throughput', contender.build, 32, sendsAt[32]], {
        BENCH_PROFILE: file,
      });
      profiles.set(key, profileShares(JSON.parse(await readFile(file, 'utf8')) as Profile));
    }
    const loadAfter = os.loadavg();

    /**
     * Each round's ratio of a contender to another: the two run in the same round, close to each
     * other, so their ratio shares that moment's load on the machine.
     */
    const pairedRatios = (
      key: string,
      base: string | undefined,
      inFlight: InFlight,
      measure: keyof Throughput
    ) => {
      const bases = base ? (throughput[`${base}@${inFlight}`] ?? []) : [];
      return (throughput[`${key}@${inFlight}`] ?? [])
        .map((result, round) => result[measure] / (bases[round]?.[measure] ?? Number.NaN))
        .filter((value) => Number.isFinite(value));
    };
    type Spread = { median: number; min: number; max: number };
    const spreadOf = (values: number[]): Spread =>
      values.length > 0
        ? { median: median(values), min: Math.min(...values), max: Math.max(...values) }
        : { median: Number.NaN, min: Number.NaN, max: Number.NaN };
    const spreadText = ({ median: middle, min, max }: Spread) =>
      Number.isNaN(middle) ? 'n/a' : `${format(middle, 2)} (${format(min, 2)}–${format(max, 2)})`;
    const versus = (key: string, inFlight: InFlight, measure: keyof Throughput) =>
      spreadOf(pairedRatios(key, byKey.get(key)?.base, inFlight, measure));
    const versusFloor = (key: string, inFlight: InFlight) =>
      spreadOf(pairedRatios(key, byKey.get(key)?.floor, inFlight, 'cpuMicrosecondsPerSend'));
    const versusBareKy = (key: string, inFlight: InFlight) =>
      spreadOf(pairedRatios(key, byKey.get(key)?.bareKy, inFlight, 'cpuMicrosecondsPerSend'));
    /** CPU µs per send above the floor connector built the same way, paired by round. */
    const aboveFloor = (key: string, inFlight: InFlight) => {
      const floors = throughput[`${byKey.get(key)?.floor ?? ''}@${inFlight}`] ?? [];
      return median(
        (throughput[`${key}@${inFlight}`] ?? [])
          .map(
            (result, round) =>
              result.cpuMicrosecondsPerSend - (floors[round]?.cpuMicrosecondsPerSend ?? Number.NaN)
          )
          .filter((value) => Number.isFinite(value))
      );
    };

    const rows = (inFlight: InFlight) =>
      contenders.map((contender) => {
        const own = (measure: keyof Throughput, digits = 0) =>
          format(figure(contender.key, inFlight, measure), digits);
        return `| ${contender.name} | ${own('sendsPerSecond')} | ${spreadText(versus(contender.key, inFlight, 'sendsPerSecond'))} | ${own('cpuMicrosecondsPerSend')} | ${spreadText(versus(contender.key, inFlight, 'cpuMicrosecondsPerSend'))} | ${spreadText(versusFloor(contender.key, inFlight))} | ${spreadText(versusBareKy(contender.key, inFlight))} | ${own('p50Milliseconds', 2)} | ${own('p99Milliseconds', 2)} |`;
      });

    type Target = [string, string, boolean];
    const targetsFor = (
      build: Build,
      sendsAtLeast: number,
      cpuAtMost: number,
      bareKyAtMost?: number
    ) =>
      inFlights.flatMap((inFlight): Target[] => {
        const key = `ours-${build}`;
        if (!byKey.has(key)) {
          return [];
        }
        const sends = versus(key, inFlight, 'sendsPerSecond');
        const cpu = versus(key, inFlight, 'cpuMicrosecondsPerSend');
        const bareKy = versusBareKy(key, inFlight);
        const label = `${build === 'once' ? 'Built once' : 'Rebuilt per send'}, ${inFlight} in flight`;
        return [
          [
            `${label}: throughput ≥ ${sendsAtLeast} × official`,
            `× ${spreadText(sends)}`,
            sends.median >= sendsAtLeast,
          ],
          [
            `${label}: CPU per send ≤ ${cpuAtMost} × official`,
            `× ${spreadText(cpu)}`,
            cpu.median <= cpuAtMost,
          ],
          ...(bareKyAtMost === undefined || !byKey.has(`ky-${build}`)
            ? []
            : [
                [
                  `${label}: CPU per send ≤ ${bareKyAtMost} × the bare-ky connector`,
                  `× ${spreadText(bareKy)}`,
                  bareKy.median <= bareKyAtMost,
                ] satisfies Target,
              ]),
        ];
      });
    const ourHangs = hangs.slice(0, ourHangKeys.length);
    const seconds = (outcome?: Outcome) => `${format((outcome?.milliseconds ?? 0) / 1000, 1)} s`;
    const targets: Target[] = [
      ...targetsFor('rebuilt', 1.5, 0.7, 0.75),
      ...targetsFor('once', 1.25, 0.75),
      ...(cold.ours.length > 0
        ? [
            [
              'Cold import + createConnector ≤ 0.9 × official',
              `× ${ratio(coldOurs, coldOfficial)}`,
              coldOurs <= 0.9 * coldOfficial,
            ] satisfies Target,
          ]
        : []),
      ...(ourHangs.length > 0
        ? [
            [
              'A hung Postmark: a clear error within 7.5 s, heard by the sign-in page by about 8 s (it gives up at 10 s)',
              ourHangs.map(({ hung }) => seconds(hung)).join(', '),
              ourHangs.every(
                ({ hung }) => hung?.outcome.startsWith('error') && hung.milliseconds < 8000
              ),
            ] satisfies Target,
            [
              'One hung attempt, then an answer: delivered well before that (≤ 5 s)',
              ourHangs.map(({ oneHang }) => seconds(oneHang)).join(', '),
              ourHangs.every(
                ({ oneHang }) => oneHang?.outcome === 'sent' && oneHang.milliseconds <= 5000
              ),
            ] satisfies Target,
          ]
        : []),
    ];

    const cpuOf = (key: string) => figure(key, 32, 'cpuMicrosecondsPerSend');
    const profileNames = [
      ...new Set([...profiles.values()].flatMap((shares) => [...shares.keys()])),
    ].sort(
      (left, right) =>
        (profiles.get(profiled[0] ?? '')?.get(right) ?? 0) -
        (profiles.get(profiled[0] ?? '')?.get(left) ?? 0)
    );
    const profileRows = profileNames.map(
      (name) =>
        `| ${name} | ${profiled
          .map((key) => {
            const share = profiles.get(key)?.get(name) ?? 0;
            return `${format(share * cpuOf(key))} (${format(share * 100, 1)}%)`;
          })
          .join(' | ')} |`
    );

    const spent = (key: string, ...names: string[]) =>
      names.reduce((sum, name) => sum + (profiles.get(key)?.get(name) ?? 0), 0) * cpuOf(key);
    const loaderCategory = "Logto's loader: rebuilding, reading logo and README";

    const hangLine = ({ name, hung, oneHang }: (typeof hangs)[number]) => {
      const describe = ({ outcome, milliseconds }: Outcome) =>
        outcome === 'still waiting'
          ? `still waiting after ${format(milliseconds / 1000, 1)} s, when the benchmark stopped waiting`
          : `after ${format(milliseconds / 1000, 1)} s, ${outcome.replace(/^error: /, 'the error "')}${outcome.startsWith('error: ') ? '"' : ''}`;
      return `- ${name}: a hung Postmark: ${hung ? describe(hung) : 'not measured'}${oneHang ? `; one hung attempt, then an answer: ${describe(oneHang)}` : ''}.`;
    };

    const sendsTables = inFlights
      .map(
        (inFlight) => `### ${inFlight} in flight

| Contender | Sends/s | × official | CPU µs/send | CPU × official | CPU × floor connector | CPU × bare-ky connector | p50 ms | p99 ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows(inFlight).join('\n')}`
      )
      .join('\n\n');
    const targetsTable = `| Target | Median (min–max) | Met |
| --- | --- | --- |
${targets.map(([name, figureText, met]) => `| ${name} | ${figureText} | ${met ? 'yes' : 'no'} |`).join('\n')}`;

    const document = `# Benchmarks

This connector beside the official \`@logto/connector-postmark\` 1.2.4, a floor connector and two
bare-request floors, measured in one run of \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.

- Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${format(os.totalmem() / 1024 ** 3)} GiB; Node ${process.version}. Load average ${format(loadBefore[0] ?? 0, 1)} when the run began and ${format(loadAfter[0] ?? 0, 1)} when it ended: other work shared the machine, which moves throughput more than CPU per send.
- Postmark: the local sandbox (\`sandbox/serve.ts\`) in a process of its own, over TLS with a
  certificate made for the run; \`api.postmarkapp.com\` resolves to it inside each benchmark
  process (\`scripts/bench-route.mjs\`), so every contender runs unmodified, on port 443.
- Connectors are loaded with Logto's own loader from \`@logto/cli\`. **Built once**: one connector
  for every send. **Rebuilt per send**: what Logto core does, \`buildRawConnector\` (createConnector,
  then reading the logo and README) and a \`getConfig\` that returns a new object for every send.
- This connector is a copy of what the built package ships, in \`.tmp/bench/ours\`. Its ky (1.14.3) is
  bundled into \`lib/index.js\`, so the ky that a Logto release pins plays no part in its figures, and
  its profile counts ky as part of the connector.
- The floor connector is the least any connector can do on Logto's path. The benchmark writes it
  for the run: a package with \`@logto/connector-kit\` as its only dependency, a one-line README, a
  tiny logo and no form items, whose \`sendMessage\` reads the configuration and makes one bare
  keep-alive \`node:https\` POST. It is loaded and rebuilt exactly like the connectors, so a ratio to
  it says how much of the cost is the connector's own.
- The bare-ky connector is the same package with one ky POST over Node's global \`fetch\` instead
  (ky 1.14.3, its defaults and a timeout, logo and README inline in its metadata): what a connector
  built the plain way on ky costs, without a check, a retry decision of its own or an error word.
- Bare-request floors: the same request with a bare \`fetch\` and with a bare \`node:https\` request
  (Node's keep-alive global agent), each with a timeout, and no loader around them.
- Each measurement runs in a fresh process, after a warm-up. ${rounds} rounds; in each, the contenders
  built the same way run one after the other, starting with a different one each round. Sends/s,
  CPU and latencies are medians over the rounds. Each ratio pairs two contenders within a round,
  so both share that moment's load: the table gives the median of the ${rounds} paired ratios and, in
  brackets, their spread (lowest–highest). A connector is compared with the official one built the
  same way, the bare floors with the official one built once; "CPU × floor connector" and "CPU ×
  bare-ky connector" with those built the same way.
- Reproduce: \`npm install && npm run bench\` (as root: the sandboxes listen on port 443 of
  ${Object.values(addresses).join(', ')}); about ten minutes on two cores.

## Sends

${sendsAt[1]} sends one at a time, and ${sendsAt[32]} sends 32 at a time.

${sendsTables}

## Targets

${targetsTable}

CPU per send minus the floor connector's (median of paired rounds; below zero, less than it): rebuilt per send,
${format(aboveFloor('ours-rebuilt', 1))} µs at 1 in flight and ${format(aboveFloor('ours-rebuilt', 32))} µs at 32 (the official connector:
${format(aboveFloor('official-rebuilt', 1))} and ${format(aboveFloor('official-rebuilt', 32))} µs); built once, ${format(aboveFloor('ours-once', 1))} and ${format(aboveFloor('ours-once', 32))} µs (official: ${format(aboveFloor('official-once', 1))} and ${format(aboveFloor('official-once', 32))} µs).

## TemplateUse

- As Logto calls it (rebuilt per send), this connector sends ${spreadText(versus('ours-rebuilt', 1, 'sendsPerSecond'))} times as many
  emails per second as the official connector one at a time and ${spreadText(versus('ours-rebuilt', 32, 'sendsPerSecond'))} times 32 at a time, for
  ${spreadText(versus('ours-rebuilt', 1, 'cpuMicrosecondsPerSend'))} and ${spreadText(versus('ours-rebuilt', 32, 'cpuMicrosecondsPerSend'))} of its CPU per send, and
  ${spreadText(versusFloor('ours-rebuilt', 1))} and ${spreadText(versusFloor('ours-rebuilt', 32))} times the floor connector's.
- The connector sends through ky, whose retries and \`Request\` objects it keeps, with a \`fetch\` of
  its own over \`node:https\` that reads the answer up to its cap; the bare-ky connector pays for
  ky over Node's global \`fetch\`. In the profile of the
  connector built once, its own code takes ${format(spent('ours-once', 'this connector (lib/index.js)'))} µs per send, zod ${format(spent('ours-once', 'zod'))} µs and connector-kit ${format(spent('ours-once', 'connector-kit'))} µs;
  the rest is Node's HTTP client and TLS, which every floor pays too.
- Rebuilt per send, Logto's loader works for every connector: it creates the connector and reads
  any logo and README it names from disk (${format(spent('ours-rebuilt', loaderCategory))} µs per send here, ${format(spent('official-rebuilt', loaderCategory))} µs for the
  official connector, ${format(spent('floor-rebuilt', loaderCategory))} µs for the floor connector). This connector's build puts the logo (as a
  data URI) and the guide (as text) into its metadata, so the loader reads no file for it.
- Over the internet, a Postmark send takes tens to hundreds of milliseconds; every CPU figure here
  is below a millisecond per send.

## Where the time goes

Self time in CPU profiles of the measured sends (${sendsAt[32]}, 32 in flight), by where it is
spent, as µs per send (the share of the profile times the median CPU per send above) and share:

| Spent in | ${profiled.map((key) => byKey.get(key)?.name ?? key).join(' | ')} |
| --- | ${profiled.map(() => '---:').join(' | ')} |
${profileRows.join('\n')}

## Start-up, install, a hung Postmark

| | This connector | Official | × official |
| --- | ---: | ---: | ---: |
| Cold import + \`createConnector\` (median of ${coldRuns} fresh processes) | ${format(coldOurs, 1)} ms | ${format(coldOfficial, 1)} ms | ${ratio(coldOurs, coldOfficial)} |
| Production install: packages | ${installs?.ours.packages} | ${installs?.official.packages} | ${ratio(installs?.ours.packages ?? 0, installs?.official.packages ?? 0)} |
| Production install: bytes | ${format(installs?.ours.bytes ?? 0)} | ${format(installs?.official.bytes ?? 0)} | ${ratio(installs?.ours.bytes ?? 0, installs?.official.bytes ?? 0)} |

The install figures come from \`npm pack\` and \`npm install --omit=dev\` of each tarball into an empty
folder. Inside Logto neither connector's dependencies are installed (\`logto connector add\` only
unpacks the tarball), so there the official connector's \`postmark\` SDK and axios are missing unless
installed by hand, while this connector's two dependencies are already in Logto core.

When Postmark accepts the connection and never answers, and when it swallows one request and answers
the retry (rebuilt per send, as Logto calls it; for this connector the median of ${hangRuns} runs):

${hangs.map((hang) => hangLine(hang)).join('\n')}
`;

    if (quick || only !== undefined || candidateRoot !== undefined) {
      // Not the record: fewer sends, or not every contender.
      const file = path.join(scratch, 'BENCHMARKS.quick.md');
      await writeFile(
        file,
        `# Quick benchmark (${rounds} rounds, ${sendsAt[1]} and ${sendsAt[32]} sends)\n\n${sendsTables}\n\n## Targets\n\n${targetsTable}\n`
      );
      console.log(`\n${sendsTables}\n\n${targetsTable}\n\nWrote ${file}.`);
    } else {
      await writeFile(path.join(root, 'BENCHMARKS.md'), document);
      console.log('\nWrote BENCHMARKS.md.');
    }
  } finally {
    for (const sandbox of sandboxes) {
      sandbox.kill('SIGTERM');
    }
    await rm(folder, { recursive: true, force: true });
  }
};

await main();
