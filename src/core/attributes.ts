/**
 * Properties that are thin getters and setters over attributes, so the
 * attribute stays the source of truth (STYLE.md): `el.staleAfter = '5000'`
 * sets `stale-after`, `el.staleAfter` reads it back (null when absent).
 */
function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** Defines a string property per attribute name on an element class. */
export function reflectAttributes(element: { prototype: HTMLElement }, names: readonly string[]): void {
  for (const name of names) {
    Object.defineProperty(element.prototype, camelCase(name), {
      configurable: true,
      get(this: HTMLElement) {
        return this.getAttribute(name);
      },
      set(this: HTMLElement, value: string | null) {
        if (value === null || value === undefined) this.removeAttribute(name);
        else this.setAttribute(name, String(value));
      },
    });
  }
}

/** Reads a non-negative number attribute; `fallback` when absent or not a number. */
export function numberAttribute(host: Element, name: string, fallback: number): number {
  const text = host.getAttribute(name);
  const value = text === null || text.trim() === '' ? NaN : Number(text);
  return Number.isFinite(value) && value >= 0 ? value : fallback;
}
