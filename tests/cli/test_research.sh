# Syndication research outputs on the bundled fictional samples (the AFP
# rail story of sample.jsonl and the AP lighthouse story of
# syndication.jsonl): explain, members, report, the research fields of
# clusters and the cluster_members view. Output must match byte for byte.
. "$WD_TESTS_DIR/cli/lib.sh"
require_sqlite3
DB="$WORK/research.db"
"$WIREDUP" add --db "$DB" "$WD_DATA_DIR/sample.jsonl" "$WD_DATA_DIR/syndication.jsonl" >/dev/null
expect_status 0 $? "add the samples"

# explain: plain text (light edits: several passages), JSON Lines, HTML
"$WIREDUP" explain --db "$DB" afp-rail-original capitolledger-1 >"$WORK/explain.txt" 2>"$WORK/err"
expect_status 0 $? "explain"
expect_file explain_rail.txt "$WORK/explain.txt"
[ -s "$WORK/err" ] && fail "explain wrote to stderr: $(cat "$WORK/err")"
"$WIREDUP" explain --db "$DB" --format jsonl ap-lighthouse northernledger-1 >"$WORK/explain.jsonl"
expect_file explain_lighthouse.jsonl "$WORK/explain.jsonl"
"$WIREDUP" explain --db "$DB" --html ap-lighthouse bayview-1 >"$WORK/explain.html"
expect_file explain_lighthouse.html "$WORK/explain.html"
"$WIREDUP" explain --db "$DB" --format html ap-lighthouse bayview-1 | cmp -s - "$WORK/explain.html" ||
	fail "--format html and --html differ"

# Every span's text is the original's, at its code-point offsets (Python
# slices strings by code point; skipped without python3).
command -v python3 >/dev/null && python3 - "$WD_DATA_DIR/syndication.jsonl" "$WORK/explain.jsonl" <<'PY' || fail "explain offsets"
import json, sys
texts = {json.loads(l)["id"]: json.loads(l)["text"] for l in open(sys.argv[1])}
e = json.load(open(sys.argv[2]))
a, b = texts[e["a"]["id"]], texts[e["b"]["id"]]
assert e["a"]["chars"] == len(a) and e["b"]["chars"] == len(b)
for p in e["passages"]:
    assert a[p["a_start"]:p["a_end"]] == p["text"]
for s in e["a_only"]:
    assert a[s["start"]:s["end"]] == s["text"]
for s in e["b_only"]:
    assert b[s["start"]:s["end"]] == s["text"]
PY

# members, clusters with the research fields, the view
"$WIREDUP" members --db "$DB" --min-size 2 --format csv >"$WORK/members.csv"
expect_file members_research.csv "$WORK/members.csv"
"$WIREDUP" members --db "$DB" >"$WORK/members.jsonl"
expect_file members_research.jsonl "$WORK/members.jsonl"
"$WIREDUP" clusters --db "$DB" --min-size 2 >"$WORK/clusters.jsonl"
expect_file clusters_research.jsonl "$WORK/clusters.jsonl"
sqlite3 -readonly -header -csv "$DB" \
	"SELECT * FROM cluster_members ORDER BY cluster, position" >"$WORK/view.csv"
expect_file cluster_members_view.csv "$WORK/view.csv"

# report: every table in JSON Lines, each table in CSV, the HTML page
"$WIREDUP" report --db "$DB" >"$WORK/report.jsonl"
expect_file report_research.jsonl "$WORK/report.jsonl"
for t in outlets agencies clusters; do
	"$WIREDUP" report --db "$DB" --format csv --table $t >"$WORK/report_$t.csv"
	expect_file report_$t.csv "$WORK/report_$t.csv"
done
"$WIREDUP" report --db "$DB" --format csv | cmp -s - "$WORK/report_outlets.csv" ||
	fail "report --format csv is not the outlets table"
"$WIREDUP" report --db "$DB" --format html >"$WORK/report.html"
expect_file report_research.html "$WORK/report.html"
grep -qi "<script\|src=\|href=\"http" "$WORK/report.html" "$WORK/explain.html" &&
	fail "an HTML page loads something or runs a script"

# Markup in ids and texts is shown, never run.
sed -n 1p "$WD_DATA_DIR/syndication.jsonl" |
	sed 's/"id": "ap-lighthouse"/"id": "x<b>\&\\"y"/; s/Volunteers in/<script>alert(1)<\/script> Volunteers in/' \
	>"$WORK/hostile.jsonl"
"$WIREDUP" add --db "$DB" "$WORK/hostile.jsonl" >/dev/null
"$WIREDUP" explain --db "$DB" --html ap-lighthouse 'x<b>&"y' >"$WORK/hostile.html"
expect_status 0 $? "explain --html of markup"
grep -q "<script\|<b>" "$WORK/hostile.html" && fail "markup written unescaped"
expect_grep "&lt;<span class=\"add\">script&gt;alert(1)&lt;/script</span>&gt;" "$WORK/hostile.html" "escaped text"
expect_grep "x&lt;b&gt;&amp;&quot;y" "$WORK/hostile.html" "escaped id"

# Bad use: clear errors naming what is wrong.
"$WIREDUP" explain --db "$DB" ap-lighthouse >/dev/null 2>"$WORK/err"
expect_status 2 $? "explain with one id"
expect_grep "takes two article ids, not 1" "$WORK/err" "one id"
"$WIREDUP" explain --db "$DB" ap-lighthouse no-such-id >/dev/null 2>"$WORK/err"
expect_status 3 $? "explain of an unknown id"
expect_grep "research.db: no article 'no-such-id' in the index" "$WORK/err" "unknown id"
"$WIREDUP" explain --db "$DB" --format csv ap-lighthouse bayview-1 >/dev/null 2>"$WORK/err"
expect_status 2 $? "explain --format csv"
expect_grep "format csv does not apply" "$WORK/err" "explain csv"
"$WIREDUP" report --db "$DB" --table sources >/dev/null 2>"$WORK/err"
expect_status 2 $? "report --table sources"
expect_grep "table must be outlets, agencies or clusters" "$WORK/err" "bad table"
"$WIREDUP" report --db "$DB" --format html --table outlets >/dev/null 2>"$WORK/err"
expect_status 2 $? "report html --table"
"$WIREDUP" report --db "$DB" --format text >/dev/null 2>"$WORK/err"
expect_status 2 $? "report --format text"
"$WIREDUP" members --db "$DB" --html >/dev/null 2>"$WORK/err"
expect_status 2 $? "members --html"
"$WIREDUP" report --db "$WORK/none.db" >/dev/null 2>"$WORK/err"
expect_status 3 $? "report of a missing index"
expect_grep "no such index" "$WORK/err" "missing index"
[ -e "$WORK/none.db" ] && fail "report created an index"
finish
