-- wrk script for the benchmark (bench/load.py writes the plan and starts wrk with -t N -c N).
-- One connection per thread, so each thread is one virtual user who has signed in already (the
-- plan holds their session cookie) and loops over their steps in order. A reply with an unexpected
-- status (neither the step's status nor one of its ``also``), or a redirect to the sign-in page,
-- counts as an error of that step.
--
-- Each user keeps their cookies as a browser does (unless the plan says ``jar = false``): when a page
-- sets the session cookie anew (the app rewrites it at most once a minute), the new one replaces the
-- old in every following request that sent the old. A fixed cookie would make the app rewrite it in
-- every reply once it is a minute old, a cost no browser causes. A redirect's cookie is not kept:
-- it carries the message for the page the browser goes to next ("Dit svar er gemt"), which the
-- benchmark does not request, so the message would pile up in the cookie.

local plan = dofile(os.getenv("BENCH_PLAN"))
local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("user_number", counter)
  table.insert(threads, thread)
end

local function format(step, cookie)
  local headers = { Cookie = cookie }
  if step.body then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
  end
  return wrk.format(step.method, step.path, headers, step.body)
end

local function cookie_name(cookie)
  return string.match(cookie, "^([^=]*)=")
end

function init(args)
  local user = plan.users[((user_number - 1) % #plan.users) + 1]
  keeps_cookies = user.jar
  requests, expected, names, steps, cookies = {}, {}, {}, user.steps, {}
  for i, step in ipairs(user.steps) do
    cookies[i] = step.cookie or user.cookie
    requests[i] = format(step, cookies[i])
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
  local set_cookie = headers["Set-Cookie"] or headers["set-cookie"]
  if keeps_cookies and set_cookie and status >= 200 and status < 300 then
    keep_cookie(string.match(set_cookie, "^[^;]*"))
  end
end

-- The reply to the request at ``position`` set ``fresh``: send it instead of the cookie of the same
-- name in every step that sent the same cookie (the same person).
function keep_cookie(fresh)
  local stale = cookies[position]
  if fresh == stale or cookie_name(fresh) ~= cookie_name(stale) then
    return
  end
  for i = 1, #steps do
    if cookies[i] == stale then
      cookies[i] = fresh
      requests[i] = format(steps[i], fresh)
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
