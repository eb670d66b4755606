/**
 * Reference server instances as child processes (`npm run server -- --redis
 * …`), each on a port of its own that it keeps across restarts, so they can
 * be killed with SIGKILL as a crash would and started again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Generous: on a loaded machine compiling the server with tsx can take many seconds. */
const START_TIMEOUT_MS = 60000;
const SERVER_ENTRY = fileURLToPath(new URL('../../server/index.ts', import.meta.url));

export class Instance {
  private child: ChildProcess | undefined;
  private listening = false;

  constructor(
    readonly port: number,
    private readonly flags: string[],
  ) {}

  get url(): string {
    return `ws://127.0.0.1:${this.port}/feeds`;
  }

  /** True from listening until it exits. */
  get running(): boolean {
    return this.child !== undefined && this.listening;
  }

  /** Starts the process; resolves once it listens. */
  async start(): Promise<void> {
    const args = ['--import', 'tsx', SERVER_ENTRY, '--port', String(this.port), ...this.flags];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.once('exit', () => {
      if (this.child !== child) return;
      this.child = undefined;
      this.listening = false;
    });
    let output = '';
    // Its log (Redis lost and back) is expected under chaos: kept only to explain a failed start.
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + String(chunk)).slice(-4000);
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`instance on ${this.port} did not start:\n${output}`)), START_TIMEOUT_MS);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += String(chunk);
        if (output.includes('reference server on')) {
          clearTimeout(timer);
          this.listening = true;
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`instance on ${this.port} exited with ${code}:\n${output}`));
      });
    });
  }

  /** SIGKILL: no close frames, no cleanup, as a crash. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
