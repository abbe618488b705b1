// A minimal graphql-transport-ws client for subscription tests: connect, authenticate, subscribe, read messages.
import WebSocket from 'ws';

export interface WsMessage {
  id?: string;
  type: string;
  payload?: { data?: Record<string, unknown>; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> } & Record<string, unknown>;
}

export class GraphQLWsClient {
  private readonly queue: WsMessage[] = [];
  private waiter: (() => void) | undefined;
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      this.queue.push(JSON.parse(String(raw)) as WsMessage);
      this.waiter?.();
    });
    socket.on('close', () => this.waiter?.());
  }

  static async connect(url: string, authorization?: string): Promise<GraphQLWsClient> {
    const socket = new WebSocket(url, 'graphql-transport-ws');
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const client = new GraphQLWsClient(socket);
    socket.send(JSON.stringify({ type: 'connection_init', payload: authorization ? { authorization } : {} }));
    return client;
  }

  subscribe(id: string, query: string, variables: Record<string, unknown> = {}): void {
    this.socket.send(JSON.stringify({ id, type: 'subscribe', payload: { query, variables } }));
  }

  /** The next message (skipping keep-alive pings), or undefined after timeoutMs. */
  async next(timeoutMs = 3_000): Promise<WsMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const message = this.queue.shift();
      if (message) {
        if (message.type === 'ping' || message.type === 'ka') continue;
        return message;
      }
      if (Date.now() >= deadline || this.socket.readyState === WebSocket.CLOSED) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  get closed(): boolean {
    return this.socket.readyState === WebSocket.CLOSED || this.socket.readyState === WebSocket.CLOSING;
  }

  close(): void {
    this.socket.close();
  }
}
