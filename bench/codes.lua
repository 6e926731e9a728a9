-- wrk script: POST the code exchange, each request with its own single-use code (codes file: one per line).
-- args: codes file, thread count, token path, redirect_uri (encoded), Authorization header, PKCE code_verifier.
local thread_count = 0
function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  codes = {}
  local nthreads = tonumber(args[2])
  local i = 0
  for line in io.lines(args[1]) do
    if i % nthreads == tid then table.insert(codes, line) end
    i = i + 1
  end
  index = 0
  path = args[3]
  redirect_uri = args[4]
  auth = args[5]
  verifier = args[6]
end

function request()
  index = index + 1
  local code = codes[index] or "exhausted"
  local body = "grant_type=authorization_code&code=" .. code .. "&redirect_uri=" .. redirect_uri
    .. "&code_verifier=" .. verifier
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = auth}, body)
end
