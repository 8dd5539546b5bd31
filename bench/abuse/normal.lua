-- wrk script for bench/abuse.sh: the normal load. Alternates a list query and a search,
-- each request from another client address (X-Forwarded-For through the trusted loopback
-- proxy), as a portal's many readers would come, so no reader reaches the per-address limit.
local bodies = {
  '{"query":"{ caseStudies(first: 20, orderBy: { field: NAME }) { totalCount edges { node { slug title country establishedYear } } } }"}',
  '{"query":"{ search(query: \\"industriell symbios\\", lang: \\"sv\\", first: 10) { totalCount edges { node { score highlights { fragment } entity { __typename ... on CaseStudy { title } ... on Actor { name } } } } } }"}',
}
local counter = 0
local thread_number = 0
-- A portal's traffic, not the most the server can take: each of wrk's connections waits
-- its share of ABUSE_NORMAL_RATE (requests per second in all, default 1,000) between two
-- requests, so the quiet run leaves the server room and latency is service time, not
-- queueing at saturation. ABUSE_NORMAL_RATE=0 sends as fast as the server answers.
local rate = tonumber(os.getenv("ABUSE_NORMAL_RATE") or "1000")
local connections = tonumber(os.getenv("ABUSE_NORMAL_CONNECTIONS") or "10")

delay = function()
  if rate <= 0 then
    return 0
  end
  return connections * 1000 / rate
end

setup = function(thread)
  thread_number = thread_number + 1
  thread:set("offset", thread_number * 100000)
end

request = function()
  counter = counter + 1
  local client = (offset or 0) + counter
  local address = string.format("10.%d.%d.%d", math.floor(client / 65536) % 256,
    math.floor(client / 256) % 256, client % 256)
  return wrk.format("POST", "/graphql", {
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/graphql-response+json",
    ["X-Forwarded-For"] = address,
  }, bodies[(counter % 2) + 1])
end

done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format(
    "WRKRESULT requests=%d secs=%.2f rps=%.1f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f " ..
    "non2xx=%d socket_errors=%d\n",
    summary.requests, secs, summary.requests / secs, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000, e.status,
    e.connect + e.read + e.write + e.timeout))
end
