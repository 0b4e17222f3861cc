// One measurement in a fresh process, printed as one JSON line. Plain JavaScript on purpose: no
// TypeScript loader in the process, so that none of its work is counted against a contender.
//
//   node --import ./scripts/bench-route.mjs scripts/bench-worker.mjs throughput <contender> <in flight> <sends>
//   node scripts/bench-worker.mjs cold <contender>
//   node --import ./scripts/bench-route.mjs scripts/bench-worker.mjs hang <contender> <cap ms>
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const packages = {
  ours: root,
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

const message = (index) => ({
  to: 'user@example.com',
  type: 'SignIn',
  payload: { code: String(index % 1_000_000).padStart(6, '0'), locale: 'en' },
});

/** The floor: what any client must do at least, with nothing of a connector around it. */
const bareFetch = async ({ to, type, payload }) => {
  const response = await fetch('https://api.postmarkapp.com/email/withTemplate', {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      'X-Postmark-Server-Token': config.serverToken,
    },
    body: JSON.stringify({
      From: config.fromEmail,
      To: to,
      TemplateAlias: 'logto-sign-in',
      TemplateModel: payload,
      Tag: type,
    }),
    signal: AbortSignal.timeout(15_000),
  });

  if (!response.ok) {
    throw new Error(`HTTP ${response.status}`);
  }

  return response.json();
};

/** A plain ky client, for reference: what ky itself costs over a bare fetch. */
const plainKy = async () => {
  const { default: ky } = await import('ky');
  return async ({ to, type, payload }) =>
    ky
      .post('https://api.postmarkapp.com/email/withTemplate', {
        headers: { Accept: 'application/json', 'X-Postmark-Server-Token': config.serverToken },
        json: {
          From: config.fromEmail,
          To: to,
          TemplateAlias: 'logto-sign-in',
          TemplateModel: payload,
          Tag: type,
        },
        timeout: 15_000,
      })
      .json();
};

/** The two connectors, loaded as Logto core loads them. */
const loadThroughLogto = async (contender) => {
  const { buildRawConnector, loadConnectorFactories } =
    await import('@logto/cli/lib/connector/index.js');
  const [factory] = await loadConnectorFactories(
    [{ path: packages[contender], name: contender }],
    false
  );
  const { rawConnector } = await buildRawConnector(factory, async () => config);
  return async (data) => rawConnector.sendMessage(data);
};

const sender = async (contender) =>
  contender === 'floor' ? bareFetch : contender === 'ky' ? plainKy() : loadThroughLogto(contender);

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

const throughput = async (contender, inFlight, count) => {
  const send = await sender(contender);
  await drive(send, inFlight, Math.max(200, count / 10));

  const latencies = new Float64Array(count);
  const cpuBefore = process.cpuUsage();
  const start = performance.now();
  await drive(send, inFlight, count, latencies);
  const milliseconds = performance.now() - start;
  const cpu = process.cpuUsage(cpuBefore);
  const sorted = latencies.sort();

  return {
    sendsPerSecond: count / (milliseconds / 1000),
    cpuMicrosecondsPerSend: (cpu.user + cpu.system) / count,
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
    getConfig: async () => {
      throw new Error('not at start-up');
    },
  });
  return { milliseconds: performance.now() - start };
};

const hang = async (contender, capMilliseconds) => {
  const send = await sender(contender);
  const start = performance.now();
  const outcome = await Promise.race([
    send(message(0)).then(
      () => 'sent',
      (error) => `error: ${error?.data?.errorDescription ?? error?.message ?? String(error)}`
    ),
    new Promise((resolve) => {
      setTimeout(resolve, capMilliseconds, 'still waiting');
    }),
  ]);
  return { milliseconds: performance.now() - start, outcome };
};

const [mode, contender, ...rest] = process.argv.slice(2);
const run = { throughput, cold, hang }[mode];

if (!run || !['ours', 'official', 'floor', 'ky'].includes(contender)) {
  throw new Error('usage: bench-worker.mjs throughput|cold|hang ours|official|floor|ky …');
}

console.log(JSON.stringify(await run(contender, ...rest.map(Number))));
process.exit(0);
