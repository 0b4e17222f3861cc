// The `fetch` the Postmark client hands to ky: one attempt, over `node:https`. ky cannot bound an
// attempt by time and size through the end of its body (its `timeout` stops at the headers), free
// the socket of an attempt it gives up on, or keep a status whose body broke off; Node's fetch costs
// several times the CPU, and its signals have let a deadline pass (nodejs/undici#4068).
import https from 'node:https';

/** What each attempt of one call sends and is bound by; ky passes these options on to fetch. */
export type AttemptOptions = {
  /** Beside ky's `Request`, not in it: ky would tee a stream for every attempt, at great CPU cost. */
  payload?: string;
  attemptTimeoutMs: number;
  /** Bytes of an answer kept; the rest is never read. */
  maxAnswerBytes: number;
  /** The call's deadline: it ends the attempt at once. */
  deadline: AbortSignal;
};

/** An attempt that got no whole answer in time; it was ended and its socket freed. */
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

/** An answer already read: `text()` gives it without a body stream to make and read again. */
class ReadResponse extends Response {
  constructor(
    private readonly answer: string,
    init: ResponseInit
  ) {
    super(null, init);
  }

  override async text() {
    return this.answer;
  }
}

/**
 * One attempt: TLS verified, no redirect followed, Node's global agent (keep-alive; `HTTPS_PROXY`
 * with `NODE_USE_ENV_PROXY=1` from Node 22.21). A failure before the status line is a NetworkError;
 * after it, what of the body came is the answer, as the status is Postmark's word. No timer,
 * listener or socket outlives it.
 */
export const attemptRequest = async (
  request: Request,
  { payload, attemptTimeoutMs, maxAnswerBytes, deadline }: AttemptOptions
) => {
  deadline.throwIfAborted();
  const url = new URL(request.url);

  return new Promise<Response>((resolve, reject) => {
    const outgoing = https.request({
      method: request.method,
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
    });
    const timer = setTimeout(() => {
      outgoing.destroy(new AttemptTimeoutError(attemptTimeoutMs));
    }, attemptTimeoutMs);
    // eslint-disable-next-line @silverhand/fp/no-let
    let responded = false;

    // The promise keeps its first outcome; this running again later changes nothing.
    const release = () => {
      clearTimeout(timer);
      deadline.removeEventListener('abort', onAbort);
    };

    function onAbort() {
      release();
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      reject(deadline.reason);
      outgoing.destroy();
    }

    deadline.addEventListener('abort', onAbort);

    // Once the status line has come, a broken connection only ends the body.
    outgoing.on('error', (error) => {
      if (!responded) {
        release();
        reject(new NetworkError(error));
      }
    });

    outgoing.on('response', (incoming) => {
      // eslint-disable-next-line @silverhand/fp/no-mutation
      responded = true;
      const chunks: Uint8Array[] = [];
      // eslint-disable-next-line @silverhand/fp/no-let
      let bytes = 0;

      incoming.on('data', (chunk: Uint8Array) => {
        const kept = chunk.subarray(0, maxAnswerBytes - bytes);
        // eslint-disable-next-line @silverhand/fp/no-mutating-methods
        chunks.push(kept);
        // eslint-disable-next-line @silverhand/fp/no-mutation
        bytes += kept.length;

        if (bytes >= maxAnswerBytes) {
          incoming.destroy();
        }
      });
      // Once, after the end, a break or `destroy`: what arrived is the answer.
      incoming.on('close', () => {
        release();
        // The one header ky and the client read.
        const retryAfter = incoming.headers['retry-after'];

        try {
          resolve(
            new ReadResponse(Buffer.concat(chunks, bytes).toString(), {
              status: incoming.statusCode,
              headers: retryAfter === undefined ? undefined : { 'retry-after': retryAfter },
            })
          );
        } catch (error: unknown) {
          // A status a Response cannot hold (below 200 or above 599) is no answer from Postmark.
          reject(new NetworkError(error));
        }
      });
    });

    outgoing.end(payload);
  });
};
