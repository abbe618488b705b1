// One webhook request: the payload of a change event, its HMAC-SHA256 signature, and the POST with a timeout.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ChangeEvent } from '../changes/schemas.ts';
import { guardedLookup, refusedLiteral, type Resolver } from './targets.ts';

export interface WebhookPayload {
  id: number;
  type: ChangeEvent['type'];
  operation: ChangeEvent['operation'];
  occurredAt: string;
  entityId: string;
  studentId: string | null;
  data: ChangeEvent['data'];
}

export function payloadOf(event: ChangeEvent): WebhookPayload {
  return {
    id: event.id, type: event.type, operation: event.operation, occurredAt: event.occurredAt,
    entityId: event.entityId, studentId: event.studentId, data: event.data,
  };
}

/** `v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>`: what a receiver recomputes to trust a request. */
export function signatureOf(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export interface AttemptResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

/**
 * POSTs one event; 2xx is success, anything else (including redirects, which are not followed) a failure. The socket
 * connects only to an address checked at connect time (`guardedLookup`); an IP literal is checked before.
 */
export async function sendWebhook(hook: { id: string; url: string; secret: string }, event: ChangeEvent, timeoutMs: number,
  allowPrivateTargets: boolean, resolve?: Resolver): Promise<AttemptResult> {
  const refused = refusedLiteral(hook.url, allowPrivateTargets);
  if (refused) return { ok: false, statusCode: null, error: `Not delivered: ${refused}`, durationMs: 0 };
  const body = JSON.stringify(payloadOf(event));
  const timestamp = String(Math.floor(Date.now() / 1000));
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const status = await post(new URL(hook.url), body, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      'user-agent': 'Kinship-Webhooks/1',
      'kinship-webhook-id': hook.id,
      'kinship-event-id': String(event.id),
      'kinship-timestamp': timestamp,
      'kinship-signature': signatureOf(hook.secret, timestamp, body),
    }, timeoutMs, guardedLookup(allowPrivateTargets, resolve));
    const ok = status >= 200 && status < 300;
    return { ok, statusCode: status, error: ok ? null : `The receiver answered ${status}`, durationMs: elapsed() };
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const text = code === 'EADDRREFUSED' ? `Not delivered: ${message}`
      : code === 'ETIMEDOUT' ? `No answer within ${timeoutMs} ms` : code ?? message;
    return { ok: false, statusCode: null, error: String(text).slice(0, 500), durationMs: elapsed() };
  }
}

/** One POST with node's http(s) client (so the socket uses `lookup`); resolves with the status, the body discarded. */
function post(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, lookup: LookupFunction): Promise<number> {
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = client.request(url, { method: 'POST', headers, lookup, agent: false }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
      response.on('close', () => { if (!response.complete) reject(Object.assign(new Error('The receiver closed the connection mid-answer'), { code: 'ECONNRESET' })); });
    });
    const timer = setTimeout(() => request.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), timeoutMs);
    request.on('close', () => clearTimeout(timer));
    request.on('error', reject);
    request.end(body);
  });
}
