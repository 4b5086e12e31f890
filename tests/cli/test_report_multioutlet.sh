# The syndication report on the real multi-outlet news set
# (../shared/data/multioutlet-2018), when present: every output builds,
# the figures agree with each other and with the index, the HTML page is
# self-contained. Prints the summary; skips when the data is absent.
. "$WD_TESTS_DIR/cli/lib.sh"
require_sqlite3
SET="$WD_SHARED_DATA/multioutlet-2018"
if [ ! -f "$SET/articles.jsonl" ]; then
	echo "SKIP: $SET is absent; the report on multioutlet-2018 is not built"
	exit 77
fi
DB="$WORK/m.db"
"$WIREDUP" add --db "$DB" "$SET/articles.jsonl" "$SET/junk.jsonl" >/dev/null 2>"$WORK/err"
status=$?
[ "$status" = 0 ] || [ "$status" = 1 ] || fail "add exit status $status: $(cat "$WORK/err")"

"$WIREDUP" report --db "$DB" >"$WORK/report.jsonl"
expect_status 0 $? "report"
head -n 1 "$WORK/report.jsonl"
"$WIREDUP" report --db "$DB" --format html >"$WORK/report.html"
expect_status 0 $? "report html"
"$WIREDUP" members --db "$DB" --min-size 2 --format csv >"$WORK/members.csv"
expect_status 0 $? "members"

# copies = members of clusters of two or more, less one per cluster
q() { sqlite3 -readonly "$DB" "$1"; }
multi=$(q "SELECT count(*), sum(size) FROM clusters WHERE size > 1")
want="{\"table\": \"summary\", \"articles\": $(q "SELECT count(*) FROM articles"), \"clusters\": ${multi%|*}, \"copies\": $((${multi#*|} - ${multi%|*}))"
head -n 1 "$WORK/report.jsonl" | grep -qF "$want" || fail "summary counts: want $want"
[ "$(($(wc -l <"$WORK/members.csv") - 1))" = "${multi#*|}" ] || fail "members rows"
# the view and the members export agree on every member a match relates
# directly to its representative; the export fills in the others
direct=$(q "SELECT count(*) FROM cluster_members m JOIN clusters c ON c.cluster = m.cluster
            WHERE c.size > 1 AND m.shared IS NOT NULL")
q "SELECT id, shared FROM cluster_members m JOIN clusters c ON c.cluster = m.cluster
   WHERE c.size > 1 AND m.shared IS NOT NULL ORDER BY id" >"$WORK/view_shared"
awk -F, 'NR > 1 { print $3 "|" $13 }' "$WORK/members.csv" | sort >"$WORK/all_shared"
[ "$(sort "$WORK/view_shared" | comm -23 - "$WORK/all_shared" | wc -l)" = 0 ] ||
	fail "the view and the members export disagree"
echo "members of multi-member clusters: ${multi#*|}, with a direct match to the representative: $direct"
grep -c "<svg" "$WORK/report.html" | grep -qx 2 || fail "report html: two charts expected"
grep -qi "<script\|src=\|href=\"http" "$WORK/report.html" && fail "report html loads something"
finish
