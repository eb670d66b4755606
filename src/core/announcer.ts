/**
 * Speaks element text to screen readers (SPEC 3.2 `announce`) through one
 * shared, visually hidden live region per politeness, at most once per
 * `announce-every` ms per element, so a fast ticker does not drown them.
 */

export type Politeness = 'polite' | 'assertive';

interface Pace { at: number; timer?: ReturnType<typeof setTimeout> }

const regions = new Map<Politeness, HTMLElement>();
const paces = new WeakMap<Element, Pace>();

const HIDDEN = 'position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0';

function region(politeness: Politeness): HTMLElement {
  let live = regions.get(politeness);
  if (!live?.isConnected) {
    live = document.createElement('div');
    live.setAttribute('aria-live', politeness);
    live.setAttribute('data-ws-announcer', politeness);
    live.style.cssText = HIDDEN;
    document.body.append(live);
    regions.set(politeness, live);
  }
  return live;
}

/** Announces `element`'s text now, or once its pace allows (the latest text then). */
export function announce(element: Element, politeness: Politeness, every: number): void {
  let pace = paces.get(element);
  if (!pace) paces.set(element, (pace = { at: -Infinity }));
  if (pace.timer !== undefined) return;
  const wait = pace.at + every - Date.now();
  const speak = (): void => {
    pace.timer = undefined;
    pace.at = Date.now();
    region(politeness).textContent = element.textContent?.trim() ?? '';
  };
  if (wait <= 0) speak();
  else pace.timer = setTimeout(speak, wait);
}
