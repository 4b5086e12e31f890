# Help, version and usage errors (exit 2).
. "$WD_TESTS_DIR/cli/lib.sh"
"$WIREDUP" --help >"$WORK/h"; expect_status 0 $? "--help"
expect_grep "Commands:" "$WORK/h" "--help text"
for c in dedup add query clusters stats; do
	"$WIREDUP" $c --help >"$WORK/h"; expect_status 0 $? "$c --help"
	expect_grep "usage: wiredup $c" "$WORK/h" "$c --help text"
done
"$WIREDUP" --version >"$WORK/v"; expect_status 0 $? "--version"
"$WIREDUP" >/dev/null 2>&1; expect_status 2 $? "no command"
"$WIREDUP" frobnicate >/dev/null 2>&1; expect_status 2 $? "unknown command"
"$WIREDUP" add x.jsonl >/dev/null 2>"$WORK/e"; expect_status 2 $? "add without --db"
expect_grep "db PATH is required" "$WORK/e" "missing --db message"
"$WIREDUP" dedup --threshold 2 >/dev/null 2>"$WORK/e"; expect_status 2 $? "bad threshold"
"$WIREDUP" stats --db x.db --min-size 3 >/dev/null 2>"$WORK/e"; expect_status 2 $? "option of another command"
"$WIREDUP" dedup --bands 4 </dev/null >/dev/null 2>"$WORK/e"; expect_status 3 $? "bands without rows"
expect_grep "give both bands and rows" "$WORK/e" "bands without rows message"
finish
