# Bad records are reported as FILE:LINE: reason, skipped, and the rest goes
# on; exit status 1 says records were rejected. Decisions tested here:
# invalid UTF-8 and text without words are rejected; an id repeated with
# the same content is kept once; with other content it is rejected.
. "$WD_TESTS_DIR/cli/lib.sh"
IN="$WORK/bad.jsonl"
{
	echo '{"id": "a1", "text": "The quick brown fox jumps over the lazy dog near the river bank today."}'
	echo '{"id": "a2", "text": "broken json'
	echo '{"text": "no id here"}'
	printf '{"id": "a3", "text": "bad byte \xff here"}\n'
	echo '{"id": "a4", "text": "  ...  !!! "}'
	echo '{"id": "a5", "text": 42}'
	echo ''
	echo '{"id": "a1", "text": "The quick brown fox jumps over the lazy dog near the river bank today."}'
	echo '{"id": "a1", "text": "A different story under a reused id, which must be rejected."}'
	echo '[1, 2, 3]'
	printf '{"id": 7, "text": "Integer ids are accepted and written as text."}'
} >"$IN"
"$WIREDUP" dedup "$IN" >"$WORK/out" 2>"$WORK/err"
expect_status 1 $? "dedup with bad lines"
sed "s|$IN|IN|" "$WORK/err" >"$WORK/err.rel"
expect_file bad_input.err "$WORK/err.rel"
expect_file bad_input.jsonl "$WORK/out"

# A missing file is fatal (exit 3); a directory given as a file too.
"$WIREDUP" dedup "$WORK/missing.jsonl" >/dev/null 2>"$WORK/err"
expect_status 3 $? "missing file"
expect_grep "missing.jsonl: cannot open" "$WORK/err" "missing file message"
"$WIREDUP" dedup "$WORK" >/dev/null 2>"$WORK/err"
expect_status 3 $? "directory as file"
expect_grep "is a directory" "$WORK/err" "directory message"

# An empty input is fine: no output, exit 0.
: >"$WORK/empty.jsonl"
"$WIREDUP" dedup "$WORK/empty.jsonl" >"$WORK/out" 2>&1
expect_status 0 $? "empty file"
[ -s "$WORK/out" ] && fail "empty input produced output"
finish
