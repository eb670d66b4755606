import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import { TestServer, find, mount, patiently, unmountAll, untilState, type WsSourceElement } from './helpers.js';

/** The element with CSS part `part` in the status element's shadow root, if shown. */
function part(status: Element, name: string): HTMLElement | null {
  return status.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
}

/** Whether the status shows the part named `name` to the user. */
function shows(status: Element, name: string): boolean {
  return part(status, name)?.checkVisibility() ?? false;
}

/** The label the status shows: slotted text where given, else its own. */
function label(status: Element): string {
  const shown = part(status, 'label');
  if (!shown) return '';
  const slot = shown.localName === 'slot' ? (shown as HTMLSlotElement) : shown.querySelector('slot');
  const slotted = slot?.assignedNodes({ flatten: true }) ?? [];
  if (slotted.length > 0) return slotted.map((node) => node.textContent).join('').trim();
  return shown.textContent?.trim() ?? '';
}

/** Every label the status shows from now on. */
function recordLabels(status: Element): string[] {
  const seen = [label(status)];
  const observer = new MutationObserver(() => {
    if (seen.at(-1) !== label(status)) seen.push(label(status));
  });
  if (status.shadowRoot) observer.observe(status.shadowRoot, { childList: true, characterData: true, subtree: true });
  return seen;
}

function untilLabel(status: Element, pattern: RegExp): Promise<void> {
  return waitUntil(() => pattern.test(label(status)), `the label never matched ${pattern} (it is "${label(status)}")`, patiently);
}

describe('<ws-status> shows the connection', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await TestServer.start();
  });

  afterEach(async () => {
    unmountAll();
    await server.stop();
  });

  it('is a status region with a dot and a label that says Connecting…, then Live', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}"></ws-source>
      <ws-status source="feed"></ws-status>`);
    const status = find(page, 'ws-status');
    const labels = recordLabels(status);
    await untilState(status, 'open');
    await untilLabel(status, /^Live$/);
    expect(labels).to.include('Connecting…');
    const role = status.getAttribute('role') ?? status.shadowRoot?.querySelector('[role]')?.getAttribute('role');
    expect(role).to.equal('status');
    expect(shows(status, 'dot'), 'the dot shows').to.equal(true);
    expect(shows(status, 'retry'), 'the retry button shows').to.equal(false);
  });

  it('counts down "Reconnecting in N s" while the source waits to retry', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="2000" max-delay="3000"></ws-source>
      <ws-status source="feed"></ws-status>`);
    const status = find(page, 'ws-status');
    await untilLabel(status, /^Live$/);

    await server.kill();
    await untilState(status, 'reconnecting');
    await untilLabel(status, /^Reconnecting in \d+ s$/);
    await untilLabel(status, /^Live$/);
    expect(status.getAttribute('state')).to.equal(find(page, 'ws-source').getAttribute('state'));
  });

  it('says Offline with a retry button when the source failed, and the button reconnects it', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="50" max-delay="200"></ws-source>
      <ws-status source="feed"></ws-status>`);
    const source = find<WsSourceElement>(page, 'ws-source');
    const status = find(page, 'ws-status');
    await untilState(status, 'open');

    await server.closeAll(1008, 'wrong token');
    await untilState(status, 'failed');
    await untilLabel(status, /^Offline$/);
    await waitUntil(() => shows(status, 'retry'), 'no retry button', patiently);

    part(status, 'retry')?.click();
    await untilState(source, 'open');
    await untilState(status, 'open');
    await untilLabel(status, /^Live$/);
    expect((await server.stats()).accepted).to.equal(2);
  });

  it('says Offline for a source closed on purpose', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}"></ws-source>
      <ws-status source="feed"></ws-status>`);
    const status = find(page, 'ws-status');
    await untilState(status, 'open');
    find<WsSourceElement>(page, 'ws-source').close();
    await untilState(status, 'closed');
    await untilLabel(status, /^Offline$/);
  });

  it('shows the page author\'s text from a slot named after the state', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}"></ws-source>
      <ws-status source="feed"><span slot="open">Connected to the market</span></ws-status>`);
    const status = find(page, 'ws-status');
    await untilState(status, 'open');
    await untilLabel(status, /^Connected to the market$/);
  });
});
