-- wrk script for the benchmark (bench/load.py writes the plan and starts wrk with -t N -c N).
-- One connection per thread, so each thread is one virtual user who has signed in already (the
-- plan holds their session cookie) and loops over their steps in order. A reply with an unexpected
-- status (neither the step's status nor one of its ``also``), or a redirect to the sign-in page,
-- counts as an error of that step.

local plan = dofile(os.getenv("BENCH_PLAN"))
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("user_number", counter)
  table.insert(threads, thread)
end

function init(args)
  local user = plan.users[((user_number - 1) % #plan.users) + 1]
  requests, expected, names = {}, {}, {}
  for i, step in ipairs(user.steps) do
    local headers = { Cookie = step.cookie or user.cookie }
    if step.body then
      headers["Content-Type"] = "application/x-www-form-urlencoded"
    end
    requests[i] = wrk.format(step.method, step.path, headers, step.body)
    expected[i] = { [step.status] = true }
    for _, code in ipairs(step.also or {}) do expected[i][code] = true end
    names[i] = step.name
  end
  position = 0
  unexpected = 0
  first_error = ""
end

function request()
  position = position % #requests + 1
  return requests[position]
end

function response(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if not expected[position][status] or string.find(location, "log-ind", 1, true) then
    unexpected = unexpected + 1
    if first_error == "" then
      first_error = names[position] .. ": " .. status .. " " .. location
    end
  end
end

function done(summary, latency, requests)
  local unexpected_total, first = 0, ""
  for _, thread in ipairs(threads) do
    unexpected_total = unexpected_total + thread:get("unexpected")
    if first == "" then first = thread:get("first_error") end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "unexpected": %d, ' ..
    '"first_error": "%s", "connect_errors": %d, "read_errors": %d, "write_errors": %d, ' ..
    '"status_errors": %d, "timeouts": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, unexpected_total,
    (string.gsub(first, '[%c"\\]', "'")), errors.connect, errors.read, errors.write, errors.status,
    errors.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
