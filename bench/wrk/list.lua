-- GET on one of BENCH_PATHS (space-separated), picked at random per request. In a path,
-- {offset} becomes a random multiple of 20 between BENCH_OFFSET_MIN and BENCH_OFFSET_MAX.
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local paths = {}
for path in string.gmatch(os.getenv("BENCH_PATHS"), "%S+") do table.insert(paths, path) end
local offset_min = math.floor(tonumber(os.getenv("BENCH_OFFSET_MIN") or "0") / 20)
local offset_max = math.floor(tonumber(os.getenv("BENCH_OFFSET_MAX") or "0") / 20)

function init(args) common.seed() end

function request()
  local path = paths[math.random(1, #paths)]
  if string.find(path, "{offset}", 1, true) then
    path = string.gsub(path, "{offset}", tostring(20 * math.random(offset_min, offset_max)))
  end
  return wrk.format("GET", path, common.headers())
end
