import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';

describe('the raw test server', () => {
  it('accepts a browser socket and pushes frames to it', async () => {
    const { port } = await executeServerCommand<{ port: number }, object>('raw:start', {});
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`);
    const got = new Promise<string>((resolve) => socket.addEventListener('message', (e) => resolve(e.data)));
    await new Promise((resolve) => socket.addEventListener('open', resolve));
    await executeServerCommand('raw:push', { port, frames: [{ hello: 'world' }] });
    expect(JSON.parse(await got)).to.deep.equal({ hello: 'world' });
    const stats = await executeServerCommand<{ open: number }, { port: number }>('raw:stats', { port });
    expect(stats.open).to.equal(1);
    socket.close();
    await executeServerCommand('raw:stop', { port });
  });
});
