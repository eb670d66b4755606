/**
 * `<ws-bind>` in replace mode (SPEC 3.2): placeholder, `select`, `match`,
 * every `format`, `data-trend`, `stale-after` and `ws-update`.
 */
import { expect, waitUntil } from '@open-wc/testing';
import '../../src/index.js';
import {
  TestServer,
  find,
  mount,
  patiently,
  recordEvents,
  untilState,
  untilText,
  type WsBindElement, useTestServer
} from './helpers.js';

describe('<ws-bind> renders what arrives', () => {
  let server: TestServer;

  useTestServer((started) => (server = started));

  it('shows its placeholder until the first message, then the selected value', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="price">—</ws-bind>`);
    const price = find<WsBindElement>(page, 'ws-bind');
    await server.untilOpen(1);
    expect(price.textContent?.trim()).to.equal('—');
    expect(price.getAttribute('state')).to.equal('waiting');

    await server.push({ price: 42, symbol: 'AAPL' });
    await untilText(price, '42');
    await untilState(price, 'live');
    expect(price.value).to.equal(42);
    expect(price.message).to.deep.equal({ price: 42, symbol: 'AAPL' });
    expect(price.matches(':state(live)'), 'the live custom state').to.equal(true);
  });

  it('dispatches ws-update after the DOM shows the new value', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="v">—</ws-bind>`);
    const value = find(page, 'ws-bind');
    const seen: { text: string; detail: unknown }[] = [];
    value.addEventListener('ws-update', (event) => {
      seen.push({ text: value.textContent?.trim() ?? '', detail: (event as CustomEvent).detail });
    });
    await server.untilOpen(1);
    await server.push({ v: 'one' });
    await waitUntil(() => seen.length === 1, 'no ws-update', patiently);
    await server.push({ v: 'two' });
    await waitUntil(() => seen.length === 2, 'no second ws-update', patiently);
    expect(seen).to.deep.equal([
      { text: 'one', detail: { value: 'one', previous: undefined } },
      { text: 'two', detail: { value: 'two', previous: 'one' } },
    ]);
  });

  it('marks numeric changes with data-trend', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="v"></ws-bind>`);
    const value = find(page, 'ws-bind');
    await server.untilOpen(1);
    const steps = [[1, undefined], [2, 'up'], [1.5, 'down'], [1.5, 'same']] as const;
    for (const [seq, [next, trend]] of steps.entries()) {
      await server.push({ v: next, seq });
      await waitUntil(() => value.textContent?.trim() === String(next) && value.dataset.trend === trend,
        `never showed ${next} with trend ${trend} (trend is ${value.dataset.trend})`, patiently);
    }
  });

  it('selects nested fields, array items and quoted keys; an empty select shows the whole message', async () => {
    const page = mount(`
      <ws-bind id="nested" src="${server.url()}" select="quote.bid"></ws-bind>
      <ws-bind id="indexed" src="${server.url()}" select="trades[1].size"></ws-bind>
      <ws-bind id="quoted" src="${server.url()}" select='names["full name"]'></ws-bind>
      <ws-bind id="whole" src="${server.url()}"></ws-bind>`);
    await server.untilOpen(1);
    await server.push({ quote: { bid: 9.5 }, trades: [{ size: 1 }, { size: 7 }], names: { 'full name': 'Ada L' } });
    await untilText(find(page, '#nested'), '9.5');
    await untilText(find(page, '#indexed'), '7');
    await untilText(find(page, '#quoted'), 'Ada L');
    await server.push('plain words');
    await untilText(find(page, '#whole'), 'plain words');
  });

  it('re-renders the last message when select changes', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="bid"></ws-bind>`);
    const quote = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ bid: 1, ask: 2 });
    await untilText(quote, '1');
    quote.setAttribute('select', 'ask');
    await untilText(quote, '2');
  });

  it('ignores messages that fail any match condition', async () => {
    const page = mount(`
      <ws-bind id="trades" src="${server.url()}" match="kind=trade sym=AAPL qty=1" select="price">none</ws-bind>
      <ws-bind id="everything" src="${server.url()}" select="price"></ws-bind>`);
    const trades = find(page, '#trades');
    await server.untilOpen(1);
    await server.push(
      { kind: 'quote', sym: 'AAPL', qty: 1, price: 1 },
      { kind: 'trade', sym: 'MSFT', qty: 1, price: 2 },
      { kind: 'trade', sym: 'AAPL', qty: 2, price: 3 },
    );
    await untilText(find(page, '#everything'), '3');
    expect(trades.textContent?.trim()).to.equal('none');

    await server.push({ kind: 'trade', sym: 'AAPL', qty: 1, price: 4 });
    await untilText(trades, '4');
  });

  it('goes stale after stale-after ms of silence and is live again on the next message', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="v" stale-after="300"></ws-bind>`);
    const value = find(page, 'ws-bind');
    await server.untilOpen(1);
    await server.push({ v: 1 });
    await untilState(value, 'live');

    await untilState(value, 'stale');
    expect(value.hasAttribute('stale')).to.equal(true);
    expect(value.textContent?.trim()).to.equal('1');

    await server.push({ v: 2 });
    await untilText(value, '2');
    await untilState(value, 'live');
    expect(value.hasAttribute('stale')).to.equal(false);
  });

  it('re-renders relative text as time passes, without a new message or ws-update', async () => {
    const page = mount(`<ws-bind src="${server.url()}" select="at" format="relative" locale="en">—</ws-bind>`);
    const age = find(page, 'ws-bind');
    const updates = recordEvents(age, 'ws-update');
    await server.untilOpen(1);
    await server.push({ at: Date.now() });
    await waitUntil(() => updates.length === 1, 'no ws-update', patiently);
    const first = age.textContent?.trim();
    const aged = (): boolean => age.textContent?.trim() !== first && /ago/.test(age.textContent ?? '');
    await waitUntil(aged, `the text stayed "${first}"`, patiently);
    expect(updates).to.have.length(1);
  });

  describe('format', () => {
    const cases: { format: string; extra?: string; value: unknown; check: (text: string) => boolean }[] = [
      { format: 'text', value: 1234.5, check: (text) => text === '1234.5' },
      { format: 'number', value: 1234.5, check: (text) => text === '1,234.5' },
      { format: 'number', extra: 'digits="2"', value: 3.14159, check: (text) => text === '3.14' },
      { format: 'percent', value: 0.25, check: (text) => text === '25%' },
      { format: 'currency', extra: 'currency="USD"', value: 12.5, check: (text) => text === '$12.50' },
      { format: 'date', value: '2024-03-05T12:00:00Z', check: (text) => /2024/.test(text) && !/T12/.test(text) },
      { format: 'time', value: '2024-03-05T12:00:00Z', check: (text) => /\d:\d\d/.test(text) && !/2024/.test(text) },
      { format: 'datetime', value: '2024-03-05T12:00:00Z', check: (text) => /2024/.test(text) && /\d:\d\d/.test(text) },
      { format: 'relative', value: Date.now() - 3 * 60_000, check: (text) => /3 min.* ago/.test(text) },
      { format: 'bytes', value: 5_000_000, check: (text) => /^[\d.,]+\s?[kMG]i?B$/.test(text) },
      { format: 'json', value: { a: [1, 'b'] }, check: (text) => text.includes('"a"') },
    ];

    for (const { format, extra = '', value, check } of cases) {
      it(`renders ${format} ${extra}`.trim(), async () => {
        const page = mount(`<ws-bind src="${server.url()}" select="v" format="${format}" ${extra}>…</ws-bind>`, {
          lang: 'en-US',
        });
        const element = find(page, 'ws-bind');
        await server.untilOpen(1);
        await server.push({ v: value });
        await waitUntil(() => element.textContent?.trim() !== '…', 'the placeholder stayed', patiently);
        const text = element.textContent?.trim() ?? '';
        expect(check(text), `"${text}" is not a ${format}`).to.equal(true);
        if (format === 'json') expect(JSON.parse(text)).to.deep.equal(value);
      });
    }

    it('takes its locale from the nearest lang attribute', async () => {
      const page = mount(`<ws-bind src="${server.url()}" select="v" format="number"></ws-bind>`, { lang: 'de-DE' });
      await server.untilOpen(1);
      await server.push({ v: 1234.5 });
      await untilText(find(page, 'ws-bind'), '1.234,5');
    });
  });
});
