-- POST /api/tickets with a new Idempotency-Key each time, as a requester.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local priorities = {"low", "medium", "medium", "high", "urgent"}
local sent = 0

function init(args) common.seed() end

function request()
  sent = sent + 1
  local key = common.run .. "-" .. thread_id .. "-" .. sent
  local body = string.format(
    '{"title":"Printer on floor %d jams again (%s)","description":"The tray jams on '
      .. 'every second page since the update; restarting the printer does not help.",'
      .. '"priority":"%s"}',
    math.random(1, 12), key, priorities[math.random(1, #priorities)])
  return wrk.format("POST", "/api/tickets",
    common.headers({["Content-Type"] = "application/json", ["Idempotency-Key"] = key}), body)
end
