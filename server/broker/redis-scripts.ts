/**
 * The Lua scripts of the Redis broker. Each runs atomically in Redis, and
 * each first makes sure the shared epoch exists: a Redis that lost its data
 * (restarted without persistence) gets a fresh epoch from whichever
 * instance writes or reads first, so positions of the lost history can
 * never match the new one. Every script takes the epoch key as KEYS[1] and
 * a fresh random candidate epoch as ARGV[1].
 *
 * A topic is a stream (KEYS[2]) whose entries have a kind `k` (`event` or
 * `patch`) and data `d` (JSON text); a state topic also has its whole state
 * as JSON text (KEYS[3]). Streams keep one entry more than the history:
 * the oldest stands for the newest entry ever dropped, which tells a
 * client that is exactly one window behind that it can still catch up.
 */

/** Shared head: the epoch, and a stream's last id and trimming facts from XINFO. */
const HEAD = `
redis.call('SET', KEYS[1], ARGV[1], 'NX')
local epoch = redis.call('GET', KEYS[1])
local function info(key)
  if redis.call('EXISTS', key) == 0 then return '0-0', '0-0', 0, 0 end
  local fields = redis.call('XINFO', 'STREAM', key)
  local found = {}
  for i = 1, #fields, 2 do found[fields[i]] = fields[i + 1] end
  return found['last-generated-id'], found['recorded-first-entry-id'], found['entries-added'], found['length']
end
local function publish(kind, channel, prefix, data)
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], '*', 'k', kind, 'd', data)
  redis.call('PUBLISH', channel, prefix .. epoch .. ':' .. id .. '","data":' .. data .. '}')
  return id
end
`;

/**
 * Appends an event and publishes its wire text to the topic's channel.
 * ARGV: candidate epoch, stream length, channel, wire text up to the
 * position, data. Returns {epoch, id}.
 */
export const APPEND = `${HEAD}
return {epoch, publish('event', ARGV[3], ARGV[4], ARGV[5])}
`;

/**
 * Replaces a state topic's state if nobody changed it since it was read
 * (its epoch and last id are as given), storing and publishing the patch.
 * ARGV: candidate epoch, stream length, channel, wire prefix, patch,
 * new state, expected epoch, expected last id. Returns {epoch, id}, or
 * false when the state changed meanwhile (the caller reads and tries again).
 */
export const PATCH_IF_UNCHANGED = `${HEAD}
local last = info(KEYS[2])
if epoch ~= ARGV[7] or last ~= ARGV[8] then return false end
redis.call('SET', KEYS[3], ARGV[6])
return {epoch, publish('patch', ARGV[3], ARGV[4], ARGV[5])}
`;

/** A state topic's state: returns {epoch, last id, state JSON or false}. */
export const STATE = `${HEAD}
local last = info(KEYS[2])
return {epoch, last, redis.call('GET', KEYS[3])}
`;

/**
 * The entries after an id, and what decides whether they are all of them.
 * ARGV: candidate epoch, exclusive start. Returns {epoch, last id, first
 * held id, entries added ever, entries held, entries}.
 */
export const AFTER = `${HEAD}
local last, first, added, length = info(KEYS[2])
return {epoch, last, first, added, length, redis.call('XRANGE', KEYS[2], ARGV[2], '+')}
`;

/**
 * Up to ARGV[2] latest entries, newest first, never the boundary entry of a
 * trimmed stream: returns {epoch, last id, entries}.
 */
export const LATEST = `${HEAD}
local last, first, added, length = info(KEYS[2])
local count = tonumber(ARGV[2])
if added > length then count = math.min(count, length - 1) end
local entries = {}
if count > 0 then entries = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', count) end
return {epoch, last, entries}
`;
