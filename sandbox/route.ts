/**
 * Sends this process's requests for api.postmarkapp.com to a local sandbox, over TLS with a
 * certificate made for the run, so the connector runs unmodified and the token never leaves the
 * machine. Every other host is refused. Both ways out are routed: `fetch` (undici's global
 * dispatcher) and `node:https` (its global agent).
 */
import https from 'node:https';
import type { Duplex } from 'node:stream';
import tls from 'node:tls';
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

/** A keep-alive agent, like Node's global one, whose connections to Postmark reach the sandbox. */
export class PostmarkRouteAgent extends https.Agent {
  constructor(
    private readonly port: number,
    ca?: string
  ) {
    super({ keepAlive: true, ca });
  }

  override createConnection(options: tls.ConnectionOptions): Duplex {
    if (options.host !== postmarkHost) {
      throw new Error(`This process only reaches ${postmarkHost}, not ${String(options.host)}.`);
    }

    return tls.connect({
      ...options,
      host: '127.0.0.1',
      port: this.port,
      servername: postmarkHost,
    });
  }
}

/** Routes the global fetch and https agent to the sandbox; the returned function undoes it. */
export const routePostmarkTo = (port: number, ca: string) => {
  const previous = { dispatcher: getGlobalDispatcher(), agent: https.globalAgent };
  const route = createPostmarkRoute(port, ca);
  const agent = new PostmarkRouteAgent(port, ca);
  setGlobalDispatcher(route);
  https.globalAgent = agent;

  return async () => {
    setGlobalDispatcher(previous.dispatcher);
    https.globalAgent = previous.agent;
    agent.destroy();
    await route.close();
  };
};
