/**
 * `import 'ws-bind/vue'`: registers the elements and types every tag in Vue
 * templates the way Vue's guide types custom elements: a `GlobalComponents`
 * entry whose `$props` are the attributes (camelCased, as Vue props are) and
 * whose `$emit` is the events. Vue compiles the templates, so it must also be
 * told the tags are custom elements (`compilerOptions.isCustomElement`).
 */
import type { EmitFn, HTMLAttributes, PublicProps } from 'vue';
import type { TagEvent, WsTags } from './tags.js';

/** `stale-after` → `staleAfter`. */
type CamelCase<Name extends string> = Name extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : Name;

/** A tag's attributes under their camelCased names; `key` is Vue's own. */
type VueAttributes<Name extends keyof WsTags> = {
  [Attribute in keyof WsTags[Name]['attributes'] as Attribute extends 'key' ? never : CamelCase<Attribute & string>]?: WsTags[Name]['attributes'][Attribute];
};

/** A custom element as Vue's template checker reads a component: what `$props` accepts and what `$emit` fires. */
type VueElement<Name extends keyof WsTags> = new () => WsTags[Name]['element'] & {
  /** @deprecated For template type checking only: the element has no `$props`. */
  $props: HTMLAttributes & VueAttributes<Name> & PublicProps;
  /** @deprecated For template type checking only: the element has no `$emit`. */
  $emit: EmitFn<{ [Event in WsTags[Name]['events']]: (event: TagEvent<Name, Event>) => void }>;
};

type VueElements = { [Name in keyof WsTags]: VueElement<Name> };

declare module 'vue' {
  interface GlobalComponents extends VueElements {}
}

export * from '../index.js';
