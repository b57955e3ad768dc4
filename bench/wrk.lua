-- wrk script: sends the request template given as the first script argument (see
-- bench/workload.py); every @@KEY@@ in it becomes a key unique to this run, thread and
-- request (second argument: the run's prefix). done() prints one JSON line for bench/.

local KEY = "@@KEY@@"
local threads = {}
local method, path, headers, body, fixed
local prefix, counter = "k", 0

local function replace(text, value)
  local out, start = {}, 1
  while true do
    local i, j = string.find(text, KEY, start, true)
    if not i then break end
    out[#out + 1] = string.sub(text, start, i - 1)
    out[#out + 1] = value
    start = j + 1
  end
  out[#out + 1] = string.sub(text, start)
  return table.concat(out)
end

function setup(thread)
  thread:set("tid", #threads + 1)
  threads[#threads + 1] = thread
end

function init(args)
  local file = assert(io.open(args[1], "rb"))
  local text = file:read("*a")
  file:close()
  prefix = (args[2] or "k") .. "-" .. tostring(tid)
  local split = string.find(text, "\n\n", 1, true)
  local head, lines = string.sub(text, 1, split - 1), {}
  body = string.sub(text, split + 2)
  for line in string.gmatch(head, "[^\n]+") do lines[#lines + 1] = line end
  method, path, headers = lines[1], lines[2], {}
  for n = 3, #lines do
    local name, value = string.match(lines[n], "^([^:]+):%s*(.*)$")
    headers[name] = value
  end
  if body == "" then body = nil end
  if not string.find(text, KEY, 1, true) then
    fixed = wrk.format(method, path, headers, body)
  end
end

function request()
  if fixed then return fixed end
  counter = counter + 1
  local key = prefix .. "-" .. counter
  local h = {}
  for name, value in pairs(headers) do h[name] = replace(value, key) end
  return wrk.format(method, path, h, body and replace(body, key))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests":%d,"duration_us":%d,"status_errors":%d,' ..
    '"socket_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"mean_us":%.1f,"max_us":%d}\n',
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean,
    latency.max))
end
