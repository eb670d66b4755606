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
 * as JSON text (KEYS[3]). Writes made with an idempotency key record its
 * position in a hash (KEYS[4]) in the same step, its latest keys listed in
 * order (KEYS[5]) so the oldest can be forgotten.
 *
 * Write scripts share their first arguments: ARGV[1] candidate epoch,
 * ARGV[2] stream length, ARGV[3] channel, ARGV[4] wire text up to the
 * position, ARGV[5] data, ARGV[6] idempotency key or '', ARGV[7] how many
 * keys to keep. They return {epoch, id}, or {'', position} for a key
 * already used. Streams keep one entry more than the history:
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
local function write(kind)
  local id = redis.call('XADD', KEYS[2], 'MAXLEN', ARGV[2], '*', 'k', kind, 'd', ARGV[5])
  redis.call('PUBLISH', ARGV[3], ARGV[4] .. epoch .. ':' .. id .. '","data":' .. ARGV[5] .. '}')
  if ARGV[6] ~= '' then
    redis.call('HSET', KEYS[4], ARGV[6], epoch .. ':' .. id)
    redis.call('RPUSH', KEYS[5], ARGV[6])
    if redis.call('LLEN', KEYS[5]) > tonumber(ARGV[7]) then redis.call('HDEL', KEYS[4], redis.call('LPOP', KEYS[5])) end
  end
  return {epoch, id}
end
local function earlier()
  if ARGV[6] == '' then return false end
  return redis.call('HGET', KEYS[4], ARGV[6])
end
`;

/** Appends an event and publishes its wire text to the topic's channel. */
export const APPEND = `${HEAD}
local done = earlier()
if done then return {'', done} end
return write('event')
`;

/**
 * Replaces a state topic's state if nobody changed it since it was read
 * (its epoch and last id are ARGV[9] and ARGV[10]), storing and publishing
 * the patch (ARGV[5]) and the new state (ARGV[8]). Returns false when the
 * state changed meanwhile: the caller reads it again and retries.
 */
export const PATCH_IF_UNCHANGED = `${HEAD}
local done = earlier()
if done then return {'', done} end
local last = info(KEYS[2])
if epoch ~= ARGV[9] or last ~= ARGV[10] then return false end
redis.call('SET', KEYS[3], ARGV[8])
return write('patch')
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
