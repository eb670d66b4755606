/**
 * The connections an instance keeps to Redis, shared by the Redis broker
 * and session store: one for commands and one in subscriber mode for
 * PUB/SUB. Both reconnect by themselves with capped exponential backoff.
 * Commands are never queued while Redis is unreachable: they fail at once
 * as `BrokerUnavailableError`, so clients hear `unavailable` instead of
 * waiting. When both connections are back, `onUp` handlers run (channels
 * are subscribed again and listeners caught up from the streams).
 */
import { createHash } from 'node:crypto';
import { Redis, ReplyError } from 'ioredis';
import { BrokerUnavailableError, type BrokerStatus } from '../broker/broker.js';

/** Backoff between reconnect attempts: doubling from 50 ms, at most 1 s. */
const RECONNECT_MAX_MS = 1000;
/** How long `connected()` waits for a first connection before the instance starts without one. */
const FIRST_CONNECT_MS = 5000;

/** Reply errors that mean "not now" rather than a bug: Redis loading its AOF, or busy with a script. */
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN)\b/;

export type ChannelHandler = (channel: string, message: string) => void;

export class RedisLink {
  /** Runs commands; in normal (non-subscriber) mode. */
  readonly commands: Redis;
  /** Receives PUB/SUB messages for the channels subscribed. */
  readonly subscriber: Redis;
  private readonly upHandlers: (() => void)[] = [];
  private readonly handlers = new Map<string, ChannelHandler>();
  private wasUp = false;
  private everUp = false;
  private closing = false;

  constructor(url: string) {
    const options = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResubscribe: false,
      retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), RECONNECT_MAX_MS),
    };
    this.commands = new Redis(url, { ...options, connectionName: 'ws-bind' });
    this.subscriber = new Redis(url, { ...options, connectionName: 'ws-bind-sub' });
    for (const client of [this.commands, this.subscriber]) {
      // Without a listener an `error` event would crash the process; state changes are reported below instead.
      client.on('error', () => undefined);
      client.on('ready', () => this.changed());
      client.on('close', () => this.changed());
    }
    this.subscriber.on('message', (channel: string, message: string) => this.dispatch(channel, message));
  }

  /** `up` while both connections are ready. */
  status(): BrokerStatus {
    return this.commands.status === 'ready' && this.subscriber.status === 'ready' ? 'up' : 'down';
  }

  /** Resolves once both connections are ready, or after a few seconds without them (the instance serves `unavailable` meanwhile). */
  async connected(): Promise<void> {
    const deadline = Date.now() + FIRST_CONNECT_MS;
    while (this.status() === 'down' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.status() === 'down') console.error('ws-bind server: Redis is unreachable; retrying in the background');
  }

  /** Runs `handler` every time Redis becomes reachable, the first connection included. */
  onUp(handler: () => void): void {
    this.upHandlers.push(handler);
  }

  /** Delivers the messages of one channel to `handler`; subscribe to it with {@link subscribe}. */
  handle(channel: string, handler: ChannelHandler): void {
    this.handlers.set(channel, handler);
  }

  /** Stops delivering a channel's messages. */
  unhandle(channel: string): void {
    this.handlers.delete(channel);
  }

  /** Runs a command, turning a connection failure into `BrokerUnavailableError`. */
  async run<T>(command: (redis: Redis) => Promise<T>): Promise<T> {
    if (this.commands.status !== 'ready') throw new BrokerUnavailableError();
    try {
      return await command(this.commands);
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  /** Runs a Lua script by its SHA1, sending its text only when Redis does not have it yet (after a restart). */
  evaluate(script: LuaScript, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    return this.run(async (redis) => {
      try {
        return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof ReplyError && (error as Error).message.startsWith('NOSCRIPT'))) throw error;
        return redis.eval(script.lua, keys.length, ...keys, ...args);
      }
    });
  }

  /** Subscribes to channels; a failure is `BrokerUnavailableError` (the next `onUp` subscribes again). */
  async subscribe(...channels: string[]): Promise<void> {
    if (channels.length === 0) return;
    if (this.subscriber.status !== 'ready') throw new BrokerUnavailableError();
    try {
      await this.subscriber.subscribe(...channels);
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  /** Unsubscribes, ignoring a connection that is down (it has no subscriptions then). */
  async unsubscribe(...channels: string[]): Promise<void> {
    if (channels.length === 0 || this.subscriber.status !== 'ready') return;
    await this.subscriber.unsubscribe(...channels).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([this.commands, this.subscriber].map((client) => client.quit().catch(() => client.disconnect())));
  }

  private dispatch(channel: string, message: string): void {
    this.handlers.get(channel)?.(channel, message);
  }

  private changed(): void {
    const up = this.status() === 'up';
    if (up === this.wasUp || this.closing) return;
    this.wasUp = up;
    if (!up) {
      console.error('ws-bind server: Redis connection lost; publishes are refused until it is back');
      return;
    }
    if (this.everUp) console.error('ws-bind server: Redis is back');
    this.everUp = true;
    for (const handler of this.upHandlers) handler();
  }
}

/** A Lua script with its SHA1, as `EVALSHA` names it. */
export class LuaScript {
  readonly sha: string;

  constructor(readonly lua: string) {
    this.sha = createHash('sha1').update(lua).digest('hex');
  }
}

/** A Redis reply error that is a real fault stays as it is; anything else means Redis cannot be reached. */
function unavailableOr(error: unknown): unknown {
  if (error instanceof ReplyError && !TRANSIENT_REPLY.test((error as Error).message)) return error;
  return new BrokerUnavailableError();
}
