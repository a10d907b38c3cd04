-- reply.lua — POST /api/v1/tickets/{n}/messages: a public reply (it also
-- writes an outbox row) on tickets 1..DOCKET_TICKETS in turn, with a bearer
-- token (DOCKET_TOKEN). The 201 comes after commit.
local token = os.getenv("DOCKET_TOKEN")
local tickets = tonumber(os.getenv("DOCKET_TICKETS") or "100")
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"kind":"reply","body":"Hello, we restarted the spooler (%d). ' ..
    'Could you try printing again and tell us if error E%d comes back?"}', n, n)
  return wrk.format("POST", string.format("/api/v1/tickets/%d/messages", n % tickets + 1), {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
