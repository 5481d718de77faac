-- GCRA check-and-count for one key, run atomically by Redis (see limiter.rs for the algorithm).
-- KEYS[1]  the key; its value is the theoretical arrival time in ms since the Unix epoch
-- ARGV[1]  interval in ms: how often the budget grows by one request (period / limit)
-- ARGV[2]  period in ms
-- Returns {1, 0} when the request is allowed and counted, {0, wait_ms} when it is refused.
-- Time is Redis's own clock, so every server process measures against the same one.
-- Needs Redis 5 or newer (writes after TIME rely on effect replication).
local interval = tonumber(ARGV[1])
local period = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local arrival = tonumber(redis.call('GET', KEYS[1])) or now
if arrival < now then
  arrival = now
end
local next_arrival = arrival + interval
local allowed_from = now + period
if next_arrival > allowed_from then
  return {0, next_arrival - allowed_from}
end
redis.call('SET', KEYS[1], string.format('%.0f', next_arrival), 'PX', next_arrival - now)
return {1, 0}
