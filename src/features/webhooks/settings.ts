// Webhook delivery settings: from app.config.webhooks when present, otherwise these defaults.
export interface WebhookSettings {
  /** Run the delivery worker in this process (WEBHOOK_WORKER_ENABLED). */
  workerEnabled: boolean;
  /** How often the worker looks for due webhooks (WEBHOOK_POLL_INTERVAL_MS). */
  pollIntervalMs: number;
  /** Events delivered per webhook per turn, in order (WEBHOOK_BATCH_SIZE). */
  batchSize: number;
  /** Webhooks served at once by one worker (WEBHOOK_CONCURRENCY). */
  concurrency: number;
  /** Per-request timeout (WEBHOOK_TIMEOUT_MS). */
  timeoutMs: number;
  /** First retry delay; doubles per failure, with jitter (WEBHOOK_RETRY_BASE_MS). */
  retryBaseMs: number;
  /** Longest retry delay (WEBHOOK_RETRY_MAX_DELAY_MS). */
  retryMaxDelayMs: number;
  /** Consecutive failures after which a webhook is paused (WEBHOOK_PAUSE_AFTER_FAILURES). */
  pauseAfterFailures: number;
}

/**
 * With these defaults the 20 attempts before a pause span at least 31 hours even with the least jitter
 * (half of each delay): 15 s · (2^10 − 1) ≈ 4.3 h over the first ten delays, then nine of ≥ 3 h.
 */
export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  workerEnabled: true,
  pollIntervalMs: 1_000,
  batchSize: 100,
  concurrency: 8,
  timeoutMs: 10_000,
  retryBaseMs: 30_000,
  retryMaxDelayMs: 6 * 3_600_000,
  pauseAfterFailures: 20,
};

export function webhookSettings(config: unknown): WebhookSettings {
  const fromConfig = (config as { webhooks?: Partial<WebhookSettings> } | undefined)?.webhooks ?? {};
  return { ...DEFAULT_WEBHOOK_SETTINGS, ...fromConfig };
}

/** Exponential backoff with equal jitter: between half and all of base · 2^(failures−1), capped. */
export function retryDelayMs(settings: WebhookSettings, failures: number, random = Math.random()): number {
  const exponential = Math.min(settings.retryMaxDelayMs, settings.retryBaseMs * 2 ** Math.min(failures - 1, 40));
  return Math.round(exponential / 2 + (random * exponential) / 2);
}
