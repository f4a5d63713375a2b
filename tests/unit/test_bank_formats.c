/* test_bank_formats.c - GIFT, Aiken and Moodle XML into native bank JSON,
 * syntax errors naming their lines, skipped kinds, and the GIFT round trip. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bank.h"
#include "bank_formats.h"
#include "db.h"
#include "db_bank.h"
#include "testdb.h"

static const struct bank_convert_options opts = { .code = "imp",
						  .audiences = "pupil, civil_servant",
						  .topic = "phishing_fraud" };

static int convert(enum bank_format f, const char *text, const struct bank_convert_options *o,
		   struct bank_conversion *out)
{
	return bank_convert(f, text, strlen(text), o, out);
}

static json_t *question(const struct bank_conversion *c, size_t i)
{
	return json_array_get(json_object_get(c->bank, "questions"), i);
}

static const char *qstr(const struct bank_conversion *c, size_t i, const char *key)
{
	return json_string_value(json_object_get(question(c, i), key));
}

static json_t *qopt(const struct bank_conversion *c, size_t i, size_t k)
{
	return json_array_get(json_object_get(question(c, i), "options"), k);
}

static void assert_option(json_t *opt, const char *text, bool correct)
{
	assert_non_null(opt);
	assert_string_equal(json_string_value(json_object_get(opt, "text")), text);
	assert_int_equal(json_is_true(json_object_get(opt, "correct")), correct);
	assert_null(json_object_get(opt, "weight"));
}

static const char gift_sample[] =
	"// A comment line, ignored.\n" /* 1 */
	"$CATEGORY: $course$/ATTT\n" /* 2 */
	"\n" /* 3 */
	"::pw-001:: Mật khẩu nào mạnh nhất? {\n" /* 4 */
	"  ~12345678#Quá ngắn\n" /* 5 */
	"  =Tr@ng-Vang-Bay-Cao-2024#Dài và đa dạng\n" /* 6 */
	"  ~matkhau\n" /* 7 */
	"}\n" /* 8 */
	"\n" /* 9 */
	"Chọn các dấu hiệu lừa đảo: {\n" /* 10 */
	"  ~%50%Yêu cầu chuyển tiền gấp\n" /* 11 */
	"  ~%50%Đường link lạ\n" /* 12 */
	"  ~%-50%Email từ địa chỉ quen\n" /* 13 */
	"  ####Kẻ gian tạo áp lực thời gian.\n" /* 14 */
	"}\n" /* 15 */
	"\n" /* 16 */
	"::Câu đúng sai:: Ngân hàng không bao giờ hỏi mã OTP qua điện thoại. {T#Sai rồi#Chính "
	"xác}\n" /* 17 */
	"\n" /* 18 */
	"Viết tắt của \\{mạng riêng ảo\\} là gì? {=VPN =mạng riêng ảo}\n" /* 19 */
	"\n" /* 20 */
	"Trình bày quy trình ứng cứu sự cố. {}\n" /* 21 */
	"\n" /* 22 */
	"Ghép: {=a -> 1 =b -> 2}\n" /* 23 */
	"\n" /* 24 */
	"Năm ban hành Luật An ninh mạng? {#2018}\n" /* 25 */
	"\n" /* 26 */
	"Tỉ lệ 1\\:1 và dấu \\= \\~ \\# được giữ nguyên {=Đúng\\=vậy ~Không ~Chưa rõ}\n"; /* 27 */

static void gift_imports_each_supported_kind_with_its_line(void **state)
{
	(void)state;
	struct bank_conversion c;
	assert_int_equal(convert(BANK_FORMAT_GIFT, gift_sample, &opts, &c), 0);
	assert_int_equal(c.errors.n, 0);
	assert_int_equal(c.nquestions, 5);
	assert_string_equal(json_string_value(json_object_get(c.bank, "code")), "imp");
	assert_string_equal(json_string_value(json_object_get(c.bank, "language")), "vi");
	json_t *aud = json_object_get(c.bank, "audiences");
	assert_int_equal(json_array_size(aud), 2);
	assert_string_equal(json_string_value(json_array_get(aud, 1)), "civil_servant");

	/* Single choice, coded by its title; each #feedback goes to its option. */
	assert_int_equal(c.lines[0], 4);
	assert_string_equal(qstr(&c, 0, "code"), "pw-001");
	assert_string_equal(qstr(&c, 0, "type"), "single");
	assert_string_equal(qstr(&c, 0, "stem"), "Mật khẩu nào mạnh nhất?");
	assert_option(qopt(&c, 0, 0), "12345678", false);
	assert_option(qopt(&c, 0, 1), "Tr@ng-Vang-Bay-Cao-2024", true);
	assert_string_equal(qstr(&c, 0, "explanation"), "Đáp án đúng: Tr@ng-Vang-Bay-Cao-2024.");
	assert_string_equal(json_string_value(json_object_get(qopt(&c, 0, 0), "feedback")),
			    "Quá ngắn");
	assert_string_equal(json_string_value(json_object_get(qopt(&c, 0, 1), "feedback")),
			    "Dài và đa dạng");
	assert_null(json_object_get(qopt(&c, 0, 2), "feedback"));
	assert_string_equal(
		json_string_value(json_array_get(json_object_get(question(&c, 0), "topics"), 0)),
		"phishing_fraud");
	assert_int_equal(json_integer_value(json_object_get(question(&c, 0), "difficulty")), 2);

	/* Weights of +-1/k read back as correct flags; general feedback. */
	assert_int_equal(c.lines[1], 10);
	assert_string_equal(qstr(&c, 1, "type"), "multiple");
	assert_string_equal(qstr(&c, 1, "code"), "imp-001");
	assert_option(qopt(&c, 1, 0), "Yêu cầu chuyển tiền gấp", true);
	assert_option(qopt(&c, 1, 2), "Email từ địa chỉ quen", false);
	assert_string_equal(qstr(&c, 1, "explanation"), "Kẻ gian tạo áp lực thời gian.");

	/* True/false: the title is not a code, so the code is generated. */
	assert_int_equal(c.lines[2], 17);
	assert_string_equal(qstr(&c, 2, "type"), "true_false");
	assert_string_equal(qstr(&c, 2, "code"), "imp-002");
	assert_option(qopt(&c, 2, 0), "Đúng", true);
	assert_option(qopt(&c, 2, 1), "Sai", false);
	/* {T#to who answers wrong#to who answers right}. */
	assert_string_equal(qstr(&c, 2, "explanation"), "Đáp án đúng: Đúng.");
	assert_string_equal(json_string_value(json_object_get(qopt(&c, 2, 0), "feedback")),
			    "Chính xác");
	assert_string_equal(json_string_value(json_object_get(qopt(&c, 2, 1), "feedback")),
			    "Sai rồi");

	/* Short answer with escaped braces; explanation generated. */
	assert_int_equal(c.lines[3], 19);
	assert_string_equal(qstr(&c, 3, "type"), "short");
	assert_string_equal(qstr(&c, 3, "stem"), "Viết tắt của {mạng riêng ảo} là gì?");
	assert_option(qopt(&c, 3, 1), "mạng riêng ảo", true);
	assert_string_equal(qstr(&c, 3, "explanation"), "Đáp án đúng: VPN; mạng riêng ảo.");

	/* Escapes. */
	assert_int_equal(c.lines[4], 27);
	assert_string_equal(qstr(&c, 4, "stem"), "Tỉ lệ 1:1 và dấu = ~ # được giữ nguyên");
	assert_option(qopt(&c, 4, 0), "Đúng=vậy", true);

	/* Essay, matching, numerical: skipped with their lines. */
	assert_int_equal(c.skipped.n, 3);
	assert_int_equal(c.skipped.items[0].line, 21);
	assert_non_null(strstr(c.skipped.items[0].message, "essay"));
	assert_int_equal(c.skipped.items[1].line, 23);
	assert_non_null(strstr(c.skipped.items[1].message, "matching"));
	assert_int_equal(c.skipped.items[2].line, 25);
	assert_non_null(strstr(c.skipped.items[2].message, "numerical"));
	bank_conversion_cleanup(&c);
}

static void gift_explicit_weights_stay_weights(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "Q? {~%70%a ~%30%b ~%0%c ~%-100%d}\n";
	assert_int_equal(convert(BANK_FORMAT_GIFT, text, &opts, &c), 0);
	json_t *w = json_object_get(qopt(&c, 0, 0), "weight");
	assert_non_null(w);
	assert_float_equal(json_number_value(w), 0.7, 1e-9);
	assert_float_equal(json_number_value(json_object_get(qopt(&c, 0, 3), "weight")), -1, 1e-9);
	assert_null(json_object_get(qopt(&c, 0, 0), "correct"));
	bank_conversion_cleanup(&c);
}

static void gift_unclosed_answer_block_names_its_line(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "Q1? {=a ~b}\n\n// note\nQ2 starts here\nand goes on {=a\n~b\n";
	assert_int_equal(convert(BANK_FORMAT_GIFT, text, &opts, &c), -1);
	assert_null(c.bank);
	assert_int_equal(c.errors.n, 1);
	assert_int_equal(c.errors.items[0].line, 5);
	assert_non_null(strstr(c.errors.items[0].message, "not closed"));
	bank_conversion_cleanup(&c);
}

static void gift_answer_without_marker_is_an_error_at_its_line(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "Q1? {\n=a\n~b\n}\n\nQ2? {\n=a\nb\n}\n";
	/* "b" continues answer "=a" (GIFT answers run to the next marker), so
	 * make the bad answer the first one instead. */
	const char *bad = "Q1? {\n=a\n~b\n}\n\nQ2? {\nwrong start\n=a\n}\n";
	assert_int_equal(convert(BANK_FORMAT_GIFT, text, &opts, &c), 0);
	assert_string_equal(json_string_value(json_object_get(qopt(&c, 1, 0), "text")), "a\nb");
	bank_conversion_cleanup(&c);
	assert_int_equal(convert(BANK_FORMAT_GIFT, bad, &opts, &c), -1);
	assert_int_equal(c.errors.n, 1);
	assert_int_equal(c.errors.items[0].line, 7);
	bank_conversion_cleanup(&c);
}

static void gift_weights_not_adding_to_100_are_an_error(void **state)
{
	(void)state;
	struct bank_conversion c;
	assert_int_equal(convert(BANK_FORMAT_GIFT, "\n\nQ? {~%50%a ~%20%b ~c}\n", &opts, &c), -1);
	assert_int_equal(c.errors.items[0].line, 3);
	assert_non_null(strstr(c.errors.items[0].message, "70"));
	bank_conversion_cleanup(&c);
}

static void gift_missing_word_puts_a_blank_in_the_stem(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "Không chia sẻ {=mã OTP ~tên ~tuổi} cho bất kỳ ai.\n";
	assert_int_equal(convert(BANK_FORMAT_GIFT, text, &opts, &c), 0);
	assert_string_equal(qstr(&c, 0, "stem"), "Không chia sẻ _____ cho bất kỳ ai.");
	assert_string_equal(qstr(&c, 0, "type"), "single");
	bank_conversion_cleanup(&c);
}

static void gift_html_question_text_becomes_plain_text(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "::h-1::[html]<p>Chọn <b>một</b> &amp; chỉ một</p> {=a ~b ~c}\n";
	assert_int_equal(convert(BANK_FORMAT_GIFT, text, &opts, &c), 0);
	assert_string_equal(qstr(&c, 0, "stem"), "Chọn một & chỉ một");
	bank_conversion_cleanup(&c);
}

static void gift_that_is_not_utf8_is_an_error_at_line_1(void **state)
{
	(void)state;
	struct bank_conversion c;
	assert_int_equal(convert(BANK_FORMAT_GIFT, "Q\xe9? {=a ~b ~c}\n", &opts, &c), -1);
	assert_int_equal(c.errors.items[0].line, 1);
	assert_non_null(strstr(c.errors.items[0].message, "UTF-8"));
	bank_conversion_cleanup(&c);
}

static void moodle_xml_in_latin1_is_read_as_declared(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text =
		"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<quiz>\n"
		"<question type=\"shortanswer\"><questiontext><text>Caf\xe9?</text>"
		"</questiontext><answer fraction=\"100\"><text>x</text></answer></question>\n"
		"</quiz>\n";
	assert_int_equal(convert(BANK_FORMAT_MOODLE_XML, text, &opts, &c), 0);
	assert_string_equal(qstr(&c, 0, "stem"), "Café?");
	bank_conversion_cleanup(&c);
}

static void gift_without_topic_fails_naming_topic(void **state)
{
	(void)state;
	struct bank_conversion c;
	struct bank_convert_options o = opts;
	o.topic = NULL;
	assert_int_equal(convert(BANK_FORMAT_GIFT, "Q? {=a ~b ~c}\n", &o, &c), -1);
	assert_int_equal(c.errors.n, 0);
	assert_non_null(strstr(c.message, "topic"));
	bank_conversion_cleanup(&c);
}

static void gift_without_code_or_audiences_fails_naming_them(void **state)
{
	(void)state;
	struct bank_conversion c;
	struct bank_convert_options o = opts;
	o.code = NULL;
	assert_int_equal(convert(BANK_FORMAT_GIFT, "Q? {=a ~b ~c}\n", &o, &c), -1);
	assert_non_null(strstr(c.message, "code"));
	bank_conversion_cleanup(&c);
	o = opts;
	o.audiences = "";
	assert_int_equal(convert(BANK_FORMAT_GIFT, "Q? {=a ~b ~c}\n", &o, &c), -1);
	assert_non_null(strstr(c.message, "audiences"));
	bank_conversion_cleanup(&c);
}

static void gift_generated_codes_step_past_titled_ones(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "A? {=a ~b}\n\n::imp-001:: B? {=a ~b}\n";
	assert_int_equal(convert(BANK_FORMAT_GIFT, text, &opts, &c), 0);
	assert_string_equal(qstr(&c, 0, "code"), "imp-002");
	assert_string_equal(qstr(&c, 1, "code"), "imp-001");
	bank_conversion_cleanup(&c);
}

static const char aiken_sample[] = "Đâu là dấu hiệu của thư lừa đảo?\n" /* 1 */
				   "A. Lời chào đúng tên\n" /* 2 */
				   "B. Yêu cầu nhập mật khẩu qua đường link\n" /* 3 */
				   "C) Chữ ký đầy đủ\n" /* 4 */
				   "ANSWER: B\n" /* 5 */
				   "\n" /* 6 */
				   "Mã OTP nên được\n" /* 7 */
				   "A. Giữ bí mật\n" /* 8 */
				   "B. Gửi cho nhân viên ngân hàng\n" /* 9 */
				   "ANSWER: A\n"; /* 10 */

static void aiken_imports_single_choice_questions(void **state)
{
	(void)state;
	struct bank_conversion c;
	assert_int_equal(convert(BANK_FORMAT_AIKEN, aiken_sample, &opts, &c), 0);
	assert_int_equal(c.nquestions, 2);
	assert_int_equal(c.lines[0], 1);
	assert_int_equal(c.lines[1], 7);
	assert_string_equal(qstr(&c, 0, "type"), "single");
	assert_string_equal(qstr(&c, 0, "code"), "imp-001");
	assert_string_equal(qstr(&c, 0, "stem"), "Đâu là dấu hiệu của thư lừa đảo?");
	assert_option(qopt(&c, 0, 0), "Lời chào đúng tên", false);
	assert_option(qopt(&c, 0, 1), "Yêu cầu nhập mật khẩu qua đường link", true);
	assert_option(qopt(&c, 0, 2), "Chữ ký đầy đủ", false);
	assert_option(qopt(&c, 1, 0), "Giữ bí mật", true);
	assert_string_equal(qstr(&c, 1, "explanation"), "Đáp án đúng: Giữ bí mật.");
	bank_conversion_cleanup(&c);
}

static void aiken_answer_outside_options_names_its_line(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "Q1\nA. x\nB. y\nANSWER: A\n\nQ2\nA. x\nB. y\nANSWER: D\n";
	assert_int_equal(convert(BANK_FORMAT_AIKEN, text, &opts, &c), -1);
	assert_int_equal(c.errors.n, 1);
	assert_int_equal(c.errors.items[0].line, 9);
	bank_conversion_cleanup(&c);
}

static void aiken_options_out_of_order_and_missing_answer_are_errors(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "Q1\nA. x\nC. y\nANSWER: A\n\nQ2\nA. x\nB. y\n";
	assert_int_equal(convert(BANK_FORMAT_AIKEN, text, &opts, &c), -1);
	assert_int_equal(c.errors.n, 2);
	assert_int_equal(c.errors.items[0].line, 3);
	assert_int_equal(c.errors.items[1].line, 6);
	assert_non_null(strstr(c.errors.items[1].message, "ANSWER"));
	bank_conversion_cleanup(&c);
}

static const char xml_sample[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" /* 1 */
	"<quiz>\n" /* 2 */
	"  <question type=\"category\"><category><text>ATTT</text></category></question>\n" /* 3 */
	"  <question type=\"multichoice\">\n" /* 4 */
	"    <name><text>xml-001</text></name>\n" /* 5 */
	"    <questiontext format=\"html\"><text><![CDATA[<p>Mật khẩu <b>mạnh</b> &amp; dài&#8230; "
	"&#x1F512;?</p>]]></text></questiontext>\n"
	"    <generalfeedback><text>Vì dài.</text></generalfeedback>\n" /* 7 */
	"    <single>true</single>\n" /* 8 */
	"    <answer fraction=\"0\"><text>123456</text></answer>\n" /* 9 */
	"    <answer fraction=\"100\"><text>Tr@ng-Vang-2024</text></answer>\n"
	"    <answer fraction=\"0\"><text>abc</text></answer>\n" /* 11 */
	"  </question>\n" /* 12 */
	"  <question type=\"multichoice\">\n" /* 13 */
	"    <name><text>Câu 2</text></name>\n" /* 14 */
	"    <questiontext><text>Chọn hai</text></questiontext>\n" /* 15 */
	"    <single>false</single>\n" /* 16 */
	"    <answer fraction=\"50\"><text>a</text></answer>\n" /* 17 */
	"    <answer fraction=\"50\"><text>b</text></answer>\n" /* 18 */
	"    <answer fraction=\"0\"><text>c</text></answer>\n" /* 19 */
	"  </question>\n" /* 20 */
	"  <question type=\"truefalse\">\n" /* 21 */
	"    <questiontext><text>OTP là bí mật.</text></questiontext>\n" /* 22 */
	"    <answer fraction=\"100\"><text>true</text></answer>\n" /* 23 */
	"    <answer fraction=\"0\"><text>false</text></answer>\n" /* 24 */
	"  </question>\n" /* 25 */
	"  <question type=\"essay\">\n" /* 26 */
	"    <questiontext><text>Viết</text></questiontext>\n" /* 27 */
	"  </question>\n" /* 28 */
	"  <question type=\"shortanswer\">\n" /* 29 */
	"    <questiontext><text>Viết tắt?</text></questiontext>\n" /* 30 */
	"    <answer fraction=\"100\"><text>VPN</text></answer>\n" /* 31 */
	"  </question>\n" /* 32 */
	"</quiz>\n";

static void moodle_xml_imports_supported_types_with_lines(void **state)
{
	(void)state;
	struct bank_conversion c;
	assert_int_equal(convert(BANK_FORMAT_MOODLE_XML, xml_sample, &opts, &c), 0);
	assert_int_equal(c.nquestions, 4);
	assert_int_equal(c.lines[0], 4);
	assert_string_equal(qstr(&c, 0, "code"), "xml-001");
	assert_string_equal(qstr(&c, 0, "type"), "single");
	assert_string_equal(qstr(&c, 0, "stem"), "Mật khẩu mạnh & dài… 🔒?");
	assert_string_equal(qstr(&c, 0, "explanation"), "Vì dài.");
	assert_option(qopt(&c, 0, 1), "Tr@ng-Vang-2024", true);
	assert_option(qopt(&c, 0, 2), "abc", false);

	assert_int_equal(c.lines[1], 13);
	assert_string_equal(qstr(&c, 1, "type"), "multiple");
	assert_string_equal(qstr(&c, 1, "code"), "imp-001");
	/* 50/50/0 is not what flags mean (the wrong one would be -50). */
	assert_float_equal(json_number_value(json_object_get(qopt(&c, 1, 0), "weight")), 0.5, 1e-9);
	assert_float_equal(json_number_value(json_object_get(qopt(&c, 1, 2), "weight")), 0, 1e-9);

	assert_int_equal(c.lines[2], 21);
	assert_string_equal(qstr(&c, 2, "type"), "true_false");
	assert_option(qopt(&c, 2, 0), "Đúng", true);

	assert_int_equal(c.lines[3], 29);
	assert_string_equal(qstr(&c, 3, "type"), "short");
	assert_option(qopt(&c, 3, 0), "VPN", true);

	assert_int_equal(c.skipped.n, 1);
	assert_int_equal(c.skipped.items[0].line, 26);
	assert_non_null(strstr(c.skipped.items[0].message, "essay"));
	bank_conversion_cleanup(&c);
}

static void moodle_xml_malformed_names_its_line(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "<?xml version=\"1.0\"?>\n<quiz>\n<question type=\"truefalse\">\n"
			   "<questiontext><text>x</text>\n</question>\n</quiz>\n";
	assert_int_equal(convert(BANK_FORMAT_MOODLE_XML, text, &opts, &c), -1);
	assert_int_equal(c.errors.n, 1);
	assert_int_equal(c.errors.items[0].line, 5);
	bank_conversion_cleanup(&c);
}

static void moodle_xml_with_doctype_is_refused(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "<?xml version=\"1.0\"?>\n<!DOCTYPE quiz [<!ENTITY a \"aaaa\">]>\n"
			   "<quiz><question type=\"shortanswer\"><questiontext><text>&a;</text>"
			   "</questiontext><answer "
			   "fraction=\"100\"><text>x</text></answer></question></quiz>\n";
	assert_int_equal(convert(BANK_FORMAT_MOODLE_XML, text, &opts, &c), -1);
	assert_int_equal(c.errors.n, 1);
	assert_non_null(strstr(c.errors.items[0].message, "DOCTYPE"));
	assert_int_equal(c.errors.items[0].line, 2);
	bank_conversion_cleanup(&c);
}

static void moodle_xml_single_without_right_answer_names_its_line(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "<quiz>\n\n<question type=\"multichoice\">\n"
			   "<questiontext><text>x</text></questiontext>\n"
			   "<answer fraction=\"0\"><text>a</text></answer>\n"
			   "<answer fraction=\"0\"><text>b</text></answer>\n</question>\n</quiz>\n";
	assert_int_equal(convert(BANK_FORMAT_MOODLE_XML, text, &opts, &c), -1);
	assert_int_equal(c.errors.items[0].line, 3);
	bank_conversion_cleanup(&c);
}

static const char native_bank[] =
	"{\"code\": \"rt-bank\", \"title\": \"Ngân hàng: {thử} ~ = # \\\\ kiểm tra\","
	" \"language\": \"vi\", \"audiences\": [\"pupil\", \"public\"], \"questions\": ["
	"{\"code\": \"rt-001\", \"type\": \"single\", \"topics\": [\"passwords\"],"
	" \"difficulty\": 1, \"stem\": \"Dòng 1\\nDòng 2: a=b, {x} ~y #z \\\\ w\","
	" \"options\": [{\"text\": \"a:b\", \"correct\": false, \"feedback\": \"Sai: a\\\\b "
	"#{}~=\"},"
	" {\"text\": \"c=d\", \"correct\": true, \"feedback\": \"Đúng vì c=d.\"},"
	" {\"text\": \"e\", \"correct\": false}],"
	" \"explanation\": \"Vì #1.\", \"reference\": \"Luật An ninh mạng -- Điều 8 \\\\ <&> -\"},"
	"{\"code\": \"rt-002\", \"type\": \"multiple\", \"topics\": [\"malware\", \"passwords\"],"
	" \"difficulty\": 3, \"stem\": \"Chọn\","
	" \"options\": [{\"text\": \"a\", \"correct\": true}, {\"text\": \"b\", \"correct\": true},"
	" {\"text\": \"c\", \"correct\": true}, {\"text\": \"d\", \"correct\": false}],"
	" \"explanation\": \"x\"},"
	"{\"code\": \"rt-003\", \"type\": \"multiple\", \"topics\": [\"malware\"],"
	" \"difficulty\": 2, \"stem\": \"Trọng số\","
	" \"options\": [{\"text\": \"a\", \"weight\": 0.75, \"feedback\": \"Gần đủ.\"},"
	" {\"text\": \"b\", \"weight\": 0.25},"
	" {\"text\": \"c\", \"weight\": -1.0}],"
	" \"explanation\": \"y\"},"
	"{\"code\": \"rt-004\", \"type\": \"true_false\", \"topics\": [\"misinformation\"],"
	" \"difficulty\": 2, \"stem\": \"Tin giả lan nhanh.\","
	" \"options\": [{\"text\": \"Đúng\", \"correct\": true}, {\"text\": \"Sai\", \"correct\": "
	"false, \"feedback\": \"Tin giả lan nhanh hơn tin thật.\"}],"
	" \"explanation\": \"z\"},"
	"{\"code\": \"rt-005\", \"type\": \"true_false\", \"topics\": [\"misinformation\"],"
	" \"difficulty\": 2, \"stem\": \"Mọi tin trên mạng đều đúng.\","
	" \"options\": [{\"text\": \"Đúng\", \"correct\": false, \"feedback\": \"Không phải.\"},"
	" {\"text\": \"Sai\", \"correct\": true, \"feedback\": \"Phải kiểm chứng.\"}],"
	" \"explanation\": \"w\"},"
	"{\"code\": \"rt-006\", \"type\": \"short\", \"topics\": [\"wifi_public_networks\"],"
	" \"difficulty\": 2, \"stem\": \"Viết tắt?\", \"ignore_diacritics\": true,"
	" \"options\": [{\"text\": \"VPN\", \"correct\": true, \"feedback\": \"Virtual private "
	"network.\"},"
	" {\"text\": \"mạng riêng ảo\", \"correct\": true},"
	" {\"text\": \"mạng riêng\", \"weight\": 0.5, \"feedback\": \"Gần đúng.\"}],"
	" \"explanation\": \"v\"}]}";

static void gift_round_trip_native_to_gift_to_native_is_equal(void **state)
{
	(void)state;
	json_error_t je;
	json_t *bank = json_loads(native_bank, 0, &je);
	assert_non_null(bank);
	char err[200] = "";
	char *gift = bank_export_gift(bank, err, sizeof err);
	assert_non_null(gift);
	/* Everything comes from the file: no options needed. */
	struct bank_convert_options none = { 0 };
	struct bank_conversion c;
	int rc = convert(BANK_FORMAT_GIFT, gift, &none, &c);
	if (rc != 0 || !json_equal(bank, c.bank)) {
		char *got = c.bank ? json_dumps(c.bank, JSON_INDENT(1)) : NULL;
		print_error("GIFT:\n%s\nmessage: %s\ngot: %s\n", gift, c.message, got ? got : "-");
		free(got);
	}
	assert_int_equal(rc, 0);
	assert_true(json_equal(bank, c.bank));
	assert_int_equal(c.skipped.n, 0);
	bank_conversion_cleanup(&c);
	free(gift);
	json_decref(bank);
}

static void gift_export_escapes_special_characters(void **state)
{
	(void)state;
	json_error_t je;
	json_t *bank = json_loads(native_bank, 0, &je);
	char err[200];
	char *gift = bank_export_gift(bank, err, sizeof err);
	assert_non_null(gift);
	assert_non_null(
		strstr(gift, "::rt-001:: Dòng 1\\nDòng 2\\: a\\=b, \\{x\\} \\~y \\#z \\\\ w {"));
	assert_non_null(strstr(gift, "~%75%a"));
	assert_non_null(strstr(gift, "~%-100%c"));
	assert_non_null(strstr(gift, "~%33.33333%a"));
	assert_non_null(
		strstr(gift, "\n~a\\:b#Sai\\: a\\\\b \\#\\{\\}\\~\\=\n=c\\=d#Đúng vì c\\=d.\n"));
	assert_non_null(strstr(gift, "{TRUE#Tin giả lan nhanh hơn tin thật.####z}"));
	assert_non_null(strstr(gift, "{FALSE#Không phải.#Phải kiểm chứng.####w}"));
	assert_non_null(strstr(
		gift,
		"{=VPN#Virtual private network. =mạng riêng ảo =%50%mạng riêng#Gần đúng.####v}"));
	free(gift);
	json_decref(bank);
}

/* ---- GIFT, rule by rule, as Moodle's GIFT documentation writes it ------- */

static const char *ostr(json_t *opt, const char *key)
{
	return json_string_value(json_object_get(opt, key));
}

static const char gift_doc[] =
	"// Rules of Moodle's GIFT documentation, one question each.\n" /* 1 */
	"$CATEGORY: $course$/top/An toàn thông tin/passwords\n" /* 2 */
	"\n" /* 3 */
	"::mc:: Mật khẩu nào mạnh nhất? {~123456#Bị dò ra ngay. =Tr@ng-Vang-2024#Dài và đa "
	"dạng. ~matkhau#Có trong từ điển.}\n" /* 4 */
	"\n" /* 5 */
	"::weights:: Dấu hiệu lừa đảo? {\n" /* 6 */
	"  ~%50%Giục chuyển tiền#Đúng: tạo áp lực.\n" /* 7 */
	"  ~%50%Đường link lạ\n" /* 8 */
	"  ~%-50%Gọi từ số quen#Sai: số quen vẫn có thể bị giả.\n" /* 9 */
	"  ####Kẻ gian tạo áp lực thời gian.\n" /* 10 */
	"}\n" /* 11 */
	"\n" /* 12 */
	"$CATEGORY: $course$/top/An toàn thông tin/phishing_fraud\n" /* 13 */
	"::tf1:: Ngân hàng không hỏi mã OTP qua điện thoại. {T}\n" /* 14 */
	"\n" /* 15 */
	"::tf2:: Mật khẩu nên giống nhau ở mọi trang. {FALSE#Sai rồi: một trang lộ là lộ hết."
	"#Đúng: mỗi trang một mật khẩu.}\n" /* 16 */
	"\n" /* 17 */
	"::short:: Mạng riêng ảo viết tắt là gì? {=VPN#Chính xác. =%50%mạng riêng#Gần "
	"đúng.}\n" /* 18 */
	"\n" /* 19 */
	"$CATEGORY: $course$/top/Khác\n" /* 20 */
	"::markers:: [html]<p>Chọn <b>một</b> đáp án</p> {=[plain]Đáp án đúng#[html]<i>Vì</i> "
	"vậy ~[markdown]Sai *rõ*#[plain]Không}\n" /* 21 */
	"\n" /* 22 */
	"::match:: Ghép nối. {=Mã độc -> malware =Lừa đảo -> phishing =Mạng riêng -> VPN}\n" /* 23 */
	"\n" /* 24 */
	"::num:: Luật An ninh mạng mới có hiệu lực năm nào? {#2026:0}\n" /* 25 */
	"\n" /* 26 */
	"::esc:: Ký tự \\~ \\= \\# \\{ \\} \\: giữ nguyên {=a\\:b#c\\=d ~e ~f}\n"; /* 27 */

static void gift_doc_rules_import_with_feedback_markers_and_categories(void **state)
{
	(void)state;
	struct bank_convert_options o = { .code = "doc",
					  .audiences = "public",
					  .topic = "malware" };
	struct bank_conversion c;
	int rc = convert(BANK_FORMAT_GIFT, gift_doc, &o, &c);
	if (rc)
		print_error("%s %s\n", c.message, c.errors.n ? c.errors.items[0].message : "");
	assert_int_equal(rc, 0);
	assert_int_equal(c.nquestions, 7);
	/* ~ and = with #feedback per answer; the category names the topic. */
	assert_int_equal(c.lines[0], 4);
	assert_string_equal(qstr(&c, 0, "type"), "single");
	assert_string_equal(ostr(qopt(&c, 0, 0), "feedback"), "Bị dò ra ngay.");
	assert_string_equal(ostr(qopt(&c, 0, 1), "feedback"), "Dài và đa dạng.");
	assert_string_equal(ostr(qopt(&c, 0, 2), "feedback"), "Có trong từ điển.");
	json_t *topics = json_object_get(question(&c, 0), "topics");
	assert_string_equal(json_string_value(json_array_get(topics, 0)), "passwords");
	/* ~%50% weights read as flags; feedback on weighted answers; ####. */
	assert_int_equal(c.lines[1], 6);
	assert_string_equal(qstr(&c, 1, "type"), "multiple");
	assert_option(qopt(&c, 1, 0), "Giục chuyển tiền", true);
	assert_string_equal(ostr(qopt(&c, 1, 0), "feedback"), "Đúng: tạo áp lực.");
	assert_null(json_object_get(qopt(&c, 1, 1), "feedback"));
	assert_string_equal(ostr(qopt(&c, 1, 2), "feedback"), "Sai: số quen vẫn có thể bị giả.");
	assert_string_equal(qstr(&c, 1, "explanation"), "Kẻ gian tạo áp lực thời gian.");
	/* {T}; the second category names another topic. */
	assert_string_equal(qstr(&c, 2, "type"), "true_false");
	assert_option(qopt(&c, 2, 0), "Đúng", true);
	topics = json_object_get(question(&c, 2), "topics");
	assert_string_equal(json_string_value(json_array_get(topics, 0)), "phishing_fraud");
	/* {FALSE#wrong#right}: the statement is false, so "Đúng" is the wrong
	 * choice and takes the first feedback. */
	assert_option(qopt(&c, 3, 0), "Đúng", false);
	assert_string_equal(ostr(qopt(&c, 3, 0), "feedback"), "Sai rồi: một trang lộ là lộ hết.");
	assert_string_equal(ostr(qopt(&c, 3, 1), "feedback"), "Đúng: mỗi trang một mật khẩu.");
	/* Short answer with partial credit. */
	assert_int_equal(c.lines[4], 18);
	assert_string_equal(qstr(&c, 4, "type"), "short");
	assert_option(qopt(&c, 4, 0), "VPN", true);
	assert_string_equal(ostr(qopt(&c, 4, 0), "feedback"), "Chính xác.");
	json_t *partial = qopt(&c, 4, 1);
	assert_string_equal(ostr(partial, "text"), "mạng riêng");
	assert_true(fabs(json_number_value(json_object_get(partial, "weight")) - 0.5) < 1e-9);
	assert_null(json_object_get(partial, "correct"));
	assert_string_equal(ostr(partial, "feedback"), "Gần đúng.");
	assert_string_equal(qstr(&c, 4, "explanation"), "Đáp án đúng: VPN.");
	/* A category whose last part is no topic: the option's topic. Markers
	 * on the stem, the answers and the feedback; no literal marker stays. */
	topics = json_object_get(question(&c, 5), "topics");
	assert_string_equal(json_string_value(json_array_get(topics, 0)), "malware");
	assert_string_equal(qstr(&c, 5, "stem"), "Chọn một đáp án");
	assert_option(qopt(&c, 5, 0), "Đáp án đúng", true);
	assert_string_equal(ostr(qopt(&c, 5, 0), "feedback"), "Vì vậy");
	assert_option(qopt(&c, 5, 1), "Sai *rõ*", false);
	assert_string_equal(ostr(qopt(&c, 5, 1), "feedback"), "Không");
	/* Escapes, in the text and the feedback of an answer. */
	assert_string_equal(qstr(&c, 6, "stem"), "Ký tự ~ = # { } : giữ nguyên");
	assert_option(qopt(&c, 6, 0), "a:b", true);
	assert_string_equal(ostr(qopt(&c, 6, 0), "feedback"), "c=d");
	/* Matching and numerical: left out, each with its line and reason. */
	assert_int_equal(c.skipped.n, 2);
	assert_int_equal(c.skipped.items[0].line, 23);
	assert_non_null(strstr(c.skipped.items[0].message, "no matching type"));
	assert_int_equal(c.skipped.items[1].line, 25);
	assert_non_null(strstr(c.skipped.items[1].message, "no numerical type"));
	bank_conversion_cleanup(&c);
}

static void gift_category_topic_makes_the_topic_option_unneeded(void **state)
{
	(void)state;
	struct bank_convert_options o = { .code = "cat", .audiences = "public" };
	struct bank_conversion c;
	const char *text = "$CATEGORY: tom/malware\n\nQ? {=a ~b ~c}\n";
	assert_int_equal(convert(BANK_FORMAT_GIFT, text, &o, &c), 0);
	json_t *topics = json_object_get(question(&c, 0), "topics");
	assert_string_equal(json_string_value(json_array_get(topics, 0)), "malware");
	bank_conversion_cleanup(&c);
	/* Without it, the topic is required. */
	assert_int_equal(
		convert(BANK_FORMAT_GIFT, "$CATEGORY: tom/khac\n\nQ? {=a ~b ~c}\n", &o, &c), -1);
	assert_non_null(strstr(c.message, "topic is required"));
	bank_conversion_cleanup(&c);
}

static void gift_short_answer_errors_and_zero_credit_name_their_lines(void **state)
{
	(void)state;
	struct bank_conversion c;
	/* Line 3: no answer gives full credit. */
	const char *text = "::a:: A? {=x}\n\n::b:: B? {=%50%x =%25%y}\n";
	assert_int_equal(convert(BANK_FORMAT_GIFT, text, &opts, &c), -1);
	assert_int_equal(c.errors.n, 1);
	assert_int_equal(c.errors.items[0].line, 3);
	assert_non_null(strstr(c.errors.items[0].message, "full credit"));
	bank_conversion_cleanup(&c);
	/* A 0% answer (a wrong answer with feedback) is left out, noted at its
	 * own line. */
	text = "::a:: A? {\n=x\n=%0%y#Sai\n}\n";
	assert_int_equal(convert(BANK_FORMAT_GIFT, text, &opts, &c), 0);
	assert_int_equal(json_array_size(json_object_get(question(&c, 0), "options")), 1);
	assert_int_equal(c.skipped.n, 1);
	assert_int_equal(c.skipped.items[0].line, 3);
	bank_conversion_cleanup(&c);
}

/* ---- Moodle XML, rule by rule ------------------------------------------- */

static const char moodle_doc[] =
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" /* 1 */
	"<quiz>\n" /* 2 */
	"  <question type=\"category\">\n" /* 3 */
	"    <category><text>$course$/top/ATTT/phishing_fraud</text></category>\n" /* 4 */
	"  </question>\n" /* 5 */
	"  <question type=\"multichoice\">\n" /* 6 */
	"    <name><text>x-mc</text></name>\n" /* 7 */
	"    <questiontext format=\"html\"><text><![CDATA[<p>Email <b>lạ</b>?</p>]]></text>"
	"</questiontext>\n" /* 8 */
	"    <generalfeedback format=\"html\"><text>&lt;p&gt;Kiểm tra người gửi.&lt;/p&gt;"
	"</text></generalfeedback>\n" /* 9 */
	"    <single>true</single>\n" /* 10 */
	"    <answer fraction=\"100\" format=\"html\"><text>&lt;b&gt;Xoá&lt;/b&gt;</text>\n" /* 11 */
	"      <feedback format=\"html\"><text>&lt;p&gt;Đúng vậy.&lt;/p&gt;</text></feedback>"
	"</answer>\n" /* 12 */
	"    <answer fraction=\"0\"><text>Mở link</text><feedback><text>Nguy hiểm.</text>"
	"</feedback></answer>\n" /* 13 */
	"    <answer fraction=\"0\"><text>Trả lời</text></answer>\n" /* 14 */
	"  </question>\n" /* 15 */
	"  <question type=\"truefalse\">\n" /* 16 */
	"    <questiontext><text>OTP có thể cho người khác.</text></questiontext>\n" /* 17 */
	"    <answer fraction=\"0\"><text>true</text><feedback><text>Không bao giờ.</text>"
	"</feedback></answer>\n" /* 18 */
	"    <answer fraction=\"100\"><text>false</text><feedback><text>Chính xác.</text>"
	"</feedback></answer>\n" /* 19 */
	"  </question>\n" /* 20 */
	"  <question type=\"shortanswer\">\n" /* 21 */
	"    <questiontext><text>Viết tắt?</text></questiontext>\n" /* 22 */
	"    <answer fraction=\"100\"><text>VPN</text></answer>\n" /* 23 */
	"    <answer fraction=\"50\"><text>mạng riêng</text><feedback><text>Gần đúng.</text>"
	"</feedback></answer>\n" /* 24 */
	"  </question>\n" /* 25 */
	"  <question type=\"matching\">\n" /* 26 */
	"    <questiontext><text>Ghép</text></questiontext>\n" /* 27 */
	"  </question>\n" /* 28 */
	"  <question type=\"numerical\">\n" /* 29 */
	"    <questiontext><text>Năm?</text></questiontext>\n" /* 30 */
	"  </question>\n" /* 31 */
	"  <question type=\"multichoice\">\n" /* 32 */
	"    <questiontext><text>Chọn các dấu hiệu</text></questiontext>\n" /* 33 */
	"    <single>false</single>\n" /* 34 */
	"    <answer fraction=\"50\"><text>a</text><feedback><text>fa</text></feedback></answer>\n"
	"    <answer fraction=\"50\"><text>b</text></answer>\n" /* 36 */
	"    <answer fraction=\"-50\"><text>c</text></answer>\n" /* 37 */
	"  </question>\n" /* 38 */
	"</quiz>\n";

static void moodle_xml_doc_rules_import_with_feedback_and_categories(void **state)
{
	(void)state;
	struct bank_convert_options o = { .code = "mx", .audiences = "public" };
	struct bank_conversion c;
	int rc = convert(BANK_FORMAT_MOODLE_XML, moodle_doc, &o, &c);
	if (rc)
		print_error("%s %s\n", c.message, c.errors.n ? c.errors.items[0].message : "");
	assert_int_equal(rc, 0);
	assert_int_equal(c.nquestions, 4);
	/* multichoice single; HTML on the stem, an answer and its feedback. */
	assert_int_equal(c.lines[0], 6);
	assert_string_equal(qstr(&c, 0, "code"), "x-mc");
	assert_string_equal(qstr(&c, 0, "stem"), "Email lạ?");
	assert_string_equal(qstr(&c, 0, "explanation"), "Kiểm tra người gửi.");
	assert_option(qopt(&c, 0, 0), "Xoá", true);
	assert_string_equal(ostr(qopt(&c, 0, 0), "feedback"), "Đúng vậy.");
	assert_string_equal(ostr(qopt(&c, 0, 1), "feedback"), "Nguy hiểm.");
	assert_null(json_object_get(qopt(&c, 0, 2), "feedback"));
	json_t *topics = json_object_get(question(&c, 0), "topics");
	assert_string_equal(json_string_value(json_array_get(topics, 0)), "phishing_fraud");
	/* truefalse: each answer's feedback to the option it names. */
	assert_int_equal(c.lines[1], 16);
	assert_option(qopt(&c, 1, 0), "Đúng", false);
	assert_string_equal(ostr(qopt(&c, 1, 0), "feedback"), "Không bao giờ.");
	assert_string_equal(ostr(qopt(&c, 1, 1), "feedback"), "Chính xác.");
	/* shortanswer with a 50% answer. */
	assert_int_equal(c.lines[2], 21);
	json_t *partial = qopt(&c, 2, 1);
	assert_true(fabs(json_number_value(json_object_get(partial, "weight")) - 0.5) < 1e-9);
	assert_string_equal(ostr(partial, "feedback"), "Gần đúng.");
	/* multichoice with several right answers. */
	assert_int_equal(c.lines[3], 32);
	assert_string_equal(qstr(&c, 3, "type"), "multiple");
	assert_option(qopt(&c, 3, 0), "a", true);
	assert_string_equal(ostr(qopt(&c, 3, 0), "feedback"), "fa");
	/* matching and numerical: left out with their lines and reasons. */
	assert_int_equal(c.skipped.n, 2);
	assert_int_equal(c.skipped.items[0].line, 26);
	assert_non_null(strstr(c.skipped.items[0].message, "no matching type"));
	assert_int_equal(c.skipped.items[1].line, 29);
	assert_non_null(strstr(c.skipped.items[1].message, "no numerical type"));
	bank_conversion_cleanup(&c);
}

static void moodle_xml_answer_errors_name_their_lines(void **state)
{
	(void)state;
	struct bank_conversion c;
	const char *text = "<quiz>\n<question type=\"multichoice\">\n"
			   "<questiontext><text>x</text></questiontext>\n"
			   "<answer fraction=\"100\"><text>a</text></answer>\n"
			   "<answer fraction=\"abc\"><text>b</text></answer>\n"
			   "</question>\n</quiz>\n";
	assert_int_equal(convert(BANK_FORMAT_MOODLE_XML, text, &opts, &c), -1);
	assert_int_equal(c.errors.items[0].line, 5);
	assert_non_null(strstr(c.errors.items[0].message, "fraction"));
	bank_conversion_cleanup(&c);
	text = "<quiz>\n<question type=\"shortanswer\">\n"
	       "<questiontext><text>x</text></questiontext>\n"
	       "<answer fraction=\"50\"><text>a</text></answer>\n"
	       "</question>\n</quiz>\n";
	assert_int_equal(convert(BANK_FORMAT_MOODLE_XML, text, &opts, &c), -1);
	assert_int_equal(c.errors.items[0].line, 2);
	assert_non_null(strstr(c.errors.items[0].message, "full credit"));
	bank_conversion_cleanup(&c);
}

/* native -> Moodle XML -> native: equal, with every field. */
static void moodle_xml_round_trip_native_to_xml_to_native_is_equal(void **state)
{
	(void)state;
	json_error_t je;
	json_t *bank = json_loads(native_bank, 0, &je);
	assert_non_null(bank);
	char err[200] = "";
	char *xml = bank_export_moodle_xml(bank, err, sizeof err);
	assert_non_null(xml);
	struct bank_convert_options none = { 0 };
	struct bank_conversion c;
	int rc = convert(BANK_FORMAT_MOODLE_XML, xml, &none, &c);
	if (rc != 0 || !json_equal(bank, c.bank)) {
		char *got = c.bank ? json_dumps(c.bank, JSON_INDENT(1)) : NULL;
		print_error("XML:\n%s\nmessage: %s\ngot: %s\n", xml, c.message, got ? got : "-");
		free(got);
	}
	assert_int_equal(rc, 0);
	assert_true(json_equal(bank, c.bank));
	assert_int_equal(c.skipped.n, 0);
	assert_non_null(strstr(xml, "<question type=\"truefalse\">"));
	assert_non_null(strstr(xml, "<single>false</single>"));
	assert_non_null(strstr(xml, "<answer fraction=\"75\" format=\"plain_text\">"));
	bank_conversion_cleanup(&c);
	free(xml);
	json_decref(bank);
}

static void gift_export_refuses_unknown_type(void **state)
{
	(void)state;
	json_t *bank =
		json_pack("{s:s, s:[{s:s, s:s, s:s, s:[{s:s}]}]}", "code", "b", "questions", "code",
			  "q1", "type", "essay", "stem", "s", "options", "text", "x");
	char err[200] = "";
	assert_null(bank_export_gift(bank, err, sizeof err));
	assert_non_null(strstr(err, "essay"));
	json_decref(bank);
}

static void format_names_map_to_formats(void **state)
{
	(void)state;
	enum bank_format f;
	assert_int_equal(bank_format_from_name("moodle-xml", &f), 0);
	assert_int_equal(f, BANK_FORMAT_MOODLE_XML);
	assert_int_equal(bank_format_from_name("aiken", &f), 0);
	assert_int_equal(f, BANK_FORMAT_AIKEN);
	assert_int_equal(bank_format_from_name("xml", &f), -1);
}

/* A fresh database built by the real migrations. */
struct fixture {
	struct testdb tdb;
	struct db *db;
};

static int db_setup(void **state)
{
	struct fixture *f = calloc(1, sizeof *f);
	f->db = testdb_open(&f->tdb, "test_bank_formats");
	assert_non_null(f->db);
	*state = f;
	return 0;
}

static int db_teardown(void **state)
{
	struct fixture *f = *state;
	testdb_remove(&f->tdb, f->db);
	free(f);
	return 0;
}

static void import_gift_stores_bank_and_keeps_skipped(void **state)
{
	struct fixture *f = *state;
	struct bank_result res;
	bank_result_init(&res);
	int rc = bank_import_foreign(f->db, BANK_FORMAT_GIFT, gift_sample, strlen(gift_sample),
				     &opts, "sample.gift", &res);
	if (rc)
		print_error("%s\n", res.problem.message);
	assert_int_equal(rc, 0);
	assert_string_equal(res.code, "imp");
	assert_int_equal(res.question_count, 5);
	assert_int_equal(res.skipped.n, 3);
	assert_int_equal(res.skipped.items[0].line, 21);
	assert_non_null(strstr(res.skipped.items[0].message, "sample.gift:21: "));
	bank_result_cleanup(&res);

	/* Exported back as GIFT, the stored bank imports unchanged. */
	char err[256];
	json_t *stored = NULL;
	assert_int_equal(bank_export_json(f->db, "imp", &stored, NULL), OUTCOME_OK);
	assert_non_null(stored);
	char *gift = bank_export_gift(stored, err, sizeof err);
	assert_non_null(gift);
	struct bank_convert_options none = { 0 };
	bank_result_init(&res);
	assert_int_equal(bank_import_foreign(f->db, BANK_FORMAT_GIFT, gift, strlen(gift), &none,
					     "export.gift", &res),
			 0);
	assert_int_equal(res.unchanged, 5);
	assert_int_equal(res.inserted + res.updated, 0);
	bank_result_cleanup(&res);
	free(gift);
	json_decref(stored);
}

static void import_loader_errors_name_lines_of_the_foreign_file(void **state)
{
	struct fixture *f = *state;
	struct bank_result res;
	/* Line 4: a single-choice question with two options breaks the native
	 * rule of 3 to 5. */
	const char *text = "::ok-1:: A? {=x ~y ~z}\n\n\n::bad-1:: B? {=x ~y}\n";
	bank_result_init(&res);
	assert_int_equal(bank_import_foreign(f->db, BANK_FORMAT_GIFT, text, strlen(text), &opts,
					     "two.gift", &res),
			 OUTCOME_INVALID);
	assert_true(res.errors.n >= 1);
	assert_int_equal(res.errors.items[0].line, 4);
	bank_result_cleanup(&res);
	/* Nothing was imported. */
	struct db_bank bank;
	assert_int_equal(db_bank_by_code(f->db, "imp", &bank), 0);

	/* A syntax error of the converter comes back the same way. */
	bank_result_init(&res);
	assert_int_equal(bank_import_foreign(f->db, BANK_FORMAT_AIKEN, "Q\nA. x\nB. y\nANSWER: Z\n",
					     22, &opts, "q.txt", &res),
			 OUTCOME_INVALID);
	assert_int_equal(res.errors.items[0].line, 4);
	assert_non_null(strstr(res.errors.items[0].message, "q.txt:4: "));
	bank_result_cleanup(&res);

	/* A missing option is not a line error. */
	struct bank_convert_options o = opts;
	o.topic = NULL;
	bank_result_init(&res);
	assert_int_equal(bank_import_foreign(f->db, BANK_FORMAT_AIKEN, "Q\nA. x\nB. y\nANSWER: A\n",
					     22, &o, "q.txt", &res),
			 OUTCOME_INVALID);
	assert_int_equal(res.errors.n, 0);
	assert_non_null(strstr(res.problem.message, "topic"));
	bank_result_cleanup(&res);
}

/* Every shipped bank, as stored, goes through GIFT and through Moodle XML
 * and comes back equal (options, feedback, weights, topics, references). */
static void shipped_banks_round_trip_through_gift_and_moodle_xml(void **state)
{
	struct fixture *f = *state;
	DIR *dir = opendir("question-banks/vi");
	assert_non_null(dir);
	struct dirent *e;
	int banks = 0;
	while ((e = readdir(dir))) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".json"))
			continue;
		char path[300];
		snprintf(path, sizeof path, "question-banks/vi/%s", e->d_name);
		json_error_t je;
		json_t *file = json_load_file(path, 0, &je);
		assert_non_null(file);
		char *text = json_dumps(file, 0);
		struct bank_result res;
		bank_result_init(&res);
		assert_int_equal(bank_import_text(f->db, text, strlen(text), path, &res),
				 OUTCOME_OK);
		bank_result_cleanup(&res);
		char err[256];
		json_t *stored = NULL;
		bank_export_json(f->db, json_string_value(json_object_get(file, "code")), &stored,
				 NULL);
		assert_non_null(stored);
		static const enum bank_format formats[] = { BANK_FORMAT_GIFT,
							    BANK_FORMAT_MOODLE_XML };
		for (size_t k = 0; k < 2; k++) {
			char *out = bank_export_text(stored, formats[k], err, sizeof err);
			assert_non_null(out);
			struct bank_convert_options none = { 0 };
			struct bank_conversion c;
			assert_int_equal(convert(formats[k], out, &none, &c), 0);
			if (!json_equal(stored, c.bank))
				print_error("%s does not come back equal through format %d\n", path,
					    (int)formats[k]);
			assert_true(json_equal(stored, c.bank));
			bank_conversion_cleanup(&c);
			free(out);
		}
		json_decref(stored);
		free(text);
		json_decref(file);
		banks++;
	}
	closedir(dir);
	assert_true(banks >= 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(gift_imports_each_supported_kind_with_its_line),
		cmocka_unit_test(gift_explicit_weights_stay_weights),
		cmocka_unit_test(gift_unclosed_answer_block_names_its_line),
		cmocka_unit_test(gift_answer_without_marker_is_an_error_at_its_line),
		cmocka_unit_test(gift_weights_not_adding_to_100_are_an_error),
		cmocka_unit_test(gift_missing_word_puts_a_blank_in_the_stem),
		cmocka_unit_test(gift_html_question_text_becomes_plain_text),
		cmocka_unit_test(gift_that_is_not_utf8_is_an_error_at_line_1),
		cmocka_unit_test(moodle_xml_in_latin1_is_read_as_declared),
		cmocka_unit_test(gift_without_topic_fails_naming_topic),
		cmocka_unit_test(gift_without_code_or_audiences_fails_naming_them),
		cmocka_unit_test(gift_generated_codes_step_past_titled_ones),
		cmocka_unit_test(aiken_imports_single_choice_questions),
		cmocka_unit_test(aiken_answer_outside_options_names_its_line),
		cmocka_unit_test(aiken_options_out_of_order_and_missing_answer_are_errors),
		cmocka_unit_test(moodle_xml_imports_supported_types_with_lines),
		cmocka_unit_test(moodle_xml_malformed_names_its_line),
		cmocka_unit_test(moodle_xml_with_doctype_is_refused),
		cmocka_unit_test(moodle_xml_single_without_right_answer_names_its_line),
		cmocka_unit_test(gift_round_trip_native_to_gift_to_native_is_equal),
		cmocka_unit_test(gift_export_escapes_special_characters),
		cmocka_unit_test(gift_doc_rules_import_with_feedback_markers_and_categories),
		cmocka_unit_test(gift_category_topic_makes_the_topic_option_unneeded),
		cmocka_unit_test(gift_short_answer_errors_and_zero_credit_name_their_lines),
		cmocka_unit_test(moodle_xml_doc_rules_import_with_feedback_and_categories),
		cmocka_unit_test(moodle_xml_answer_errors_name_their_lines),
		cmocka_unit_test(moodle_xml_round_trip_native_to_xml_to_native_is_equal),
		cmocka_unit_test(gift_export_refuses_unknown_type),
		cmocka_unit_test(format_names_map_to_formats),
		cmocka_unit_test_setup_teardown(import_gift_stores_bank_and_keeps_skipped, db_setup,
						db_teardown),
		cmocka_unit_test_setup_teardown(import_loader_errors_name_lines_of_the_foreign_file,
						db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(
			shipped_banks_round_trip_through_gift_and_moodle_xml, db_setup,
			db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
