/**
 * The tags in Solid's JSX once `ws-bind/solid` is imported, with `attr:`
 * for attributes the elements have no property for and `on:` for events.
 */
import 'ws-bind/solid';

export const Clock = () => (
  <ws-bind src="/feeds" topic="clock" attr:template="clock-line" stale-after={5000} on:ws-update={(event) => console.log(event.detail.value)}>
    Waiting for the clock…
  </ws-bind>
);

export const Chat = () => (
  <ws-send src="/feeds" topic="chat/lobby" keep="name" on:ws-ack={(event) => console.log(event.detail.pos)}>
    <form><input name="name" /><input name="text" /><button>Send</button></form>
  </ws-send>
);

// @ts-expect-error "replaced" is not one of <ws-bind>'s modes.
export const WrongMode = () => <ws-bind src="/feeds" mode="replaced" />;
