-- PATCH /api/tickets/{id} with the right If-Match, as the agent the tickets are assigned
-- to: each change flips the priority between high and medium (a real change: new version,
-- new due date, a timeline entry).
--
-- BENCH_DATA is a file of "id version priority" lines, read from the database just
-- before the run. Each thread takes its own share of the lines and goes round them,
-- skipping a ticket whose last PATCH is still unanswered. wrk does not say which request
-- a response answers, so each request carries X-Request-ID: patch-<id>, which the service
-- echoes; the response gives the ticket's new version and priority. A 409 (the version
-- moved under us: it should not happen) is counted in `conflicts`, and the ticket left out.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local tickets = {}
local by_id = {}
local position = 0
conflicts = 0

function init(args)
  common.seed()
  local line_number = 0
  for line in io.lines(os.getenv("BENCH_DATA")) do
    line_number = line_number + 1
    if line_number % common.threads == thread_id - 1 then
      local id, version, priority = string.match(line, "(%d+) (%d+) (%a+)")
      local ticket = {id = id, version = version, priority = priority}
      table.insert(tickets, ticket)
      by_id[id] = ticket
    end
  end
end

function request()
  local ticket
  for _ = 1, #tickets do
    position = position % #tickets + 1
    ticket = tickets[position]
    if not ticket.busy and not ticket.stale then break end
  end
  ticket.busy = true
  local priority = ticket.priority == "high" and "medium" or "high"
  return wrk.format("PATCH", "/api/tickets/" .. ticket.id,
    common.headers({["Content-Type"] = "application/json",
                    ["If-Match"] = '"' .. ticket.version .. '"',
                    ["X-Request-ID"] = "patch-" .. ticket.id}),
    '{"priority":"' .. priority .. '"}')
end

function response(status, headers, body)
  local request_id = headers["x-request-id"] or headers["X-Request-ID"] or ""
  local ticket = by_id[string.match(request_id, "^patch%-(%d+)$") or ""]
  if not ticket then return end
  ticket.busy = false
  if status == 200 then
    ticket.version = string.match(body, '"version":(%d+)')
    ticket.priority = string.match(body, '"priority":"(%a+)"')
  elseif status == 409 then
    conflicts = conflicts + 1
    ticket.stale = true
  end
end
