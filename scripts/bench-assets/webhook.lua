-- wrk script: POSTs a realistic one-event Japanese text webhook, signed like LINE signs it
-- (Base64(HMAC-SHA256(channel secret, body))). Every request carries a new webhookEventId, so each one is
-- a durable insert, not a duplicate. Users rotate over 1,000 made-up ids.
-- Environment: BENCH_CHANNEL_SECRET, and BENCH_ID_PREFIX when several wrk processes run at once.
local bit = require("bit")
local band, bor, bxor, bnot = bit.band, bit.bor, bit.bxor, bit.bnot
local rshift, lshift, ror, tobit = bit.rshift, bit.lshift, bit.ror, bit.tobit
local byte, char, rep, format = string.byte, string.char, string.rep, string.format

local K = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
}
for i = 1, 64 do K[i] = tobit(K[i]) end

local w = {}
local function block(s, i, H)
  for j = 1, 16 do
    local a, b, c, d = byte(s, i, i + 3)
    w[j] = bor(lshift(a, 24), lshift(b, 16), lshift(c, 8), d)
    i = i + 4
  end
  for j = 17, 64 do
    local v, u = w[j - 15], w[j - 2]
    w[j] = tobit(w[j - 16] + bxor(ror(v, 7), ror(v, 18), rshift(v, 3)) + w[j - 7]
      + bxor(ror(u, 17), ror(u, 19), rshift(u, 10)))
  end
  local a, b, c, d, e, f, g, h = H[1], H[2], H[3], H[4], H[5], H[6], H[7], H[8]
  for j = 1, 64 do
    local t1 = tobit(h + bxor(ror(e, 6), ror(e, 11), ror(e, 25)) + bxor(band(e, f), band(bnot(e), g)) + K[j] + w[j])
    local t2 = tobit(bxor(ror(a, 2), ror(a, 13), ror(a, 22)) + bxor(band(a, b), band(a, c), band(b, c)))
    h, g, f, e, d, c, b, a = g, f, e, tobit(d + t1), c, b, a, tobit(t1 + t2)
  end
  H[1], H[2], H[3], H[4] = tobit(H[1] + a), tobit(H[2] + b), tobit(H[3] + c), tobit(H[4] + d)
  H[5], H[6], H[7], H[8] = tobit(H[5] + e), tobit(H[6] + f), tobit(H[7] + g), tobit(H[8] + h)
end

local function sha256(s)
  local len = #s
  local pad = 64 - ((len + 9) % 64)
  if pad == 64 then pad = 0 end
  local bits = len * 8
  s = s .. "\128" .. rep("\0", pad) .. rep("\0", 4)
    .. char(band(rshift(bits, 24), 255), band(rshift(bits, 16), 255), band(rshift(bits, 8), 255), band(bits, 255))
  local H = { tobit(0x6a09e667), tobit(0xbb67ae85), tobit(0x3c6ef372), tobit(0xa54ff53a),
              tobit(0x510e527f), tobit(0x9b05688c), tobit(0x1f83d9ab), tobit(0x5be0cd19) }
  for i = 1, #s, 64 do block(s, i, H) end
  local out = {}
  for i = 1, 8 do
    local v = H[i]
    out[i] = char(band(rshift(v, 24), 255), band(rshift(v, 16), 255), band(rshift(v, 8), 255), band(v, 255))
  end
  return table.concat(out)
end

local function xorpad(key, pad)
  local out = {}
  for i = 1, 64 do out[i] = char(bxor(byte(key, i) or 0, pad)) end
  return table.concat(out)
end

local B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
local function base64(s)
  local out = {}
  for i = 1, #s, 3 do
    local a, b, c = byte(s, i, i + 2)
    local n = lshift(a, 16) + lshift(b or 0, 8) + (c or 0)
    local c1, c2 = band(rshift(n, 18), 63) + 1, band(rshift(n, 12), 63) + 1
    local c3, c4 = band(rshift(n, 6), 63) + 1, band(n, 63) + 1
    out[#out + 1] = B64:sub(c1, c1) .. B64:sub(c2, c2)
      .. (b and B64:sub(c3, c3) or "=") .. (c and B64:sub(c4, c4) or "=")
  end
  return table.concat(out)
end

local secret = os.getenv("BENCH_CHANNEL_SECRET") or error("set BENCH_CHANNEL_SECRET")
if #secret > 64 then secret = sha256(secret) end
local ipad, opad = xorpad(secret, 0x36), xorpad(secret, 0x5c)
local function sign(body) return base64(sha256(opad .. sha256(ipad .. body))) end

-- Self-check against the official python-sdk vector (channel_secret / bodybodybodybody).
do
  local ki, ko = xorpad("channel_secret", 0x36), xorpad("channel_secret", 0x5c)
  local got = base64(sha256(ko .. sha256(ki .. "bodybodybodybody")))
  assert(got == "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=", "HMAC self-check failed: " .. got)
end

local counter = 0
-- BENCH_ID_PREFIX (8 hex digits) keeps ids apart when several wrk processes post at once.
-- LuaJIT's math.random starts from the same seed in every process and thread, so two wrk runs against one server
-- (a warm-up, say) would repeat each other's ids and measure duplicates: the prefix comes from the kernel instead.
local function random_prefix()
  local urandom = assert(io.open("/dev/urandom", "rb"))
  local a, b, c, d = byte(urandom:read(4), 1, 4)
  urandom:close()
  return format("%02X%02X%02X%02X", a, b, c, d)
end
local prefix = os.getenv("BENCH_ID_PREFIX") or random_prefix()
local texts = {
  "最近、職場の人間関係がつらくて夜も眠れません。誰かに話を聞いてもらいたくて連絡しました。",
  "家族のことで相談があります。家に帰るのがこわいときがあって、どうしたらいいか分かりません。",
  "お金のことで困っています。今月の家賃が払えそうになくて、使える制度があれば知りたいです。",
}

request = function()
  counter = counter + 1
  local user = counter % 1000
  local body = format(
    '{"destination":"U0123456789abcdef0123456789abcdef","events":[{"type":"message","message":{"type":"text",'
      .. '"id":"%d","quoteToken":"q%s%010d","text":"%s"},"webhookEventId":"01J%s%015d","deliveryContext":'
      .. '{"isRedelivery":false},"timestamp":1767225600000,"source":{"type":"user","userId":"U%032x"},'
      .. '"replyToken":"%s%024d","mode":"active"}]}',
    counter, prefix, counter, texts[counter % 3 + 1], prefix, counter, 0xfeed0000 + user, prefix, counter)
  return wrk.format("POST", "/webhook",
    { ["Content-Type"] = "application/json", ["x-line-signature"] = sign(body) }, body)
end
