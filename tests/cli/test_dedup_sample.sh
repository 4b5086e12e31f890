# The main job on the bundled sample: the six reprints of the agency story
# join its cluster; the four unrelated stories from the same outlets (same
# page chrome) stay apart. Output must match byte for byte.
. "$WD_TESTS_DIR/cli/lib.sh"

"$WIREDUP" dedup "$WD_DATA_DIR/sample.jsonl" >"$WORK/out.jsonl" 2>"$WORK/err"
expect_status 0 $? "dedup sample"
expect_file dedup_sample.jsonl "$WORK/out.jsonl"
[ -s "$WORK/err" ] && fail "dedup wrote to stderr: $(cat "$WORK/err")"

"$WIREDUP" dedup --format csv "$WD_DATA_DIR/sample.jsonl" >"$WORK/out.csv"
expect_status 0 $? "dedup csv"
expect_file dedup_sample.csv "$WORK/out.csv"

# The same input from stdin gives the same output, run after run.
"$WIREDUP" dedup <"$WD_DATA_DIR/sample.jsonl" >"$WORK/stdin.jsonl"
expect_file dedup_sample.jsonl "$WORK/stdin.jsonl"

# Scored against the sample's gold labels: perfect.
"$WD_EVALUATE" "$WD_DATA_DIR/sample.jsonl" "$WORK/out.jsonl" >"$WORK/eval"
expect_grep "precision 1.0000  recall 1.0000  f1 1.0000  ari 1.0000" "$WORK/eval" "evaluate"
finish
