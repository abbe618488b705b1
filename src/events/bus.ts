// Domain events for live updates: published after commit, in-process for one instance or over PostgreSQL LISTEN/NOTIFY.
import pg from 'pg';
import type { FastifyBaseLogger } from 'fastify';

export type EventTopic = 'contactLogged' | 'progressEventAdded' | 'goalStatusChanged';

/** Small on purpose: subscribers load the record through the services with their own principal. */
export interface DomainEvent {
  topic: EventTopic;
  studentId: string;
  recordId: string;
}

export interface EventBus {
  publish(events: DomainEvent[]): Promise<void>;
  /** Starts delivering every published event (from any instance) to `deliver`. */
  start(deliver: (event: DomainEvent) => void): Promise<void>;
  close(): Promise<void>;
}

export function memoryEventBus(): EventBus {
  let deliver: ((event: DomainEvent) => void) | undefined;
  return {
    async publish(events) {
      for (const event of events) deliver?.(event);
    },
    async start(fn) {
      deliver = fn;
    },
    async close() {
      deliver = undefined;
    },
  };
}

const CHANNEL = 'kinship_events';

function isDomainEvent(value: unknown): value is DomainEvent {
  const v = value as DomainEvent;
  return typeof v === 'object' && v !== null && typeof v.topic === 'string' && typeof v.studentId === 'string' && typeof v.recordId === 'string';
}

/** Every instance LISTENs; a publish NOTIFYs all of them (itself included), so subscribers anywhere hear it. */
export function postgresEventBus(connectionString: string, log: FastifyBaseLogger): EventBus {
  const publisher = new pg.Pool({ connectionString, max: 2, application_name: 'kinship-api-events' });
  publisher.on('error', () => {});
  let listener: pg.Client | undefined;
  let closed = false;
  let deliverFn: ((event: DomainEvent) => void) | undefined;

  const connect = async (): Promise<void> => {
    if (closed) return;
    const client = new pg.Client({ connectionString, application_name: 'kinship-api-listener' });
    client.on('notification', (message) => {
      try {
        const event: unknown = JSON.parse(message.payload ?? '');
        if (isDomainEvent(event)) deliverFn?.(event);
      } catch {
        log.warn({ payload: message.payload }, 'ignored a malformed event notification');
      }
    });
    client.on('error', (error) => {
      log.warn({ err: error }, 'event listener lost its connection; reconnecting');
      listener = undefined;
      client.end().catch(() => {});
      setTimeout(() => void connect().catch(() => {}), 1_000).unref();
    });
    await client.connect();
    await client.query(`listen ${CHANNEL}`);
    listener = client;
  };

  return {
    async publish(events) {
      for (const event of events) await publisher.query('select pg_notify($1, $2)', [CHANNEL, JSON.stringify(event)]);
    },
    async start(fn) {
      deliverFn = fn;
      await connect();
    },
    async close() {
      closed = true;
      await listener?.end().catch(() => {});
      await publisher.end();
    },
  };
}
