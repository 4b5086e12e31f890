# The batch job in stages (learn, sign, link, verify, cluster; see
# docs/scaling.md), piped through sort, clusters as dedup does: the same
# id -> cluster lines, and with --format jsonl dedup's records byte for
# byte. Also: ids with tabs and backslashes survive the text between
# stages, and bad stage input is an error naming the input and line.
. "$WD_TESTS_DIR/cli/lib.sh"
TAB=$(printf '\t')

# pipeline NAME FILE...: runs the stages on the files and compares.
pipeline() {
	local name=$1
	shift
	"$WIREDUP" dedup "$@" >"$WORK/$name.dedup" 2>"$WORK/$name.dedup.err"
	local want=$?
	"$WIREDUP" learn "$@" >"$WORK/$name.chrome" 2>/dev/null
	expect_status "$want" $? "$name: learn"
	"$WIREDUP" sign --chrome "$WORK/$name.chrome" "$@" 2>/dev/null >"$WORK/$name.keys"
	expect_status "$want" $? "$name: sign"
	LC_ALL=C sort -t "$TAB" -k2,3 "$WORK/$name.keys" | "$WIREDUP" link |
		LC_ALL=C sort -u >"$WORK/$name.pairs"
	"$WIREDUP" verify --chrome "$WORK/$name.chrome" "$@" <"$WORK/$name.pairs" \
		>"$WORK/$name.matches" 2>/dev/null
	expect_status "$want" $? "$name: verify"
	"$WIREDUP" cluster --chrome "$WORK/$name.chrome" "$@" <"$WORK/$name.matches" \
		>"$WORK/$name.tsv" 2>"$WORK/$name.cluster.err"
	expect_status "$want" $? "$name: cluster"
	diff -u "$WORK/$name.dedup.err" "$WORK/$name.cluster.err" >&2 ||
		fail "$name: cluster's rejections differ from dedup's"
	"$WIREDUP" cluster --format jsonl --chrome "$WORK/$name.chrome" "$@" \
		<"$WORK/$name.matches" >"$WORK/$name.records" 2>/dev/null
	cmp -s "$WORK/$name.records" "$WORK/$name.dedup" ||
		fail "$name: cluster --format jsonl differs from dedup"
	# id -> cluster from dedup's records (test ids hold no quote)
	sed -E 's/^\{"id": "(([^"\\]|\\.)*)", "cluster": "(([^"\\]|\\.)*)".*/\1\t\3/' \
		"$WORK/$name.dedup" | sort >"$WORK/$name.want"
	sort "$WORK/$name.tsv" | cmp -s - "$WORK/$name.want" ||
		fail "$name: id<TAB>cluster differs from dedup's"
	[ -s "$WORK/$name.tsv" ] || fail "$name: nothing clustered"
	# sign without --chrome learns from its own input: the same keys
	"$WIREDUP" sign "$@" 2>/dev/null | LC_ALL=C sort >"$WORK/$name.keys2"
	LC_ALL=C sort "$WORK/$name.keys" | cmp -s - "$WORK/$name.keys2" ||
		fail "$name: sign without --chrome signs otherwise"
}

S="$WD_DATA_DIR/sample.jsonl"
pipeline sample "$S"
[ "$(wc -l <"$WORK/sample.matches")" -gt 0 ] || fail "sample: no matches"

# ids that need escaping, bad records, a repeated id
E="$WORK/edge.jsonl"
{
	sed -n 1p "$S" | sed 's/"id": "afp-rail-original"/"id": "afp\\trail\\\\original"/'
	sed -n '2,11p' "$S"
	echo 'not json'
	echo '{"id": "empty", "text": "!!!"}'
	sed -n 3p "$S"
	sed -n 3p "$S" | sed 's/"text": "/"text": "Changed. /'
} >"$E"
pipeline edge "$E"
grep -q "^afp\\\\trail\\\\\\\\original$TAB" "$WORK/edge.tsv" ||
	fail "an id with a tab and a backslash is not escaped in cluster's output"

if [ -n "${WD_GEN_CORPUS:-}" ] &&
	"$WD_GEN_CORPUS" --n 2000 --seed 5 --chrome heavy >"$WORK/g.jsonl" 2>/dev/null; then
	pipeline generated "$WORK/g.jsonl"
else
	echo "note: no generated corpus (the real data is not there); that part skipped"
fi

# bad stage input: an error naming the input and line
printf 'a\t1\t00000000000000ff\nb\t0\t00000000000000ff\n' | "$WIREDUP" link >/dev/null 2>"$WORK/err"
expect_status 3 $? "link of unsorted keys"
expect_grep "<stdin>:2: not sorted by band and key" "$WORK/err" "link of unsorted keys"
printf 'a 1 ff\n' | "$WIREDUP" link >/dev/null 2>"$WORK/err"
expect_status 3 $? "link of a bad line"
expect_grep "<stdin>:1: expected ID<TAB>BAND<TAB>KEY" "$WORK/err" "link of a bad line"
printf 'afp-rail-original\tnope\n' | "$WIREDUP" verify "$S" >/dev/null 2>"$WORK/err"
expect_status 3 $? "verify of an unknown id"
expect_grep "<stdin>:1: no article 'nope' in the input" "$WORK/err" "verify of an unknown id"
printf 'one field\n' | "$WIREDUP" cluster "$S" >/dev/null 2>"$WORK/err"
expect_status 3 $? "cluster of a bad line"
expect_grep "<stdin>:1: expected ID<TAB>ID" "$WORK/err" "cluster of a bad line"
printf '0123456789abcdef\nxyz\n' >"$WORK/bad.chrome"
"$WIREDUP" sign --chrome "$WORK/bad.chrome" "$S" >/dev/null 2>"$WORK/err"
expect_status 3 $? "a bad chrome file"
expect_grep "bad.chrome:2: not a chrome key" "$WORK/err" "a bad chrome file"
"$WIREDUP" verify <"$WORK/sample.pairs" >/dev/null 2>"$WORK/err"
expect_status 2 $? "verify without article files"
finish
