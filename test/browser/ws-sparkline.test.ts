/**
 * `<ws-sparkline>` (SPEC 3.6): a line of the last `points` values of a live
 * topic, drawn as SVG in `currentColor`, non-numeric values ignored with one
 * event, and a burst drawn at most once per frame.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import '../../src/index.js';
import type { WsSparklineElement } from '../../src/elements/ws-sparkline.js';
import { find, mount, recordEvents, TestServer, unmountAll, untilState } from './helpers.js';

const slowly = { timeout: 20000, interval: 20 };

/** The polyline's points as numbers. */
function pointsOf(sparkline: WsSparklineElement): [number, number][] {
  const text = sparkline.shadowRoot?.querySelector('polyline')?.getAttribute('points') ?? '';
  return text.split(' ').filter(Boolean).map((pair) => pair.split(',').map(Number) as [number, number]);
}

describe('<ws-sparkline>', () => {
  afterEach(() => unmountAll());

  it('draws the last 60 values of the live metrics topic as an SVG line in currentColor', async () => {
    const server = await executeServerCommand<{ port: number; url: string }, object>('ref:start', { options: { feeds: ['metrics'], metricsInterval: 20 } });
    try {
      const container = mount(`<ws-sparkline src="${server.url}" topic="metrics" select="connections" points="60" min="0" max="10" style="color: rgb(0, 128, 0)"></ws-sparkline>`);
      const sparkline = find<WsSparklineElement>(container, 'ws-sparkline');
      await untilState(sparkline, 'live');
      await waitUntil(() => sparkline.values.length === 60, `only ${sparkline.values.length} values arrived`, slowly);
      await new Promise(requestAnimationFrame);
      await new Promise(requestAnimationFrame);
      const values = [...sparkline.values];
      const points = pointsOf(sparkline);
      expect(points.length).to.equal(60);
      expect(points[0][0]).to.equal(0);
      expect(points[59][0]).to.equal(100);
      points.forEach(([, y], index) => expect(y).to.be.closeTo(30 - (values[index] / 10) * 30, 0.01));
      const svg = sparkline.shadowRoot!.querySelector('svg')!;
      expect(svg.getAttribute('viewBox')).to.equal('0 0 100 30');
      const line = svg.querySelector('polyline')!;
      expect(line.getAttribute('stroke')).to.equal('currentColor');
      expect(getComputedStyle(line).stroke).to.equal('rgb(0, 128, 0)');
      expect(line.getAttribute('fill')).to.equal('none');
      expect(svg.querySelector('title')?.textContent).to.equal(String(values[59]));
      const box = svg.getBoundingClientRect();
      sparkline.style.width = '300px';
      expect(svg.getBoundingClientRect().width).to.be.greaterThan(box.width, 'the line scales with its box');
    } finally {
      await executeServerCommand('ref:stop', { port: server.port });
    }
  });

  it('ignores non-numeric values with one ws-error', async () => {
    const server = await TestServer.start();
    try {
      const container = mount(`<ws-sparkline src="${server.url()}" select="v"></ws-sparkline>`);
      const sparkline = find<WsSparklineElement>(container, 'ws-sparkline');
      const errors = recordEvents<{ kind: string; message: string }>(sparkline, 'ws-error');
      await server.untilOpen(1);
      await server.push({ v: 1 }, { v: 'high' }, { v: { x: 1 } }, { v: 2 }, { v: '3' }, { v: null }, { v: 4 });
      await waitUntil(() => sparkline.values.length === 4, `values are ${JSON.stringify(sparkline.values)}`, slowly);
      expect([...sparkline.values]).to.deep.equal([1, 2, 3, 4]);
      expect(errors.length).to.equal(1);
      expect(errors[0].detail.kind).to.equal('parse');
      expect(errors[0].detail.message).to.contain('"high"');
      await new Promise(requestAnimationFrame);
      await new Promise(requestAnimationFrame);
      expect(pointsOf(sparkline).length).to.equal(4);
      expect(sparkline.shadowRoot?.querySelector('title')?.textContent).to.equal('4');
    } finally {
      await server.stop();
    }
  });

  it('draws 1,000 values that arrive in one burst at most once per frame', async () => {
    const server = await TestServer.start();
    try {
      const container = mount(`<ws-sparkline src="${server.url()}" select="v" points="50"></ws-sparkline>`);
      const sparkline = find<WsSparklineElement>(container, 'ws-sparkline');
      await server.untilOpen(1);
      const line = sparkline.shadowRoot!.querySelector('polyline')!;
      let redraws = 0;
      const observer = new MutationObserver((records) => (redraws += records.length));
      observer.observe(line, { attributes: true, attributeFilter: ['points'] });
      let frames = 0;
      let counting = true;
      const count = (): void => {
        frames++;
        if (counting) requestAnimationFrame(count);
      };
      requestAnimationFrame(count);
      await server.burst('{"v":{i}}', 1000);
      await waitUntil(() => sparkline.values.at(-1) === 999, 'the burst never ended', slowly);
      await new Promise(requestAnimationFrame);
      await new Promise(requestAnimationFrame);
      counting = false;
      redraws += observer.takeRecords().length;
      observer.disconnect();
      expect(sparkline.values.length).to.equal(50);
      expect(redraws).to.be.greaterThan(0);
      expect(redraws).to.be.at.most(frames + 1, `${redraws} redraws in ${frames} frames`);
      expect(redraws).to.be.lessThan(100, 'far fewer redraws than values');
      expect(pointsOf(sparkline).length).to.equal(50);
    } finally {
      await server.stop();
    }
  });
});
