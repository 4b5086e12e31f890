# --text-dir: one article per file, id = path relative to the directory,
# walked in byte order of paths.
. "$WD_TESTS_DIR/cli/lib.sh"
D="$WORK/texts"
mkdir -p "$D/wire" "$D/outlet" "$D/.hidden"
story="The regional transport authority approved a plan on Monday to extend the tram line across the river by 2029, officials said, after a decade of delays and three failed tenders."
echo "$story" >"$D/wire/story.txt"
printf 'Home | News | Sport\n%s\nSubscribe now\n' "$story" >"$D/outlet/copy.txt"
echo "Farmers expect a record apple harvest this autumn after a mild spring and steady rain through the summer months." >"$D/other.txt"
echo "$story" >"$D/.hidden/skip.txt"
"$WIREDUP" dedup --text-dir "$D" >"$WORK/out"
expect_status 0 $? "dedup --text-dir"
cat >"$WORK/want" <<'OUT'
{"id": "other.txt", "cluster": "other.txt", "similarity": 1.0}
{"id": "outlet/copy.txt", "cluster": "outlet/copy.txt", "similarity": 1.0}
{"id": "wire/story.txt", "cluster": "outlet/copy.txt", "similarity": 1.0}
OUT
diff -u "$WORK/want" "$WORK/out" >&2 || fail "text-dir clusters"
finish
