-- mixed.lua — a help desk at work, by weight per 100 requests: agents open
-- tickets (30), page through filtered lists (25), search (10), reply (10),
-- change status or priority in place (10), write notes (5); customers open
-- tickets (10), with their own token (DOCKET_CUSTOMER_TOKEN). Agent token
-- DOCKET_TOKEN; tickets 1..DOCKET_TICKETS exist. Every 2xx is committed.
local token = os.getenv("DOCKET_TOKEN")
local customer_token = os.getenv("DOCKET_CUSTOMER_TOKEN") or token
local tickets = tonumber(os.getenv("DOCKET_TICKETS") or "100")
local words = {"printer", "invoice", "password", "vpn", "refund", "faktura", "принтер"}
local lists = {
  "/api/v1/tickets?status=todo,waiting,in_progress&sort=-priority,created_at&limit=50",
  "/api/v1/tickets?assignee=none&sort=-created_at&limit=50",
  "/api/v1/tickets?priority=major&sort=deadline&limit=50",
  "/api/v1/tickets?unread=true&limit=50",
}
local json = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token}
local get = {["Authorization"] = "Bearer " .. token}
local customer = {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. customer_token}
local n = 0

local function ticket()
  return math.random(1, tickets)
end

request = function()
  n = n + 1
  local r = math.random(1, 100)
  if r <= 30 then
    return wrk.format("GET", "/api/v1/tickets/" .. ticket(), get)
  elseif r <= 55 then
    return wrk.format("GET", lists[math.random(1, #lists)], get)
  elseif r <= 65 then
    return wrk.format("GET", "/api/v1/tickets?q=" .. words[math.random(1, #words)] .. "&limit=20", get)
  elseif r <= 75 then
    return wrk.format("POST", "/api/v1/tickets/" .. ticket() .. "/messages", json,
      '{"kind":"reply","body":"We are looking into it and will get back to you today."}')
  elseif r <= 85 then
    local field = (r % 2 == 0) and '{"status":"in_progress"}' or '{"priority":"major"}'
    return wrk.format("PATCH", "/api/v1/tickets/" .. ticket(), json, field)
  elseif r <= 90 then
    return wrk.format("POST", "/api/v1/tickets/" .. ticket() .. "/messages", json,
      '{"kind":"note","body":"Checked the logs: same error as last week."}')
  else
    return wrk.format("POST", "/api/v1/tickets", customer, string.format(
      '{"subject":"Printer %d jams","description":"Paper jam every morning."}', n))
  end
end
