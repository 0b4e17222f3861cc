/**
 * The proxy route Logto documents for self-hosted instances: Node 22.21+ with NODE_USE_ENV_PROXY=1
 * and HTTPS_PROXY. A real CONNECT proxy sees the tunnel to api.postmarkapp.com:443 and forwards it
 * to the sandbox; the connector runs in a child process with nothing but those variables.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

import { createProxy } from 'proxy';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { type Sandbox, startSandbox } from '../sandbox/postmark-sandbox.js';
import { createCertificate } from '../sandbox/route.js';

import { sandboxConfig } from './helpers.js';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const hasEnvProxy = major > 22 || (major === 22 && minor >= 21);

let sandbox: Sandbox | undefined;
let proxy: http.Server | undefined;
let folder: string;
const tunnels: string[] = [];

beforeAll(async () => {
  if (!hasEnvProxy) {
    return;
  }

  folder = await mkdtemp(path.join(tmpdir(), 'postmark-proxy-'));
  const certificate = await createCertificate();
  await writeFile(path.join(folder, 'ca.pem'), certificate.cert);
  sandbox = await startSandbox({ tls: certificate });

  const server = http.createServer();
  // Registered before the proxy's own listener: note the tunnel asked for, then point it at the sandbox.
  server.on('connect', (request: http.IncomingMessage) => {
    tunnels.push(request.url ?? '');
    request.url = `127.0.0.1:${sandbox?.port ?? 0}`;
  });
  proxy = createProxy(server);
  await new Promise<void>((resolve) => {
    proxy?.listen(0, '127.0.0.1', resolve);
  });
});

afterAll(async () => {
  proxy?.closeAllConnections();
  proxy?.close();
  await sandbox?.close();
  if (folder) {
    await rm(folder, { recursive: true, force: true });
  }
});

it.skipIf(!hasEnvProxy)(
  'sends through the proxy named by HTTPS_PROXY when NODE_USE_ENV_PROXY=1',
  async () => {
    const script = `
      const { default: createConnector } = await import(${JSON.stringify(pathToFileURL(path.join(root, 'lib/index.js')).href)});
      const connector = await createConnector({ getConfig: async () => (${JSON.stringify(sandboxConfig)}) });
      const result = await connector.sendMessage({ to: 'user@example.com', type: 'SignIn', payload: { code: '161803' } });
      console.log(JSON.stringify(result));
    `;
    const { port } = proxy?.address() as AddressInfo;

    const { stdout } = await run(process.execPath, ['--input-type=module', '--eval', script], {
      env: {
        PATH: process.env.PATH,
        NODE_USE_ENV_PROXY: '1',
        HTTPS_PROXY: `http://127.0.0.1:${port}`,
        NODE_EXTRA_CA_CERTS: path.join(folder, 'ca.pem'),
      },
    });

    expect(JSON.parse(stdout)).toMatchObject({ To: 'user@example.com', ErrorCode: 0 });
    expect(tunnels).toEqual(['api.postmarkapp.com:443']);
    expect(sandbox?.accepted.map(({ body }) => body.TemplateModel)).toEqual([{ code: '161803' }]);
  }
);
