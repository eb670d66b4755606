/**
 * The page events a connection follows (SPEC 3.1): entering the
 * back/forward cache, coming back from it, becoming visible again, and the
 * browser coming back online.
 */

/** What a connection does on each page event. */
export interface PageHandlers {
  /** `pagehide` with `persisted`: the page went into the back/forward cache. */
  frozen(): void;
  /** `pageshow` with `persisted`: the page came back from it. */
  restored(): void;
  /** The tab became visible. */
  visible(): void;
}

/** Starts following the page; returns the function that stops. */
export function watchPage(handlers: PageHandlers): () => void {
  if (typeof addEventListener !== 'function') return () => {};
  const listeners: Record<string, (event: Event) => void> = {
    pagehide: (event) => (event as PageTransitionEvent).persisted && handlers.frozen(),
    pageshow: (event) => (event as PageTransitionEvent).persisted && handlers.restored(),
    visibilitychange: () => document.visibilityState === 'visible' && handlers.visible(),
  };
  for (const [type, listener] of Object.entries(listeners)) addEventListener(type, listener);
  return () => {
    for (const [type, listener] of Object.entries(listeners)) removeEventListener(type, listener);
  };
}

/** Resolves when the browser is (back) online. */
export function whenOnline(): Promise<void> {
  if (typeof navigator === 'undefined' || navigator.onLine !== false) return Promise.resolve();
  return new Promise((resolve) => addEventListener('online', () => resolve(), { once: true }));
}
