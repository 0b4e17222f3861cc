/**
 * Many sends at once while Postmark has transient trouble: every call must end in exactly one
 * accepted email or a ConnectorError, and memory must stay bounded.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { ConnectorError, TemplateType } from '@logto/connector-kit';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { type Factory, loadFactory, sendAsLogto } from '../sandbox/logto.js';
import { type Fault, faults } from '../sandbox/postmark-sandbox.js';

import { type RoutedSandbox, sandboxConfig, startRoutedSandbox } from './helpers.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sends = 2000;
const inFlight = 20;
const faultPercent = 10;

let sandbox: RoutedSandbox;
let factory: Factory;

beforeAll(async () => {
  sandbox = await startRoutedSandbox();
  factory = await loadFactory(root);
});

afterAll(async () => {
  await sandbox.stop();
});

/** A full collection before each reading, so that the figures show what is kept, not what is pending. */
const collectGarbage = () => {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
};

const transientFaults: Array<() => Fault> = [
  () => faults.rateLimited(),
  () => faults.internalError(),
  () => faults.badGatewayHtml(),
  () => faults.unavailable(),
  () => faults.gatewayTimeout(),
  () => faults.reset(),
  () => faults.slow(50),
];

it(`${sends} sends, ${inFlight} at a time, with about ${faultPercent}% transient faults`, async () => {
  // One queue entry per request the sandbox will see (retries take entries too, so make room):
  // every tenth a transient fault, of each kind in turn. With 20 sends in flight, which send meets
  // which fault is up to the interleaving, as it would be against Postmark.
  const everyNth = 100 / faultPercent;
  const queue = Array.from({ length: sends * 2 }, (_, index) =>
    index % everyNth === 0
      ? (transientFaults[(index / everyNth) % transientFaults.length] ?? faults.none)()
      : faults.none()
  );
  sandbox.fail(...queue);

  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  collectGarbage();
  const before = process.memoryUsage();
  const start = performance.now();

  const resolvedCodes: string[] = [];
  const rejected: unknown[] = [];
  let cursor = 0;
  const worker = async () => {
    while (cursor < sends) {
      const code = String(cursor++).padStart(6, '0');
      try {
        // Built anew for every send, with the configuration read anew, as Logto core does.
        await sendAsLogto(factory, sandboxConfig, {
          to: 'user@example.com',
          type: TemplateType.SignIn,
          payload: { code },
        });
        resolvedCodes.push(code);
      } catch (error: unknown) {
        rejected.push(error);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, worker));

  const seconds = (performance.now() - start) / 1000;
  collectGarbage();
  const after = process.memoryUsage();
  process.off('unhandledRejection', onUnhandled);

  const injected = queue
    .slice(0, sandbox.requests.length)
    .filter(({ kind }) => kind !== 'none').length;
  const acceptedCodes = sandbox.accepted.map(
    ({ body }) => (body.TemplateModel as { code: string }).code
  );
  const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log(
    [
      `soak: ${sends} sends, ${inFlight} in flight, ${seconds.toFixed(1)} s`,
      `requests ${sandbox.requests.length}, faults met ${injected}`,
      `accepted ${sandbox.accepted.length}, resolved ${resolvedCodes.length}, rejected ${rejected.length}`,
      `resident memory ${megabytes(before.rss)} before, ${megabytes(after.rss)} after`,
      `heap in use ${megabytes(before.heapUsed)} before, ${megabytes(after.heapUsed)} after`,
    ].join('; ')
  );

  expect(resolvedCodes.length + rejected.length).toBe(sends);
  expect(rejected.every((error) => error instanceof ConnectorError)).toBe(true);
  // Each resolved call is exactly one accepted email; nothing accepted went unreported.
  expect(acceptedCodes.sort()).toEqual(resolvedCodes.sort());
  expect(new Set(acceptedCodes).size).toBe(acceptedCodes.length);
  expect(injected).toBeGreaterThan((sends * faultPercent) / 200);
  expect(unhandled).toEqual([]);
  // What stays after the sends is the sandbox's own record of 2,000 emails, not connector state.
  expect(after.heapUsed - before.heapUsed).toBeLessThan(64 * 1024 * 1024);
}, 120_000);
