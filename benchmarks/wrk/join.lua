-- Every request joins as a different shopper: wrk's threads take interleaved
-- tokens from the file given after "--" (thread t sends tokens t, t+n, t+2n…).

dofile(debug.getinfo(1, "S").source:sub(2):gsub("join%.lua$", "summary.lua"))

local tokens = {}
local sent = 0
local thread_count = 2

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then table.insert(tokens, line) end
  end
  thread_count = tonumber(args[2] or "2")
end

function request()
  local index = thread_number + sent * thread_count
  sent = sent + 1
  local token = tokens[(index % #tokens) + 1]
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. token,
  }, '{"quantity": 1}')
end
