// Records, for every element marked with data-key, when its text changed and to what, so the
// benchmark can compute send-to-DOM latency, drain time and stale elements. It is attached the
// same way to the baseline page and to the ws-bind page, so its own cost is paid by both.

/** Wall-clock ms, comparable with the Node process's `timeOrigin + now()`. */
const wallNow = () => performance.timeOrigin + performance.now();

const LOG_CAPACITY = 1 << 21;

/** Starts recording text changes of `elements` (index = key) and exposes `window.bench`. */
export function startRecorder(elements, ready) {
  const lastText = elements.map((element) => element.textContent);
  const lastChangeAt = new Float64Array(elements.length);
  const logValues = new Float64Array(LOG_CAPACITY);
  const logTimes = new Float64Array(LOG_CAPACITY);
  let logLength = 0;
  const keyOf = new Map(elements.map((element, key) => [element, key]));

  const observer = new MutationObserver((records) => {
    const now = wallNow();
    const changed = new Set();
    for (const record of records) {
      const node = record.target.nodeType === Node.ELEMENT_NODE ? record.target : record.target.parentElement;
      const element = node?.closest('[data-key]');
      if (element) changed.add(element);
    }
    for (const element of changed) {
      const key = keyOf.get(element);
      const text = element.textContent;
      if (key === undefined || text === lastText[key]) continue;
      lastText[key] = text;
      lastChangeAt[key] = now;
      if (logLength < LOG_CAPACITY) {
        logValues[logLength] = Number(text);
        logTimes[logLength] = now;
        logLength++;
      }
    }
  });
  observer.observe(document.body, { childList: true, characterData: true, subtree: true });

  // A message posted from a frame callback runs just after that frame's rendering: its time is when
  // a DOM change made before it could first be on screen.
  const paintTimes = [];
  const afterPaint = new MessageChannel();
  afterPaint.port1.onmessage = () => paintTimes.push(wallNow());
  const everyFrame = () => {
    afterPaint.port2.postMessage(null);
    requestAnimationFrame(everyFrame);
  };
  requestAnimationFrame(everyFrame);

  window.bench = {
    ready,
    /** Forgets what was logged so far (after the warm-up). */
    resetLog() { logLength = 0; paintTimes.length = 0; },
    /** How many elements do not show `expected[key]` right now. */
    mismatches(expected) {
      return elements.reduce((count, element, key) => count + (element.textContent.trim() === String(expected[key]) ? 0 : 1), 0);
    },
    /** The latest time any element took on its current text. */
    lastChange() { return Math.max(...lastChangeAt); },
    /** The logged (value, time) pairs, and the end of every frame's rendering since the reset. */
    log() {
      return { values: Array.from(logValues.subarray(0, logLength)), times: Array.from(logTimes.subarray(0, logLength)), paintTimes };
    },
  };
}

/** The page's query parameters. */
export function params() {
  return new URL(location.href).searchParams;
}

/** Appends `count` elements made by `make(key)` to #root and returns them. */
export function mount(count, make) {
  const root = document.getElementById('root');
  const elements = Array.from({ length: count }, (_, key) => make(key));
  root.append(...elements);
  return elements;
}
