import {
  type Sandbox,
  type SandboxOptions,
  sandboxToken,
  startSandbox,
} from '../sandbox/postmark-sandbox.js';
import { createCertificate, routePostmarkTo } from '../sandbox/route.js';
import { mockTemplates } from '../src/mock.js';

export const requiredTemplates = mockTemplates;

export const sandboxConfig = {
  serverToken: sandboxToken,
  fromEmail: 'Acme <no-reply@example.com>',
  templates: requiredTemplates,
};

export type RoutedSandbox = Sandbox & { certificate: string; stop: () => Promise<void> };

/** A TLS sandbox that this process reaches as https://api.postmarkapp.com. */
export const startRoutedSandbox = async (options: SandboxOptions = {}): Promise<RoutedSandbox> => {
  const certificate = await createCertificate();
  const sandbox = await startSandbox({ ...options, tls: certificate });
  const unroute = routePostmarkTo(sandbox.port, certificate.cert);

  return {
    ...sandbox,
    certificate: certificate.cert,
    stop: async () => {
      await unroute();
      await sandbox.close();
    },
  };
};

export const errorOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure, but it resolved');
    },
    (error: unknown) =>
      error as {
        code: string;
        data: { errorDescription: string; operatorMessage?: string; attempts?: number };
      }
  );
