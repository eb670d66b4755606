/** Counters the server keeps about itself, read by the `metrics` feed. */
export class ServerStats {
  /** Open WebSocket connections. */
  connections = 0;
  /** Topic subscriptions held by open connections (a repeated subscribe is still one). */
  subscriptions = 0;
  /** Client messages handled since start. */
  messagesIn = 0;
  /** Server messages queued to clients since start. */
  messagesOut = 0;
  /** Task results ignored because their task had been taken back from that worker and reassigned. */
  lateResults = 0;
}
