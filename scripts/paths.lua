-- Alternates a read by id (the URL given to wrk) with a filtered list, as a partner portal's
-- pages do.
local n = 0
request = function()
  n = n + 1
  if n % 2 == 0 then
    return wrk.format("GET", "/v1/organizations?service=bpo&country=SN&limit=20")
  end
  return wrk.format("GET", nil)
end
