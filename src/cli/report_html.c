/* report_html.c - the syndication report as one self-contained HTML page:
 * tables, and bar charts drawn as inline SVG (no scripts, no fonts, no
 * external files). */
#include "report.h"

#include "htmlout.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { MAX_TIME_BINS = 60, LABEL_PX = 64 /* room a bar label needs */ };
/* The time chart shows the finest bins whose window of MAX_TIME_BINS
 * holds this share of the copies (the rest are counted in a note). */
static const double TIME_WINDOW_SHARE = 0.8;

static const char *const CSS =
	"body{font-family:system-ui,sans-serif;margin:1.5em;color:#1a1a1a;max-width:60em}\n"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:1.6em}\n"
	"table{border-collapse:collapse;margin:.5em 0}\n"
	"td,th{border:1px solid #ccc;padding:.2em .5em;font-size:.9em}\n"
	"th{background:#f3f4f6;text-align:left}td.n{text-align:right}\n"
	"svg{display:block;margin:.5em 0}svg text{font-family:sans-serif;font-size:10px;"
	"fill:#333}\n"
	".note{color:#555;font-size:.9em}\n";

/* "3 d 4 h", "7 d", "1 h 16 min", "3 h", "4 min", "35 s". */
static void duration(char *buf, size_t size, double seconds)
{
	long long s = (long long)(seconds + 0.5);
	if (s >= 86400 && s % 86400 / 3600)
		snprintf(buf, size, "%lld d %lld h", s / 86400, s % 86400 / 3600);
	else if (s >= 86400)
		snprintf(buf, size, "%lld d", s / 86400);
	else if (s >= 3600 && s % 3600 / 60)
		snprintf(buf, size, "%lld h %lld min", s / 3600, s % 3600 / 60);
	else if (s >= 3600)
		snprintf(buf, size, "%lld h", s / 3600);
	else if (s >= 60)
		snprintf(buf, size, "%lld min", s / 60);
	else
		snprintf(buf, size, "%lld s", s);
}

static void cell_duration(FILE *fp, int known, double seconds)
{
	char buf[48];
	if (!known) {
		fputs("<td class=\"n\">–</td>", fp);
		return;
	}
	duration(buf, sizeof buf, seconds);
	fprintf(fp, "<td class=\"n\">%s</td>", buf);
}

static void cell_share(FILE *fp, size_t part, size_t whole)
{
	if (whole)
		fprintf(fp, "<td class=\"n\">%.1f%%</td>", 100.0 * (double)part / (double)whole);
	else
		fputs("<td class=\"n\">–</td>", fp);
}

static void cell_text(FILE *fp, const char *s, const char *missing)
{
	fputs("<td>", fp);
	html_text(fp, s, missing);
	fputs("</td>", fp);
}

/* The smallest of 1, 2, 5 x 10^k at or above v (v >= 1). */
static size_t nice_ceiling(size_t v)
{
	size_t base = 1;
	for (;;) {
		if (v <= base)
			return base;
		if (v <= 2 * base)
			return 2 * base;
		if (v <= 5 * base)
			return 5 * base;
		base *= 10;
	}
}

/*
 * A bar chart: bins left to right, each bar `total[i]` high, the part
 * `part[i]` (may be NULL) drawn on top in a second colour. labels[i] is
 * written under every bar, or every few bars when they are narrow.
 */
typedef struct bars {
	const char *title, *part_name, *rest_name;
	size_t n;
	const size_t *total, *part;
	char (*labels)[32];
} bars;

static void bar_chart(FILE *fp, const bars *b)
{
	const int W = 760, H = 250, left = 48, right = 12, top = 28, bottom = 44;
	const double pw = W - left - right, ph = H - top - bottom;
	size_t max = 1;
	for (size_t i = 0; i < b->n; i++)
		if (b->total[i] > max)
			max = b->total[i];
	max = nice_ceiling(max);
	double bw = pw / (double)b->n;
	size_t step = bw >= LABEL_PX ? 1 : (size_t)(LABEL_PX / bw) + 1;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
	        "viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"", W, H, W, H);
	html_text(fp, b->title, "");
	fputs("\">\n<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n", fp);
	fprintf(fp, "<text x=\"%d\" y=\"16\" style=\"font-size:12px;font-weight:bold\">", left);
	html_text(fp, b->title, "");
	fputs("</text>\n", fp);
	for (int g = 0; g <= 2; g++) { /* grid lines at 0, half and the top */
		double y = top + ph - ph * g / 2.0;
		fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>"
		        "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%zu</text>\n", left, y,
		        W - right, y, left - 4, y + 3, max * (size_t)g / 2);
	}
	for (size_t i = 0; i < b->n; i++) {
		double x = left + bw * (double)i + (bw > 4 ? 1 : 0);
		double w = bw > 4 ? bw - 2 : bw;
		size_t part = b->part ? b->part[i] : 0, rest = b->total[i] - part;
		double h_rest = ph * (double)rest / (double)max;
		double h_part = ph * (double)part / (double)max;
		double y = top + ph - h_rest;
		if (rest)
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			        "fill=\"#2563eb\"><title>%s: %zu %s</title></rect>\n", x, y, w,
			        h_rest, b->labels[i], rest, b->rest_name);
		if (part)
			fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			        "fill=\"#dc2626\"><title>%s: %zu %s</title></rect>\n", x, y - h_part,
			        w, h_part, b->labels[i], part, b->part_name);
		if (i % step == 0)
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%s</text>\n",
			        left + bw * ((double)i + 0.5), top + ph + 14.0, b->labels[i]);
	}
	fprintf(fp, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\"/>\n",
	        left, top + ph, W - right, top + ph);
	/* legend */
	fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#2563eb\"/>"
	        "<text x=\"%d\" y=\"%d\">%s</text>\n", left, H - 14, left + 14, H - 5,
	        b->rest_name);
	if (b->part)
		fprintf(fp, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"#dc2626\"/>"
		        "<text x=\"%d\" y=\"%d\">%s</text>\n", left + 160, H - 14, left + 174,
		        H - 5, b->part_name);
	fputs("</svg>\n", fp);
}

/* floor(a / b) for b > 0, also for times before 1970. */
static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

/*
 * The bins of the time chart: the finest width whose best window of
 * MAX_TIME_BINS bins holds TIME_WINDOW_SHARE of the times t[0, n)
 * (sorted); *first is the first bin's number, *n_bins the bins shown.
 */
static int64_t time_bins(int64_t *first, int64_t *n_bins, const int64_t *t, size_t n)
{
	static const int64_t WIDTHS[] = {3600, 3 * 3600, 6 * 3600, 12 * 3600, 86400,
	                                  7 * 86400, 30 * 86400, 365 * 86400};
	enum { N_WIDTHS = sizeof WIDTHS / sizeof *WIDTHS };
	for (size_t k = 0; k < N_WIDTHS; k++) {
		int64_t w = WIDTHS[k];
		size_t best = 0, best_i = 0, j = 0;
		for (size_t i = 0; i < n; i++) { /* windows starting at each time's bin */
			if (j < i)
				j = i;
			while (j < n && floor_div(t[j], w) - floor_div(t[i], w) < MAX_TIME_BINS)
				j++;
			if (j - i > best) {
				best = j - i;
				best_i = i;
			}
		}
		if ((double)best >= TIME_WINDOW_SHARE * (double)n || k + 1 == N_WIDTHS) {
			*first = floor_div(t[best_i], w);
			*n_bins = floor_div(t[best_i + best - 1], w) - *first + 1;
			return w;
		}
	}
	return 0; /* not reached */
}

static int cmp_ts(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* Copies per time bin (UTC), uncredited ones on top. */
static void time_chart(FILE *fp, const report *r)
{
	int64_t *t = malloc((r->n_copies + 1) * sizeof *t), first = 0, n = 0, w;
	size_t n_ts = 0, shown = 0, *total = NULL, *part = NULL;
	char (*labels)[32] = NULL;
	if (!t)
		return;
	for (size_t i = 0; i < r->n_copies; i++)
		if (r->copies[i].has_ts)
			t[n_ts++] = r->copies[i].ts;
	if (!n_ts) {
		fputs("<p class=\"note\">No copy has a known publication time.</p>\n", fp);
		goto done;
	}
	qsort(t, n_ts, sizeof *t, cmp_ts);
	w = time_bins(&first, &n, t, n_ts);
	total = calloc((size_t)n, sizeof *total);
	part = calloc((size_t)n, sizeof *part);
	labels = calloc((size_t)n, sizeof *labels);
	if (!total || !part || !labels)
		goto done;
	for (size_t i = 0; i < r->n_copies; i++) {
		const report_copy *c = &r->copies[i];
		int64_t bin = c->has_ts ? floor_div(c->ts, w) - first : -1;
		if (bin < 0 || bin >= n)
			continue;
		total[bin]++;
		part[bin] += c->uncredited != 0;
		shown++;
	}
	for (int64_t i = 0; i < n; i++) {
		time_t at = (time_t)((first + i) * w);
		struct tm tm;
		if (gmtime_r(&at, &tm))
			strftime(labels[i], sizeof labels[i], w < 86400 ? "%m-%d %H:%M" : "%Y-%m-%d",
			         &tm);
	}
	char title[96], width[48];
	duration(width, sizeof width, (double)w);
	snprintf(title, sizeof title, "Copies over time (UTC, %s per bar)", width);
	bar_chart(fp, &(bars){title, "uncredited copies", "copies", (size_t)n, total, part,
	                      labels});
	if (shown < n_ts)
		fprintf(fp, "<p class=\"note\">The chart shows the busiest %zu of %zu copies "
		        "with a known time; the other %zu fall outside it.</p>\n", shown, n_ts,
		        n_ts - shown);
done:
	free(t);
	free(total);
	free(part);
	free(labels);
}

/* Copies per lag range. */
static void lag_chart(FILE *fp, const report *r)
{
	static const int64_t UPPER[] = {300, 900, 3600, 3 * 3600, 6 * 3600, 12 * 3600,
	                                86400, 2 * 86400, 7 * 86400, INT64_MAX};
	static const char *const NAMES[] = {"< 5 min", "5-15 min", "15-60 min", "1-3 h",
	                                    "3-6 h", "6-12 h", "12-24 h", "1-2 d", "2-7 d",
	                                    ">= 7 d"};
	enum { N = sizeof UPPER / sizeof *UPPER };
	size_t total[N] = {0}, known = 0;
	char labels[N][32];
	for (size_t i = 0; i < r->n_copies; i++) {
		if (!r->copies[i].has_lag)
			continue;
		size_t k = 0;
		while (r->copies[i].lag >= UPPER[k])
			k++;
		total[k]++;
		known++;
	}
	if (!known) {
		fputs("<p class=\"note\">No copy has a known lag.</p>\n", fp);
		return;
	}
	for (size_t k = 0; k < N; k++)
		snprintf(labels[k], sizeof labels[k], "%s", NAMES[k]);
	bar_chart(fp, &(bars){"Lag behind the representative (copies per range)", NULL,
	                      "copies", N, total, NULL, labels});
}

static void outlets_table(FILE *fp, const report *r)
{
	fputs("<table><tr><th>outlet</th><th>copies</th><th>firsts</th><th>agencies</th>"
	      "<th>median lag</th><th>uncredited</th><th>trimmed</th></tr>\n", fp);
	for (size_t i = 0; i < r->n_outlets; i++) {
		const report_outlet *o = &r->outlets[i];
		fputs("<tr>", fp);
		cell_text(fp, o->source, "(unknown)");
		fprintf(fp, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td>", o->copies,
		        o->firsts);
		for (size_t k = 0; k < o->n_agencies; k++) {
			if (k)
				fputs(", ", fp);
			html_text(fp, o->agencies[k], "");
		}
		fputs("</td>", fp);
		cell_duration(fp, o->has_lag, o->median_lag);
		cell_share(fp, o->uncredited, o->credited_story_copies);
		cell_share(fp, o->trimmed, o->copies);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

static void agencies_table(FILE *fp, const report *r)
{
	fputs("<table><tr><th>agency</th><th>stories</th><th>copies</th><th>outlets</th>"
	      "<th>median lag</th><th>uncredited copies</th></tr>\n", fp);
	for (size_t i = 0; i < r->n_agencies; i++) {
		const report_agency *a = &r->agencies[i];
		fputs("<tr>", fp);
		cell_text(fp, a->agency, "(no credit)");
		fprintf(fp, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td><td class=\"n\">%zu"
		        "</td>", a->stories, a->copies, a->outlets);
		cell_duration(fp, a->has_lag, a->median_lag);
		if (a->agency)
			fprintf(fp, "<td class=\"n\">%zu</td>", a->uncredited);
		else
			fputs("<td class=\"n\">–</td>", fp);
		fputs("</tr>\n", fp);
	}
	fputs("</table>\n", fp);
}

static void clusters_table(FILE *fp, const report *r, size_t top)
{
	fputs("<table><tr><th>cluster (representative)</th><th>size</th><th>outlets</th>"
	      "<th>agency</th><th>first published</th><th>median lag</th><th>last copy</th>"
	      "<th>uncredited</th><th>trimmed</th></tr>\n", fp);
	for (size_t i = 0; i < r->n_clusters && i < top; i++) {
		const report_cluster *c = &r->clusters[i];
		fputs("<tr>", fp);
		cell_text(fp, c->id, "");
		fprintf(fp, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td>", c->size, c->outlets);
		cell_text(fp, c->agency, "–");
		cell_text(fp, c->first_published, "–");
		cell_duration(fp, c->has_lag, c->median_lag);
		cell_duration(fp, c->has_lag, (double)c->max_lag);
		fprintf(fp, "<td class=\"n\">%zu</td><td class=\"n\">%zu</td></tr>\n", c->uncredited,
		        c->trimmed);
	}
	fputs("</table>\n", fp);
}

void report_html(FILE *fp, const report *r, size_t top)
{
	char lag[48] = "–";
	if (r->has_lag)
		duration(lag, sizeof lag, r->median_lag);
	html_begin(fp, "wiredup syndication report", CSS);
	fputs("<h1>Syndication report</h1>\n", fp);
	fprintf(fp, "<p>%" PRId64 " articles; %zu stories reprinted (clusters of two or more), "
	        "%zu copies by %zu outlets. Median lag behind the first publication: %s. "
	        "Uncredited copies: %zu of %zu copies of credited stories; trimmed copies: "
	        "%zu.</p>\n", r->articles, r->n_clusters, r->n_copies, r->n_outlets, lag,
	        r->uncredited, r->credited_story_copies, r->trimmed);
	fputs("<p class=\"note\">A copy is a cluster member other than its representative "
	      "(the earliest published). Lag: its publication time minus the "
	      "representative's. Uncredited: it does not name the agency most of its "
	      "cluster credits. Trimmed: at least 80% of it is in the representative and it "
	      "has under 90% of the representative's shingles.</p>\n", fp);
	fputs("<h2>Copies over time</h2>\n", fp);
	time_chart(fp, r);
	fputs("<h2>Lag distribution</h2>\n", fp);
	lag_chart(fp, r);
	fputs("<h2>Outlets</h2>\n", fp);
	outlets_table(fp, r);
	fputs("<h2>Agencies</h2>\n", fp);
	agencies_table(fp, r);
	fprintf(fp, "<h2>Biggest clusters (top %zu)</h2>\n", top);
	clusters_table(fp, r, top);
	html_end(fp);
}
