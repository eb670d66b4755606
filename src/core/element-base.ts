/**
 * The base class of every element: `HTMLElement` in a browser, an empty
 * class where there is none (server rendering), so importing the elements
 * never throws there.
 */
export const ElementBase: typeof HTMLElement =
  typeof HTMLElement === 'undefined' ? (class {} as unknown as typeof HTMLElement) : HTMLElement;
