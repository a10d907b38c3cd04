-- status.lua — PATCH /api/v1/tickets/{n} {"status"}: the in-place status
-- change of the tickets table, cycling through the default statuses on
-- tickets 1..DOCKET_TICKETS, with a bearer token (DOCKET_TOKEN).
local token = os.getenv("DOCKET_TOKEN")
local tickets = tonumber(os.getenv("DOCKET_TICKETS") or "100")
local statuses = {"todo", "waiting", "in_progress", "closed"}
local n = 0
request = function()
  n = n + 1
  -- Each round over the tickets moves them all to the next status.
  local body = string.format('{"status":"%s"}', statuses[math.floor(n / tickets) % #statuses + 1])
  return wrk.format("PATCH", string.format("/api/v1/tickets/%d", n % tickets + 1), {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
