/* test_html.c - wd_html_clean and wd_html_present (private header html.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "html.h"
#include "wiredup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Cleans s and checks the result is exactly `expected`, valid UTF-8, no
 * longer than s, and that wd_html_present agrees on whether s changed. */
static void check_clean(const char *s, const char *expected)
{
	char *out = NULL;
	size_t n = 12345, len = strlen(s);
	assert_int_equal(wd_html_clean(&out, &n, s, len), WD_OK);
	assert_non_null(out);
	if (strcmp(out, expected) != 0)
		print_message("'%s' -> '%s', expected '%s'\n", s, out, expected);
	assert_string_equal(out, expected);
	assert_int_equal(n, strlen(out));
	assert_true(n <= len);
	assert_true(wd_utf8_valid(out, n, NULL));
	int changed = n != len || memcmp(out, s, n) != 0;
	if (wd_html_present(s, len) != changed)
		print_message("wd_html_present('%s') is not %d\n", s, changed);
	assert_int_equal(wd_html_present(s, len), changed);
	free(out);
}

/* s must come back unchanged. */
static void check_same(const char *s)
{
	check_clean(s, s);
}

static void test_not_html(void **state)
{
	(void)state;
	check_same("");
	check_same("Plain wire copy, no markup at all.\nSecond paragraph.");
	check_same("a < b > c");
	check_same("x<3 and 2>1");
	check_same("AT&T and P&G rose; R&D &co");
	check_same("&foo; &amp &#; &#x; &#xZZ; & ; &");
	check_same("mail <jane.doe@example.com> or <b2b-deals>");
	check_same("5 <= 6, 7 >= 6, a<-b");
	check_same("Ünïcödé ok: ڈھاکہ ۔ یکم دسمبر, 東京");
	check_same("<"); /* lone and trailing */
	check_same("text ends with <p");
	check_same("<p unclosed and no greater-than sign");
}

static void test_tags_removed(void **state)
{
	(void)state;
	check_clean("<b>bold</b> and <i>italic</i>", "bold and italic");
	check_clean("a <span class=\"x\">b</span> c", "a b c");
	check_clean("<a href=\"http://x.org/?a=1&b=2\">link</a>", "link");
	check_clean("<img alt=\"a > b\" src='x.png'>after", "after");
	check_clean("<A HREF=x>Caps</A>", "Caps");
	check_clean("x<br/>y", "x\ny");
	check_clean("<!DOCTYPE html>text", "text");
	check_clean("one<span\nclass=x>two", "onetwo"); /* a tag across lines */
	/* What looks like a tag is one, even in prose: the price of the rule. */
	check_clean("if a <b and c> d", "if a  d");
	check_clean("a <b c <d> e", "a <b c  e"); /* the first '<' was prose */
}

static void test_tag_length_limit(void **state)
{
	(void)state;
	/* '>' 511 bytes after '<' closes a tag; 512 or more does not. */
	char in[700], want[700];
	memset(in, 0, sizeof in);
	in[0] = '<';
	in[1] = 'a';
	memset(in + 2, ' ', 509);
	in[511] = '>';
	strcpy(in + 512, "x");
	check_clean(in, "x");
	in[511] = ' ';
	in[512] = '>';
	strcpy(in + 513, "x");
	strcpy(want, in);
	check_clean(in, want);
}

static void test_block_tags(void **state)
{
	(void)state;
	check_clean("<p>First.</p><p>Second.</p>", "First.\nSecond.\n");
	check_clean("line<br>line<BR />line", "line\nline\nline");
	check_clean("<div><h1>Title</h1><ul><li>a</li><li>b</li></ul></div>",
	            "Title\na\nb\n");
	check_clean("<table><tr><td>1</td><td>2</td></tr></table>", "1\n2\n");
	check_clean("<blockquote>q</blockquote><section>s</section>"
	            "<article>a</article><header>h</header><footer>f</footer>",
	            "q\ns\na\nh\nf\n");
	check_clean("<h6>x</h6><ol><li>y", "x\ny");
	check_clean("<pb>not p</pb>", "not p"); /* unknown tag: just gone */
}

static void test_script_style_comments(void **state)
{
	(void)state;
	check_clean("a<script>var x = 1 < 2 && '</p>';</script>b", "ab");
	check_clean("a<SCRIPT type=\"text/javascript\">x()</Script >b", "ab");
	check_clean("a<style>p { color: red }</style>b", "ab");
	check_clean("a<script src=\"x.js\"/>b", "ab"); /* self-closing: no body */
	check_clean("a<script>never closed", "anever closed");
	check_clean("a<!-- hidden <p> -->b", "ab");
	check_clean("a<!---->b<!-- x -- y -->c", "abc");
	check_clean("a<!-- never closed", "a<!-- never closed");
	check_clean("a<!-- unclosed > b", "a b"); /* then it is a "<!...>" tag */
	check_clean("<scripts>kept</scripts>", "kept");
	check_clean("a<script>x</scriptx>y</script>b", "ab");
}

static void test_named_entities(void **state)
{
	(void)state;
	check_clean("AT&amp;T &lt;b&gt; &quot;q&quot; &apos;s", "AT&T <b> \"q\" 's");
	check_clean("a&nbsp;b", "a\xC2\xA0" "b");
	check_clean("&ndash;&mdash;&lsquo;&rsquo;&ldquo;&rdquo;&sbquo;&bdquo;",
	            "–—‘’“”‚„");
	check_clean("&hellip;&bull;&middot;&copy;&reg;&trade;&deg;&euro;&pound;"
	            "&yen;&cent;&sect;&para;&laquo;&raquo;&times;&divide;",
	            "…•·©®™°€£¥¢§¶«»×÷");
	check_clean("soft&shy;hyphen", "soft\xC2\xAD" "hyphen");
	check_clean("caf&eacute; &Eacute;cole na&iuml;ve Z&uuml;rich S&atilde;o "
	            "Espa&ntilde;a gar&ccedil;on &Oslash;re stra&szlig;e",
	            "café École naïve Zürich São España garçon Øre straße");
	check_clean("&aacute;&agrave;&acirc;&auml;&aring;&egrave;&ecirc;&euml;"
	            "&iacute;&igrave;&icirc;&oacute;&ograve;&ocirc;&ouml;&otilde;"
	            "&oslash;&uacute;&ugrave;&ucirc;&yacute;",
	            "áàâäåèêëíìîóòôöõøúùûý");
	check_clean("&AMP; &LT;", "& <");
	check_same("&EACUTE; &Amp; &eacute &zwsp;"); /* case counts; ';' needed */
	check_clean("&amp;lt; stays one level", "&lt; stays one level");
}

static void test_numeric_entities(void **state)
{
	(void)state;
	check_clean("it&#8217;s &#x2019; &#X2019; &#39;", "it’s ’ ’ '");
	check_clean("&#65;&#x42;&#0067;", "ABC");
	check_clean("&#128512; &#x1F600;", "😀 😀");
	check_clean("&#146;quoted&#148; &#150;", "’quoted” –"); /* Windows-1252 */
	check_clean("&#0;|&#xD800;|&#xDFFF;|&#x110000;|&#99999999999999999999;",
	            "\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD|\xEF\xBF\xBD");
	check_clean("&#x10FFFF;", "\xF4\x8F\xBF\xBF");
	check_same("&#12 &#x41 &#-1; &#+1;");
}

static void test_mixed_article(void **state)
{
	(void)state;
	check_clean(
		"<div class=\"story\"><p>BRUSSELS (AFP) &mdash; EU ministers met "
		"on Monday.</p>\n<!-- ad slot --><script>ads()</script>"
		"<p>They said &ldquo;no&rdquo; to a &lt; 5% cap.</p></div>",
		"BRUSSELS (AFP) — EU ministers met on Monday.\n\n" /* </p>, "\n" */
		"They said “no” to a < 5% cap.\n");
}

static void test_present(void **state)
{
	(void)state;
	assert_int_equal(wd_html_present("", 0), 0);
	assert_int_equal(wd_html_present("a < b", 5), 0);
	assert_int_equal(wd_html_present("AT&T", 4), 0);
	assert_int_equal(wd_html_present("x<p>", 4), 1);
	assert_int_equal(wd_html_present("&amp;", 5), 1);
	/* the length bounds the scan: "<p>" past len is not seen */
	assert_int_equal(wd_html_present("ab<p>", 2), 0);
	assert_int_equal(wd_html_present("a&amp;", 5), 0);
}

/* Many unclosed "<script>" and "<!--" must not take quadratic time. */
static void test_unclosed_is_linear(void **state)
{
	(void)state;
	size_t reps = 200000, unit = 13; /* "<script>x<!--" */
	char *in = malloc(reps * unit + 1), *out = NULL;
	size_t n;
	assert_non_null(in);
	for (size_t i = 0; i < reps; i++)
		memcpy(in + i * unit, "<script>x<!--", unit);
	in[reps * unit] = '\0';
	assert_int_equal(wd_html_clean(&out, &n, in, reps * unit), WD_OK);
	assert_int_equal(n, reps * 5); /* "x<!--" each: the tags go */
	free(out);
	free(in);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_not_html),
		cmocka_unit_test(test_tags_removed),
		cmocka_unit_test(test_tag_length_limit),
		cmocka_unit_test(test_block_tags),
		cmocka_unit_test(test_script_style_comments),
		cmocka_unit_test(test_named_entities),
		cmocka_unit_test(test_numeric_entities),
		cmocka_unit_test(test_mixed_article),
		cmocka_unit_test(test_present),
		cmocka_unit_test(test_unclosed_is_linear),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
