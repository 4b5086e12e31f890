# stories.sh - synthetic wire stories for the crash and concurrency tests
# (sourced; not a test itself).
#
# gen_stories STORIES COPIES PREFIX SEED writes STORIES stories of 140-180
# words, each in COPIES copies, as JSON Lines: ids PREFIX<story>-c<copy>,
# 12 outlets (PREFIX"outlet"N".example"), each printing its own footer line
# (learned as chrome). Copies change 3 words; a third are trimmed to 70-95%
# of the story. In every other story copy 3 is published an hour before
# copy 0 although it comes later in the input, so the cluster's
# representative changes when it arrives. Words come from a made-up
# vocabulary of 3000; our own Park-Miller generator, not awk's rand(),
# makes the same bytes with every awk on every machine.
gen_stories() {
	awk -v STORIES="$1" -v COPIES="$2" -v PREFIX="$3" -v SEED="$4" '
	function rnd(n) { seed = (seed * 16807) % 2147483647; return seed % n }
	BEGIN {
		seed = SEED
		nc = split("b c d f g h k l m n p r s t v z br dr st pl", C, " ")
		nv = split("a e i o u ai ou ea", V, " ")
		for (w = 0; w < 3000; w++) {
			s = ""; k = 2 + rnd(3)
			for (j = 0; j < k; j++) s = s C[1 + rnd(nc)] V[1 + rnd(nv)]
			word[w] = s
		}
		for (st = 0; st < STORIES; st++) {
			n = 140 + rnd(40)
			for (i = 0; i < n; i++) body[i] = word[rnd(3000)]
			for (c = 0; c < COPIES; c++) {
				out = (st * 7 + c * 5) % 12
				len = n
				if (c > 0 && rnd(3) == 0) len = int(n * (70 + rnd(25)) / 100)
				for (i = 0; i < len; i++) tw[i] = body[i]
				if (c > 0) for (j = 0; j < 3; j++) tw[rnd(len)] = word[rnd(3000)]
				text = ""
				for (i = 0; i < len; i++) {
					text = text (i == 0 ? "" : (i % 30 == 0 ? "\\n" : " ")) tw[i]
					if (i % 30 == 29) text = text "."
				}
				text = text ".\\nRead more from " PREFIX "outlet" out " on our website today and every day."
				pub = sprintf("2024-%02d-%02dT%02d:%02d:00Z", 1 + st % 12, 1 + st % 28, c, st % 60)
				if (c == 3 && st % 2 == 1) # an hour before copy 0
					pub = sprintf("2024-%02d-%02dT00:%02d:00+01:00", 1 + st % 12, 1 + st % 28, st % 60)
				printf "{\"id\": \"%s%d-c%d\", \"source\": \"%soutlet%d.example\", \"title\": \"Story %d\", \"published\": \"%s\", \"text\": \"%s\"}\n", \
					PREFIX, st, c, PREFIX, out, st, pub, text
			}
		}
	}'
}

# now_ms: wall-clock milliseconds (bash 5's EPOCHREALTIME).
now_ms() {
	local t=${EPOCHREALTIME:-}
	if [ -n "$t" ]; then
		t=${t/./}
		t=${t/,/}
		echo $((t / 1000))
	else
		echo $(($(date +%s%N) / 1000000))
	fi
}
