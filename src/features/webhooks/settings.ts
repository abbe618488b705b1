// Webhook delivery settings and the retry schedule; the values themselves come from Config (src/config.ts).
import type { Config } from '../../config.ts';
export type WebhookSettings = Config['webhooks'];

/**
 * Exponential backoff with equal jitter: between half and all of base · 2^(failures−1), capped. With the defaults
 * (src/config.ts) the 20 attempts before a pause span at least 31 hours even with the least jitter (half of each
 * delay): 15 s · (2^10 − 1) ≈ 4.3 h over the first ten delays, then nine of ≥ 3 h.
 */
export function retryDelayMs(settings: WebhookSettings, failures: number, random = Math.random()): number {
  const exponential = Math.min(settings.retryMaxDelayMs, settings.retryBaseMs * 2 ** Math.min(failures - 1, 40));
  return Math.round(exponential / 2 + (random * exponential) / 2);
}
