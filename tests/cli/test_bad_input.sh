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

# More hostile records, each with its documented outcome (README "Bad input").
IN2="$WORK/bad2.jsonl"
{
	printf '{"id": "n1", "text": "an escaped \\u0000 NUL in the middle of a sentence."}\n'
	printf '{"id": "n2", "text": "a raw NUL \0 byte"}\n'
	printf '{"id": "e1", "text": ""}\n'
	printf '{"id": "c1", "text": "Next Story\\nShare on Facebook\\nSubscribe"}\n'
	printf '{"id": "%s", "text": "a very long id"}\n' "$(head -c 2000 /dev/zero | tr '\0' x)"
	printf '{"id": 1e30, "text": "a number that is not an integer"}\n'
	printf '{"id": "t1", "title": 5, "text": "a number as title"}\n'
	head -c 3000 /dev/zero | tr '\0' '['; printf '\n'
	printf '\x8f\x01\xfe binary \xff garbage\n'
	printf '{"id": "crlf", "text": "Windows line ends are fine, and so is this sentence."}\r\n'
	printf '{"id": "ok", "text": "A normal article survives all of this, with enough words."}'
} >"$IN2"
"$WIREDUP" dedup "$IN2" >"$WORK/out2" 2>"$WORK/err2"
expect_status 1 $? "dedup with hostile records"
sed "s|$IN2|IN2|" "$WORK/err2" >"$WORK/err2.rel"
expect_file bad_input2.err "$WORK/err2.rel"
expect_file bad_input2.jsonl "$WORK/out2"

# A record over --max-bytes is rejected without reading it into the index;
# the default limit is 16 MiB (here a 100 MB line).
{ printf '{"id": "big", "text": "'; head -c 100000000 /dev/zero | tr '\0' a; printf '"}\n'
  printf '{"id": "small", "text": "The line after a huge one is read as usual, word for word."}\n'; } >"$WORK/big.jsonl"
"$WIREDUP" dedup "$WORK/big.jsonl" >"$WORK/out3" 2>"$WORK/err3"
expect_status 1 $? "huge record"
expect_grep "big.jsonl:1: record of 100000025 bytes is over the limit of 16777216" "$WORK/err3" "huge record message"
expect_grep '"id": "small"' "$WORK/out3" "record after a huge one"
"$WIREDUP" dedup --max-bytes 50 "$WORK/big.jsonl" >/dev/null 2>"$WORK/err4"
expect_grep "big.jsonl:2: record of [0-9]* bytes is over the limit of 50 " "$WORK/err4" "--max-bytes"

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
