-- serve_post.lua - wrk script for bench/serve: POSTs one article per
-- request to /v1/articles, each under a new id (the texts of a JSON Lines
-- file in turn), and writes the id of every 200 answer to ACKED_DIR/acked-N
-- so the bench can check afterwards that each one is in the index.
-- Usage: wrk ... -s serve_post.lua URL/v1/articles -- POSTS.jsonl ACKED_DIR RUN
local threads = {}
local next_id = 1

function setup(thread)
	thread:set("tid", next_id)
	next_id = next_id + 1
	table.insert(threads, thread)
end

local lines, n, counter, prefix, acked

function init(args)
	lines = {}
	for line in io.lines(args[1]) do
		lines[#lines + 1] = line
	end
	n = #lines
	counter = 0
	prefix = "b" .. args[3] .. "t" .. tid .. "n"
	acked = assert(io.open(args[2] .. "/acked-" .. tid, "w"))
	acked:setvbuf("line")
	wrk.method = "POST"
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	local line = lines[counter % n + 1]
	local body = line:gsub('"id":"', '"id":"' .. prefix .. counter .. "-", 1)
	counter = counter + 1
	return wrk.format(nil, nil, nil, body)
end

function response(status, headers, body)
	if status == 200 then
		local id = body:match('^{"id": "([^"]*)"')
		if id then
			acked:write(id, "\n")
		end
	end
end
