import ky from 'ky';
import { getEventListeners, once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { type Certificate, PostmarkRouteAgent, createCertificate } from '../sandbox/route.js';

import { maxAnswerBytes } from './constant.js';
import {
  AttemptTimeoutError,
  type TransportOptions,
  answerText,
  createHttpsFetch,
} from './transport.js';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

const url = 'https://api.postmarkapp.com/email/withTemplate';

let certificate: Certificate;
let server: https.Server;
let port: number;
let agent: PostmarkRouteAgent;
let handle: Handler;
type Seen = Pick<IncomingMessage, 'method' | 'url' | 'headers' | 'socket'> & { body: string };
const seen: Seen[] = [];
const closed: Socket[] = [];

beforeAll(async () => {
  certificate = await createCertificate();
  server = https.createServer({ ...certificate, keepAlive: true }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString();
      const { method, url, headers, socket } = request;
      seen.push({ method, url, headers, socket, body });
      handle(request, response, body);
    });
  });
  server.on('secureConnection', (socket: Socket) => {
    socket.on('close', () => closed.push(socket));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  ({ port } = server.address() as AddressInfo);
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
});

afterEach(() => {
  agent.destroy();
  seen.length = 0;
  closed.length = 0;
});

const setUp = (handler: Handler, options: Partial<TransportOptions> = {}) => {
  handle = handler;
  agent = new PostmarkRouteAgent(port, certificate.cert);
  return createHttpsFetch({
    attemptTimeoutMs: 2000,
    maxAnswerBytes,
    retryAfterCapMs: 3000,
    agent,
    ...options,
  });
};

const postmarkRequest = (signal?: AbortSignal) =>
  new Request(url, {
    method: 'POST',
    headers: { Accept: 'application/json', 'X-Postmark-Server-Token': 't0ken' },
    signal,
  });

const ok: Handler = (_, response) => {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end('{"ErrorCode":0,"Message":"OK"}');
};

const hang: Handler = () => {
  // Takes the request and never answers.
};

/** Resolves once the server has seen the connection close: the client let go of its socket. */
const socketClosed = async (socket: Socket | undefined) =>
  vi.waitFor(() => {
    expect(closed).toContain(socket);
  });

const collectGarbage = () => {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
};

const failureOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the attempt to fail');
    },
    (error: unknown) => error as TypeError & { cause: Error & { code?: string } }
  );

describe('createHttpsFetch', () => {
  it("sends the Request's method, URL and headers, with the body it holds", async () => {
    const send = setUp(ok, { body: '{"To":"user@example.com"}' });

    const response = await send(postmarkRequest());

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(answerText(response)).toBe('{"ErrorCode":0,"Message":"OK"}');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/email/withTemplate',
      body: '{"To":"user@example.com"}',
      headers: {
        host: 'api.postmarkapp.com',
        accept: 'application/json',
        'x-postmark-server-token': 't0ken',
        'content-length': '25',
      },
    });
  });

  it('keeps the connection for the next attempt', async () => {
    const send = setUp(ok);

    await send(postmarkRequest());
    await send(postmarkRequest());

    expect(seen.map(({ socket }) => socket)).toEqual([seen[0]?.socket, seen[0]?.socket]);
  });

  it.each([
    ['an answer', ok],
    ['a failure', (request: IncomingMessage) => request.socket.destroy()],
  ])('after %s, leaves no timer and no abort listener behind', async (_, handler) => {
    const controller = new AbortController();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const cleared = vi.spyOn(globalThis, 'clearTimeout');
    const send = setUp(handler, { attemptTimeoutMs: 1234, signal: controller.signal });

    await send(postmarkRequest()).catch(() => null);

    const timer = timers.mock.calls.findIndex(([, milliseconds]) => milliseconds === 1234);
    expect(cleared).toHaveBeenCalledWith(timers.mock.results[timer]?.value);
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
    vi.restoreAllMocks();
  });

  it('keeps the connection when the send aborts after its attempt answered', async () => {
    const controller = new AbortController();
    const send = setUp(ok, { signal: controller.signal });

    await send(postmarkRequest());
    controller.abort();
    const again = createHttpsFetch({
      attemptTimeoutMs: 2000,
      maxAnswerBytes,
      retryAfterCapMs: 3000,
      agent,
    });
    await again(postmarkRequest());

    expect(seen[1]?.socket).toBe(seen[0]?.socket);
  });

  it('verifies TLS: an untrusted certificate ends the attempt before anything is sent', async () => {
    handle = ok;
    agent = new PostmarkRouteAgent(port);
    const send = createHttpsFetch({
      attemptTimeoutMs: 2000,
      maxAnswerBytes,
      retryAfterCapMs: 3000,
      agent,
    });

    const error = await failureOf(send(postmarkRequest()));

    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause.code).toMatch(/CERT/);
    expect(seen).toHaveLength(0);
  });

  it('follows no redirect: the token goes to no other host', async () => {
    const send = setUp((_, response) => {
      response.writeHead(307, { Location: 'https://collector.example/email/withTemplate' });
      response.end();
    });

    const response = await send(postmarkRequest());

    expect(response.status).toBe(307);
    expect(seen).toHaveLength(1);
  });

  it('ends a hung attempt at its timeout as a network error, and lets go of its socket', async () => {
    const send = setUp(hang, { attemptTimeoutMs: 150 });
    const start = performance.now();

    const error = await failureOf(send(postmarkRequest()));

    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause).toBeInstanceOf(AttemptTimeoutError);
    expect(error.cause.code).toBe('ETIMEDOUT');
    await socketClosed(seen[0]?.socket);
    expect(Object.keys(agent.sockets)).toHaveLength(0);
  });

  it('stops when its signal aborts, and lets go of its socket', async () => {
    const controller = new AbortController();
    const send = setUp(hang, { signal: controller.signal });
    const reason = new Error('the deadline passed');
    setTimeout(() => {
      controller.abort(reason);
    }, 100);

    await expect(send(postmarkRequest())).rejects.toBe(reason);
    await socketClosed(seen[0]?.socket);
    expect(Object.keys(agent.sockets)).toHaveLength(0);
  });

  it("stops on its signal even after a garbage collection, when a cloned Request's would not", async () => {
    const controller = new AbortController();
    const send = setUp(hang, { signal: controller.signal });
    // What ky passes: a clone of a Request made with the deadline's signal.
    const request = postmarkRequest(controller.signal).clone();
    const reason = new Error('the deadline passed');

    const sent = send(request);
    await vi.waitFor(() => {
      expect(seen).toHaveLength(1);
    });
    collectGarbage();
    controller.abort(reason);

    await expect(sent).rejects.toBe(reason);
  });

  it('sends nothing once its signal has aborted', async () => {
    const send = setUp(ok, { signal: AbortSignal.abort() });

    await expect(send(postmarkRequest())).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toHaveLength(0);
  });

  it('reads at most maxAnswerBytes of an answer, and reads no further', async () => {
    const send = setUp((_, response) => {
      response.writeHead(502, { 'Content-Type': 'text/html' });
      const chunk = '<p>' + 'x'.repeat(16 * 1024) + '</p>';
      const more = () => {
        while (!response.destroyed && response.write(chunk)) {
          // Writes until the client stops reading.
        }
      };
      response.on('drain', more);
      more();
    });

    const response = await send(postmarkRequest());

    expect(response.status).toBe(502);
    expect(answerText(response)).toHaveLength(maxAnswerBytes);
    expect(answerText(response).startsWith('<p>xxx')).toBe(true);
    await socketClosed(seen[0]?.socket);
  });

  it.each([
    ['120', '3'],
    ['3', '3'],
    ['3.001', '3'],
    ['2', '2'],
    ['soon', '3'],
    [new Date(Date.now() + 60_000).toUTCString(), '3'],
    // Ky 1.2.3 reads 0 as "do not retry"; newer ky retries at once. 1 ms is "at once" on both.
    ['0', '0.001'],
    ['-5', '0.001'],
    [new Date(Date.now() - 60_000).toUTCString(), '0.001'],
  ])(
    'passes a Retry-After of %j to ky as %j, so every ky waits the cap and retries',
    async (asked, passed) => {
      const send = setUp((_, response) => {
        response.writeHead(429, { 'Retry-After': asked });
        response.end('{}');
      });

      const response = await send(postmarkRequest());

      expect(response.headers.get('retry-after')).toBe(passed);
    }
  );

  it('answers with the status and what came when the connection breaks in the body', async () => {
    const send = setUp((_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      response.write('{"ErrorCode":0,');
      setTimeout(() => response.socket?.destroy(), 20);
    });

    const response = await send(postmarkRequest());

    expect(response.status).toBe(200);
    expect(answerText(response)).toBe('{"ErrorCode":0,');
  });

  it('a kept-alive connection the server dropped meanwhile fails with its cause, ECONNRESET', async () => {
    const send = setUp((request, response, body) => {
      if (seen.length === 1) {
        ok(request, response, body);
      } else {
        request.socket.destroy();
      }
    });

    await send(postmarkRequest());
    const error = await failureOf(send(postmarkRequest()));

    expect(seen.map(({ socket }) => socket)).toEqual([seen[0]?.socket, seen[0]?.socket]);
    expect(error).toBeInstanceOf(TypeError);
    expect(error.cause.code).toBe('ECONNRESET');
  });

  it('lets ky retry a hung attempt, then a dropped connection, until one answers', async () => {
    const send = setUp(
      (request, response, body) => {
        if (seen.length === 1) {
          return;
        }

        if (seen.length === 2) {
          request.socket.destroy();
          return;
        }

        ok(request, response, body);
      },
      { attemptTimeoutMs: 200 }
    );

    const response = await ky.post(url, {
      timeout: false,
      retry: { limit: 2, methods: ['post'], delay: () => 10 },
      fetch: send,
    });

    expect(answerText(response)).toBe('{"ErrorCode":0,"Message":"OK"}');
    expect(seen).toHaveLength(3);
  });
});
