/**
 * `import 'ws-bind/solid'`: registers the elements and types every tag in
 * Solid's JSX. Solid assigns a custom element's props as properties; an
 * attribute the element has no property for (`template`, `history`) is set
 * with the `attr:` prefix, which is typed here too. Events are `on:` +
 * the event's name (`on:ws-update`).
 */
import type { JSX } from 'solid-js';
import type { TagEvent, WsTags } from './tags.js';

/** The tag's attributes once more under `attr:`, the prefix that makes Solid set an attribute. */
type AsAttributes<Attributes> = { [Attribute in keyof Attributes as `attr:${Attribute & string}`]?: Attributes[Attribute] };

type SolidEvents<Name extends keyof WsTags> = {
  [Event in WsTags[Name]['events'] as `on:${Event}`]?: JSX.EventHandlerWithOptionsUnion<WsTags[Name]['element'], TagEvent<Name, Event>>;
};

type SolidElements = {
  [Name in keyof WsTags]: JSX.HTMLAttributes<WsTags[Name]['element']> &
    WsTags[Name]['attributes'] &
    AsAttributes<WsTags[Name]['attributes']> &
    SolidEvents<Name>;
};

declare module 'solid-js' {
  namespace JSX {
    interface IntrinsicElements extends SolidElements {}
  }
}

export * from '../index.js';
