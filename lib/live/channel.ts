/** The PostgreSQL NOTIFY channel every app process listens on, so an event on one reaches SSE clients of all. */
export const LIVE_CHANNEL = 'deferral_desk_live';

export type LiveMessage =
  | { type: 'batch'; org: string; batchId: string; accepted: number; format: string }
  | { type: 'incident'; org: string; incidentId: string; change: string };

/** NOTIFY payloads are limited to 8000 bytes; ours are small and fixed in shape. */
export function encodeLiveMessage(message: LiveMessage): string {
  return JSON.stringify(message);
}

export function decodeLiveMessage(payload: string | undefined): LiveMessage | null {
  if (!payload) return null;
  try {
    const m = JSON.parse(payload) as Partial<LiveMessage>;
    if ((m.type === 'batch' || m.type === 'incident') && typeof m.org === 'string') return m as LiveMessage;
  } catch {
    return null;
  }
  return null;
}
