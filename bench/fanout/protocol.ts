/** Messages between a fan-out benchmark and its client process (over the child_process IPC channel). */

/** Which server the clients talk to. */
export type ServerKind = 'topic' | 'socketio';

/** How the client process is started (its single argv argument, as JSON). */
export interface ClientPlan {
  kind: ServerKind;
  url: string;
  /** Several instances to spread the connections over, round robin (instead of `url`). */
  urls?: string[];
  count: number;
  /** Topic (or socket.io event) to receive; none: connect and stay idle. */
  topic?: string;
  /** Connections opened at once while connecting. */
  concurrency: number;
}

/** What the client process tells its parent. */
export type ClientReport =
  | { type: 'ready'; connected: number; failed: number }
  | { type: 'progress'; minReceived: number }
  | { type: 'reset' }
  | { type: 'summary'; delivered: number; lastReceivedAt: number; latencyP50: number; latencyP99: number };

/** What the parent asks of the client process. */
export type ClientCommand = { type: 'summarize' } | { type: 'reset' } | { type: 'exit' };

/** A published benchmark message: its publish time (wall-clock ms). */
export interface BenchMessage {
  t: number;
}
