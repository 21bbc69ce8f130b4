-- GET /api/tickets/{id}: a random ticket of the BENCH_TICKETS in the dataset.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local max_id = tonumber(os.getenv("BENCH_TICKETS"))

function init(args) common.seed() end

function request()
  return wrk.format("GET", "/api/tickets/" .. math.random(1, max_id), common.headers())
end
