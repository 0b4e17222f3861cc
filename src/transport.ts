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

/** A failure before any answer came (refused, reset, TLS, timeout); `cause` says which. */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super('no answer from Postmark', { cause });
    this.name = 'NetworkError';
  }
}

export type Exchange = {
  method: 'GET' | 'POST';
  host: string;
  /** Starts with `/`. */
  path: string;
  headers: Record<string, string>;
  body?: string;
};

/**
 * An answer: its status, its `Retry-After` (Node keeps the first of several), and its body up to
 * the cap.
 */
export type Answer = { status: number; retryAfter: string | undefined; body: string };

export type TransportOptions = {
  attemptTimeoutMs: number;
  /** Bytes of an answer kept; the rest is never read. */
  maxAnswerBytes: number;
  /** Ends the attempt at once when it aborts: the send's deadline. */
  signal?: AbortSignal;
  /**
   * Node's global agent when absent: it keeps connections alive and, with NODE_USE_ENV_PROXY=1
   * (Node 22.21+), goes through HTTPS_PROXY unless NO_PROXY names the host.
   */
  agent?: https.Agent;
};

/** Node's https refuses any other protocol, and follows no redirect. */
const startRequest = ({ method, host, path, headers, body }: Exchange, agent?: https.Agent) => {
  const outgoing = https.request({ method, host, path, headers, agent });
  outgoing.end(body);
  return outgoing;
};

/**
 * Reads `incoming` up to `maxBytes`, then calls `done` with what came. A connection that breaks
 * while the body comes ends the read too: what arrived is the answer. `close` comes once, after
 * the end, a break or `destroy`; Node emits an answer's `error` only to listeners, and there are
 * none, since a break only ends the body.
 */
const readCappedBody = (
  incoming: IncomingMessage,
  maxBytes: number,
  done: (body: string) => void
) => {
  const chunks: Uint8Array[] = [];
  // eslint-disable-next-line @silverhand/fp/no-let
  let bytes = 0;

  incoming.on('data', (chunk: Uint8Array) => {
    const kept = chunk.subarray(0, maxBytes - bytes);
    // eslint-disable-next-line @silverhand/fp/no-mutating-methods
    chunks.push(kept);
    // eslint-disable-next-line @silverhand/fp/no-mutation
    bytes += kept.length;

    if (bytes >= maxBytes) {
      incoming.destroy();
    }
  });
  incoming.on('close', () => {
    done(Buffer.concat(chunks, bytes).toString());
  });
};

/**
 * One attempt over `node:https`: TLS verified as Node does, no redirect followed, the answer read
 * up to `maxAnswerBytes`. A failure before the answer rejects as a NetworkError with the cause
 * (ECONNRESET, AttemptTimeoutError…); once the status line has arrived, the attempt resolves with
 * that status and whatever of the body came, because the status is Postmark's word. It leaves no
 * timer, listener or socket behind either way.
 */
export const attempt = async (
  exchange: Exchange,
  { attemptTimeoutMs, maxAnswerBytes, signal, agent }: TransportOptions
) =>
  new Promise<Answer>((resolve, reject) => {
    if (signal?.aborted) {
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(signal.reason);
      return;
    }

    const outgoing = startRequest(exchange, agent);
    const timer = setTimeout(() => {
      outgoing.destroy(new AttemptTimeoutError(attemptTimeoutMs));
    }, attemptTimeoutMs);
    // eslint-disable-next-line @silverhand/fp/no-let
    let responded = false;

    // The promise keeps its first outcome; events after it (the socket closing on an abort, a
    // body ending after the deadline) only run this again, which changes nothing.
    const release = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };

    function onAbort() {
      release();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(signal?.reason);
      outgoing.destroy();
    }

    signal?.addEventListener('abort', onAbort);

    // Once the status line has come, a broken connection only ends the body (readCappedBody).
    outgoing.on('error', (error) => {
      if (!responded) {
        release();
        reject(new NetworkError(error));
      }
    });

    outgoing.on('response', (incoming) => {
      // eslint-disable-next-line @silverhand/fp/no-mutation
      responded = true;
      const status = incoming.statusCode ?? 0;
      const retryAfter = incoming.headers['retry-after'];
      readCappedBody(incoming, maxAnswerBytes, (body) => {
        release();
        resolve({ status, retryAfter, body });
      });
    });
  });
