import type { IncomingMessage } from 'node:http';
import https from 'node:https';

/** An attempt that got no whole answer in time; the transport ended it and freed its socket. */
export class AttemptTimeoutError extends Error {
  get code() {
    return 'ETIMEDOUT';
  }

  constructor(readonly milliseconds: number) {
    super(`no answer within ${milliseconds} ms`);
    this.name = 'AttemptTimeoutError';
  }
}

export type TransportOptions = {
  /** Sent whole on every attempt, in place of the Request's body (ky's Request carries none). */
  body?: string;
  attemptTimeoutMs: number;
  /** Bytes of an answer kept; the rest is never read. */
  maxAnswerBytes: number;
  /** The longest `Retry-After` passed on to ky. */
  retryAfterCapMs: number;
  /**
   * Ends the attempt at once when it aborts: the send's deadline. The Request's own signal is no
   * use for that: ky passes a clone, and a cloned Request's signal stops following the one it came
   * from once the garbage collector has run (Node 20 and 22).
   */
  signal?: AbortSignal;
  /**
   * Node's global agent when absent: it keeps connections alive and, with NODE_USE_ENV_PROXY=1
   * (Node 22.21+), goes through HTTPS_PROXY unless NO_PROXY names the host.
   */
  agent?: https.Agent;
};

/** What `fetch` rejects with when the network fails, so that every ky retries it. */
const networkError = (cause: unknown) => new TypeError('fetch failed', { cause });

const headersOf = ({ headers }: IncomingMessage) => {
  const result = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      result.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
  }
  return result;
};

/** The shortest wait ky 1.2.3 reads as "retry": it reads a wait of 0 as "do not retry". */
const soonestRetryAfterSeconds = '0.001';

/**
 * Ky before 1.4 gives up at once on a `Retry-After` longer than its `maxRetryAfter`, where newer
 * ky waits that long and tries again; and ky 1.2.3 gives up on a `Retry-After` of 0, which newer
 * ky retries at once. The connector wants the retry on every ky, so a longer wait (or a date it
 * cannot read) reaches ky as the cap, and no wait at all as the shortest one.
 */
const capRetryAfter = (headers: Headers, capMs: number) => {
  const value = headers.get('retry-after');

  if (value === null) {
    return;
  }

  const seconds = Number(value);
  const waitMs = Number.isNaN(seconds) ? Date.parse(value) - Date.now() : seconds * 1000;

  if (!(waitMs <= capMs)) {
    headers.set('retry-after', String(capMs / 1000));
  } else if (waitMs <= 0) {
    headers.set('retry-after', soonestRetryAfterSeconds);
  }
};

const answers = new WeakMap<Response, string>();

/**
 * The body of an answer from this transport, read already (up to the cap). Its Response carries
 * none: a stream for a few hundred bytes would cost more than the rest of the answer.
 */
export const answerText = (response: Response) => answers.get(response) ?? '';

const toResponse = (
  incoming: IncomingMessage,
  chunks: Uint8Array[],
  bytes: number,
  retryAfterCapMs: number
) => {
  const headers = headersOf(incoming);
  capRetryAfter(headers, retryAfterCapMs);
  const response = new Response(null, { status: incoming.statusCode, headers });
  answers.set(response, Buffer.concat(chunks, bytes).toString());
  return response;
};

/**
 * One attempt over `node:https`: TLS verified as Node does, no redirect followed, the answer read
 * up to `maxAnswerBytes`. A failure before the answer (refused, reset, TLS, timeout) rejects as a
 * network error, with the cause (ECONNRESET…) kept; once the status line has arrived, the attempt
 * resolves with that status and whatever of the body came, because the status is Postmark's word.
 */
const attempt = async (
  request: Request,
  { body, attemptTimeoutMs, maxAnswerBytes, retryAfterCapMs, signal, agent }: TransportOptions
) =>
  new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) {
      // Like fetch: the signal's reason, whatever it is.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(signal.reason);
      return;
    }

    // Node's https refuses any other protocol, and follows no redirect.
    const outgoing = https.request(request.url, {
      method: request.method,
      headers: Object.fromEntries(request.headers),
      agent,
    });
    const timer = setTimeout(() => {
      outgoing.destroy(new AttemptTimeoutError(attemptTimeoutMs));
    }, attemptTimeoutMs);
    // eslint-disable-next-line @silverhand/fp/no-let
    let settled = false;
    // eslint-disable-next-line @silverhand/fp/no-let
    let responded = false;

    const settle = () => {
      // eslint-disable-next-line @silverhand/fp/no-mutation
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };

    function onAbort() {
      settle();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(signal?.reason);
      outgoing.destroy();
    }

    signal?.addEventListener('abort', onAbort);

    outgoing.on('error', (error) => {
      if (!settled && !responded) {
        settle();
        reject(networkError(error));
      }
    });

    outgoing.on('response', (incoming) => {
      // eslint-disable-next-line @silverhand/fp/no-mutation
      responded = true;
      const chunks: Uint8Array[] = [];
      // eslint-disable-next-line @silverhand/fp/no-let
      let bytes = 0;

      const answer = () => {
        if (settled) {
          return;
        }

        settle();
        try {
          resolve(toResponse(incoming, chunks, bytes, retryAfterCapMs));
        } catch (error: unknown) {
          // A status a Response cannot hold, such as 600.
          reject(networkError(error));
        }
      };

      incoming.on('data', (chunk: Uint8Array) => {
        const kept = chunk.subarray(0, maxAnswerBytes - bytes);
        // eslint-disable-next-line @silverhand/fp/no-mutating-methods
        chunks.push(kept);
        // eslint-disable-next-line @silverhand/fp/no-mutation
        bytes += kept.length;

        if (bytes >= maxAnswerBytes) {
          answer();
          incoming.destroy();
        }
      });
      incoming.on('end', answer);
      // Reset, destroyed or timed out while the body came: what arrived is the answer.
      incoming.on('close', answer);
      incoming.on('error', answer);
    });

    outgoing.end(body);
  });

/**
 * A `fetch` for ky that sends over `node:https`. Ky calls it with a Request (ky 1.2.3 with nothing
 * else); it owns the per-attempt timeout, failing a hung attempt as a network error, which every
 * ky 1.x retries, and it stops at once when `signal` aborts.
 */
export const createHttpsFetch =
  (options: TransportOptions) =>
  async (input: unknown): Promise<Response> => {
    if (!(input instanceof Request)) {
      throw new TypeError('ky passes fetch a Request');
    }

    return attempt(input, options);
  };
