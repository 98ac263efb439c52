-- wrk script for the write scenarios of scripts/bench.sh. BENCH_KIND picks the write:
--   create  POST /v1/organizations, a firm of a name of its own per request;
--   record  POST /v1/organizations/{id}/contacts, round the organizations in BENCH_IDS;
--   patch   PATCH /v1/organizations/{id} with If-Match: * (the version part of any tag
--           passes), round the organizations in BENCH_IDS.
-- Each thread starts at its own place in the list, so that writers rarely share a row.
local kind = os.getenv("BENCH_KIND") or "create"
local ids = {}
for id in string.gmatch(os.getenv("BENCH_IDS") or "", "[^,]+") do
  ids[#ids + 1] = id
end
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 9973)
end

-- Names carry a random part; seeded per thread and per run, so that one run's names are not
-- the next run's (a repeated name is a likely duplicate, refused with 409).
function init(args)
  math.randomseed(os.time() * 100 + (offset or 0) % 100)
end

local n = 0
function request()
  n = n + 1
  -- wrk.format takes the headers given in place of wrk's own (the -H Authorization among them).
  local headers = { ["Content-Type"] = "application/json" }
  for name, value in pairs(wrk.headers) do
    headers[name] = value
  end
  local id = ids[((offset or 0) + n) % math.max(#ids, 1) + 1]
  if kind == "create" then
    local body = string.format(
      '{"kind": "firm", "name": "Bench Writer %d-%d-%d", "country": "SN", "city": "Dakar"}',
      offset or 0, n, math.random(1, 1000000000))
    return wrk.format("POST", "/v1/organizations", headers, body)
  elseif kind == "record" then
    local body = string.format('{"name": "Contact %d", "role_title": "Bench"}', n)
    return wrk.format("POST", "/v1/organizations/" .. id .. "/contacts", headers, body)
  else
    headers["If-Match"] = "*"
    local body = string.format('{"employees": %d}', n % 5000 + 1)
    return wrk.format("PATCH", "/v1/organizations/" .. id, headers, body)
  end
end
