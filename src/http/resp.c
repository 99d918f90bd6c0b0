/*
 * resp.c - filling struct resp; see resp.h.
 */
#include "http/resp.h"

#include <string.h>

#include "util/log.h"

void resp_init(struct resp *r)
{
	memset(r, 0, sizeof *r);
	r->status = 200;
	buf_init(&r->body, 0);
}

void resp_free(struct resp *r)
{
	json_decref(r->model);
	json_decref(r->view);
	json_decref(r->error_fields);
	r->model = r->view = r->error_fields = NULL;
	buf_free(&r->body);
}

void resp_header(struct resp *r, const char *name, const char *value)
{
	if (r->nheaders == RESP_MAX_HEADERS) {
		log_error("too many response headers, dropped %s", name);
		return;
	}
	r->headers[r->nheaders++] = (struct resp_header){name, value};
}

void resp_page(struct resp *r, const char *template, json_t *model)
{
	r->status = 200;
	r->template = template;
	json_decref(r->model);
	r->model = model;
}

enum err resp_error(struct resp *r, enum err err, const char *message)
{
	r->error = err;
	r->status = err_http_status(err);
	r->error_message = message;
	return err;
}

void resp_field_error(struct resp *r, const char *field, const char *message)
{
	if (r->error_fields == NULL)
		r->error_fields = json_object();
	if (json_object_get(r->error_fields, field) == NULL)
		json_object_set_new(r->error_fields, field, json_string(message));
	if (r->error == E_OK) {
		r->error = E_INVALID;
		r->status = 400;
	}
}

void resp_redirect(struct resp *r, int status, const char *location)
{
	r->status = status != 0 ? status : 303;
	resp_header(r, "Location", location);
}

void resp_raw(struct resp *r, const char *content_type, const char *data, size_t len)
{
	r->content_type = content_type;
	buf_reset(&r->body);
	buf_append(&r->body, data, len);
}
