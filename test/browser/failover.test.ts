/**
 * Failover between instances that share one real Redis (SPEC 3.1, 4.3, 5):
 * a page bound to `src="A B"` is on A when A's process is SIGKILLed
 * mid-stream; it resumes on B at once, with every chat line exactly once and
 * in order, the same session id, and its inbox.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import { RefServer, entryTexts, find, mount, patiently, recordStates, unmountAll, type WsSourceElement } from './helpers.js';

/** Kill to `open` on the other instance: a sanity bound for "at once", not a benchmark (that is in bench/). */
const FAILOVER_BOUND_MS = 5000;
const LINES = 40;
const KILL_AT = 15;
const LINE_EVERY_MS = 25;

interface Started {
  port: number;
  url: string;
}

/** The `<ws-source>` API this test reads: the session id from `welcome`. */
interface SessionSource extends WsSourceElement {
  readonly session: string | undefined;
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('failover to another instance on one Redis', () => {
  // Each is undefined until started (and A again once killed), so a failed start still cleans up the rest.
  let redis: Started | undefined;
  let a: Started | undefined;
  let b: RefServer | undefined;

  before(async function () {
    // Spawning a server process compiles it with tsx first: slow on a loaded machine.
    this.timeout(90000);
    redis = await executeServerCommand<Started, object>('redis:start', {});
    a = await executeServerCommand<Started, object>('ref:spawn', { flags: ['--redis', redis.url] });
    b = await RefServer.start({ redis: redis.url });
  });

  after(async () => {
    unmountAll();
    if (a) await executeServerCommand('ref:kill', { port: a.port });
    await b?.stop();
    if (redis) await executeServerCommand('redis:stop', { port: redis.port });
  });

  it('resumes on B when A is SIGKILLed mid-stream: every chat line once, in order, the same session and inbox', async function () {
    this.timeout(60000);
    const instanceA = a!;
    const instanceB = b!;
    const page = mount(`
      <ws-source id="s" src="${instanceA.url} ${instanceB.url}" min-delay="10000" max-delay="10000"></ws-source>
      <ws-bind id="chat" source="s" topic="chat/failover" history="50" select="text" mode="append"></ws-bind>
      <ws-bind id="inbox" source="s" topic="inbox/@me" select="text" mode="append"></ws-bind>`);
    const source = find<SessionSource>(page, '#s');
    const chat = find(page, '#chat');
    const inbox = find(page, '#inbox');
    await waitUntil(() => source.getAttribute('state') === 'open' && source.session !== undefined, 'the page never opened on A', patiently);
    expect(source.url, 'the page starts on the first URL').to.equal(instanceA.url);
    const session = source.session!;

    await instanceB.publish(`inbox/${session}`, { name: 'friend', text: 'before the crash' });
    await waitUntil(() => entryTexts(inbox).includes('before the crash'), 'the direct message sent through B never reached the page on A', patiently);

    const states = recordStates(source);
    let killedAt = 0;
    for (let n = 0; n < LINES; n++) {
      await instanceB.publish('chat/failover', { name: 'bot', text: `line ${n}` });
      if (n === KILL_AT) {
        // Mid-stream: the page has some lines, and more follow while it fails over.
        await waitUntil(() => entryTexts(chat).length > 0, 'no chat line reached the page before the kill', patiently);
        killedAt = performance.now();
        await executeServerCommand('ref:kill', { port: instanceA.port });
        a = undefined;
      }
      await pause(LINE_EVERY_MS);
    }

    await waitUntil(() => source.getAttribute('state') === 'open' && source.url === instanceB.url, 'the page never opened on B', patiently);
    const failoverMs = performance.now() - killedAt;
    expect(states, 'the page saw its connection drop').to.include('reconnecting');
    // The backoff is at least 5 s (half of min-delay): under the bound, B was tried at once.
    expect(failoverMs, `kill to open on B took ${Math.round(failoverMs)} ms`).to.be.below(FAILOVER_BOUND_MS);

    const expected = Array.from({ length: LINES }, (_, n) => `line ${n}`);
    await waitUntil(
      () => entryTexts(chat).length >= LINES,
      `the chat never got all ${LINES} lines (it has ${entryTexts(chat).length})`,
      patiently,
    );
    // Duplicates would arrive with the catch-up: give them a moment to show before comparing.
    await pause(300);
    expect(entryTexts(chat), 'every chat line exactly once, in order').to.deep.equal(expected);

    expect(source.session, 'the session id survives the failover').to.equal(session);
    expect(entryTexts(inbox), 'the inbox keeps its message').to.deep.equal(['before the crash']);
    await instanceB.publish(`inbox/${session}`, { name: 'friend', text: 'after the crash' });
    await waitUntil(() => entryTexts(inbox).includes('after the crash'), 'a direct message sent after the failover never arrived', patiently);
    expect(entryTexts(inbox)).to.deep.equal(['before the crash', 'after the crash']);
  });
});
