/**
 * A local stand-in for Postmark's email API: the endpoints the connector uses, Postmark's checks
 * and answers, and scripted faults. For the demo, the integration tests and the benchmark; it
 * sends no email.
 */
import { randomUUID } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export const sandboxToken = 'sandbox-server-token';

/** The aliases of the connector's default template map, with the IDs the sandbox gives them. */
export const defaultSandboxTemplates: Record<string, number> = {
  'logto-sign-in': 1001,
  'logto-register': 1002,
  'logto-forgot-password': 1003,
  'logto-organization-invitation': 1004,
  'logto-generic': 1005,
  'logto-user-permission-validation': 1006,
  'logto-bind-new-identifier': 1007,
  'logto-mfa-verification': 1008,
  'logto-bind-mfa': 1009,
};

/** A stored template as `GET /templates/{idOrAlias}` returns it. */
export type SandboxTemplate = {
  TemplateId: number;
  Subject?: string;
  HtmlBody?: string | null;
  TextBody?: string | null;
  TemplateType?: 'Standard' | 'Layout';
  LayoutTemplate?: string | null;
};

/** What a template given only by its ID holds: the variable Logto fills for its usage type. */
const contentFor = (alias: string, TemplateId: number): SandboxTemplate => {
  const variable = alias.includes('invitation') ? 'link' : 'code';
  return {
    TemplateId,
    Subject: `Your ${variable}`,
    HtmlBody: `<p>Here it is: {{${variable}}}</p>`,
    TextBody: `Here it is: {{${variable}}}`,
    TemplateType: 'Standard',
    LayoutTemplate: null,
  };
};

/** What the next request gets instead of (or before) a normal answer. */
export type Fault =
  | {
      kind: 'status';
      status: number;
      body: string;
      contentType: string;
      headers?: Record<string, string>;
    }
  | { kind: 'reset' }
  | { kind: 'hang' }
  | { kind: 'slow'; milliseconds: number }
  | { kind: 'malformed' }
  | { kind: 'none' };

const postmarkError = (
  status: number,
  errorCode: number,
  message: string,
  headers?: Record<string, string>
): Fault => ({
  kind: 'status',
  status,
  body: JSON.stringify({ ErrorCode: errorCode, Message: message }),
  contentType: 'application/json',
  headers,
});

export const faults = {
  rateLimited: (retryAfterSeconds?: number) =>
    postmarkError(
      429,
      429,
      'Rate limit exceeded.',
      retryAfterSeconds === undefined ? undefined : { 'Retry-After': String(retryAfterSeconds) }
    ),
  internalError: () => postmarkError(500, 0, 'Internal server error.'),
  badGatewayHtml: (): Fault => ({
    kind: 'status',
    status: 502,
    body: '<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1><hr>nginx</body></html>',
    contentType: 'text/html',
  }),
  unavailable: () => postmarkError(503, 0, 'Service unavailable.'),
  gatewayTimeout: () => postmarkError(504, 0, 'Gateway timeout.'),
  reset: (): Fault => ({ kind: 'reset' }),
  hang: (): Fault => ({ kind: 'hang' }),
  slow: (milliseconds: number): Fault => ({ kind: 'slow', milliseconds }),
  /** Accepts the email, then answers 200 with a body that is not JSON. */
  malformed: (): Fault => ({ kind: 'malformed' }),
  /** No fault: a place in the queue for a normal answer. */
  none: (): Fault => ({ kind: 'none' }),
  postmark: postmarkError,
};

export type SeenRequest = {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
  /** What the sandbox did: `accepted`, a fault's kind, or the HTTP status of a refusal. */
  outcome: string;
};

export type AcceptedEmail = {
  MessageID: string;
  body: Record<string, unknown>;
};

export type SandboxOptions = {
  token?: string;
  /** Domains whose addresses may send; stands for Postmark's verified domains. */
  senderDomains?: string[];
  /** Templates by alias: an ID (holding the variable its usage type needs), or the whole template. */
  templates?: Record<string, number | SandboxTemplate>;
  /** Message streams by ID, with their type; `outbound` (Transactional) by default. */
  messageStreams?: Record<string, 'Transactional' | 'Broadcasts' | 'Inbound'>;
  tls?: { key: string; cert: string };
  /** Called with one line per request, for the demo's output. */
  log?: (line: string) => void;
  /** Where to listen; a free port on 127.0.0.1 by default. */
  host?: string;
  port?: number;
  /** Keep every request and email (the default), or only count them, for long benchmark runs. */
  record?: boolean;
  /** Answer nothing, ever: a Postmark that hangs. */
  hang?: boolean;
};

export type Sandbox = {
  port: number;
  /** How many requests came and how many emails were accepted, recorded or not. */
  counts: { requests: number; accepted: number };
  origin: string;
  requests: SeenRequest[];
  accepted: AcceptedEmail[];
  /** Queues faults for the next requests, in order. */
  fail: (...next: Fault[]) => void;
  reset: () => void;
  close: () => Promise<void>;
};

const readBody = async (request: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) {
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
};

const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
) => {
  response.writeHead(status, {
    'Content-Type': 'application/json',
    ...headers,
  });
  response.end(JSON.stringify(body));
};

const addressOf = (mailbox: string) =>
  /<([^<>]+)>\s*$/.exec(mailbox)?.[1]?.trim() ?? mailbox.trim();
const isAddress = (value: string) => /^[^\s@<>,;]+@[^\s@<>,;]+\.[^\s@<>,;]+$/u.test(value);

export const startSandbox = async (options: SandboxOptions = {}): Promise<Sandbox> => {
  const {
    token = sandboxToken,
    senderDomains = ['example.com'],
    templates = defaultSandboxTemplates,
    tls,
    log,
  } = options;
  const { record = true, hang = false } = options;
  const counts = { requests: 0, accepted: 0 };
  const requests: SeenRequest[] = [];
  const accepted: AcceptedEmail[] = [];
  const queue: Fault[] = [];
  // The plain TCP sockets, also under TLS: the ones to reset, and to end on close.
  const sockets = new Set<Socket>();
  const tcpSocketOf = (socket: Socket) =>
    [...sockets].find(({ remotePort }) => remotePort === socket.remotePort);
  const { messageStreams = { outbound: 'Transactional' } } = options;
  const stored = new Map(
    Object.entries(templates).map(([alias, value]) => [
      alias,
      typeof value === 'number' ? contentFor(alias, value) : value,
    ])
  );
  const byId = new Map([...stored].map(([alias, template]) => [template.TemplateId, alias]));

  /** The alias of the template a key names, by alias or by ID. */
  const aliasOf = (key: unknown) =>
    typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key))
      ? byId.get(Number(key))
      : typeof key === 'string' && stored.has(key)
        ? key
        : undefined;

  const findTemplate = (key: unknown) => aliasOf(key) !== undefined;
  const streamPrefix = '/message-streams/';

  // Postmark's own checks, in Postmark's order; `undefined` when the email would be accepted.
  const refuse = (
    request: IncomingMessage,
    raw: string,
    path: string
  ): [number, number, string] | undefined => {
    if (request.headers['x-postmark-server-token'] !== token) {
      return [401, 10, 'Request does not contain a valid Server token.'];
    }

    if (request.method === 'GET' && path.startsWith(streamPrefix)) {
      const id = decodeURIComponent(path.slice(streamPrefix.length));
      return id in messageStreams
        ? undefined
        : [422, 1226, `The message stream for the provided 'ID' (${id}) was not found.`];
    }

    if (request.method === 'GET') {
      const key = decodeURIComponent(path.slice('/templates/'.length));
      return findTemplate(key) ? undefined : [422, 1101, `The template '${key}' was not found.`];
    }

    if (!request.headers['content-type']?.startsWith('application/json')) {
      return [422, 409, 'JSON data required.'];
    }

    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return [422, 402, 'Received invalid JSON input.'];
    }

    const from = typeof body.From === 'string' ? addressOf(body.From) : '';
    if (!senderDomains.includes(from.split('@')[1] ?? '')) {
      return [
        422,
        400,
        `The 'From' address you supplied (${String(body.From)}) is not a Sender Signature on your account.`,
      ];
    }

    if (typeof body.To !== 'string' || !isAddress(addressOf(body.To))) {
      return [422, 300, `Invalid 'To' address: '${String(body.To)}'.`];
    }

    if (path === '/email/withTemplate') {
      if (!findTemplate(body.TemplateAlias ?? body.TemplateId)) {
        return [
          422,
          1101,
          "The Template's 'Alias' or 'TemplateId' associated with this request is not valid or was not found.",
        ];
      }

      if (typeof body.TemplateModel !== 'object' || body.TemplateModel === null) {
        return [422, 1109, 'The TemplateModel must be an object.'];
      }
    } else if (
      typeof body.Subject !== 'string' ||
      (typeof body.HtmlBody !== 'string' && typeof body.TextBody !== 'string')
    ) {
      return [422, 300, 'Provide a Subject and an HtmlBody or TextBody.'];
    }

    return undefined;
  };

  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const raw = await readBody(request);
    const path = new URL(request.url ?? '/', 'https://api.postmarkapp.com').pathname;
    const parsedBody = (() => {
      try {
        return raw ? (JSON.parse(raw) as unknown) : undefined;
      } catch {
        return raw;
      }
    })();
    const seen: SeenRequest = {
      method: request.method ?? '',
      path,
      headers: request.headers,
      body: parsedBody,
      outcome: '',
    };
    counts.requests += 1;
    if (record) {
      requests.push(seen);
    }

    const fault = hang ? faults.hang() : queue.shift();

    switch (fault?.kind) {
      case 'status': {
        seen.outcome = String(fault.status);
        response.writeHead(fault.status, {
          'Content-Type': fault.contentType,
          ...fault.headers,
        });
        response.end(fault.body);
        log?.(`${request.method} ${path} → fault ${fault.status}`);
        return;
      }

      case 'reset': {
        seen.outcome = 'reset';
        log?.(`${request.method} ${path} → fault: connection reset`);
        tcpSocketOf(request.socket)?.resetAndDestroy();
        return;
      }

      case 'hang': {
        seen.outcome = 'hang';
        log?.(`${request.method} ${path} → fault: no answer`);
        return;
      }

      case 'slow': {
        await new Promise((resolve) => {
          setTimeout(resolve, fault.milliseconds);
        });
        break;
      }

      default:
    }

    const known =
      (request.method === 'POST' && (path === '/email/withTemplate' || path === '/email')) ||
      (request.method === 'GET' &&
        (path.startsWith('/templates/') || path.startsWith(streamPrefix)));

    if (!known) {
      seen.outcome = '404';
      sendJson(response, 404, {
        ErrorCode: 404,
        Message: `The sandbox does not serve ${request.method} ${path}.`,
      });
      return;
    }

    const refusal = refuse(request, raw, path);

    if (refusal) {
      const [status, errorCode, message] = refusal;
      seen.outcome = String(status);
      log?.(`${request.method} ${path} → ${status} (Postmark error ${errorCode}: ${message})`);
      sendJson(response, status, { ErrorCode: errorCode, Message: message });
      return;
    }

    if (request.method === 'GET' && path.startsWith(streamPrefix)) {
      const id = decodeURIComponent(path.slice(streamPrefix.length));
      const type = messageStreams[id];
      seen.outcome = 'found';
      log?.(`${request.method} ${path} → 200 ${type} stream`);
      sendJson(response, 200, { ID: id, Name: id, MessageStreamType: type, ArchivedAt: null });
      return;
    }

    if (request.method === 'GET') {
      seen.outcome = 'found';
      log?.(`${request.method} ${path} → 200 found`);
      const alias = aliasOf(decodeURIComponent(path.slice('/templates/'.length))) ?? '';
      sendJson(response, 200, {
        Name: alias,
        Alias: alias,
        TemplateType: 'Standard',
        LayoutTemplate: null,
        ...stored.get(alias),
        Active: true,
      });
      return;
    }

    const body = parsedBody as Record<string, unknown>;
    const email = { MessageID: randomUUID(), body };
    counts.accepted += 1;
    if (record) {
      accepted.push(email);
    }
    seen.outcome = fault?.kind === 'malformed' ? 'malformed' : 'accepted';
    log?.(
      `${request.method} ${path} → 200 accepted for ${String(body.To)} (${String(body.TemplateAlias ?? body.TemplateId ?? body.Subject)})`
    );

    if (fault?.kind === 'malformed') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end('{"To": "truncated');
      return;
    }

    sendJson(response, 200, {
      To: body.To,
      SubmittedAt: new Date().toISOString(),
      MessageID: email.MessageID,
      ErrorCode: 0,
      Message: 'OK',
    });
  };

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    answer(request, response).catch((error: unknown) => {
      response.destroy(error instanceof Error ? error : undefined);
    });
  };

  const server = tls
    ? https.createServer({ ...tls, keepAlive: true }, handler)
    : http.createServer({ keepAlive: true }, handler);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise<void>((resolve) => {
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    counts,
    origin: `${tls ? 'https' : 'http'}://${options.host ?? '127.0.0.1'}:${port}`,
    requests,
    accepted,
    fail: (...next) => {
      queue.push(...next);
    },
    reset: () => {
      counts.requests = 0;
      counts.accepted = 0;
      requests.length = 0;
      accepted.length = 0;
      queue.length = 0;
    },
    close: async () => {
      for (const socket of sockets) {
        socket.destroy();
      }
      await new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error) {
            reject(error);
          } else {
            resolve();
          }
        });
      });
    },
  };
};
