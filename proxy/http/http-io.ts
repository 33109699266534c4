import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, OpenAiError, toOpenAiFailure } from '../openai/errors';

/** Largest request body accepted: a sealed request holds at most 256 KiB. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Reads a JSON body. @throws OpenAiError (400, 413, 415) */
export async function readJson(req: IncomingMessage): Promise<unknown> {
  const type = req.headers['content-type'] ?? '';
  // JSON only: a web page cannot send it to 127.0.0.1 without a CORS preflight, which is never answered.
  if (!/^application\/json\b/i.test(type)) throw new OpenAiError(415, 'invalid_request_error', 'unsupported_media_type', 'the body must be JSON (content-type: application/json)');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk instanceof Buffer ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new OpenAiError(413, 'invalid_request_error', 'request_too_large', `the body is over ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('the body is not valid JSON');
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The funnel's answer for anything thrown, in OpenAI's error shape. */
export function sendError(res: ServerResponse, e: unknown): void {
  const f = toOpenAiFailure(e);
  if (res.headersSent) {
    res.end();
    return;
  }
  sendJson(res, f.status, f.body, f.headers);
}

/**
 * Refuses requests a web page could make: any with an `Origin` (browsers send one on every
 * cross-origin request; SDKs and curl do not) and any whose `Host` is not this loopback address
 * (a DNS-rebound name). Returns the reason, or null.
 */
export function foreignRequest(req: IncomingMessage, port: number): string | null {
  if (req.headers.origin !== undefined) return 'requests from web pages are refused: call the proxy from your own code';
  const host = req.headers.host ?? '';
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`];
  return allowed.includes(host.toLowerCase()) ? null : `requests for host ${JSON.stringify(host)} are refused: use http://127.0.0.1:${port}`;
}

/** `Authorization: Bearer <token>`, or undefined. */
export function bearer(req: IncomingMessage): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}
