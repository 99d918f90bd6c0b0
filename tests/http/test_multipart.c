/*
 * test_multipart.c - multipart/form-data bodies.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "http/multipart.h"

#define CT "multipart/form-data; boundary=XyZ"

static enum err parse(const char *body, struct kvlist *fields, struct upload **files,
		      size_t *nfiles, const char **why, struct arena *a)
{
	return multipart_parse(a, CT, body, strlen(body), fields, files, nfiles, why);
}

Test(multipart, fields_and_files)
{
	const char *body = "--XyZ\r\n"
			   "Content-Disposition: form-data; name=\"title\"\r\n\r\n"
			   "Åre och Kisumu\r\n"
			   "--XyZ\r\n"
			   "Content-Disposition: form-data; name=\"scores\"; filename=\"C:\\\\tmp\\\\s.csv\"\r\n"
			   "Content-Type: text/csv\r\n\r\n"
			   "a,b\r\n1,2\r\n"
			   "--XyZ--\r\n";
	struct arena *a = arena_new();
	struct kvlist fields = {0};
	struct upload *files = NULL;
	size_t n = 0;
	const char *why = NULL;
	cr_assert_eq(parse(body, &fields, &files, &n, &why, a), E_OK, "%s", why ? why : "");
	cr_expect_str_eq(kvlist_get(&fields, "title"), "Åre och Kisumu");
	cr_assert_eq(n, 1);
	cr_expect_str_eq(files[0].field, "scores");
	cr_expect_str_eq(files[0].filename, "s.csv", "the path is stripped");
	cr_expect_str_eq(files[0].content_type, "text/csv");
	cr_expect_eq(files[0].len, strlen("a,b\r\n1,2"));
	cr_expect(memcmp(files[0].data, "a,b\r\n1,2", files[0].len) == 0);
	arena_free(a);
}

Test(multipart, malformed)
{
	static const char *bad[] = {
		"no boundary here",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated",
		"--XyZ\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data\r\n\r\nx\r\n--XyZ--",
		"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n\xff\r\n--XyZ--",
		"--XyZjunk",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct arena *a = arena_new();
		struct kvlist fields = {0};
		struct upload *files = NULL;
		size_t n = 0;
		const char *why = NULL;
		cr_expect_eq(parse(bad[i], &fields, &files, &n, &why, a), E_INVALID, "case %zu", i);
		arena_free(a);
	}
}

Test(multipart, missing_boundary_parameter)
{
	struct arena *a = arena_new();
	struct kvlist fields = {0};
	struct upload *files = NULL;
	size_t n = 0;
	const char *why = NULL;
	cr_expect_eq(multipart_parse(a, "multipart/form-data", "x", 1, &fields, &files, &n, &why),
		     E_INVALID);
	arena_free(a);
}

Test(multipart, too_many_files)
{
	char body[8192] = "";
	for (int i = 0; i <= HTTP_MAX_FILES; i++)
		snprintf(body + strlen(body), sizeof body - strlen(body),
			 "--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"%d.txt\"\r\n\r\nx\r\n", i);
	snprintf(body + strlen(body), sizeof body - strlen(body), "--XyZ--\r\n");
	struct arena *a = arena_new();
	struct kvlist fields = {0};
	struct upload *files = NULL;
	size_t n = 0;
	const char *why = NULL;
	cr_expect_eq(parse(body, &fields, &files, &n, &why, a), E_INVALID);
	cr_expect_str_eq(why, "too many files");
	arena_free(a);
}
