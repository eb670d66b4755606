/** Starts bench/fanout/clients.ts in its own Node process and talks to it. */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { forkTypeScript, nextMessage } from './fork.js';
import type { ClientCommand, ClientPlan, ClientReport } from './protocol.js';

const CLIENTS_SCRIPT = fileURLToPath(new URL('./clients.ts', import.meta.url));

type Summary = Extract<ClientReport, { type: 'summary' }>;

/** A running client process: its latest progress and a way to ask for its summary. */
export class ClientProcess {
  /** The fewest messages any one connection has received so far. */
  minReceived = 0;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  private constructor(child: ChildProcess) {
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    child.on('message', (report: ClientReport) => {
      if (report.type === 'progress') this.minReceived = report.minReceived;
    });
  }

  /** Forks the client process and resolves once every connection is open (failures reject). */
  static async start(plan: ClientPlan): Promise<ClientProcess> {
    const child = forkTypeScript(CLIENTS_SCRIPT, [JSON.stringify(plan)]);
    const clients = new ClientProcess(child);
    const ready = await clients.next('ready');
    if (ready.failed > 0) {
      await clients.stop();
      throw new Error(`${ready.failed} of ${plan.count} ${plan.kind} connections failed to open`);
    }
    return clients;
  }

  /** Totals and latency quantiles of everything received so far. */
  summarize(): Promise<Summary> {
    this.send({ type: 'summarize' });
    return this.next('summary');
  }

  /** Zeroes the counts and latencies (between two phases of a run). */
  async reset(): Promise<void> {
    this.send({ type: 'reset' });
    await this.next('reset');
    this.minReceived = 0;
  }

  /** Closes every connection and waits for the process to end. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null) this.send({ type: 'exit' });
    await this.exited;
  }

  private send(command: ClientCommand): void {
    this.child.send(command);
  }

  private next<T extends ClientReport['type']>(type: T): Promise<Extract<ClientReport, { type: T }>> {
    return nextMessage<ClientReport, T>(this.child, type);
  }
}
