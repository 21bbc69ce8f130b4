-- POST /api/tickets/{id}/comments on a random ticket, as an agent.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local max_id = tonumber(os.getenv("BENCH_TICKETS"))

function init(args) common.seed() end

function request()
  local body = string.format(
    '{"body":"Checked the logs on host %d: the backup job timed out again. Restarted it '
      .. 'and will watch the next run."}', math.random(1, 500))
  return wrk.format("POST", "/api/tickets/" .. math.random(1, max_id) .. "/comments",
    common.headers({["Content-Type"] = "application/json"}), body)
end
