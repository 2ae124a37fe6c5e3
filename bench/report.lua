-- wrk script: how each request is made, and one JSON line with requests/s, latency percentiles (ms)
-- and errors at the end.
--   wrk ... -s report.lua URL                     the same request every time
--   wrk ... -s report.lua URL -- unique           a query string new to every request (_bench=N):
--                                                 the page cache never has it, so the page is built
--   wrk ... -s report.lua URL -- words FILE       URL ends "?q=": a word from FILE per request, in
--                                                 turn, so every search is a first-time search
local mode, words, counter = nil, {}, 0

init = function(args)
    mode = args[1]
    if mode == "words" then
        for line in io.lines(args[2]) do
            table.insert(words, line)
        end
    end
end

request = function()
    counter = counter + 1
    local path = wrk.path
    if mode == "unique" then
        local separator = string.find(path, "?", 1, true) and "&" or "?"
        path = path .. separator .. "_bench=" .. counter
    elseif mode == "words" then
        path = path .. words[(counter - 1) % #words + 1]
    end
    return wrk.format(nil, path)
end

done = function(summary, latency, requests)
    local seconds = summary.duration / 1e6
    local errors = summary.errors.connect + summary.errors.read + summary.errors.write
        + summary.errors.status + summary.errors.timeout
    io.write(string.format(
        'JSON {"rps": %.2f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "requests": %d, "errors": %d}\n',
        summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
        latency:percentile(99) / 1000, summary.requests, errors))
end
