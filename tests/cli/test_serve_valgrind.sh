# `wiredup serve` under valgrind: a short run through every endpoint (reads
# in the pool threads, writes through the writer, errors) and a SIGTERM
# drain; valgrind must report no errors and no leaks. Skipped in the
# sanitizer build (valgrind and ASan don't mix) and without valgrind.
. "$WD_TESTS_DIR/cli/lib.sh"
if [ -n "${WD_SANITIZED:-}" ] || ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind absent or sanitizer build"
	exit 77
fi
. "$WD_TESTS_DIR/cli/stories.sh"
. "$WD_TESTS_DIR/cli/serve_lib.sh"
S="$WD_DATA_DIR/sample.jsonl"
SERVE_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible"
SERVE_START_MS=60000

printf 'tok\n' >"$WORK/token"
start_server vg --db "$WORK/i.db" --token-file "$WORK/token" --window 3650d --threads 2 \
	--max-bytes 100000 || finish
A='Authorization: Bearer tok'
req POST /v1/articles -H "$A" --data-binary "$(sed -n 1p "$S")"
expect_code 200 "valgrind: POST one"
sed -n 2,11p "$S" | jq -s . >"$WORK/rest.json"
req POST /v1/articles -H "$A" --data-binary @"$WORK/rest.json"
expect_code 200 "valgrind: POST an array"
req POST /v1/query -H "$A" --data-binary "$(sed -n 3p "$S")"
expect_code 200 "valgrind: query"
req GET /v1/articles/europost-1 -H "$A"
expect_code 200 "valgrind: GET article"
req GET /v1/clusters/europost-1 -H "$A"
expect_code 200 "valgrind: GET cluster"
req DELETE /v1/articles/afp-rail-original -H "$A"
expect_code 200 "valgrind: DELETE"
req GET /v1/stats -H "$A"
expect_code 200 "valgrind: stats"
req POST /v1/articles -H "$A" --data '{"id": "x"}'
expect_code 400 "valgrind: bad body"
req POST /v1/articles -H "$A" --data '{"id": "europost-1", "text": "other words now"}'
expect_code 409 "valgrind: taken id"
req GET /v1/stats
expect_code 401 "valgrind: no token"
head -c 200000 /dev/zero | tr '\0' a >"$WORK/big"
req POST /v1/articles -H "$A" --data-binary @"$WORK/big"
expect_code 413 "valgrind: too large"
req GET /nowhere -H "$A"
expect_code 404 "valgrind: no such endpoint"
stop_server "valgrind: serve"
finish
