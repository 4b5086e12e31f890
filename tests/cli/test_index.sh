# A persistent index: add, add again (no change), clusters, stats, query,
# parameter mismatch and files that are not an index.
. "$WD_TESTS_DIR/cli/lib.sh"
DB="$WORK/index.db"
S="$WD_DATA_DIR/sample.jsonl"

# Two halves added in two runs give the clusters of one run.
head -n 5 "$S" >"$WORK/part1.jsonl"
tail -n +6 "$S" >"$WORK/part2.jsonl"
"$WIREDUP" add --db "$DB" "$WORK/part1.jsonl" >"$WORK/add1"
expect_status 0 $? "add part 1"
echo '{"added": 5, "unchanged": 0, "rejected": 0}' | diff - "$WORK/add1" >&2 || fail "add part 1 summary"
"$WIREDUP" add --db "$DB" "$WORK/part2.jsonl" >"$WORK/add2"
echo '{"added": 6, "unchanged": 0, "rejected": 0}' | diff - "$WORK/add2" >&2 || fail "add part 2 summary"

# Adding the same articles again changes nothing.
"$WIREDUP" add --db "$DB" "$S" >"$WORK/add3"
expect_status 0 $? "add again"
echo '{"added": 0, "unchanged": 11, "rejected": 0}' | diff - "$WORK/add3" >&2 || fail "re-add summary"

"$WIREDUP" clusters --db "$DB" >"$WORK/clusters.jsonl"
expect_file clusters_sample.jsonl "$WORK/clusters.jsonl"
"$WIREDUP" clusters --db "$DB" --min-size 2 --format csv >"$WORK/clusters.csv"
expect_file clusters_sample_min2.csv "$WORK/clusters.csv"
"$WIREDUP" stats --db "$DB" >"$WORK/stats.json"
expect_file stats_sample.json "$WORK/stats.json"

# dedup --db over the stored index: same assignments as the in-memory run.
"$WIREDUP" dedup --db "$DB" "$S" >"$WORK/dedup.jsonl"
expect_file dedup_sample.jsonl "$WORK/dedup.jsonl"

# query stores nothing: a retitled copy of the original under a new id
# joins the agency story's cluster; an unrelated text is a new story.
sed -n 1p "$S" | sed 's/"id": "afp-rail-original"/"id": "incoming-1"/' >"$WORK/q.jsonl"
echo '{"id": "incoming-2", "text": "Completely unrelated words about a village fete and its prize marrows."}' >>"$WORK/q.jsonl"
"$WIREDUP" query --db "$DB" --max-matches 3 "$WORK/q.jsonl" >"$WORK/query.jsonl"
expect_status 0 $? "query"
expect_file query_sample.jsonl "$WORK/query.jsonl"
"$WIREDUP" stats --db "$DB" >"$WORK/stats2.json"
expect_file stats_sample.json "$WORK/stats2.json"

# Other parameters than the index was built with: a clear error, exit 3.
"$WIREDUP" add --db "$DB" --shingle-words 3 "$S" >/dev/null 2>"$WORK/err"
expect_status 3 $? "parameter mismatch"
expect_grep "built with shingle words 5, not 3" "$WORK/err" "parameter mismatch message"

# Not an index: refused, and the file is left as it was.
echo "just some text" >"$WORK/notes.txt"
cp "$WORK/notes.txt" "$WORK/notes.orig"
"$WIREDUP" stats --db "$WORK/notes.txt" >/dev/null 2>"$WORK/err"
expect_status 3 $? "not an index"
expect_grep "not a wiredup index" "$WORK/err" "not-an-index message"
cmp -s "$WORK/notes.txt" "$WORK/notes.orig" || fail "a non-index file was modified"
# A damaged index: a clear error, exit 3, never a crash.
cp "$DB" "$WORK/truncated.db"
truncate -s 8192 "$WORK/truncated.db"
"$WIREDUP" stats --db "$WORK/truncated.db" >/dev/null 2>"$WORK/err"
expect_status 3 $? "truncated index"
expect_grep "malformed" "$WORK/err" "truncated index message"
cp "$DB" "$WORK/scribbled.db"
printf 'garbage!garbage!' | dd of="$WORK/scribbled.db" bs=1 seek=0 conv=notrunc 2>/dev/null
"$WIREDUP" add --db "$WORK/scribbled.db" "$S" >/dev/null 2>"$WORK/err"
expect_status 3 $? "index with a scribbled header"
expect_grep "not a wiredup index" "$WORK/err" "scribbled header message"

# Readers never create an index: a mistyped path is an error, no file made.
"$WIREDUP" stats --db "$WORK/typo.db" >/dev/null 2>"$WORK/err"
expect_status 3 $? "missing index"
expect_grep "no such index" "$WORK/err" "missing index message"
[ -e "$WORK/typo.db" ] && fail "stats created an index"
finish
