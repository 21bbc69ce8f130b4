-- POST /api/login as one of the first BENCH_LOGIN_USERS requesters (right password).
local common = dofile(os.getenv("BENCH_WRK_DIR") .. "/common.lua")
local users = tonumber(os.getenv("BENCH_LOGIN_USERS") or "1000")
local domain = os.getenv("BENCH_EMAIL_DOMAIN")
local password = os.getenv("BENCH_PASSWORD")

function init(args) common.seed() end

function request()
  local body = string.format('{"email":"user%d@%s","password":"%s"}',
    math.random(1, users), domain, password)
  return wrk.format("POST", "/api/login", {["Content-Type"] = "application/json"}, body)
end
