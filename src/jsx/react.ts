/**
 * `import 'ws-bind/react'`: registers the elements and types every tag in
 * React 19's JSX. React 19 sets a prop as a property where the element has
 * one and as an attribute otherwise, and adds a listener for a function prop
 * named `on` + the event's name (`onws-update`). `key` and `ref` are React's
 * own, so `key` cannot reach `<ws-bind>` from JSX; `className` and `class`
 * both set the class.
 */
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { EventProps, WsTags } from './tags.js';

/** A tag's attributes less `key`, which is React's own. */
type TagAttributes<Name extends keyof WsTags> = Omit<WsTags[Name]['attributes'], 'key'>;

/** React's props of any element, less the names a tag gives its own meaning. */
type ElementProps<Name extends keyof WsTags> = Omit<
  DetailedHTMLProps<HTMLAttributes<WsTags[Name]['element']>, WsTags[Name]['element']>,
  keyof TagAttributes<Name>
>;

/** One tag's props: React's, the tag's attributes, `class`, and `on`-prefixed event listeners. */
type ReactProps<Name extends keyof WsTags> = ElementProps<Name> & TagAttributes<Name> & EventProps<Name, 'on'> & { class?: string };

type ReactElements = { [Name in keyof WsTags]: ReactProps<Name> };

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements extends ReactElements {}
  }
}

export * from '../index.js';
