# dedup on the real multi-outlet news set (../shared/data/multioutlet-2018),
# scored against its gold clusters. Prints the figures; skips when the data
# is absent. Accuracy targets belong to bench/accuracy, not to this test:
# it checks that the run completes, covers every article and scores sanely.
. "$WD_TESTS_DIR/cli/lib.sh"
SET="$WD_SHARED_DATA/multioutlet-2018"
if [ ! -f "$SET/articles.jsonl" ]; then
	echo "SKIP: $SET is absent; multioutlet-2018 evaluation not run"
	exit 77
fi
"$WIREDUP" dedup "$SET/articles.jsonl" "$SET/junk.jsonl" >"$WORK/pred.jsonl" 2>"$WORK/err"
status=$?
[ "$status" = 0 ] || [ "$status" = 1 ] || fail "dedup exit status $status: $(cat "$WORK/err")"
"$WD_EVALUATE" "$SET/articles.jsonl" "$WORK/pred.jsonl" | tee "$WORK/eval"
expect_grep "^articles 614 " "$WORK/eval" "every gold article scored"
f1=$(sed -n 's/.* f1 \([0-9.]*\).*/\1/p' "$WORK/eval")
awk -v f="$f1" 'BEGIN { exit !(f > 0.5) }' || fail "F1 $f1 is not even 0.5"
finish
