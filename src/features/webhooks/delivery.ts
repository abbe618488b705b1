// One webhook request: the payload of a change event, its HMAC-SHA256 signature, and the POST with a timeout.
import { createHmac } from 'node:crypto';
import type { ChangeEvent } from '../changes/schemas.ts';
import { refusedTarget } from './targets.ts';

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

/** POSTs one event; 2xx is success, anything else (including redirects, which are not followed) a failure. */
export async function sendWebhook(hook: { id: string; url: string; secret: string }, event: ChangeEvent, timeoutMs: number,
  allowPrivateTargets: boolean): Promise<AttemptResult> {
  // Checked at every attempt too: a host may resolve elsewhere than when the webhook was registered.
  const refused = await refusedTarget(hook.url, allowPrivateTargets);
  if (refused) return { ok: false, statusCode: null, error: `Not delivered: ${refused}`, durationMs: 0 };
  const body = JSON.stringify(payloadOf(event));
  const timestamp = String(Math.floor(Date.now() / 1000));
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const response = await fetch(hook.url, {
      method: 'POST',
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Kinship-Webhooks/1',
        'kinship-webhook-id': hook.id,
        'kinship-event-id': String(event.id),
        'kinship-timestamp': timestamp,
        'kinship-signature': signatureOf(hook.secret, timestamp, body),
      },
    });
    await response.body?.cancel();
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, error: ok ? null : `The receiver answered ${response.status}`, durationMs: elapsed() };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const message = (error as Error).name === 'TimeoutError' ? `No answer within ${timeoutMs} ms`
      : cause?.code ?? cause?.message ?? (error as Error).message;
    return { ok: false, statusCode: null, error: String(message).slice(0, 500), durationMs: elapsed() };
  }
}
