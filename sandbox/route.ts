/**
 * Sends this process's requests for api.postmarkapp.com to a local sandbox, over TLS with a
 * certificate made for the run, so the connector runs unmodified and the token never leaves the
 * machine. Every other host is refused.
 */
import { generate } from 'selfsigned';
import {
  Agent,
  type Dispatcher,
  buildConnector,
  getGlobalDispatcher,
  setGlobalDispatcher,
} from 'undici';

export const postmarkHost = 'api.postmarkapp.com';

export type Certificate = { key: string; cert: string };

/** A certificate for api.postmarkapp.com that only this run trusts. */
export const createCertificate = async (): Promise<Certificate> => {
  const pems = await generate([{ name: 'commonName', value: postmarkHost }], {
    keyType: 'ec',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: postmarkHost }] }],
  });
  return { key: pems.private, cert: pems.cert };
};

export const createPostmarkRoute = (port: number, ca: string): Dispatcher => {
  const connectTls = buildConnector({ ca });

  return new Agent({
    connect: (options, callback) => {
      if (options.hostname !== postmarkHost) {
        callback(
          new Error(`This process only reaches ${postmarkHost}, not ${options.hostname}.`),
          null
        );
        return;
      }

      connectTls(
        {
          ...options,
          hostname: '127.0.0.1',
          port: String(port),
          servername: postmarkHost,
        },
        callback
      );
    },
  });
};

/** Routes the global fetch to the sandbox; the returned function undoes it. */
export const routePostmarkTo = (port: number, ca: string) => {
  const previous = getGlobalDispatcher();
  const route = createPostmarkRoute(port, ca);
  setGlobalDispatcher(route);

  return async () => {
    setGlobalDispatcher(previous);
    await route.close();
  };
};
