/**
 * Elements whose script runs before the parser reaches their children (a
 * classic script in `<head>`) are connected at their start tag, with no
 * children yet. This watches an element's children while the document is
 * still being parsed, so a `<template>` parsed later is still read.
 */

/** Calls `changed` whenever the parser adds children to `host`, until the document is parsed; returns the stop function. */
export function whileParsing(host: Element, changed: () => void): () => void {
  if (document.readyState !== 'loading') return () => {};
  const observer = new MutationObserver(changed);
  observer.observe(host, { childList: true });
  const stop = (): void => {
    observer.disconnect();
    document.removeEventListener('DOMContentLoaded', parsed);
  };
  const parsed = (): void => {
    stop();
    changed();
  };
  document.addEventListener('DOMContentLoaded', parsed);
  return stop;
}
