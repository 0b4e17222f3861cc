import { getEventListeners, once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { type Certificate, PostmarkRouteAgent, createCertificate } from '../../sandbox/route.js';
import { maxAnswerBytes } from '../constant.js';

import { type AttemptOptions, AttemptTimeoutError, NetworkError, attemptRequest } from './fetch.js';

type Handler = (request: IncomingMessage, response: ServerResponse, body: string) => void;

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

const { globalAgent } = https;

afterEach(() => {
  https.globalAgent = globalAgent;
  agent.destroy();
  seen.length = 0;
  closed.length = 0;
});

/** The attempt goes through Node's global agent, as in Logto; here it reaches the local server. */
const useAgent = (next: PostmarkRouteAgent) => {
  agent = next;
  https.globalAgent = next;
};

/** What an attempt answered, read as the client reads it. */
const answerOf = async (response: Response) => ({
  status: response.status,
  retryAfter: response.headers.get('retry-after') ?? undefined,
  body: await response.text(),
});

const withOptions = (options: Partial<AttemptOptions>) => async (payload?: string) =>
  answerOf(
    await attemptRequest(postmarkRequest(payload), {
      payload,
      attemptTimeoutMs: 2000,
      maxAnswerBytes,
      deadline: new AbortController().signal,
      ...options,
    })
  );

const setUp = (handler: Handler, options: Partial<AttemptOptions> = {}) => {
  handle = handler;
  useAgent(new PostmarkRouteAgent(port, certificate.cert));
  return withOptions(options);
};

/** The request as ky hands it over: its body rides beside it, as the attempt's payload. */
const postmarkRequest = (payload?: string) =>
  new Request('https://api.postmarkapp.com/email/withTemplate', {
    method: payload === undefined ? 'GET' : 'POST',
    headers: { Accept: 'application/json', 'X-Postmark-Server-Token': 't0ken' },
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

const failureOf = async (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected the attempt to fail');
    },
    (error: unknown) => error as NetworkError & { cause: Error & { code?: string } }
  );

describe('attempt', () => {
  it('sends the method, path, headers and body, and answers with status and body', async () => {
    const send = setUp(ok);

    const response = await send('{"To":"user@example.com"}');

    expect(response).toEqual({
      status: 200,
      retryAfter: undefined,
      body: '{"ErrorCode":0,"Message":"OK"}',
    });
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

    await send();
    await send();

    expect(seen.map(({ socket }) => socket)).toEqual([seen[0]?.socket, seen[0]?.socket]);
  });

  it.each([
    ['an answer', ok],
    ['a failure', (request: IncomingMessage) => request.socket.destroy()],
  ])('after %s, leaves no timer and no abort listener behind', async (_, handler) => {
    const controller = new AbortController();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    const cleared = vi.spyOn(globalThis, 'clearTimeout');
    const send = setUp(handler, { attemptTimeoutMs: 1234, deadline: controller.signal });

    await send().catch(() => null);

    const timer = timers.mock.calls.findIndex(([, milliseconds]) => milliseconds === 1234);
    expect(cleared).toHaveBeenCalledWith(timers.mock.results[timer]?.value);
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
    vi.restoreAllMocks();
  });

  it('keeps the connection when the send aborts after its attempt answered', async () => {
    const controller = new AbortController();
    const send = setUp(ok, { deadline: controller.signal });

    await send();
    controller.abort();
    await withOptions({})();

    expect(seen[1]?.socket).toBe(seen[0]?.socket);
  });

  it('verifies TLS: an untrusted certificate ends the attempt before anything is sent', async () => {
    handle = ok;
    useAgent(new PostmarkRouteAgent(port));
    const send = withOptions({});

    const error = await failureOf(send());

    expect(error).toBeInstanceOf(NetworkError);
    expect(error.cause.code).toMatch(/CERT/);
    expect(seen).toHaveLength(0);
  });

  it('follows no redirect: the token goes to no other host', async () => {
    const send = setUp((_, response) => {
      response.writeHead(307, { Location: 'https://collector.example/email/withTemplate' });
      response.end();
    });

    const response = await send();

    expect(response.status).toBe(307);
    expect(seen).toHaveLength(1);
  });

  it('ends a hung attempt at its timeout as a network error, and lets go of its socket', async () => {
    const send = setUp(hang, { attemptTimeoutMs: 150 });
    const start = performance.now();

    const error = await failureOf(send());

    expect(performance.now() - start).toBeGreaterThanOrEqual(140);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.cause).toBeInstanceOf(AttemptTimeoutError);
    expect(error.cause.code).toBe('ETIMEDOUT');
    // The operator reads these words in the error's cause.
    expect(error).toMatchObject({ name: 'NetworkError', message: 'no answer from Postmark' });
    expect(error.cause).toMatchObject({
      name: 'AttemptTimeoutError',
      message: 'no answer within 150 ms',
    });
    await socketClosed(seen[0]?.socket);
    expect(Object.keys(agent.sockets)).toHaveLength(0);
  });

  it('stops when its signal aborts, and lets go of its socket', async () => {
    const controller = new AbortController();
    const send = setUp(hang, { deadline: controller.signal });
    const reason = new Error('the deadline passed');
    setTimeout(() => {
      controller.abort(reason);
    }, 100);

    await expect(send()).rejects.toBe(reason);
    await socketClosed(seen[0]?.socket);
    expect(Object.keys(agent.sockets)).toHaveLength(0);
  });

  it('sends nothing once its signal has aborted', async () => {
    const send = setUp(ok, { deadline: AbortSignal.abort() });

    await expect(send()).rejects.toMatchObject({ name: 'AbortError' });
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

    const response = await send();

    expect(response.status).toBe(502);
    expect(response.body).toHaveLength(maxAnswerBytes);
    expect(response.body.startsWith('<p>xxx')).toBe(true);
    await socketClosed(seen[0]?.socket);
  });

  it.each([['120'], ['0'], [new Date(Date.now() + 60_000).toUTCString()]])(
    'passes a Retry-After of %j on as it came',
    async (asked) => {
      const send = setUp((_, response) => {
        response.writeHead(429, { 'Retry-After': asked });
        response.end('{}');
      });

      expect(await send()).toEqual({ status: 429, retryAfter: asked, body: '{}' });
    }
  );

  it('passes on the first of two Retry-After headers, as Node keeps it', async () => {
    const send = setUp((_, response) => {
      response.writeHead(503, { 'Retry-After': ['5', '60'] });
      response.end('{}');
    });

    expect(await send()).toEqual({ status: 503, retryAfter: '5', body: '{}' });
  });

  it('answers with the status and what came when the connection breaks in the body', async () => {
    const send = setUp((_, response) => {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '100' });
      response.write('{"ErrorCode":0,');
      setTimeout(() => response.socket?.destroy(), 20);
    });

    const response = await send();

    expect(response.status).toBe(200);
    expect(response.body).toBe('{"ErrorCode":0,');
  });

  it('answers with the status and what came when the body turns to garbage', async () => {
    const send = setUp((request) => {
      // A chunk, then a chunk size that is not one: the request errs after its answer began.
      request.socket.write(
        'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nf\r\n{"ErrorCode":0,\r\nzz\r\n'
      );
    });

    const response = await send();

    expect(response.status).toBe(200);
    expect(response.body).toBe('{"ErrorCode":0,');
  });

  // Node reads any other 1xx (100, 199) as informational and waits on for the final status.
  it.each([[99], [101], [600]])(
    'fails as a network error on a status %i, which no Response can hold',
    async (status) => {
      const send = setUp((request) => {
        request.socket.write(
          `HTTP/1.1 ${String(status).padStart(3, '0')} Odd\r\nContent-Length: 0\r\n\r\n`
        );
      });

      const error = await failureOf(send());

      expect(error).toBeInstanceOf(NetworkError);
      expect(error).toMatchObject({ name: 'NetworkError', message: 'no answer from Postmark' });
      expect(error.cause).toBeInstanceOf(RangeError);
      expect(seen).toHaveLength(1);
    }
  );

  it('a kept-alive connection the server dropped meanwhile fails with its cause, ECONNRESET', async () => {
    const send = setUp((request, response, body) => {
      if (seen.length === 1) {
        ok(request, response, body);
      } else {
        request.socket.destroy();
      }
    });

    await send();
    const error = await failureOf(send());

    expect(seen.map(({ socket }) => socket)).toEqual([seen[0]?.socket, seen[0]?.socket]);
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.cause.code).toBe('ECONNRESET');
  });

  it('after a hung attempt and a dropped connection, the next attempt answers', async () => {
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

    const first = await failureOf(send());
    const second = await failureOf(send());
    const third = await send();

    expect(first.cause).toBeInstanceOf(AttemptTimeoutError);
    expect(second.cause.code).toBe('ECONNRESET');
    expect(third.body).toBe('{"ErrorCode":0,"Message":"OK"}');
    expect(seen).toHaveLength(3);
  });

  it('ignores events that come after the deadline ended the attempt', async () => {
    const controller = new AbortController();
    const send = setUp(
      (_, response) => {
        setTimeout(() => {
          response.writeHead(200);
          response.end('{}');
        }, 100);
      },
      { deadline: controller.signal }
    );
    const reason = new Error('the deadline passed');

    const sent = send();
    await vi.waitFor(() => {
      expect(seen).toHaveLength(1);
    });
    controller.abort(reason);

    await expect(sent).rejects.toBe(reason);
    await socketClosed(seen[0]?.socket);
    expect(getEventListeners(controller.signal, 'abort')).toEqual([]);
  });
});
