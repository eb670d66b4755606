/**
 * Reflects an element's state the two ways SPEC 3 promises: the `state`
 * attribute and a custom state (`:state(live)`) on its `ElementInternals`.
 */

/** Attaches internals where the browser supports them; undefined otherwise. */
export function attachInternals(host: HTMLElement): ElementInternals | undefined {
  try {
    return host.attachInternals();
  } catch {
    return undefined;
  }
}

/** Sets `state` on the host and makes `state` its only custom state. */
export function reflectState(host: HTMLElement, internals: ElementInternals | undefined, state: string): void {
  host.setAttribute('state', state);
  const states = internals?.states;
  if (!states) return;
  try {
    states.clear();
    states.add(state);
  } catch {
    // Browsers that only accept the older `--name` custom-state syntax.
    states.add(`--${state}`);
  }
}
