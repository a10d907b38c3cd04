-- create.lua — POST /api/v1/tickets with a bearer token (DOCKET_TOKEN).
-- Each request creates one ticket; the 201 comes after commit (durable).
local token = os.getenv("DOCKET_TOKEN")
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"subject":"Printer on floor %d does not print","description":' ..
    '"Since this morning the printer shows error E%d and prints nothing.",' ..
    '"priority":"normal","tags":["printer","floor-%d"]}', n % 40, n, n % 7)
  return wrk.format("POST", "/api/v1/tickets", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
