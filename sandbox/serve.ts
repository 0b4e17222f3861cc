/**
 * The sandbox as a process of its own, for the benchmark: its work must not count as the
 * connector's CPU time. Reads the TLS key and certificate from files, prints `ready <port>`.
 *
 *   tsx sandbox/serve.ts --key key.pem --cert cert.pem [--host 127.0.0.1] [--port 443]
 *     [--hang | --hang-every-other]
 *
 * `--hang`: no request is ever answered. `--hang-every-other`: the first request, the third and so
 * on get no answer, like a stale connection that swallows one request before a retry gets through.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { faults, startSandbox } from './postmark-sandbox.js';

const { values } = parseArgs({
  options: {
    key: { type: 'string' },
    cert: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
    hang: { type: 'boolean', default: false },
    'hang-every-other': { type: 'boolean', default: false },
  },
});

if (!values.key || !values.cert) {
  throw new Error('--key and --cert name the TLS key and certificate files.');
}

const sandbox = await startSandbox({
  tls: { key: await readFile(values.key, 'utf8'), cert: await readFile(values.cert, 'utf8') },
  host: values.host,
  port: Number(values.port),
  record: false,
  hang: values.hang,
});

if (values['hang-every-other']) {
  sandbox.fail(
    ...Array.from({ length: 10_000 }, (_, index) => (index % 2 ? faults.none() : faults.hang()))
  );
}

console.log(`ready ${sandbox.port}`);

const stop = async () => {
  console.error(
    `sandbox: ${sandbox.counts.requests} requests, ${sandbox.counts.accepted} accepted`
  );
  await sandbox.close();
  // Hung requests would keep the process alive; the benchmark asked it to go.
  // eslint-disable-next-line unicorn/no-process-exit
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
