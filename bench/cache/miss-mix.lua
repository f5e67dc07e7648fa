-- wrk script for bench/cache/run.sh: 9 in 10 requests ask for a 1 KB object never asked before
-- (a miss: the cache fetches and stores it), 1 in 10 for one of 100 hot objects (a hit once warm).
-- ROUND (environment) keeps each run's new objects new; each thread numbers its own.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local n = 0
local round = os.getenv("ROUND") or "0"
function request()
  n = n + 1
  local path
  if n % 10 == 0 then
    path = "/1k/hot-" .. (n / 10 % 100)
  else
    path = "/1k/miss-" .. round .. "-" .. tid .. "-" .. n
  end
  return wrk.format(nil, path)
end
