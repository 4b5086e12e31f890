# `wiredup serve` on an ephemeral loopback port: every endpoint and every
# error status, the body limit, auth on and off, overload (503), the time
# window, the same answers as the CLI, and SIGTERM draining with restart
# persistence (every acknowledged article is stored, and only those).
. "$WD_TESTS_DIR/cli/lib.sh"
require_sqlite3
. "$WD_TESTS_DIR/cli/stories.sh"
. "$WD_TESTS_DIR/cli/serve_lib.sh"
S="$WD_DATA_DIR/sample.jsonl"

# ---- endpoints and errors, no token ----
DB="$WORK/a.db"
start_server a --db "$DB" --max-bytes 200000 --threads 2 || finish

req GET /v1/health
expect_code 200 "health"
expect_json '.status == "ok"' "health"
req GET /v1/stats
expect_code 200 "stats of an empty index"
expect_json '.articles == 0 and .clusters == 0 and .params.num_perm == 128 and .params.threshold == 0.45 and .server.pending_writes == 0 and .server.window_seconds == null' "stats of an empty index"

# one article: a new story, stored
req POST /v1/articles --data-binary "$(sed -n 1p "$S")"
expect_code 200 "POST one article"
expect_json '.id == "afp-rail-original" and .cluster == "afp-rail-original" and .new_story == true and .stored == "new" and .matches == [] and .credit.agency == "AFP"' "POST one article"
# an array: one answer each, in order; the copies join the agency story
sed -n 2,6p "$S" | jq -s . >"$WORK/five.json"
req POST /v1/articles -H 'Content-Type: application/json' --data-binary @"$WORK/five.json"
expect_code 200 "POST an array"
expect_json 'length == 5 and ([.[].id] == ["europost-1","dailyherald-1","businesspulse-1","capitolledger-1","continentalreview-1"]) and all(.[]; .cluster == "afp-rail-original" and .new_story == false and .stored == "new")' "POST an array"
expect_json '.[0].matches[0] | .id == "afp-rail-original" and .source == "afp.example" and .jaccard == 1 and .containment == 1' "a match names its source"
# the same article again: unchanged; the same id with other text: 409
req POST /v1/articles --data-binary "$(sed -n 1p "$S")"
expect_code 200 "POST the same article again"
expect_json '.stored == "unchanged" and .cluster == "afp-rail-original"' "POST the same article again"
req POST /v1/articles --data '{"id": "europost-1", "text": "Other words entirely, about a cat show in a village hall on Sunday."}'
expect_code 409 "POST a taken id with other content"
expect_json '.status == 409 and (.error | contains("different content"))' "409 says why"
# unusable text: 422; in an array, per article, the rest stored
req POST /v1/articles --data '{"id": "punct", "text": "!!! ... ???"}'
expect_code 422 "POST a text without words"
expect_json '.id == "punct" and .status == 422 and (.error | contains("no words"))' "422 says why"
req POST /v1/articles --data '[{"id": "punct2", "text": "?!"}, {"id": "ok-1", "text": "A lone fresh story about river barges and the locks that carry them uphill."}]'
expect_code 200 "POST an array with one unusable article"
expect_json '.[0].status == 422 and .[1].stored == "new"' "per-article outcome in an array"

# malformed bodies: 400 saying what is wrong, nothing stored
req GET /v1/stats
before=$(jq .articles "$WORK/body")
for body in '{"id": "x", "text": ' '{"id": "x"}' '{"text": "no id here"}' '{"id": 5.5, "text": "t"}' \
	'{"id": "x", "text": "t", "title": 7}' '[{"id": "y", "text": "fine words here"}, {"id": "z"}]' \
	'[]' '"just a string"' ''; do
	req POST /v1/articles --data-binary "$body"
	expect_code 400 "POST '$body'"
	expect_json '.status == 400 and (.error | length > 5)' "400 body for '$body'"
done
req POST /v1/articles --data-binary '{"id": "x"}'
expect_json '.error == "body: article '"'x'"': missing \"text\""' "missing text named"
req POST /v1/articles --data-binary '[{"id": "y", "text": "fine words here"}, {"id": "z"}]'
expect_json '.error | startswith("body[1]: ")' "a bad element named by index"
req POST /v1/articles --data-binary '{"id": "x", "text": '
expect_json '.error | startswith("body: invalid JSON")' "invalid JSON named"
printf '{"id": "u", "text": "bad \xff byte"}' >"$WORK/badutf8.json"
req POST /v1/articles --data-binary @"$WORK/badutf8.json"
expect_code 400 "POST invalid UTF-8"
req GET /v1/stats
[ "$(jq .articles "$WORK/body")" = "$before" ] || fail "a rejected body stored something"

# the body limit: 413, with and without Content-Length
head -c 300000 /dev/zero | tr '\0' 'a' | sed 's/^/{"id": "big", "text": "/; s/$/"}/' >"$WORK/big.json"
req POST /v1/articles --data-binary @"$WORK/big.json"
expect_code 413 "a body over --max-bytes"
expect_json '.status == 413' "413 body"
req POST /v1/articles -H 'Transfer-Encoding: chunked' --data-binary @"$WORK/big.json"
expect_code 413 "a chunked body over --max-bytes"
req POST /v1/query --data-binary @"$WORK/big.json"
expect_code 413 "a query over --max-bytes"

# GET an article: fields, cluster, credit, matches; odd ids percent-encoded
req GET /v1/articles/dailyherald-1
expect_code 200 "GET an article"
expect_json '.id == "dailyherald-1" and .cluster == "afp-rail-original" and .source == "dailyherald.example" and .published == "2026-03-04T06:48:00+00:00" and (.text | contains("BRUSSELS (AFP) - European Union")) and (.matches | length) >= 1 and (.added | test("^20[0-9-]+T[0-9:]+Z$"))' "GET an article"
jq -r .text "$WORK/body" >"$WORK/text.got"
sed -n 3p "$S" | jq -r .text >"$WORK/text.want"
cmp -s "$WORK/text.got" "$WORK/text.want" || fail "GET gives the text as posted"
req POST /v1/articles --data '{"id": "a/b c?d%", "text": "Odd identifiers such as paths with slashes and spaces are kept as given."}'
expect_code 200 "POST an odd id"
req GET '/v1/articles/a%2Fb%20c%3Fd%25'
expect_code 200 "GET an odd id, percent-encoded"
expect_json '.id == "a/b c?d%"' "the odd id decoded"
req GET /v1/articles/nope
expect_code 404 "GET a missing article"
expect_json '.status == 404 and .error == "no article '"'nope'"'"' "404 body"

# GET a cluster: by its id or a member's; members earliest first
for id in afp-rail-original capitolledger-1; do
	req GET "/v1/clusters/$id"
	expect_code 200 "GET cluster by $id"
	expect_json '.cluster == "afp-rail-original" and .size == 6 and .members[0].id == "afp-rail-original" and .members[0].source == "afp.example" and .members[0].credit.agency == "AFP" and .members[0].published == "2026-03-04T06:42:00+01:00" and ([.members[].id] == ["afp-rail-original","europost-1","dailyherald-1","businesspulse-1","capitolledger-1","continentalreview-1"]) and .agency == "AFP" and .members[0].lag_seconds == 0 and .members[1].lag_seconds == 1200 and .members[1].uncredited == false' "GET cluster by $id"
done
req GET /v1/clusters/nope
expect_code 404 "GET a missing cluster"

# POST /v1/query: the CLI's answer byte for byte, storing nothing
sed -n 7,11p "$S" >"$WORK/q.jsonl"
sed -n 1p "$S" | sed 's/"id": "afp-rail-original"/"id": "incoming-1"/' >>"$WORK/q.jsonl"
"$WIREDUP" query --db "$DB" "$WORK/q.jsonl" >"$WORK/q.cli"
expect_status 0 $? "CLI query beside the server"
: >"$WORK/q.srv"
while IFS= read -r line; do
	req POST /v1/query --data-binary "$line"
	expect_code 200 "POST /v1/query"
	cat "$WORK/body" >>"$WORK/q.srv"
done <"$WORK/q.jsonl"
diff -u "$WORK/q.cli" "$WORK/q.srv" >&2 || fail "/v1/query differs from wiredup query"
jq -s . "$WORK/q.jsonl" >"$WORK/q.json"
req POST /v1/query --data-binary @"$WORK/q.json"
expect_code 200 "POST /v1/query with an array"
jq -c '.[]' "$WORK/body" >"$WORK/q.srv2"
jq -c . "$WORK/q.cli" | diff - "$WORK/q.srv2" >&2 || fail "/v1/query of an array differs"
req POST /v1/query --data '{"id": "q"}'
expect_code 400 "POST /v1/query without text"
req POST /v1/query --data '{"id": "q", "text": "..."}'
expect_code 422 "POST /v1/query of a text without words"
req GET /v1/stats
[ "$(jq .articles "$WORK/body")" = "$before" ] || [ "$(jq .articles "$WORK/body")" = $((before + 1)) ] ||
	fail "queries stored something"

# DELETE: gone, its cluster rebuilt; twice is 404
req DELETE /v1/articles/afp-rail-original
expect_code 200 "DELETE an article"
expect_json '.deleted == "afp-rail-original"' "DELETE body"
req GET /v1/articles/afp-rail-original
expect_code 404 "GET a deleted article"
req DELETE /v1/articles/afp-rail-original
expect_code 404 "DELETE a deleted article"
req GET /v1/clusters/europost-1
expect_code 200 "the cluster after its representative went"
expect_json '.cluster == "europost-1" and .size == 5' "the cluster renamed after its next earliest member"

# unknown paths and methods
req GET /v2/anything
expect_code 404 "an unknown path"
expect_json '.status == 404' "404 for a path"
req PUT /v1/articles
expect_code 405 "PUT /v1/articles"
expect_header '^Allow: POST' "405 says what is allowed"
for p in /v1/query /v1/health /v1/stats /v1/clusters/x; do
	req DELETE "$p"
	expect_code 405 "DELETE $p"
done
req POST /v1/articles/x
expect_code 405 "POST /v1/articles/x"
expect_header '^Allow: GET, DELETE' "405 for an article"
stop_server "server a"
grep -q '^wiredup serve: stopped: ' "$WORK/a.log" || fail "no stop line in the log"

# ---- auth ----
printf 's3cret-token\n' >"$WORK/token"
start_server auth --db "$DB" --token-file "$WORK/token" || finish
req GET /v1/stats
expect_code 401 "no token"
expect_header '^WWW-Authenticate: Bearer' "401 asks for a bearer token"
expect_json '.status == 401' "401 body"
req GET /v1/stats -H 'Authorization: Bearer s3cret-tokeN'
expect_code 401 "a wrong token"
req GET /v1/stats -H 'Authorization: Bearer s3cret-token-and-more'
expect_code 401 "a longer token"
req GET /v1/stats -H 'Authorization: Basic czNjcmV0LXRva2Vu'
expect_code 401 "another scheme"
req POST /v1/articles --data-binary "$(sed -n 7p "$S")"
expect_code 401 "POST without a token"
req GET /v1/stats -H 'Authorization: Bearer s3cret-token'
expect_code 200 "the right token"
req POST /v1/articles -H 'Authorization: bearer s3cret-token' --data-binary "$(sed -n 7p "$S")"
expect_code 200 "POST with the token"
req GET /v1/health
expect_code 200 "health needs no token"
stop_server "server with a token"
: >"$WORK/empty-token"
"$WIREDUP" serve --db "$DB" --listen 127.0.0.1:0 --token-file "$WORK/empty-token" 2>"$WORK/err"
expect_status 3 $? "an empty token file"
expect_grep "holds no token" "$WORK/err" "an empty token file"
"$WIREDUP" serve --db "$DB" --listen 127.0.0.1:0 --token-file "$WORK/missing" 2>"$WORK/err"
expect_status 3 $? "a missing token file"
"$WIREDUP" serve --db "$DB" --listen nonsense 2>"$WORK/err"
expect_status 3 $? "a bad --listen"
expect_grep "expected HOST:PORT" "$WORK/err" "a bad --listen"
"$WIREDUP" serve --db "$DB" --window 3x 2>"$WORK/err"
expect_status 2 $? "a bad --window"

# ---- overload: while another process holds the write lock, the writer
# waits; with --queue 2 a third write is refused with 503 at once ----
start_server busy --db "$DB" --queue 2 --busy-timeout 30000 || finish
rm -f "$WORK/locked"
{
	echo 'BEGIN IMMEDIATE;'
	echo ".shell touch '$WORK/locked'"
	while [ ! -e "$WORK/release" ]; do sleep 0.05; done
	echo 'COMMIT;'
} | sqlite3 "$DB" >/dev/null &
holder=$!
until [ -e "$WORK/locked" ]; do sleep 0.02; done
for i in 1 2; do
	curl -s -o "$WORK/held$i" -w '%{http_code}' -X POST "$URL/v1/articles" \
		--data "{\"id\": \"held-$i\", \"text\": \"Held back while the lock is taken, story $i of two about lighthouses.\"}" \
		>"$WORK/held$i.code" &
	eval "held_pid$i=\$!"
	deadline=$(($(now_ms) + 10000))
	until req GET /v1/stats && [ "$(jq .server.pending_writes "$WORK/body")" = "$i" ]; do
		[ "$(now_ms)" -gt "$deadline" ] && { fail "write $i never queued"; break; }
		sleep 0.02
	done
done
req POST /v1/articles --data '{"id": "third", "text": "One write too many for the queue, about canal boats."}'
expect_code 503 "a write over --queue"
expect_header '^Retry-After: 1' "503 says when to retry"
expect_json '.status == 503 and (.error | contains("overloaded"))' "503 body"
req GET /v1/articles/ok-1
expect_code 200 "reads go on while the writer waits"
touch "$WORK/release"
wait "$holder"
wait "$held_pid1" "$held_pid2"
[ "$(cat "$WORK/held1.code") $(cat "$WORK/held2.code")" = "200 200" ] ||
	fail "held writes: $(cat "$WORK/held1.code") $(cat "$WORK/held2.code")"
req GET /v1/articles/held-2
expect_code 200 "a held write stored"
req GET /v1/articles/third
expect_code 404 "a refused write not stored"
stop_server "busy server"

# ---- the time window: older articles are not matched, then evicted ----
W="$WORK/window.db"
gen_stories 3 2 w 11 >"$WORK/w.jsonl"
at() { date -u -d "$1" +%Y-%m-%dT%H:%M:%SZ; }
# with_time LINE TIME: the article of LINE published at TIME ("" drops it)
with_time() {
	sed -n "$1p" "$WORK/w.jsonl" | jq -c --arg t "$2" 'if $t == "" then del(.published) else .published = $t end'
}
start_server window --db "$W" --window 72h || finish
req POST /v1/articles --data-binary "$(with_time 1 "$(at '-100 hours')")" # w0-c0: old
expect_code 200 "POST an article older than the window"
req POST /v1/query --data-binary "$(with_time 2 "$(at now)")" # w0-c1: its copy
expect_code 200 "query a copy of an article outside the window"
expect_json '.new_story == true and .matches == []' "outside the window: not matched"
req POST /v1/articles --data-binary "$(with_time 3 "$(at '-1 hour')")" # w1-c0
req POST /v1/articles --data-binary "$(with_time 4 "$(at now)")" # w1-c1: its copy
expect_json '.new_story == false and .cluster == "w1-c0"' "inside the window: matched"
req POST /v1/articles --data-binary "$(with_time 5 "")" # w2-c0, undated: counts from now
req GET /v1/articles/w0-c0
expect_code 404 "an article older than the window is evicted at the next batch"
req POST /v1/articles --data-binary "$(with_time 2 "$(at now)")" # w0-c1
expect_json '.new_story == true' "the copy is a new story now"
req GET /v1/stats
expect_json '.articles == 4 and .server.evicted == 1 and .server.window_seconds == 259200' "stats after eviction"
req GET /v1/articles/w2-c0
expect_code 200 "an undated article is kept (added now)"
stop_server "server with a window"
# on restart, what aged out meanwhile goes at once
sqlite3 "$W" "UPDATE articles SET added_ts = added_ts - 4 * 86400 WHERE id = 'w2-c0'"
start_server window2 --db "$W" --window 72h || finish
req GET /v1/articles/w2-c0
expect_code 404 "an undated article aged out while the server was down"
stop_server "restarted server with a window"

# ---- the same clusters as the CLI, with writes from 8 clients at once ----
gen_stories 25 4 c 5 >"$WORK/c.jsonl"
C="$WORK/c.db"
start_server same --db "$C" || finish
mkdir -p "$WORK/posts"
split -l 1 -d -a 4 "$WORK/c.jsonl" "$WORK/posts/p"
ls "$WORK/posts" | xargs -P 8 -I{} curl -s -o /dev/null -w '%{http_code}\n' \
	-X POST "$URL/v1/articles" --data-binary @"$WORK/posts/{}" >"$WORK/codes"
[ "$(sort -u "$WORK/codes")" = 200 ] || fail "concurrent POSTs: $(sort "$WORK/codes" | uniq -c | tr '\n' ' ')"
# the same articles in the order the server stored them, through the CLI
sqlite3 "$C" "SELECT id FROM articles ORDER BY seq" >"$WORK/order"
jq -c --slurpfile ord <(jq -R . "$WORK/order" | jq -s .) -s \
	'. as $all | ($all | map({(.id): .}) | add) as $by | $ord[0][] | $by[.]' "$WORK/c.jsonl" >"$WORK/c.ordered"
"$WIREDUP" add --db "$WORK/ref.db" "$WORK/c.ordered" >/dev/null
"$WIREDUP" clusters --db "$WORK/ref.db" >"$WORK/ref.clusters"
"$WIREDUP" clusters --db "$C" >"$WORK/srv.clusters"
diff -u "$WORK/ref.clusters" "$WORK/srv.clusters" >&2 || fail "clusters differ from wiredup add of the same articles"
[ "$(wc -l <"$WORK/ref.clusters")" = 25 ] || fail "expected 25 clusters, got $(wc -l <"$WORK/ref.clusters")"
"$WIREDUP" query --db "$WORK/ref.db" "$WORK/c.jsonl" >"$WORK/ref.query"
: >"$WORK/srv.query"
while IFS= read -r line; do
	req POST /v1/query --data-binary "$line"
	cat "$WORK/body" >>"$WORK/srv.query"
done <"$WORK/c.jsonl"
diff -u "$WORK/ref.query" "$WORK/srv.query" >&2 || fail "/v1/query differs from wiredup query of the CLI's index"
stop_server "server beside the CLI"

# ---- SIGTERM while 60 writes are in flight: every acknowledged article
# is stored, nothing else is, and a restart serves them ----
D="$WORK/drain.db"
gen_stories 20 3 d 9 >"$WORK/d.jsonl"
start_server drain --db "$D" || finish
rm -rf "$WORK/dposts" && mkdir -p "$WORK/dposts"
split -l 1 -d -a 4 "$WORK/d.jsonl" "$WORK/dposts/p"
ls "$WORK/dposts" | xargs -P 6 -I{} sh -c \
	'code=$(curl -s -o /dev/null -w "%{http_code}" -X POST "$1/v1/articles" --data-binary @"$2/{}"); echo "{} $code"' \
	_ "$URL" "$WORK/dposts" >"$WORK/dcodes" &
clients=$!
sleep 0.3
kill -TERM "$SERVER_PID"
wait "$SERVER_PID"
expect_status 0 $? "drain: exit status after SIGTERM"
wait "$clients"
acked=$(awk '$2 == 200' "$WORK/dcodes" | wc -l)
others=$(awk '$2 != 200 && $2 != 503 && $2 != 000' "$WORK/dcodes" | wc -l)
[ "$others" = 0 ] || fail "drain: statuses other than 200, 503 or no connection: $(awk '{print $2}' "$WORK/dcodes" | sort | uniq -c | tr '\n' ' ')"
for f in $(awk '$2 == 200 {print $1}' "$WORK/dcodes"); do
	jq -r .id "$WORK/dposts/$f"
done | sort >"$WORK/acked.ids"
sqlite3 "$D" "SELECT id FROM articles" | sort >"$WORK/stored.ids"
diff "$WORK/acked.ids" "$WORK/stored.ids" >&2 || fail "drain: stored articles differ from acknowledged ones"
ic=$(sqlite3 "$D" 'PRAGMA integrity_check')
[ "$ic" = ok ] || fail "drain: integrity_check: $ic"
start_server restart --db "$D" || finish
n=0
while read -r id; do
	req GET "/v1/articles/$id"
	[ "$code" = 200 ] || fail "restart: acknowledged $id is missing ($code)"
	n=$((n + 1))
done <"$WORK/acked.ids"
req GET /v1/stats
expect_json ".articles == $acked" "restart: stats count the acknowledged articles"
stop_server "restarted server"
echo "drain: $acked of 60 writes acknowledged before SIGTERM closed the door; $n found after restart"
[ "$acked" -gt 0 ] || fail "drain: no write was acknowledged (SIGTERM came too early to test anything)"
finish
