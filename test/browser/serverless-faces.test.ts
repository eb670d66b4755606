/**
 * The faces game against a server we do not control (issue 17): three pages
 * on the raw, action-routed `/gateway` backend, each with `mode="keyed"`,
 * see every face, apply each turn to the face of the page that turned, drop
 * a closed page's face everywhere, and `limit` keeps the faces updated last.
 */
import { expect, waitUntil } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { closePages, entryTexts, find, openPage, patiently, requireBuilt, type Page } from './helpers.js';

const ESM = '/dist/ws-bind.js';

/** A page of the game, as the demo's Serverless page writes it. */
const facesPage = (url: string): string => `
  <ws-source id="gw" src="${url}" hello='{"action":"join"}'></ws-source>
  <ws-bind id="faces" source="gw" mode="keyed" key="id turnId removeId" remove="action=disconnected">
    <template><template each="."><p class="face" data-id="{{ key }}" data-ws-style="transform: rotate({{ value.degree }}deg)">{{ value.degree }}</p></template></template>
  </ws-bind>
  <ws-bind id="recent" source="gw" mode="keyed" key="id turnId removeId" remove="action=disconnected" limit="2" select="degree"></ws-bind>
  <ws-send source="gw" data='{"action":"turn","degree":-90}'><button id="left">Left</button></ws-send>
  <ws-send source="gw" data='{"action":"turn","degree":90}'><button id="right">Right</button></ws-send>`;

/** The faces a page shows, id → degree as text, in DOM order. */
function facesOf(page: Page): Record<string, string> {
  const faces = [...find(page.document, '#faces').querySelectorAll<HTMLElement>('.face')];
  return Object.fromEntries(faces.map((face) => [face.dataset.id!, face.textContent]));
}

/** Waits until `test` holds for the faces `page` shows; a failure says what the page showed. */
async function untilFaces(page: Page, test: (faces: Record<string, string>) => boolean, what: string): Promise<void> {
  await until(() => test(facesOf(page)), () => `${what}: the page shows ${JSON.stringify(facesOf(page))}; ${page.errors()}`);
}

async function until(test: () => boolean, describe: () => string): Promise<void> {
  await waitUntil(test, 'timed out', patiently).catch(() => {
    throw new Error(describe());
  });
}

describe('mode="keyed" against the raw /gateway backend, three pages', () => {
  let url: string;

  before(async () => {
    await requireBuilt(ESM, 'dist/ws-bind.js');
  });

  beforeEach(async () => {
    ({ url } = await executeServerCommand<{ url: string }, object>('gateway:start', {}));
  });

  afterEach(async () => {
    closePages();
    await executeServerCommand('gateway:stop', { url });
  });

  it('shows every face on every page, turns the right face, removes a closed page\'s face, and limit evicts', async () => {
    const pages: Page[] = [];
    /** The gateway's id of each page, in the order they joined: a joiner's own face is the one face that is new. */
    const ids: string[] = [];
    for (let index = 0; index < 3; index++) {
      const page = await openPage(`<script type="module" src="${ESM}"></script>`, facesPage(url));
      pages.push(page);
      await untilFaces(page, (faces) => Object.keys(faces).length === index + 1, `page ${index + 1} never showed ${index + 1} faces`);
      const own = Object.keys(facesOf(page)).filter((id) => !ids.includes(id));
      expect(own, `page ${index + 1} has one new face`).to.have.length(1);
      ids.push(own[0]);
    }
    for (const page of pages) await untilFaces(page, (faces) => Object.keys(faces).sort().join() === [...ids].sort().join(), 'a page misses a face');
    expect(await executeServerCommand('gateway:connections', { url })).to.equal(3);

    find(pages[1].document, '#right').click();
    for (const page of pages) await untilFaces(page, (faces) => faces[ids[1]] === '90', 'page 2\'s turn never reached a page');
    find(pages[2].document, '#left').click();
    for (const page of pages) await untilFaces(page, (faces) => faces[ids[2]] === '-90', 'page 3\'s turn never reached a page');
    for (const page of pages) expect(facesOf(page)).to.deep.equal({ [ids[0]]: '0', [ids[1]]: '90', [ids[2]]: '-90' });
    const turned = find<HTMLElement>(pages[0].document, `[data-id="${ids[2]}"]`);
    expect(turned.style.transform).to.equal('rotate(-90deg)');

    // The two faces updated last, the least recently updated first: page 2's and page 3's turns.
    const recent = find<HTMLElement & { value: unknown }>(pages[0].document, '#recent');
    await until(() => Object.keys(recent.value as object).join() === `${ids[1]},${ids[2]}`, () => `recent is ${JSON.stringify(recent.value)}`);
    find(pages[0].document, '#left').click();
    await until(() => Object.keys(recent.value as object).join() === `${ids[2]},${ids[0]}`, () => `page 1's turn never evicted page 2's face: ${JSON.stringify(recent.value)}`);
    await until(() => entryTexts(recent).join() === '-90,-90', () => `recent shows ${entryTexts(recent).join()}`);

    pages[1].frame.remove();
    for (const page of [pages[0], pages[2]]) {
      await untilFaces(page, (faces) => !(ids[1] in faces), 'the closed page\'s face never went');
      expect(Object.keys(facesOf(page)).sort()).to.deep.equal([ids[0], ids[2]].sort());
    }
    expect(pages.map((page) => page.errors())).to.deep.equal(Array(3).fill('the page reported no error'));
  });
});
