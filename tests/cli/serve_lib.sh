# serve_lib.sh - helpers for the `wiredup serve` tests (sourced after
# lib.sh; not a test itself). Needs curl and jq (skipped without them).
for tool in curl jq; do
	if ! command -v "$tool" >/dev/null; then
		echo "SKIP: $tool is not installed"
		exit 77
	fi
done

# The ASan build and valgrind start slowly: generous deadlines.
SERVE_START_MS=${SERVE_START_MS:-30000}

# start_server NAME [ARGS...]: `wiredup serve --listen 127.0.0.1:0 ARGS`
# (or $SERVE_WRAPPER wiredup ...) in the background, stderr in
# $WORK/NAME.log; sets SERVER_PID and URL (http://127.0.0.1:PORT) once it
# listens. Returns 1 (and fails) if it does not.
start_server() {
	local name=$1
	shift
	${SERVE_WRAPPER:-} "$WIREDUP" serve --listen 127.0.0.1:0 "$@" 2>"$WORK/$name.log" &
	SERVER_PID=$!
	local deadline=$(($(now_ms) + SERVE_START_MS))
	URL=
	until URL=$(sed -n 's|^wiredup serve: listening on \(http://[^ ]*\) .*|\1|p' "$WORK/$name.log") &&
		[ -n "$URL" ]; do
		if ! kill -0 "$SERVER_PID" 2>/dev/null || [ "$(now_ms)" -gt "$deadline" ]; then
			fail "server $name did not start:"
			cat "$WORK/$name.log" >&2
			return 1
		fi
		sleep 0.05
	done
}

# stop_server WHAT: SIGTERM, then the exit status must be 0 (a drain).
stop_server() {
	kill -TERM "$SERVER_PID"
	wait "$SERVER_PID"
	expect_status 0 $? "$1: exit status after SIGTERM"
}

# req METHOD PATH [CURL ARGS...]: the response body in $WORK/body, the
# headers in $WORK/headers, the status in $code.
req() {
	local method=$1 path=$2
	shift 2
	code=$(curl -s -X "$method" -D "$WORK/headers" -o "$WORK/body" -w '%{http_code}' \
		"$@" "$URL$path")
}

# expect_code WANT WHAT: the last req answered WANT.
expect_code() {
	[ "$code" = "$1" ] || { fail "$2: status $code, expected $1:"; cat "$WORK/body" >&2; }
}

# expect_json JQ-EXPRESSION WHAT: the last body satisfies it.
expect_json() {
	jq -e "$1" "$WORK/body" >/dev/null 2>&1 ||
		{ fail "$2: not ($1):"; head -c 2000 "$WORK/body" >&2; echo >&2; }
}

# expect_header PATTERN WHAT
expect_header() {
	grep -qi -- "$1" "$WORK/headers" || { fail "$2: no header '$1':"; cat "$WORK/headers" >&2; }
}
