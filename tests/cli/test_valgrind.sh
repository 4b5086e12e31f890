# The CLI's main paths under valgrind: zero errors, zero leaks. Skipped in
# the sanitizer build (valgrind and ASan don't mix) and without valgrind.
. "$WD_TESTS_DIR/cli/lib.sh"
if [ -n "${WD_SANITIZED:-}" ] || ! command -v valgrind >/dev/null; then
	echo "SKIP: valgrind absent or sanitizer build"
	exit 77
fi
S="$WD_DATA_DIR/sample.jsonl"
vg() {
	valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
		--errors-for-leak-kinds=definite,indirect,possible "$WIREDUP" "$@"
}
vg dedup "$S" >/dev/null; expect_status 0 $? "valgrind dedup"
vg add --db "$WORK/i.db" "$S" >/dev/null; expect_status 0 $? "valgrind add"
vg add --bulk --db "$WORK/bulk.db" "$S" >/dev/null; expect_status 0 $? "valgrind add --bulk"
vg query --db "$WORK/i.db" "$S" >/dev/null; expect_status 0 $? "valgrind query"
vg clusters --db "$WORK/i.db" >/dev/null; expect_status 0 $? "valgrind clusters"
vg stats --db "$WORK/i.db" >/dev/null; expect_status 0 $? "valgrind stats"
vg members --db "$WORK/i.db" --format csv >/dev/null; expect_status 0 $? "valgrind members"
vg explain --db "$WORK/i.db" afp-rail-original capitolledger-1 >/dev/null
expect_status 0 $? "valgrind explain"
vg explain --db "$WORK/i.db" --html afp-rail-original businesspulse-1 >/dev/null
expect_status 0 $? "valgrind explain --html"
vg explain --db "$WORK/i.db" afp-rail-original nope >/dev/null 2>&1
expect_status 3 $? "valgrind explain of an unknown id"
vg report --db "$WORK/i.db" >/dev/null; expect_status 0 $? "valgrind report"
vg report --db "$WORK/i.db" --format html >/dev/null; expect_status 0 $? "valgrind report html"
vg learn "$S" >"$WORK/chrome"; expect_status 0 $? "valgrind learn"
vg sign --chrome "$WORK/chrome" "$S" | LC_ALL=C sort -t "$(printf '\t')" -k2,3 >"$WORK/keys"
expect_status 0 "${PIPESTATUS[0]}" "valgrind sign"
vg link <"$WORK/keys" | LC_ALL=C sort -u >"$WORK/pairs"
expect_status 0 "${PIPESTATUS[0]}" "valgrind link"
vg verify --chrome "$WORK/chrome" "$S" <"$WORK/pairs" >"$WORK/matches"
expect_status 0 $? "valgrind verify"
vg cluster --chrome "$WORK/chrome" "$S" <"$WORK/matches" >/dev/null
expect_status 0 $? "valgrind cluster"
printf '{"id": "x"}\nnot json\n' >"$WORK/bad.jsonl"
vg dedup "$WORK/bad.jsonl" >/dev/null 2>&1; expect_status 1 $? "valgrind dedup with bad input"
finish
