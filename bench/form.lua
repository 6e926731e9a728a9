-- wrk script: the same form POST every time (introspection): args = path, body, Authorization header.
function init(args)
  path = args[1]
  body = args[2]
  auth = args[3]
end

function request()
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded", ["Authorization"] = auth}, body)
end
