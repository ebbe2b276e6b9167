import { EventEmitter } from 'node:events';
import pg from 'pg';
import { databaseUrl } from '@/lib/env';
import { decodeLiveMessage, LIVE_CHANNEL, type LiveMessage } from './channel';

/**
 * One LISTEN connection per process fans NOTIFY messages out to the SSE streams of that process.
 * It reconnects with backoff when the database restarts; listeners are told the state.
 */
class LiveHub {
  private readonly emitter = new EventEmitter();
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryMs = 1000;
  state: 'connected' | 'reconnecting' = 'reconnecting';

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  subscribe(listener: (m: LiveMessage | { type: 'state'; state: LiveHub['state'] }) => void): () => void {
    this.emitter.on('message', listener);
    void this.ensure();
    return () => {
      this.emitter.off('message', listener);
    };
  }

  private setState(state: LiveHub['state']) {
    if (this.state === state) return;
    this.state = state;
    this.emitter.emit('message', { type: 'state', state });
  }

  private ensure(): Promise<void> {
    if (this.client || this.connecting) return this.connecting ?? Promise.resolve();
    this.connecting = (async () => {
      const client = new pg.Client({ connectionString: databaseUrl() });
      client.on('notification', (n) => {
        const m = decodeLiveMessage(n.payload);
        if (m) this.emitter.emit('message', m);
      });
      const lost = () => {
        if (this.client !== client) return;
        this.client = null;
        this.setState('reconnecting');
        client.end().catch(() => undefined);
        setTimeout(() => void this.ensure(), this.retryMs).unref();
        this.retryMs = Math.min(this.retryMs * 2, 15_000);
      };
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
        await client.query(`LISTEN ${LIVE_CHANNEL}`);
        this.client = client;
        this.retryMs = 1000;
        this.setState('connected');
      } catch {
        this.setState('reconnecting');
        client.end().catch(() => undefined);
        setTimeout(() => void this.ensure(), this.retryMs).unref();
        this.retryMs = Math.min(this.retryMs * 2, 15_000);
      }
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }
}

const globalForHub = globalThis as unknown as { ddLiveHub?: LiveHub };

export function liveHub(): LiveHub {
  globalForHub.ddLiveHub ??= new LiveHub();
  return globalForHub.ddLiveHub;
}
