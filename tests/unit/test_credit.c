/* test_credit.c - wd_credit_detect (private header credit.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "credit.h"
#include "wiredup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SPANS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define NO_SPANS ((const char *const[]){NULL})

/*
 * Normalizes raw as the pipeline does, detects, and checks the agency,
 * the place and the text of every span (in order). Spans must be sorted,
 * disjoint and inside the text.
 */
static void check_credit(const char *raw, const char *agency, const char *place,
                         const char *const *spans)
{
	char *text = NULL;
	size_t len = 0, want = 0;
	wd_credit_info info;
	assert_int_equal(wd_normalize(&text, &len, raw, strlen(raw)), WD_OK);
	memset(&info, 0x5A, sizeof info); /* all of it must be written */
	wd_credit_detect(&info, text, len);
	while (spans[want])
		want++;
	if (strcmp(info.agency, agency) || strcmp(info.place, place) || info.n_spans != want) {
		print_message("'%s': agency '%s' place '%s' %zu span(s):", text,
		              info.agency, info.place, info.n_spans);
		for (size_t k = 0; k < info.n_spans && k < 8; k++)
			print_message(" '%.*s'", (int)(info.spans[k].end - info.spans[k].start),
			              text + info.spans[k].start);
		print_message("\n");
	}
	assert_string_equal(info.agency, agency);
	assert_string_equal(info.place, place);
	assert_int_equal(info.n_spans, want);
	for (size_t k = 0; k < want; k++) {
		const wd_credit_span *sp = &info.spans[k];
		assert_true(sp->start < sp->end && sp->end <= len);
		if (k > 0)
			assert_true(info.spans[k - 1].end < sp->start);
		size_t n = sp->end - sp->start;
		if (n != strlen(spans[k]) || memcmp(text + sp->start, spans[k], n) != 0)
			print_message("span %zu is '%.*s', expected '%s'\n", k, (int)n,
			              text + sp->start, spans[k]);
		assert_int_equal(n, strlen(spans[k]));
		assert_memory_equal(text + sp->start, spans[k], n);
	}
	free(text);
}

static void check_none(const char *raw)
{
	check_credit(raw, "", "", NO_SPANS);
}

static void test_dateline_in_parentheses(void **state)
{
	(void)state;
	check_credit("BRUSSELS (AFP) - EU ministers agreed on Monday.",
	             "AFP", "Brussels", SPANS("brussels (afp) - "));
	check_credit("WASHINGTON (AP) \xE2\x80\x94 The Senate voted.", /* em dash */
	             "AP", "Washington", SPANS("washington (ap) - "));
	check_credit("(Reuters) - Oil prices rose on Tuesday.",
	             "Reuters", "", SPANS("(reuters) - "));
	check_credit("(CBS/AP) A former assistant was sentenced.",
	             "AP", "", SPANS("(cbs/ap) "));
	check_credit("New Delhi, Feb 16 (PTI) The government said on Friday.",
	             "PTI", "New Delhi", SPANS("new delhi, feb 16 (pti) "));
	check_credit("NEW DELHI, Feb 16 (PTI) - The government said.",
	             "PTI", "New Delhi", SPANS("new delhi, feb 16 (pti) - "));
	check_credit("London: (AFP) Britain said.", "AFP", "London",
	             SPANS("london: (afp) "));
	check_credit("CARACAS, Venezuela (Reuters) - Venezuelans voted.",
	             "Reuters", "Caracas", SPANS("caracas, venezuela (reuters) - "));
	check_credit("SAN FRANCISCO, Feb. 16, 2024 (Reuters) -- Shares fell.",
	             "Reuters", "San Francisco",
	             SPANS("san francisco, feb. 16, 2024 (reuters) -- "));
	check_credit("Mumbai Dec 1 (IANS) Shares rose.", "IANS", "Mumbai",
	             SPANS("mumbai dec 1 (ians) "));
	check_credit("New Delhi [India], Feb 16 (ANI): The minister said.",
	             "ANI", "New Delhi", SPANS("new delhi [india], feb 16 (ani): "));
	check_credit("ISLAMABAD, Feb 16 (APP): The prime minister said.", "APP",
	             "Islamabad", SPANS("islamabad, feb 16 (app): "));
	check_credit("BERLIN (dpa) - Die Regierung.", "dpa", "Berlin",
	             SPANS("berlin (dpa) - "));
	check_credit("Beijing (Xinhua News Agency) - China said.", "Xinhua", "Beijing",
	             SPANS("beijing (xinhua news agency) - "));
	check_credit("SEOUL (Yonhap) -- North Korea fired.", "Yonhap", "Seoul",
	             SPANS("seoul (yonhap) -- "));
	check_credit("MOSCOW (TASS) The Kremlin said.", "TASS", "Moscow",
	             SPANS("moscow (tass) "));
	check_credit("ANKARA (Anadolu Agency) - Turkey said.", "Anadolu", "Ankara",
	             SPANS("ankara (anadolu agency) - "));
	check_credit("TOKYO (Kyodo) - Japan said.", "Kyodo", "Tokyo",
	             SPANS("tokyo (kyodo) - "));
	check_credit("MADRID (EFE) - Spain said.", "EFE", "Madrid",
	             SPANS("madrid (efe) - "));
	check_credit("ROME (ANSA) - Italy said.", "ANSA", "Rome",
	             SPANS("rome (ansa) - "));
	check_credit("SYDNEY (AAP) - Australia said.", "AAP", "Sydney",
	             SPANS("sydney (aap) - "));
	check_credit("NEW YORK (Bloomberg) - Stocks rose.", "Bloomberg", "New York",
	             SPANS("new york (bloomberg) - "));
	check_credit("KARACHI (PPI) - Prices rose.", "PPI", "Karachi",
	             SPANS("karachi (ppi) - "));
	check_credit("Kolkata, Dec 1 (UNI) Prices rose.", "UNI", "Kolkata",
	             SPANS("kolkata, dec 1 (uni) "));
	/* an agency credit, then a dateline with another */
	check_credit("Canadian Press - CANBERRA, Australia (AP) - Diplomats said.",
	             "CP", "Canberra",
	             SPANS("canadian press - canberra, australia (ap) - "));
	/* several credits in one pair: the first agency is the one */
	check_credit("PARIS (AP/Reuters) - France said.", "AP", "Paris",
	             SPANS("paris (ap/reuters) - "));
}

static void test_dateline_after_a_title(void **state)
{
	(void)state;
	check_credit("EU ministers agree on rail deal\n\nBRUSSELS (AFP) - EU ministers "
	             "agreed.\nThe deal covers freight.",
	             "AFP", "Brussels", SPANS("brussels (afp) - "));
	/* the fourth non-empty line is not looked at (when not among the last 3) */
	check_none("one\ntwo\nthree\nBRUSSELS (AFP) - four\nfive\nsix\nseven");
}

static void test_urdu(void **state)
{
	(void)state;
	check_credit("ڈھاکہ ۔ یکم دسمبر (اے پی پی) بنگلہ دیش نے زمبابوے کو شکست دے دی۔",
	             "APP", "ڈھاکہ", SPANS("ڈھاکہ ۔ یکم دسمبر (اے پی پی) "));
	check_credit("اسلام آباد (اے پی پی) وزیر اعظم نے کہا۔", "APP", "اسلام آباد",
	             SPANS("اسلام آباد (اے پی پی) "));
	check_credit("اسلام آباد ۔03 اگست (اے پی پی) دورہ آسٹریلیا۔", "APP",
	             "اسلام آباد", SPANS("اسلام آباد ۔03 اگست (اے پی پی) "));
	check_credit("ممبئی(اے پی پی ) بالی وڈ", "APP", "ممبئی",
	             SPANS("ممبئی(اے پی پی ) "));
	check_credit("لاہور (پی پی آئی) پنجاب حکومت نے کہا۔", "PPI", "لاہور",
	             SPANS("لاہور (پی پی آئی) "));
	check_credit("ڈھاکہ (سپورٹس ڈیسک/اے ایف پی ) تیج الاسلام نے", "AFP", "ڈھاکہ",
	             SPANS("ڈھاکہ (سپورٹس ڈیسک/اے ایف پی ) "));
	/* a newspaper's own desk is not an agency */
	check_none("میر پور(وقت نیوز) بنگلہ دیش نے فتح حاصل کی۔");
	check_none("لاہور (سپورٹس ڈیسک)بلائنڈ کرکٹ ورلڈکپ میں");
}

static void test_credit_lines(void **state)
{
	(void)state;
	check_credit("AFP Brussels\nEU ministers agreed.", "AFP", "Brussels",
	             SPANS("afp brussels"));
	check_credit("AFP New Delhi\nThe minister said.", "AFP", "New Delhi",
	             SPANS("afp new delhi"));
	check_credit("EU ministers agreed.\nAFP", "AFP", "", SPANS("afp"));
	check_credit("PTI\nThe minister said.", "PTI", "", SPANS("pti"));
	check_credit("The minister said.\nIANS", "IANS", "", SPANS("ians"));
	check_credit("The minister said.\nANI", "ANI", "", SPANS("ani"));
	check_credit("The app was launched.\nAPP", "APP", "", SPANS("app"));
	check_credit("EU ministers agreed.\n\xE2\x80\x94 Agence France-Presse",
	             "AFP", "", SPANS("- agence france-presse"));
	check_credit("EU ministers agreed.\n- AFP", "AFP", "", SPANS("- afp"));
	check_credit("The minister said.\n(With inputs from PTI)", "PTI", "",
	             SPANS("(with inputs from pti)"));
	check_credit("By Reuters\nOil prices rose.", "Reuters", "", SPANS("by reuters"));
	check_credit("Oil prices rose.\nReuters", "Reuters", "", SPANS("reuters"));
	check_credit("(AP)\nThe Senate voted.", "AP", "", SPANS("(ap)"));
	check_credit("The Senate voted.\n  (AP)  ", "AP", "", SPANS("(ap)"));
	check_credit("Oil rose.\nThomson Reuters", "Reuters", "", SPANS("thomson reuters"));
	check_credit("The Associated Press By Jane Doe\nText.", "AP", "",
	             SPANS("the associated press by jane doe"));
	check_credit("China said.\nXinhua News Agency", "Xinhua", "",
	             SPANS("xinhua news agency"));
	check_credit("Pakistan said.\nAssociated Press of Pakistan", "APP", "",
	             SPANS("associated press of pakistan"));
	check_credit("India said.\nPress Trust of India", "PTI", "",
	             SPANS("press trust of india"));
	check_credit("Germany said.\nDeutsche Presse-Agentur", "dpa", "",
	             SPANS("deutsche presse-agentur"));
	check_credit("The Senate voted.\nThe Associated Press", "AP", "",
	             SPANS("the associated press"));
}

static void test_credit_closing_a_line(void **state)
{
	(void)state;
	check_credit("First.\nThe minister said on Friday. (With inputs from PTI)",
	             "PTI", "", SPANS("(with inputs from pti)"));
	check_credit("First.\nThe minister said on Friday (AFP).", "AFP", "",
	             SPANS("(afp)."));
	check_credit("First.\nThe minister said on Friday. - AFP", "AFP", "",
	             SPANS("- afp"));
	check_credit("First.\nThe minister said. \xE2\x80\x94 Agence France-Presse",
	             "AFP", "", SPANS("- agence france-presse"));
	check_credit("First.\nThe minister said. (ians)\nMore.\nEnd.", "IANS", "",
	             SPANS("(ians)"));
}

static void test_agency_dash_opening(void **state)
{
	(void)state;
	check_credit("AP - A company founded by a chemistry researcher won a grant.",
	             "AP", "", SPANS("ap - "));
	check_credit("Reuters - Oil prices rose.", "Reuters", "", SPANS("reuters - "));
	check_credit("AFP -- France said.", "AFP", "", SPANS("afp -- "));
}

static void test_several_spans(void **state)
{
	(void)state;
	check_credit("Rail deal agreed\nBRUSSELS (AFP) - EU ministers agreed.\n"
	             "Middle paragraph one.\nMiddle paragraph two.\n"
	             "Middle paragraph three.\nThey meet again in May.\nAFP",
	             "AFP", "Brussels", SPANS("brussels (afp) - ", "afp"));
	/* the first lines' agency and place win over the last lines' */
	check_credit("NEW DELHI, Feb 16 (PTI) - The minister said.\n"
	             "Middle.\nMore.\nEnd.\n(With inputs from IANS)",
	             "PTI", "New Delhi",
	             SPANS("new delhi, feb 16 (pti) - ", "(with inputs from ians)"));
	/* one short text: a line both first and last gets both kinds */
	check_credit("BRUSSELS (AFP) - EU ministers agreed. (AFP)", "AFP", "Brussels",
	             SPANS("brussels (afp) - ", "(afp)"));
}

static void test_place(void **state)
{
	(void)state;
	check_credit("new york (reuters) - x", "Reuters", "New York",
	             SPANS("new york (reuters) - "));
	check_credit("Rio de Janeiro (AFP) - x", "AFP", "Rio De Janeiro",
	             SPANS("rio de janeiro (afp) - "));
	/* a sentence before "(ap)" is no dateline: only "(ap)" closing it is a
	 * credit (the line is among the last three too) */
	check_credit("Ky. Company Wins Grant to Study Peptides (AP)\nText.", "AP", "",
	             SPANS("(ap)"));
	check_credit("Ky. Company Wins Grant to Study Peptides (AP)\n2\n3\n4\n5\n6\n7",
	             "", "", NO_SPANS);
	check_credit("ÉVIAN (AFP) - x", "AFP", "Évian", SPANS("évian (afp) - "));
	check_credit("Feb 16 (PTI) - x", "PTI", "", SPANS("feb 16 (pti) - "));
	check_credit("Washington, D.C. (AP) - x", "AP", "Washington",
	             SPANS("washington, d.c. (ap) - "));
	check_credit("ST. LOUIS (AP) - x", "AP", "St. Louis", SPANS("st. louis (ap) - "));
	check_credit("WASHINGTON, D.C., July 15, 2018 (AP) - x", "AP", "Washington",
	             SPANS("washington, d.c., july 15, 2018 (ap) - "));
}

static void test_ordinary_words_are_not_credits(void **state)
{
	(void)state;
	check_none("The App Store said it would remove the game.\nApple declined.");
	check_none("the app store said it would remove the game");
	check_none("AP chemistry exam scores rose this year.\nStudents were glad.");
	check_none("AP chemistry exam");
	check_none("Students took the AP chemistry exam.\nThe app crashed.");
	check_none("Ani Kumar said the vote was fair.\nUni students protested.");
	check_none("uni students protested on monday");
	check_none("First line.\nThe ministry denied it, Reuters reported on "
	           "Monday, citing sources.\nLast line.");
	check_none("Reuters reported on Monday that talks had stalled.\nMore.");
	check_none("The PPI rose 0.3% in May.\nProducer prices rose.");
	check_none("The AAP won the Delhi election.\nIts leader spoke.");
	check_none("Bloomberg said he would run.\nMichael Bloomberg spoke.");
	/* short forms in parentheses need a date before or a dash after */
	check_none("Title\nThe Pensions Policy Institute (PPI) said on Monday.\nEnd.");
	check_none("Title\nProducer prices (PPI) were flat.\nEnd.");
	check_none("Title\nIslamabad (APP) the prime minister said.\nEnd.");
	/* a name and its abbreviation: a gloss, not a credit */
	check_none("Islamabad does not favor an arms race, according to the "
	           "official Associated Press of Pakistan (APP)");
	check_none("The Associated Press of Pakistan (APP) said.\nMore.");
}

static void test_no_credit(void **state)
{
	(void)state;
	check_none("");
	check_none("\n\n   \n");
	check_none("A story with no credit at all.\nIt has two paragraphs.");
	check_none("WASHINGTON - The Senate voted on Tuesday.");
	check_none("LONDON (CBS.MW) - Shares rose.");
	/* photo credits are not the story's credit */
	check_none("A protester in Paris (AFP/Getty Images)\nThe strike went on.");
	check_none("(AP Photo/Evan Vucci)\nThe president spoke.");
	/* a credit past the first and last three lines is not seen */
	check_none("one\ntwo\nthree\nAFP\nfive\nsix\nseven");
	/* unclosed parentheses, a credit too far from its line start */
	check_none("BRUSSELS (AFP - EU ministers agreed.");
	check_none("this is a very long line of ordinary prose that goes on and on "
	           "and on well past any dateline (afp) said");
}

/* Many short credit lines: never more than 8 spans, all disjoint. */
static void test_span_limit(void **state)
{
	(void)state;
	check_credit("AFP\nAP\nReuters\nmiddle\nPTI\nIANS\nANI", "AFP", "",
	             SPANS("afp", "ap", "reuters", "pti", "ians", "ani"));
	/* a credit in a short text that is both first and last line: once */
	check_credit("AFP", "AFP", "", SPANS("afp"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dateline_in_parentheses),
		cmocka_unit_test(test_dateline_after_a_title),
		cmocka_unit_test(test_urdu),
		cmocka_unit_test(test_credit_lines),
		cmocka_unit_test(test_credit_closing_a_line),
		cmocka_unit_test(test_agency_dash_opening),
		cmocka_unit_test(test_several_spans),
		cmocka_unit_test(test_place),
		cmocka_unit_test(test_ordinary_words_are_not_credits),
		cmocka_unit_test(test_no_credit),
		cmocka_unit_test(test_span_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
