# The HTML pages render in a headless browser: the report (two inline SVG
# charts) and explain --html. Skipped without chromium (Debian package
# `chromium`); CI does not need it.
. "$WD_TESTS_DIR/cli/lib.sh"
if ! command -v chromium >/dev/null; then
	echo "SKIP: chromium is not installed; HTML rendering not checked"
	exit 77
fi
DB="$WORK/r.db"
"$WIREDUP" add --db "$DB" "$WD_DATA_DIR/sample.jsonl" "$WD_DATA_DIR/syndication.jsonl" >/dev/null
"$WIREDUP" report --db "$DB" --format html >"$WORK/report.html"
"$WIREDUP" explain --db "$DB" --html ap-lighthouse northernledger-1 >"$WORK/explain.html"
browse() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$WORK/profile" "$@" 2>/dev/null
}
# the DOM the browser built holds the charts' bars and the passages
browse --dump-dom "file://$WORK/report.html" >"$WORK/report.dom"
[ "$(grep -o "<rect " "$WORK/report.dom" | wc -l)" -gt 10 ] || fail "report: no chart bars in the DOM"
expect_grep "Lag behind the representative" "$WORK/report.dom" "report lag chart"
browse --dump-dom "file://$WORK/explain.html" >"$WORK/explain.dom"
expect_grep 'id="b1"' "$WORK/explain.dom" "explain passage"
# and it paints them
browse --window-size=1000,1400 --screenshot="$WORK/report.png" "file://$WORK/report.html" >/dev/null
[ -s "$WORK/report.png" ] || fail "report: no screenshot"
finish
