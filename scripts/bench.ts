/**
 * `npm run bench`: this connector beside the official one and the bare-fetch floor, in one run,
 * over TLS to a local Postmark sandbox, and writes BENCHMARKS.md. Not part of `npm test`: the
 * figures depend on the machine and on what else it is doing.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

import { createCertificate } from '../sandbox/route.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
const coldRuns = Number(process.env.BENCH_COLD_RUNS ?? 15);
const sendsAt = { 1: 2000, 32: 5000 } as const;
const hangCapMs = 30_000;
const sandboxAddress = '127.77.0.1';
const hangingAddress = '127.77.0.2';

const contenders = ['ours', 'official', 'floor', 'ky'] as const;
type Contender = (typeof contenders)[number];
const names: Record<Contender, string> = {
  ours: 'this connector',
  official: '@logto/connector-postmark 1.2.4',
  floor: 'bare fetch (the floor)',
  ky: 'plain ky (reference)',
};

type Throughput = {
  sendsPerSecond: number;
  cpuMicrosecondsPerSend: number;
  p50Milliseconds: number;
  p99Milliseconds: number;
};

const median = (values: number[]) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] ?? 0)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

const startSandbox = async (folder: string, address: string, hang: boolean) => {
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
      ...(hang ? ['--hang'] : []),
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] }
  );
  const [line] = (await once(child.stdout, 'data')) as [Buffer];

  if (!line.toString().startsWith('ready')) {
    throw new Error(`The sandbox did not start: ${line.toString()}`);
  }

  return child;
};

const worker = async (folder: string, address: string, ...args: Array<string | number>) => {
  const { stdout } = await run(
    process.execPath,
    ['--import', './scripts/bench-route.mjs', 'scripts/bench-worker.mjs', ...args.map(String)],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: path.join(folder, 'cert.pem'),
        BENCH_POSTMARK_ADDRESS: address,
      },
      maxBuffer: 1024 * 1024,
    }
  );
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as Record<string, unknown>;
};

/** Files and bytes of a production install of a packed package into an empty folder. */
const footprint = async (folder: string, tarball: string) => {
  const target = await mkdtemp(path.join(folder, 'install-'));
  await writeFile(path.join(target, 'package.json'), '{ "name": "footprint", "private": true }');
  await run(
    'npm',
    ['install', '--omit=dev', '--no-audit', '--no-fund', '--no-package-lock', tarball],
    {
      cwd: target,
    }
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

const packTarballs = async (folder: string) => {
  const pack = async (...args: string[]) => {
    const { stdout } = await run(
      'npm',
      ['pack', '--json', '--ignore-scripts', '--pack-destination', folder, ...args],
      {
        cwd: root,
      }
    );
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
    return path.join(folder, packed?.filename ?? '');
  };
  return { ours: await pack(), official: await pack('@logto/connector-postmark@1.2.4') };
};

/** Self time of a CPU profile, by who spends it. */
const profileShares = async (folder: string) => {
  const profileFolder = path.join(folder, 'profile');
  await mkdir(profileFolder);
  await run(
    process.execPath,
    [
      '--cpu-prof',
      `--cpu-prof-dir=${profileFolder}`,
      '--import',
      './scripts/bench-route.mjs',
      'scripts/bench-worker.mjs',
      'throughput',
      'ours',
      '32',
      String(sendsAt[32]),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        NODE_EXTRA_CA_CERTS: path.join(folder, 'cert.pem'),
        BENCH_POSTMARK_ADDRESS: sandboxAddress,
      },
    }
  );
  const files = await readdir(profileFolder);
  const [file] = files;
  const profile = JSON.parse(await readFile(path.join(profileFolder, file ?? ''), 'utf8')) as {
    nodes: Array<{ id: number; callFrame: { url: string; functionName: string } }>;
    samples: number[];
    timeDeltas: number[];
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const categories: Array<[string, (url: string, name: string) => boolean]> = [
    ['the connector (lib/index.js)', (url) => url.endsWith('/lib/index.js') && url.includes(root)],
    ['ky', (url) => url.includes('/ky/')],
    ['zod', (url) => url.includes('/zod/')],
    ["fetch (Node's undici)", (url) => url.includes('undici')],
    ['web streams', (url) => url.includes('webstreams')],
    ['abort signals', (url) => url.includes('abort_controller') || url.includes('js_transferable')],
    ['garbage collection', (_, name) => name === '(garbage collector)'],
    [
      'TLS, sockets and the rest of Node',
      (url, name) => url.startsWith('node:') || (!url && name !== '(idle)' && name !== '(program)'),
    ],
  ];
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
    ) ?? ['other (module loading, the benchmark itself)'];
    shares.set(name, (shares.get(name) ?? 0) + delta);
  }
  return [...shares]
    .sort((left, right) => right[1] - left[1])
    .map(([name, time]) => [name, time / total] as const);
};

const format = (value: number, digits = 0) =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (value: number, base: number) => (base ? format(value / base, 2) : 'n/a');

const main = async () => {
  console.log('Building lib/ …');
  await run('npm', ['run', '--silent', 'build'], { cwd: root });

  const folder = await mkdtemp(path.join(os.tmpdir(), 'postmark-bench-'));
  const certificate = await createCertificate();
  await writeFile(path.join(folder, 'key.pem'), certificate.key);
  await writeFile(path.join(folder, 'cert.pem'), certificate.cert);

  const sandboxes: ChildProcess[] = [
    await startSandbox(folder, sandboxAddress, false),
    await startSandbox(folder, hangingAddress, true),
  ];

  try {
    const throughput: Record<string, Throughput[]> = {};
    for (let round = 1; round <= rounds; round++) {
      for (const inFlight of [1, 32] as const) {
        for (const contender of contenders) {
          const result = (await worker(
            folder,
            sandboxAddress,
            'throughput',
            contender,
            inFlight,
            sendsAt[inFlight]
          )) as Throughput;
          (throughput[`${contender}@${inFlight}`] ??= []).push(result);
          console.log(
            `round ${round}, ${inFlight} in flight, ${names[contender]}: ${format(result.sendsPerSecond)} sends/s`
          );
        }
      }
    }

    const cold: Record<'ours' | 'official', number[]> = { ours: [], official: [] };
    for (let index = 0; index < coldRuns; index++) {
      for (const contender of ['ours', 'official'] as const) {
        const { milliseconds } = (await worker(folder, sandboxAddress, 'cold', contender)) as {
          milliseconds: number;
        };
        cold[contender].push(milliseconds);
      }
    }
    console.log(
      `cold start: ours ${format(median(cold.ours), 1)} ms, official ${format(median(cold.official), 1)} ms`
    );

    const hang: Record<string, { milliseconds: number; outcome: string }> = {};
    for (const contender of ['ours', 'official', 'floor'] as const) {
      hang[contender] = (await worker(folder, hangingAddress, 'hang', contender, hangCapMs)) as {
        milliseconds: number;
        outcome: string;
      };
      console.log(
        `hung Postmark, ${names[contender]}: ${hang[contender].outcome} after ${format(hang[contender].milliseconds / 1000, 1)} s`
      );
    }

    const tarballs = await packTarballs(folder);
    const installs = {
      ours: await footprint(folder, tarballs.ours),
      official: await footprint(folder, tarballs.official),
    };

    const shares = await profileShares(folder);

    const figure = (contender: Contender, inFlight: 1 | 32, key: keyof Throughput) =>
      median((throughput[`${contender}@${inFlight}`] ?? []).map((result) => result[key]));

    const rows = (inFlight: 1 | 32) =>
      contenders.map((contender) => {
        const sends = figure(contender, inFlight, 'sendsPerSecond');
        return `| ${names[contender]} | ${format(sends)} | ${ratio(sends, figure('official', inFlight, 'sendsPerSecond'))} | ${ratio(sends, figure('floor', inFlight, 'sendsPerSecond'))} | ${format(figure(contender, inFlight, 'cpuMicrosecondsPerSend'))} | ${ratio(figure(contender, inFlight, 'cpuMicrosecondsPerSend'), figure('official', inFlight, 'cpuMicrosecondsPerSend'))} | ${format(figure(contender, inFlight, 'p50Milliseconds'), 2)} | ${format(figure(contender, inFlight, 'p99Milliseconds'), 2)} |`;
      });

    const coldOurs = median(cold.ours);
    const coldOfficial = median(cold.official);
    const ours32 = figure('ours', 32, 'sendsPerSecond');
    const ours1 = figure('ours', 1, 'sendsPerSecond');
    const hangLine = (contender: 'ours' | 'official' | 'floor') => {
      const result = hang[contender];
      const seconds = format((result?.milliseconds ?? 0) / 1000, 1);
      return result?.outcome === 'still waiting'
        ? `still waiting after ${seconds} s, when the benchmark stopped waiting`
        : `${result?.outcome ?? ''} after ${seconds} s`;
    };

    const throughputRatio = (inFlight: 1 | 32, base: Contender) =>
      figure('ours', inFlight, 'sendsPerSecond') / figure(base, inFlight, 'sendsPerSecond');
    const cpuRatio = (inFlight: 1 | 32) =>
      figure('ours', inFlight, 'cpuMicrosecondsPerSend') /
      figure('official', inFlight, 'cpuMicrosecondsPerSend');
    const targets: Array<[string, string, boolean]> = [
      ...([1, 32] as const).flatMap((inFlight): Array<[string, string, boolean]> => [
        [
          `Throughput at ${inFlight} in flight ≥ the official connector's`,
          `× ${format(throughputRatio(inFlight, 'official'), 2)}`,
          throughputRatio(inFlight, 'official') >= 1,
        ],
        [
          `CPU per send at ${inFlight} in flight ≤ the official connector's`,
          `× ${format(cpuRatio(inFlight), 2)}`,
          cpuRatio(inFlight) <= 1,
        ],
        [
          `Throughput at ${inFlight} in flight ≥ 0.8 of the floor`,
          `× ${format(throughputRatio(inFlight, 'floor'), 2)}`,
          throughputRatio(inFlight, 'floor') >= 0.8,
        ],
      ]),
      [
        'Cold import + createConnector ≤ 0.75 of the official',
        `× ${ratio(coldOurs, coldOfficial)}`,
        coldOurs <= 0.75 * coldOfficial,
      ],
      [
        'Production install ≤ a third of the official packages',
        `${installs.ours.packages} of ${installs.official.packages}`,
        installs.ours.packages * 3 <= installs.official.packages,
      ],
      [
        'A hung Postmark: a clear error within the 15 s deadline',
        `${format((hang.ours?.milliseconds ?? 0) / 1000, 1)} s`,
        (hang.ours?.outcome ?? '').startsWith('error') &&
          (hang.ours?.milliseconds ?? Number.POSITIVE_INFINITY) < 16_000,
      ],
    ];

    const document = `# Benchmarks

This connector beside the official \`@logto/connector-postmark\` 1.2.4 and the floor (a bare
\`fetch\` with a timeout signal sending the same request), measured in one run of \`npm run bench\`
on ${new Date().toISOString().slice(0, 10)}.

- Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'}, ${os.cpus().length} cores, ${format(os.totalmem() / 1024 ** 3)} GiB; Node ${process.version}.
- Postmark: the local sandbox (\`sandbox/serve.ts\`) in a process of its own, over TLS with a
  certificate made for the run; \`api.postmarkapp.com\` resolves to it inside each benchmark
  process (\`scripts/bench-route.mjs\`), so every contender runs unmodified, on port 443.
- The connectors are loaded with Logto's own loader from \`@logto/cli\`. Each measurement runs in a
  fresh process, after a warm-up; contenders take turns (${contenders.join(', ')}, then again),
  ${rounds} rounds, and the table gives medians. Ratios compare figures of the same run.
- Reproduce: \`npm install && npm run bench\` (as root: the sandbox listens on port 443 of
  ${sandboxAddress} and ${hangingAddress}).

## Sends

${sendsAt[1]} sends one at a time, and ${sendsAt[32]} sends 32 at a time.

### 1 in flight

| Contender | Sends/s | × official | × floor | CPU µs/send | CPU × official | p50 ms | p99 ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows(1).join('\n')}

### 32 in flight

| Contender | Sends/s | × official | × floor | CPU µs/send | CPU × official | p50 ms | p99 ms |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |
${rows(32).join('\n')}

## Start-up, install, a hung Postmark

| | This connector | Official | × official |
| --- | ---: | ---: | ---: |
| Cold import + \`createConnector\` (median of ${coldRuns} fresh processes) | ${format(coldOurs, 1)} ms | ${format(coldOfficial, 1)} ms | ${ratio(coldOurs, coldOfficial)} |
| Production install: packages | ${installs.ours.packages} | ${installs.official.packages} | ${ratio(installs.ours.packages, installs.official.packages)} |
| Production install: bytes | ${format(installs.ours.bytes)} | ${format(installs.official.bytes)} | ${ratio(installs.ours.bytes, installs.official.bytes)} |

The install figures come from \`npm pack\` and \`npm install --omit=dev\` of each tarball into an empty
folder. Inside Logto neither connector's dependencies are installed (\`logto connector add\` only
unpacks the tarball), so there the official connector's \`postmark\` SDK and axios are missing unless
installed by hand, while this connector's three dependencies are already in Logto core.

When Postmark accepts the connection and never answers:

- this connector: ${hangLine('ours')};
- the official connector: ${hangLine('official')} (its SDK's timeout is 180 s, with no retries);
- the floor: ${hangLine('floor')}.

## Where the time goes

Self time in a CPU profile of this connector sending ${sendsAt[32]} emails 32 at a time (warm-up and
module loading included):

| Spent in | Share |
| --- | ---: |
${shares.map(([name, share]) => `| ${name} | ${format(share * 100, 1)}% |`).join('\n')}

## Targets

| Target | Figure | Met |
| --- | --- | --- |
${targets.map(([name, figureText, met]) => `| ${name} | ${figureText} | ${met ? 'yes' : 'no'} |`).join('\n')}

## Reading

- Throughput: ${format(ours1)} sends/s one at a time (${ratio(ours1, figure('official', 1, 'sendsPerSecond'))} of the official connector, ${ratio(ours1, figure('floor', 1, 'sendsPerSecond'))} of the floor) and ${format(ours32)} sends/s 32 at a time (${ratio(ours32, figure('official', 32, 'sendsPerSecond'))} of the official, ${ratio(ours32, figure('floor', 32, 'sendsPerSecond'))} of the floor). The official connector sits close to the floor: the postmark SDK sends through axios and Node's \`https\` with little around it.
- What separates this connector from the floor is ky's work per send, the price of its retries and timeouts: a \`Request\` built and cloned per call, an abort controller and a combined signal, option merging. In the profile above, ky, the abort signals and the web streams its requests create take about a fifth of the CPU, against a few percent for the connector's own code and zod. Plain ky, measured beside it, shows that price on its own (${ratio(figure('ky', 32, 'sendsPerSecond'), figure('floor', 32, 'sendsPerSecond'))} of the floor at 32 in flight); this connector does better than plain ky because ky's \`Request\` carries no body (the body string goes whole to \`fetch\`, sparing a stream and its copy) and a saved configuration is parsed once, not per send.
- A Postmark send takes tens to hundreds of milliseconds over the internet; the CPU figures above are a few hundred microseconds per send, so in production the difference stays far below the network's.
- Cold start, install size and the hung-Postmark case are where the connectors differ most: no SDK and no axios to load or install, and an answer within the 15 s deadline.
`;

    await writeFile(path.join(root, 'BENCHMARKS.md'), document);
    console.log('\nWrote BENCHMARKS.md.');
  } finally {
    for (const sandbox of sandboxes) {
      sandbox.kill('SIGTERM');
    }
    await rm(folder, { recursive: true, force: true });
  }
};

await main();
