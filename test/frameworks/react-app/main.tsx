/**
 * A React 19 app as a new user writes one: `import 'ws-bind/react'` registers
 * the elements and types them in JSX. The live clock renders through the
 * document's `<template id="clock-line">`; the two `<ws-bind>` marked "wrong"
 * show the pitfalls the README warns about, and the test checks both.
 */
import 'ws-bind/react';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import type { WsBindElement } from 'ws-bind/react';

/** `key` is React's own prop and never reaches the element: a ref sets the keyed mode and its key path together. */
function keyedBy(path: string) {
  return (element: WsBindElement | null) => {
    element?.setAttribute('key', path);
    element?.setAttribute('mode', 'keyed');
  };
}
const keyedByName = keyedBy('name');

function App() {
  const [updates, setUpdates] = useState(0);
  return (
    <main>
      <h1>Clock</h1>
      <ws-bind id="clock" className="clock" src="/feeds" topic="clock" template="clock-line" onws-update={() => setUpdates((count) => count + 1)}>
        Waiting for the clock…
      </ws-bind>
      <p>Updates: <output id="updates">{updates}</output></p>

      {/* Wrong: React resets a text child that changes at every render, wiping what <ws-bind> rendered. */}
      <ws-bind id="changing-placeholder" src="/feeds" topic="clock" select="time">{`Waiting (${updates} updates so far)`}</ws-bind>
      {/* Wrong: React puts a JSX <template>'s children in the element, not in its content, so it renders nothing. */}
      <ws-bind id="jsx-template" src="/feeds" topic="clock">
        <template><time className="tick">{'{{ time }}'}</time></template>
      </ws-bind>

      <h1>Chat</h1>
      <ws-send id="chat-form" src="/feeds" topic="chat/react" keep="name">
        <form>
          <input name="name" aria-label="Name" />
          <input name="text" aria-label="Message" required />
          <button>Send</button>
        </form>
      </ws-send>
      <ws-bind id="chat" class="chat" src="/feeds" topic="chat/react" select="text" mode="append" limit={20} />
      <ws-bind id="chat-by-name" src="/feeds" topic="chat/react" select="text" ref={keyedByName} />
    </main>
  );
}

/** Never rendered: the typings reject a value that `mode` does not take. */
export function MisspelledMode() {
  // @ts-expect-error "replaced" is not one of <ws-bind>'s modes.
  return <ws-bind src="/feeds" topic="clock" mode="replaced" />;
}

createRoot(document.getElementById('root')!).render(<App />);
