/**
 * The Lua script `redisStore()` runs for each request: the same integer arithmetic
 * as @tsgi/rate-limit's gcra.ts and sliding-window.ts (read them side by side; each
 * line here mirrors one there), run inside Redis so that reading the counters,
 * deciding and writing them back is one atomic step and one round trip.
 *
 * The state is one string per key: `g <tat> <frac>` (GCRA) or `s <start> <previous>
 * <current>` (sliding window). It is written only when a request passes and costs
 * something, with `PX` set to when it is as good as a fresh one (`resetAt - now`)
 * plus `EXPIRY_SLACK_MS`: a state kept a little longer answers the same (past
 * `resetAt` both algorithms treat it as fresh), and app servers whose clocks differ by
 * less than that still see it.
 *
 * Redis' Lua numbers are doubles: every value stays an integer below 2^53 (the
 * middleware keeps `limit * window <= 2^46`), `floordiv` corrects the rounding that
 * `math.floor(a / b)` can make, and numbers go back to Redis through `%d`, never
 * `tostring` (which rounds to 14 digits).
 *
 * KEYS[1] the counter; ARGV: algorithm (`g` or `s`), cost, now, limit, window, slack.
 * Answers `{allowed (0/1), remaining, resetAt, retryAt (-1 for never)}`.
 *
 * @example
 * await new RedisScript(RATE_LIMIT_LUA).run(client, 'tsgi:rl:default:203.0.113.9', ['g', 1, Date.now(), 100, 60_000, 1000]);
 * @see https://github.com/brandur/redis-cell
 * @module
 */

/** Extra milliseconds a counter key lives past its resetAt (see above). */
export const EXPIRY_SLACK_MS = 1000;

export const RATE_LIMIT_LUA = `
local key = KEYS[1]
local alg = ARGV[1]
local cost, now, limit, window, slack = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])

local function floordiv(a, b)
  local q = math.floor(a / b)
  local r = a - q * b
  if r < 0 then q = q - 1 elseif r >= b then q = q + 1 end
  return q
end
local function ceildiv(a, b)
  local q = floordiv(a, b)
  if q * b == a then return q end
  return q + 1
end

local saved = redis.call('GET', key)
local s1, s2, s3 = 0, 0, 0
if saved then
  local a, x, y, z = string.match(saved, '^(%a) (%d+) (%d+) ?(%d*)$')
  if a ~= alg then
    return redis.error_reply('two rate limit policies share the key ' .. key .. ' with different algorithms; give each rateLimit() its own name')
  end
  s1, s2, s3 = tonumber(x), tonumber(y), tonumber(z) or 0
end

local allowed, remaining, resetAt, retryAt = false, 0, now, -1
local state

if alg == 'g' then
  local tat, frac = s1, s2
  local function fresh() return tat < now or (tat == now and frac == 0) end
  if fresh() then tat = now; frac = 0 end
  if cost <= limit then
    local sum = frac + cost * window
    local q = floordiv(sum, limit)
    local rest = sum - q * limit
    local ahead = tat + q - now
    allowed = ahead < window or (ahead == window and rest == 0)
    if allowed then
      tat = tat + q; frac = rest; retryAt = now
    else
      retryAt = tat - window + ceildiv(sum, limit)
    end
  end
  if fresh() then resetAt = now elseif frac > 0 then resetAt = tat + 1 else resetAt = tat end
  if fresh() then
    remaining = limit
  else
    local room = (now + window - tat) * limit - frac
    if room <= 0 then remaining = 0 else remaining = math.min(limit, floordiv(room, window)) end
  end
  state = string.format('g %d %d', tat, frac)
else
  local start, previous, current = s1, s2, s3
  local s = floordiv(now, window) * window
  if s > start then
    if s == start + window then previous = current else previous = 0 end
    current = 0; start = s
  end
  local used = previous * (window - math.max(0, now - start)) + current * window
  allowed = cost <= limit and used + cost * window <= limit * window
  if allowed then current = current + cost; used = used + cost * window end
  if current > 0 then resetAt = start + 2 * window elseif previous > 0 then resetAt = start + window else resetAt = now end
  remaining = math.max(0, floordiv(limit * window - used, window))
  if allowed then
    retryAt = now
  elseif cost <= limit then
    local budget = (limit - cost - current) * window
    local weight = 0
    if budget >= 0 and previous > 0 then weight = floordiv(budget, previous) end
    if weight >= 1 then
      retryAt = start + window - weight
    elseif current == 0 then
      retryAt = start + window
    else
      retryAt = start + window + math.max(0, window - floordiv((limit - cost) * window, current))
    end
  end
  state = string.format('s %d %d %d', start, previous, current)
end

if allowed and cost > 0 then
  redis.call('SET', key, state, 'PX', string.format('%d', resetAt - now + slack))
end
return {allowed and 1 or 0, string.format('%d', remaining), string.format('%d', resetAt), string.format('%d', retryAt)}
`;
