/** The arithmetic of `Broker.add`, shared by every broker so they agree on it. */
import type { Json } from '../../src/core/protocol.js';

/** The merge patch that adds `amounts` to a state's top-level fields; a field that is not a number counts as 0. */
export function addedFields(state: Json, amounts: Readonly<Record<string, number>>): Record<string, number> {
  const fields = typeof state === 'object' && state !== null && !Array.isArray(state) ? state : {};
  const patch: Record<string, number> = {};
  for (const [field, amount] of Object.entries(amounts)) {
    const current = fields[field];
    patch[field] = (typeof current === 'number' ? current : 0) + amount;
  }
  return patch;
}
