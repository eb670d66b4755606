/**
 * Dead-connection detection (SPEC 3.1 `heartbeat`): a ping every period,
 * and a verdict of "dead" after two pings in a row got no frame back and
 * nothing at all arrived for twice the period. Silence counts from pings
 * actually sent, so a throttled background tab does not reconnect for nothing.
 */
export class Heartbeat {
  readonly #period: number;
  readonly #ping: () => void;
  readonly #dead: () => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #lastReceived = 0;
  #lastPing = 0;
  #unanswered = 0;

  /** `ping` sends one ping; `dead` replaces the connection. */
  constructor(period: number, ping: () => void, dead: () => void) {
    this.#period = period;
    this.#ping = ping;
    this.#dead = dead;
  }

  /** Starts watching a freshly opened socket. */
  start(): void {
    this.stop();
    this.#lastReceived = this.#lastPing = Date.now();
    this.#unanswered = 0;
    this.#timer = setInterval(() => this.#beat(), this.#period);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Something arrived: the link is alive. */
  received(): void {
    this.#lastReceived = Date.now();
  }

  /** Pings at once (the page became visible), if watching. */
  pingNow(): void {
    if (this.#timer === undefined) return;
    this.#lastPing = Date.now();
    this.#ping();
  }

  #beat(): void {
    this.#unanswered = this.#lastReceived >= this.#lastPing ? 0 : this.#unanswered + 1;
    if (this.#unanswered >= 2 && Date.now() - this.#lastReceived >= 2 * this.#period) {
      this.stop();
      return this.#dead();
    }
    this.pingNow();
  }
}
