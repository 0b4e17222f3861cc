// One measurement in a fresh process, printed as one JSON line. Plain JavaScript on purpose: no
// TypeScript loader in the process, so that none of its work is counted against a contender.
//
//   node --import ./scripts/bench-route.mjs scripts/bench-worker.mjs throughput <contender> <build> <in flight> <sends>
//   node scripts/bench-worker.mjs cold <contender>
//   node --import ./scripts/bench-route.mjs scripts/bench-worker.mjs hang <contender> <cap ms>
//
// <contender> is `ours` (the package at BENCH_PACKAGE), `official`, `fetch` or `https` (the two
// floors); <build> is `once` (one connector for every send) or `rebuilt` (a connector built for
// each send, with a fresh configuration object, as Logto core does). With BENCH_PROFILE=<file>,
// the measured sends (not the warm-up) are CPU-profiled into that file.
import { writeFile } from 'node:fs/promises';
import https from 'node:https';
import { Session } from 'node:inspector/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packages = {
  ours: process.env.BENCH_PACKAGE ?? root,
  official: path.join(root, 'node_modules', '@logto', 'connector-postmark'),
};

const config = {
  serverToken: 'sandbox-server-token',
  fromEmail: 'Acme <no-reply@example.com>',
  templates: ['SignIn', 'Register', 'ForgotPassword', 'Generic'].map((usageType) => ({
    usageType,
    templateAlias: `logto-${usageType.replaceAll(/(?<=[a-z])(?=[A-Z])/g, '-').toLowerCase()}`,
  })),
};
// Logto reads the saved configuration from its database for every send: a new object each time.
const savedConfig = JSON.stringify(config);

const message = (index) => ({
  to: 'user@example.com',
  type: 'SignIn',
  payload: { code: String(index % 1_000_000).padStart(6, '0'), locale: 'en' },
});

const url = 'https://api.postmarkapp.com/email/withTemplate';
const headers = {
  Accept: 'application/json',
  'Content-Type': 'application/json',
  'X-Postmark-Server-Token': config.serverToken,
};
const bodyOf = ({ to, type, payload }) =>
  JSON.stringify({
    From: config.fromEmail,
    To: to,
    TemplateAlias: 'logto-sign-in',
    TemplateModel: payload,
    Tag: type,
  });

/** The first floor: the same request with `fetch` and a timeout, nothing of a connector around it. */
const bareFetch = async (data) => {
  const response = await fetch(url, {
    method: 'POST',
    headers,
    body: bodyOf(data),
    signal: AbortSignal.timeout(15_000),
  });

  if (!response.ok) {
    throw new Error(`HTTP ${response.status}`);
  }

  return response.json();
};

/** The second floor: the same request with `node:https`, Node's keep-alive global agent and a timeout. */
const bareHttps = async (data) =>
  new Promise((resolve, reject) => {
    const request = https.request(url, { method: 'POST', headers }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        if (response.statusCode === 200) {
          resolve(JSON.parse(Buffer.concat(chunks).toString()));
        } else {
          reject(new Error(`HTTP ${response.statusCode}`));
        }
      });
    });
    const timer = setTimeout(() => request.destroy(new Error('timed out')), 15_000);
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    request.end(bodyOf(data));
  });

/** A connector, loaded as Logto core loads it, called as core calls it. */
const loadThroughLogto = async (contender, build) => {
  const { buildRawConnector, loadConnectorFactories } =
    await import('@logto/cli/lib/connector/index.js');
  const [factory] = await loadConnectorFactories(
    [{ path: packages[contender], name: contender }],
    false
  );
  const getConfig = async () => JSON.parse(savedConfig);
  // Core passes its lookup of the operator's own email templates; here there are none.
  const getI18nEmailTemplate = async () => {};
  const build_ = async () =>
    (await buildRawConnector(factory, getConfig, undefined, getI18nEmailTemplate)).rawConnector;

  if (build === 'rebuilt') {
    return async (data) => (await build_()).sendMessage(data);
  }

  const connector = await build_();
  return async (data) => connector.sendMessage(data);
};

const sender = async (contender, build) =>
  contender === 'fetch'
    ? bareFetch
    : contender === 'https'
      ? bareHttps
      : loadThroughLogto(contender, build);

const percentile = (sorted, share) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * share))];

const drive = async (send, inFlight, count, latencies) => {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      const start = performance.now();
      await send(message(index));
      if (latencies) {
        latencies[index] = performance.now() - start;
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));
};

/** Profiles what `run` does, into BENCH_PROFILE, when that is set. */
const profiled = async (run) => {
  const file = process.env.BENCH_PROFILE;
  if (!file) {
    return run();
  }

  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // Ten times the default resolution: a category of a few percent gets hundreds of samples.
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  const result = await run();
  const { profile } = await session.post('Profiler.stop');
  session.disconnect();
  await writeFile(file, JSON.stringify(profile));
  return result;
};

const throughput = async (contender, build, inFlight, count) => {
  const send = await sender(contender, build);
  await drive(send, Number(inFlight), Math.max(200, Number(count) / 10));

  const latencies = new Float64Array(Number(count));
  const { milliseconds, cpu } = await profiled(async () => {
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    await drive(send, Number(inFlight), Number(count), latencies);
    return { milliseconds: performance.now() - start, cpu: process.cpuUsage(cpuBefore) };
  });
  const sorted = latencies.sort();

  return {
    sendsPerSecond: Number(count) / (milliseconds / 1000),
    cpuMicrosecondsPerSend: (cpu.user + cpu.system) / Number(count),
    p50Milliseconds: percentile(sorted, 0.5),
    p99Milliseconds: percentile(sorted, 0.99),
  };
};

const cold = async (contender) => {
  const start = performance.now();
  const { default: createConnector } = await import(
    pathToFileURL(path.join(packages[contender], 'lib', 'index.js')).href
  );
  await createConnector({
    async getConfig() {
      throw new Error('not at start-up');
    },
  });
  return { milliseconds: performance.now() - start };
};

const hang = async (contender, capMilliseconds) => {
  const send = await sender(contender, 'rebuilt');
  const start = performance.now();
  const outcome = await Promise.race([
    send(message(0)).then(
      () => 'sent',
      (error) => `error: ${error?.data?.errorDescription ?? error?.message ?? String(error)}`
    ),
    new Promise((resolve) => {
      setTimeout(resolve, Number(capMilliseconds), 'still waiting');
    }),
  ]);
  return { milliseconds: performance.now() - start, outcome };
};

const [mode, contender, ...rest] = process.argv.slice(2);
const run = { throughput, cold, hang }[mode];

if (!run || !['ours', 'official', 'fetch', 'https'].includes(contender)) {
  throw new Error('usage: bench-worker.mjs throughput|cold|hang ours|official|fetch|https …');
}

console.log(JSON.stringify(await run(contender, ...rest)));
process.exit(0);
