/**
 * `ticker`: a state topic of a few dozen stock symbols, each
 * `{"price": number, "change": number}` (change since the server started),
 * moved by a random walk. Every `tickerInterval` ms (default 500) a few
 * symbols move and a merge patch carries just those.
 */
import type { Json } from '../../src/core/protocol.js';
import { every, type FeedFactory, type TopicSpec } from './feed.js';

const TOPIC = 'ticker';

/** Symbols and their opening prices. */
const OPENING: Record<string, number> = {
  AAPL: 191, MSFT: 415, GOOG: 168, AMZN: 183, META: 492, NVDA: 121, TSLA: 182, NFLX: 628,
  ADBE: 512, ORCL: 124, INTC: 31, AMD: 158, IBM: 171, CSCO: 47, CRM: 271, QCOM: 198,
  TXN: 193, AVGO: 1378, PYPL: 64, SHOP: 68, UBER: 71, ABNB: 150, SPOT: 304, SNOW: 159,
  PLTR: 22, SQ: 69, ZM: 62, DDOG: 121, NOW: 731, INTU: 640,
};

/** The symbols it quotes. */
export const TICKER_SYMBOLS = Object.keys(OPENING);

/** Share of the symbols that move on each tick. */
const MOVING_SHARE = 0.25;

function round(value: number): number {
  return Math.round(value * 100) / 100;
}

export const tickerFeed: FeedFactory = (context) => {
  const spec: TopicSpec = { kind: 'state', local: true };
  const prices = new Map(Object.entries(OPENING));
  const quote = (symbol: string): Json => {
    const price = prices.get(symbol) as number;
    return { price: round(price), change: round(price - OPENING[symbol]) };
  };
  const move = () => {
    const patch: Record<string, Json> = {};
    for (const symbol of prices.keys()) {
      if (Math.random() > MOVING_SHARE) continue;
      const price = prices.get(symbol) as number;
      prices.set(symbol, Math.max(0.01, price * (1 + (Math.random() - 0.5) * 0.01)));
      patch[symbol] = quote(symbol);
    }
    return context.broker.patch(TOPIC, patch);
  };
  const opening = Object.fromEntries([...prices.keys()].map((symbol) => [symbol, quote(symbol)]));
  context.broker.patch(TOPIC, opening).catch(context.report);
  return {
    name: 'ticker',
    resolve: (topic) => (topic === TOPIC ? spec : undefined),
    stop: every(context.options.tickerInterval, context, move),
  };
};
