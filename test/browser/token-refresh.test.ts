/**
 * Tokens refreshed in place (SPEC 3.1 `token`, `token-url`; 4.5): a real page
 * against the reference server verifying HS256 JWTs, fetching its tokens from
 * the test runner's own origin (test/support/test-tokens.ts).
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import { entryTexts, find, mount, pause, recordEvents, unmountAll, untilState, type WsSourceElement } from './helpers.js';

interface RefServer { port: number; url: string }
/** A source in topic mode also knows its session (the `welcome` id). */
type TopicSource = WsSourceElement & { readonly session: string | undefined };
interface ErrorDetail { kind?: string; code?: string; message?: string }

/** HS256 wants a secret at least as long as its hash. */
const SECRET = 'token-refresh-test-secret-of-32-bytes-or-more';

const ports: number[] = [];

function command<R = unknown>(name: string, payload: Record<string, unknown>): Promise<R> {
  return executeServerCommand<R, Record<string, unknown>>(name, payload);
}

async function startServer(): Promise<RefServer> {
  const server = await command<RefServer>('ref:start', { options: { jwtSecret: SECRET, history: 1000 } });
  ports.push(server.port);
  return server;
}

/** Sets what `GET /test-tokens/KEY` signs (and how often it fails first); returns that URL. */
async function tokenUrl(key: string, plan: { seconds: number; failures?: number; user?: string }): Promise<string> {
  await command('tokens:configure', { key, secret: SECRET, ...plan });
  return `/test-tokens/${key}`;
}

function fetches(key: string): Promise<number> {
  return command<number>('tokens:fetches', { key });
}

async function untilSubscribed(port: number, topic: string): Promise<void> {
  let count = 0;
  await waitUntil(async () => (count = await command<number>('ref:subscriptions', { port, topic })) > 0, `${topic} was never subscribed (${count})`, { timeout: 10000 });
}

/** Records the source's welcomed opens, closes and errors in the order they came. */
function recordLifecycle(source: Element): string[] {
  const log: string[] = [];
  // A source with a token opens at `welcome`: its session is known by then.
  source.addEventListener('ws-open', () => log.push((source as TopicSource).session === undefined ? 'open without a session' : 'open'));
  source.addEventListener('ws-close', () => log.push('close'));
  source.addEventListener('ws-error', (event) => {
    const detail = (event as CustomEvent<ErrorDetail>).detail;
    log.push(`error:${detail.code ?? detail.kind ?? '?'}`);
  });
  return log;
}

/** Waits until the source is open in topic mode: the server's `welcome` gave it a session. */
async function untilWelcomed(source: TopicSource): Promise<string> {
  await untilState(source, 'open');
  await waitUntil(() => source.session !== undefined, 'the server never sent welcome', { timeout: 10000 });
  return source.session!;
}

afterEach(async () => {
  unmountAll();
  for (const port of ports.splice(0)) await command('ref:stop', { port });
});

describe('tokens refreshed in place', () => {
  it('token-url is fetched before connecting and again before each 3 s token expires, never dropping the chat stream', async function () {
    this.timeout(40000);
    const { port, url } = await startServer();
    const tokens = await tokenUrl('stream', { seconds: 3 });
    const page = mount(`
      <ws-source id="private" src="${url}" token-url="${tokens}" min-delay="50" max-delay="200"></ws-source>
      <ws-bind id="room" source="private" topic="chat/room" select="text" mode="append"></ws-bind>`);
    const source = find<TopicSource>(page, 'ws-source');
    const room = find(page, '#room');
    const log = recordLifecycle(source);
    const session = await untilWelcomed(source);
    expect(await fetches('stream')).to.equal(1, 'one token fetched before connecting');
    await untilSubscribed(port, 'chat/room');

    // About 10 s of chat: a numbered line every 250 ms, while 3 s tokens come and go.
    const sent: string[] = [];
    const started = Date.now();
    for (let n = 1; Date.now() - started < 10000; n++) {
      await command('ref:publish', { port, topic: 'chat/room', data: { name: 'bot', text: `line ${n}` } });
      sent.push(`line ${n}`);
      await pause(250);
    }
    await waitUntil(() => entryTexts(room).length >= sent.length, `the room shows ${entryTexts(room).length} of ${sent.length} lines`, { timeout: 10000 });
    await pause(300);

    expect(entryTexts(room)).to.deep.equal(sent, 'every line exactly once, in order');
    expect(await fetches('stream')).to.be.at.least(4, 'the first token and at least three refreshes');
    // No `expired` from the server (each refresh came before `exp`), no error, no drop, the same session.
    expect(log).to.deep.equal(['open']);
    expect(source.session).to.equal(session);
    expect(source.getAttribute('state')).to.equal('open');
    expect(await command<number>('ref:connections', { port })).to.equal(1);
  });

  it('a token-url that fails twice, then succeeds, connects after the backoff with two network errors', async function () {
    this.timeout(20000);
    const { url } = await startServer();
    const tokens = await tokenUrl('flaky', { seconds: 60, failures: 2 });
    const page = mount(`<ws-source src="${url}" token-url="${tokens}" min-delay="200" max-delay="400"></ws-source>`);
    const source = find<TopicSource>(page, 'ws-source');
    const log = recordLifecycle(source);
    const states: string[] = [];
    source.addEventListener('ws-state', (event) => states.push((event as CustomEvent<{ state: string }>).detail.state));
    const errors = recordEvents<ErrorDetail>(source, 'ws-error');
    const began = performance.now();
    await untilWelcomed(source);
    const took = performance.now() - began;

    expect(log).to.deep.equal(['error:network', 'error:network', 'open']);
    expect(errors.map((event) => event.detail.message)).to.satisfy((messages: string[]) => messages.every((text) => text.includes('503')));
    expect(states).to.include('reconnecting');
    expect(await fetches('flaky')).to.equal(3);
    // Two backoffs with equal jitter: at least half of 200 ms, then at least half of 400 ms.
    expect(took).to.be.at.least(300);
  });

  it('a changed token attribute re-authenticates the live source in place: same session, no close, no expiry', async function () {
    this.timeout(20000);
    const { port, url } = await startServer();
    const short = await tokenUrl('short', { seconds: 2 });
    const long = await tokenUrl('long', { seconds: 60 });
    const first = ((await (await fetch(short)).json()) as { token: string }).token;
    const page = mount(`
      <ws-source id="live" src="${url}" token="${first}" min-delay="50" max-delay="200"></ws-source>
      <ws-bind id="room" source="live" topic="chat/inplace" select="text" mode="append"></ws-bind>`);
    const source = find<TopicSource>(page, 'ws-source');
    const room = find(page, '#room');
    const log = recordLifecycle(source);
    const session = await untilWelcomed(source);
    await untilSubscribed(port, 'chat/inplace');

    const second = ((await (await fetch(long)).json()) as { token: string }).token;
    source.setAttribute('token', second);
    await command('ref:publish', { port, topic: 'chat/inplace', data: { text: 'during' } });
    // Past the first token's `exp`: had the server not taken the second one, it would say `expired` now.
    await pause(3500);
    await command('ref:publish', { port, topic: 'chat/inplace', data: { text: 'after' } });
    await waitUntil(() => entryTexts(room).length >= 2, `the room shows ${JSON.stringify(entryTexts(room))}`, { timeout: 5000 });

    expect(entryTexts(room)).to.deep.equal(['during', 'after']);
    expect(log).to.deep.equal(['open']);
    expect(source.session).to.equal(session);
    expect(source.getAttribute('state')).to.equal('open');
    expect(await command<number>('ref:connections', { port })).to.equal(1);
  });
});
