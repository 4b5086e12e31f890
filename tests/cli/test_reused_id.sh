# An id whose first article is rejected (no words) is free again: the batch
# job (dedup) keeps the next article with that id, as an index does (dedup
# --db), with the same output and the same messages.
. "$WD_TESTS_DIR/cli/lib.sh"

IN="$WORK/in.jsonl"
story="The harbour board met on Tuesday to approve the new berth for container ships, after two years of talks with the port unions and the city council about noise and traffic."
{
	echo '{"id": "x", "text": "!!! ??? ..."}'
	echo "{\"id\": \"x\", \"text\": \"$story\", \"source\": \"a.example\"}"
	echo "{\"id\": \"y\", \"text\": \"$story Officials said work starts in May.\", \"source\": \"b.example\"}"
	echo "{\"id\": \"x\", \"text\": \"$story\", \"source\": \"a.example\"}"
} >"$IN"

"$WIREDUP" dedup "$IN" >"$WORK/batch.out" 2>"$WORK/batch.err"
expect_status 1 $? "dedup with a rejected first x"
"$WIREDUP" dedup --db "$WORK/x.db" "$IN" >"$WORK/index.out" 2>"$WORK/index.err"
expect_status 1 $? "dedup --db with a rejected first x"
cmp -s "$WORK/batch.out" "$WORK/index.out" || fail "batch and index output differ: $(cat "$WORK/batch.out") / $(cat "$WORK/index.out")"
cmp -s "$WORK/batch.err" "$WORK/index.err" || fail "batch and index messages differ: $(cat "$WORK/batch.err") / $(cat "$WORK/index.err")"
expect_grep '"id": "x", "cluster": "x"' "$WORK/batch.out" "x kept the second time"
expect_grep '"id": "y", "cluster": "x"' "$WORK/batch.out" "y joins x"
[ "$(grep -c . "$WORK/batch.err")" = 1 ] || fail "one rejection expected: $(cat "$WORK/batch.err")"
finish
