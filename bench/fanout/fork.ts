/** Starts a TypeScript module in a child Node process with an IPC channel and the open-file limit raised. */
import { spawn, type ChildProcess } from 'node:child_process';

// 10,000 sockets need more descriptors than a default soft limit allows; raise it to the hard limit first.
const RAISE_FILE_LIMIT = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null; exec "$0" "$@"';

/** Runs `node [nodeFlags] --import tsx script ...args` with `process.send` connected to the parent. */
export function forkTypeScript(script: string, args: string[], nodeFlags: string[] = []): ChildProcess {
  return spawn('sh', ['-c', RAISE_FILE_LIMIT, process.execPath, ...nodeFlags, '--import', 'tsx', script, ...args], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** Resolves with the child's next IPC message whose `type` is `type`; rejects if the child exits first. */
export function nextMessage<M extends { type: string }, T extends M['type']>(child: ChildProcess, type: T): Promise<Extract<M, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onExit = () => reject(new Error(`child process exited before sending "${type}"`));
    const onMessage = (message: M) => {
      if (message.type !== type) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(message as Extract<M, { type: T }>);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}
