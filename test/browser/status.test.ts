/**
 * `<ws-status>` (SPEC 3.4): a status region with a dot, a label and a retry
 * button, announcing state changes but not its countdown, with the page
 * author's text from slots.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import { TestServer, find, mount, patiently, statusLabel, untilState, type WsSourceElement, useTestServer } from './helpers.js';

/** The element with CSS part `part` in the status element's shadow root, if shown. */
function part(status: Element, name: string): HTMLElement | null {
  return status.shadowRoot?.querySelector<HTMLElement>(`[part~="${name}"]`) ?? null;
}

/** Whether the status shows the part named `name` to the user. */
function shows(status: Element, name: string): boolean {
  return part(status, name)?.checkVisibility() ?? false;
}

/** What a screen reader reads of `node`: its text, through shadow roots and slots, without `aria-hidden` subtrees. */
function spokenText(node: Node): string {
  if (node instanceof Text) return node.data;
  if (!(node instanceof Element || node instanceof ShadowRoot)) return '';
  if (node instanceof Element && (node.getAttribute('aria-hidden') === 'true' || node.localName === 'style')) return '';
  const assigned = node instanceof HTMLSlotElement ? node.assignedNodes() : [];
  const children = node instanceof Element && node.shadowRoot ? [node.shadowRoot] : [...(assigned.length > 0 ? assigned : node.childNodes)];
  return children.map(spokenText).join('');
}

/** Every label the status shows from now on. */
function recordLabels(status: Element): string[] {
  const seen = [statusLabel(status)];
  const observer = new MutationObserver(() => {
    if (seen.at(-1) !== statusLabel(status)) seen.push(statusLabel(status));
  });
  if (status.shadowRoot) observer.observe(status.shadowRoot, { childList: true, characterData: true, subtree: true });
  return seen;
}

function untilLabel(status: Element, pattern: RegExp): Promise<void> {
  return waitUntil(() => pattern.test(statusLabel(status)), `the label never matched ${pattern} (it is "${statusLabel(status)}")`, patiently);
}

describe('<ws-status> shows the connection', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

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

  it('announces state changes through role="status", but not the countdown', async () => {
    const page = mount(`
      <ws-source id="feed" src="${server.url()}" min-delay="3000" max-delay="4000"></ws-source>
      <ws-status source="feed"></ws-status>`);
    const status = find(page, 'ws-status');
    await waitUntil(() => statusLabel(status) === 'Live', 'never live', patiently);
    const spoken: string[] = [];
    const listen = (): void => {
      const text = spokenText(status).trim();
      if (spoken.at(-1) !== text) spoken.push(text);
    };
    const observer = new MutationObserver(listen);
    observer.observe(status.shadowRoot!, { childList: true, characterData: true, subtree: true });

    await server.kill();
    await waitUntil(() => /^Reconnecting in \d+ s$/.test(statusLabel(status)), 'no countdown', patiently);
    const firstCount = statusLabel(status);
    await waitUntil(() => /^Reconnecting in \d+ s$/.test(statusLabel(status)) && statusLabel(status) !== firstCount
      || statusLabel(status) === 'Live', 'the countdown never moved', patiently);
    await waitUntil(() => statusLabel(status) === 'Live', 'never live again', patiently);
    observer.disconnect();
    expect(status.getAttribute('role')).to.equal('status');
    expect(spoken.filter((text) => /\d/.test(text)), 'countdown texts read out').to.deep.equal([]);
    expect(spoken).to.include('Reconnecting');
  });
});
