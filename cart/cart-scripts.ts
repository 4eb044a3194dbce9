// The Lua scripts behind CartStore (cart-store.ts). Each change to a cart is one script on its Redis hash,
// so two tabs changing the cart never lose an update; the scripts touch only keys sharing the {cartId} tag.

const countLines = `
local function countLines(key)
  local n = 0
  for _, f in ipairs(redis.call('HKEYS', key)) do
    if string.sub(f, 1, 2) == 'q:' then n = n + 1 end
  end
  return n
end
`;

// KEYS: cart, [replay key]; ARGV: sku, quantity, snapshot, currency, maxLines, maxQty, ttlMs, mustExist,
// request fingerprint, replay window.
export const addScript = `${countLines}
if ARGV[8] == '1' and redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
if KEYS[2] then
  local seen = redis.call('GET', KEYS[2])
  if seen then
    if seen ~= ARGV[9] then return {'key_reused'} end
    redis.call('PEXPIRE', KEYS[1], ARGV[7])
    return {'replayed'}
  end
end
local qf = 'q:' .. ARGV[1]
local current = redis.call('HGET', KEYS[1], qf)
local lines = countLines(KEYS[1])
local currency = redis.call('HGET', KEYS[1], 'currency')
if lines > 0 and currency and currency ~= ARGV[4] then return {'mixed_currency', currency} end
local after
if current then
  after = tonumber(current) + tonumber(ARGV[2])
  if after > tonumber(ARGV[6]) then return {'quantity_limit', current} end
  redis.call('HSET', KEYS[1], qf, after)
else
  if lines >= tonumber(ARGV[5]) then return {'line_limit'} end
  after = tonumber(ARGV[2])
  redis.call('HSET', KEYS[1], qf, after, 'l:' .. ARGV[1], ARGV[3], 'currency', ARGV[4])
end
if KEYS[2] then redis.call('SET', KEYS[2], ARGV[9], 'PX', ARGV[10]) end
redis.call('PEXPIRE', KEYS[1], ARGV[7])
return {'added', tostring(after)}
`;

export const setQuantityScript = `
if redis.call('HEXISTS', KEYS[1], 'q:' .. ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'q:' .. ARGV[1], ARGV[2])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return 1
`;

export const removeScript = `
local removed = redis.call('HDEL', KEYS[1], 'q:' .. ARGV[1], 'l:' .. ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return removed
`;

export const setPromoScript = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'promo', ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

export const clearPromoScript = `
local removed = redis.call('HDEL', KEYS[1], 'promo')
if redis.call('EXISTS', KEYS[1]) == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return removed
`;

// A guest's lines join the buyer's cart once per guest cart: the marker makes a retried login (or two logins
// racing with the same guest cart) a no-op. KEYS: buyer cart, marker; ARGV: maxLines, maxQty, ttlMs,
// markerMs, guest promo or '', guest currency, then sku, quantity, snapshot triples.
export const mergeScript = `${countLines}
if redis.call('EXISTS', KEYS[2]) == 1 then return {'already', '0', '0'} end
local lines = countLines(KEYS[1])
local currency = redis.call('HGET', KEYS[1], 'currency')
if lines == 0 then
  currency = ARGV[6]
  redis.call('HSET', KEYS[1], 'currency', currency)
end
local merged, skipped = 0, 0
for i = 7, #ARGV, 3 do
  local qf = 'q:' .. ARGV[i]
  local existing = redis.call('HGET', KEYS[1], qf)
  if currency ~= ARGV[6] then
    skipped = skipped + 1
  elseif existing then
    redis.call('HSET', KEYS[1], qf, math.min(tonumber(existing) + tonumber(ARGV[i + 1]), tonumber(ARGV[2])))
    merged = merged + 1
  elseif lines < tonumber(ARGV[1]) then
    redis.call('HSET', KEYS[1], qf, math.min(tonumber(ARGV[i + 1]), tonumber(ARGV[2])), 'l:' .. ARGV[i], ARGV[i + 2])
    lines = lines + 1
    merged = merged + 1
  else
    skipped = skipped + 1
  end
end
if ARGV[5] ~= '' and redis.call('HEXISTS', KEYS[1], 'promo') == 0 then
  redis.call('HSET', KEYS[1], 'promo', ARGV[5])
end
redis.call('SET', KEYS[2], '1', 'PX', ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return {'merged', tostring(merged), tostring(skipped)}
`;
