-- get.lua — GET one path (DOCKET_PATH, default /api/v1/tickets/1) with a
-- bearer token (DOCKET_TOKEN).
local token = os.getenv("DOCKET_TOKEN")
local path = os.getenv("DOCKET_PATH") or "/api/v1/tickets/1"
request = function()
  return wrk.format("GET", path, {["Authorization"] = "Bearer " .. token})
end
