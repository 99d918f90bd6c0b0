/*
 * mustache.c - the Mustache engine: a parser that turns template text into
 * an immutable tree of nodes once, and a renderer that walks that tree
 * against a jansson value on every request.  See mustache.h for the
 * contract and tests/mustache-spec for the behaviour it is held to.
 *
 * Owns: each parsed template (its nodes, a copy of its source, the copies of
 * its translations); text and names in the nodes point into those copies.
 * Must not: keep mutable global state, allocate while rendering (only the
 * caller's output buffer grows; stacks are fixed arrays sized by
 * MUSTACHE_MAX_DEPTH), or resolve partials at parse time: they are looked up
 * by name through the render options, so templates can be parsed in any
 * order and a template may include itself.
 *
 * Whitespace.  Everything the spec says about whitespace is settled at parse
 * time except indentation:
 *  - A tag other than an interpolation that is alone on its line (blanks
 *    around it) is "standalone": its whole line, newline included, vanishes.
 *  - A parent pair {{<p}}...{{/p}} is standalone when only blanks precede
 *    the opening tag and follow the closing one, even on one line.  Text
 *    inside a parent pair is ignored; only its blocks (arguments) matter.
 *  - An argument block whose opening tag ends its line starts on the next
 *    line, and that line's leading blanks (its "intrinsic indentation") are
 *    removed from every line of the argument.
 *  - A parameter block (a block not directly inside a parent pair) gives an
 *    overriding argument an indentation: the intrinsic indentation of its
 *    default content when its opening tag is standalone, else the blanks
 *    before it when only blanks precede it.
 * Indentation itself is applied while rendering, because the same parsed
 * partial is included at many indentations: the renderer keeps a stack of
 * indentation strings and writes them lazily before the first output of
 * each line of template text (never after a newline that came from data).
 */
#include "view/mustache.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "view/html.h"

/* Longest custom delimiter accepted by {{=<% %>=}}. */
#define DELIM_MAX 8

enum node_type {
	NODE_TEXT,     /* literal template text */
	NODE_VAR,      /* {{name}}: the value HTML-escaped */
	NODE_RAW,      /* {{{name}}} or {{&name}}: the value as is */
	NODE_SECTION,  /* {{#name}}kids{{/name}} */
	NODE_INVERTED, /* {{^name}}kids{{/name}} */
	NODE_PARTIAL,  /* {{>name}} */
	NODE_PARENT,   /* {{<name}}kids{{/name}}: kids of type NODE_BLOCK are arguments */
	NODE_BLOCK,    /* {{$name}}kids{{/name}}: kids are the default or the argument */
};

struct node {
	enum node_type type; /* what this node is */
	bool standalone;     /* PARTIAL, PARENT: alone on its line, so indent applies */
	const char *str;     /* TEXT: the bytes; others: the name (not NUL-terminated) */
	size_t len;          /* bytes in str */
	size_t head_len;     /* VAR, RAW, SECTION, INVERTED: bytes before the first '.' */
	const char *indent;  /* PARTIAL, PARENT: blanks before a standalone tag;
				BLOCK: what each line of an overriding argument gets */
	size_t indent_len;   /* bytes in indent */
	char *cname;         /* PARTIAL, PARENT: the name as a C string, for the lookup */
	struct node *kids;   /* SECTION, INVERTED, PARENT, BLOCK: the content */
	size_t nkids;        /* entries in kids */
};

/* A translation returned by the translate callback, copied because nodes
 * point into it after mustache_parse returns. */
struct chunk {
	struct chunk *next; /* older translations */
	char text[];        /* NUL-terminated */
};

struct mustache {
	char *name;           /* copied at parse time, for messages */
	char *src;            /* copy of the source; nodes point into it */
	struct chunk *chunks; /* copies of the translations; nodes point into them */
	struct node root;     /* a container whose kids are the template */
};

/* ---------------------------------------------------------------- parsing */

struct vec {
	struct node *v; /* nodes, malloc'ed */
	size_t n;       /* in use */
	size_t cap;     /* allocated */
};

/* An open container while parsing: the root, a section, a parent, a block. */
struct frame {
	struct node node; /* the container; its kids are taken from kids at the close */
	struct vec kids;  /* nodes parsed inside it so far */
	unsigned line;    /* line of the opening tag, for messages */
	bool arg;         /* BLOCK directly inside a PARENT: an argument */
	bool left_clear;  /* PARENT: only blanks before the opening tag on its line */
	bool open_alone;  /* PARENT: the opening tag is standalone on its own */
	size_t ws_node;   /* PARENT: index in the enclosing kids of the blanks
			     before the opening tag, or SIZE_MAX */
	const char *x;    /* intrinsic indentation removed from each content line */
	size_t xlen;      /* bytes in x */
};

/* What scan_tag learns about one tag and its line. */
struct tag {
	char type;            /* '#', '^', '/', '!', '>', '<', '$', '=', '&', '{' or 0 */
	const char *name;     /* trimmed content (the name for most types) */
	size_t name_len;      /* bytes in name */
	size_t start;         /* offset of the opening delimiter */
	size_t end;           /* offset just past the closing delimiter */
	size_t ls;            /* offset of the start of the tag's line */
	bool left_clear;      /* only blanks between ls and start, no tag before */
	bool right_clear;     /* only blanks, then a newline or the end, after end */
	size_t eol;           /* past that newline when right_clear */
	bool standalone;      /* left_clear && right_clear && not an interpolation */
	char otag[DELIM_MAX]; /* '=': the new opening delimiter */
	size_t olen;          /* '=': its length */
	char ctag[DELIM_MAX]; /* '=': the new closing delimiter */
	size_t clen;          /* '=': its length */
};

struct parser {
	struct mustache *t;                         /* the template being built */
	const struct mustache_parse_opts *opts;     /* never NULL */
	char otag[DELIM_MAX];                       /* current opening delimiter */
	size_t olen;                                /* its length */
	char ctag[DELIM_MAX];                       /* current closing delimiter */
	size_t clen;                                /* its length */
	struct frame stack[MUSTACHE_MAX_DEPTH + 1]; /* [0] is the root */
	size_t depth;                               /* index of the innermost open frame */
	const char *src;                            /* text being parsed: t->src or a translation */
	size_t len;                                 /* its length */
	bool sub;                                   /* src is a translation */
	unsigned sub_line;                          /* line of the {{#_}} being translated */
	size_t line_pos;                            /* t->src counted up to here ... */
	unsigned line_no;                           /* ... and this is the line there */
	char *err;                                  /* caller's message buffer */
	size_t errlen;                              /* its size */
};

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Line number of offset pos in the main source.  Offsets only grow while
 * parsing, so counting resumes where it stopped instead of restarting. */
static unsigned parser_line(struct parser *p, size_t pos)
{
	if (p->sub)
		return p->sub_line;
	for (; p->line_pos < pos; p->line_pos++)
		if (p->t->src[p->line_pos] == '\n')
			p->line_no++;
	return p->line_no;
}

static enum err parse_fail(struct parser *p, unsigned line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "name:line: message" into the caller's buffer; returns E_INVALID. */
static enum err parse_fail(struct parser *p, unsigned line, const char *fmt, ...)
{
	if (p->err == NULL || p->errlen == 0)
		return E_INVALID;
	int n = snprintf(p->err, p->errlen, "%s:%u: ", p->t->name, line);
	if (n >= 0 && (size_t)n < p->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(p->err + n, p->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return E_INVALID;
}

static enum err vec_push(struct vec *v, const struct node *n)
{
	if (v->n == v->cap) {
		size_t cap = v->cap != 0 ? v->cap * 2 : 8;
		struct node *nv = realloc(v->v, cap * sizeof(*nv));
		if (nv == NULL)
			return E_NOMEM;
		v->v = nv;
		v->cap = cap;
	}
	v->v[v->n++] = *n;
	return E_OK;
}

/* Frees what the nodes own (not the array itself). */
static void nodes_free(struct node *kids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kids[i].cname);
		nodes_free(kids[i].kids, kids[i].nkids);
		free(kids[i].kids);
	}
}

static enum err push_text(struct frame *f, const char *s, size_t len)
{
	if (len == 0)
		return E_OK;
	struct node n = {.type = NODE_TEXT, .str = s, .len = len};
	return vec_push(&f->kids, &n);
}

/*
 * Adds src[a..b) as text to the innermost frame.  Text directly inside a
 * parent pair is ignored (only its blocks count).  Inside an argument block
 * with an intrinsic indentation, that indentation is cut from the start of
 * each line, which splits the text into one node per line.
 */
static enum err emit_text(struct parser *p, size_t a, size_t b)
{
	struct frame *f = &p->stack[p->depth];
	const char *s = p->src;
	if (f->node.type == NODE_PARENT)
		return E_OK;
	if (f->xlen == 0)
		return push_text(f, s + a, b - a);
	while (a < b) {
		/* A translation is a template of its own: its start is not a line of ours. */
		bool line_start = a > 0 ? s[a - 1] == '\n' : !p->sub;
		if (line_start && b - a >= f->xlen && memcmp(s + a, f->x, f->xlen) == 0)
			a += f->xlen;
		const char *nl = memchr(s + a, '\n', b - a);
		size_t e = nl != NULL ? (size_t)(nl - s) + 1 : b;
		enum err rc = push_text(f, s + a, e - a);
		if (rc != E_OK)
			return rc;
		a = e;
	}
	return E_OK;
}

/* Removes the innermost argument block's intrinsic indentation from the
 * front of blanks taken from the source, making them relative to it. */
static void relative_blanks(const struct frame *f, const char **ws, size_t *n)
{
	if (f->xlen > 0 && *n >= f->xlen && memcmp(*ws, f->x, f->xlen) == 0) {
		*ws += f->xlen;
		*n -= f->xlen;
	}
}

/* The blanks at the start of the line beginning at offset at. */
static size_t leading_blanks(const struct parser *p, size_t at)
{
	size_t i = at;
	while (i < p->len && is_blank(p->src[i]))
		i++;
	return i - at;
}

/* Fills the line facts of t; pos is where the pending text starts, so a
 * line start before pos means an earlier tag shares the line. */
static void tag_line(const struct parser *p, struct tag *t, size_t pos)
{
	const char *s = p->src;
	size_t ls = t->start;
	while (ls > pos && s[ls - 1] != '\n')
		ls--;
	t->ls = ls;
	t->left_clear = ls == 0 || s[ls - 1] == '\n';
	for (size_t i = ls; t->left_clear && i < t->start; i++)
		t->left_clear = is_blank(s[i]);
	size_t i = t->end;
	while (i < p->len && is_blank(s[i]))
		i++;
	t->right_clear = true;
	if (i == p->len)
		t->eol = i;
	else if (s[i] == '\n')
		t->eol = i + 1;
	else if (s[i] == '\r' && i + 1 < p->len && s[i + 1] == '\n')
		t->eol = i + 2;
	else
		t->right_clear = false;
	bool can = t->type != 0 && t->type != '&' && t->type != '{';
	t->standalone = can && t->left_clear && t->right_clear;
}

/* Parses the content of {{=<% %>=}} into t->otag and t->ctag. */
static enum err scan_delims(struct parser *p, struct tag *t)
{
	const char *s = t->name, *e = t->name + t->name_len;
	const char *a = s;
	while (s < e && !is_space(*s))
		s++;
	size_t alen = (size_t)(s - a);
	while (s < e && is_space(*s))
		s++;
	const char *b = s;
	while (s < e && !is_space(*s))
		s++;
	size_t blen = (size_t)(s - b);
	/* No third word, no '=' (it would end the tag), nothing empty or long. */
	if (s != e || alen == 0 || blen == 0 || alen > DELIM_MAX || blen > DELIM_MAX ||
	    memchr(a, '=', alen) != NULL || memchr(b, '=', blen) != NULL)
		return parse_fail(p, parser_line(p, t->start), "bad delimiters '%.*s'",
				  (int)t->name_len, t->name);
	memcpy(t->otag, a, alen);
	t->olen = alen;
	memcpy(t->ctag, b, blen);
	t->clen = blen;
	return E_OK;
}

/* A name is one word; a variable or section name is "." or dotted parts,
 * none empty. */
static bool name_ok(const struct tag *t)
{
	if (t->name_len == 0)
		return false;
	for (size_t i = 0; i < t->name_len; i++)
		if (is_space(t->name[i]))
			return false;
	bool dotted = t->type == 0 || t->type == '&' || t->type == '{' || t->type == '#' ||
		      t->type == '^' || t->type == '/';
	if (!dotted || (t->name_len == 1 && t->name[0] == '.'))
		return true;
	if (t->name[0] == '.' || t->name[t->name_len - 1] == '.')
		return false;
	for (size_t i = 1; i < t->name_len; i++)
		if (t->name[i] == '.' && t->name[i - 1] == '.')
			return false;
	return true;
}

/* Reads the tag whose opening delimiter is at offset start. */
static enum err scan_tag(struct parser *p, size_t start, size_t pos, struct tag *t)
{
	const char *s = p->src;
	size_t i = start + p->olen;
	memset(t, 0, sizeof(*t));
	t->start = start;
	if (i < p->len && s[i] != '\0' && strchr("#^/!><$=&{", s[i]) != NULL)
		t->type = s[i++];
	/* A triple mustache ends with "}" and a set-delimiter tag with "=" before
	 * the closing delimiter. */
	char closer[DELIM_MAX + 1];
	size_t cl = 0;
	if (t->type == '{' || t->type == '=')
		closer[cl++] = t->type == '{' ? '}' : '=';
	memcpy(closer + cl, p->ctag, p->clen);
	cl += p->clen;
	const char *e = memmem(s + i, p->len - i, closer, cl);
	if (e == NULL)
		return parse_fail(p, parser_line(p, start), "unclosed tag");
	size_t a = i, b = (size_t)(e - s);
	t->end = b + cl;
	while (a < b && is_space(s[a]))
		a++;
	while (b > a && is_space(s[b - 1]))
		b--;
	t->name = s + a;
	t->name_len = b - a;
	tag_line(p, t, pos);
	if (t->type == '!')
		return E_OK;
	if (t->type == '=')
		return scan_delims(p, t);
	if (!name_ok(t))
		return parse_fail(p, parser_line(p, start), "bad tag name '%.*s'", (int)t->name_len,
				  t->name);
	return E_OK;
}

/* Emits the text before tag t and moves *pos past the tag; a standalone tag
 * takes its line (leading blanks, newline) with it. */
static enum err skip_tag(struct parser *p, const struct tag *t, size_t *pos, bool standalone)
{
	enum err rc = emit_text(p, *pos, standalone ? t->ls : t->start);
	*pos = standalone ? t->eol : t->end;
	return rc;
}

static void set_name(struct node *n, const struct tag *t)
{
	n->str = t->name;
	n->len = t->name_len;
	const char *dot = memchr(t->name, '.', t->name_len);
	n->head_len = dot != NULL && t->name_len > 1 ? (size_t)(dot - t->name) : t->name_len;
}

/* Opens a container frame for tag t. */
static enum err push_frame(struct parser *p, const struct tag *t, enum node_type type)
{
	if (p->depth == MUSTACHE_MAX_DEPTH)
		return parse_fail(p, parser_line(p, t->start), "sections nested deeper than %d",
				  MUSTACHE_MAX_DEPTH);
	const struct frame *outer = &p->stack[p->depth];
	struct frame *f = &p->stack[++p->depth];
	memset(f, 0, sizeof(*f));
	f->node.type = type;
	set_name(&f->node, t);
	f->line = parser_line(p, t->start);
	f->ws_node = SIZE_MAX;
	f->x = outer->x;
	f->xlen = outer->xlen;
	if (type == NODE_PARENT) {
		f->node.cname = strndup(t->name, t->name_len);
		if (f->node.cname == NULL)
			return E_NOMEM;
	}
	return E_OK;
}

/* Closes the innermost frame and adds its node to the enclosing one. */
static enum err pop_frame(struct parser *p)
{
	struct frame *f = &p->stack[p->depth];
	struct node n = f->node;
	n.kids = f->kids.v;
	n.nkids = f->kids.n;
	p->depth--;
	enum err rc = vec_push(&p->stack[p->depth].kids, &n);
	if (rc != E_OK) {
		nodes_free(&n, 1);
		return rc;
	}
	return E_OK;
}

static enum err on_var(struct parser *p, const struct tag *t, size_t *pos)
{
	enum err rc = skip_tag(p, t, pos, false);
	if (rc != E_OK)
		return rc;
	struct node n = {.type = t->type == 0 ? NODE_VAR : NODE_RAW};
	set_name(&n, t);
	return vec_push(&p->stack[p->depth].kids, &n);
}

static enum err on_partial(struct parser *p, const struct tag *t, size_t *pos)
{
	enum err rc = skip_tag(p, t, pos, t->standalone);
	if (rc != E_OK)
		return rc;
	struct frame *f = &p->stack[p->depth];
	struct node n = {.type = NODE_PARTIAL, .standalone = t->standalone};
	set_name(&n, t);
	if (t->standalone) {
		n.indent = p->src + t->ls;
		n.indent_len = t->start - t->ls;
		relative_blanks(f, &n.indent, &n.indent_len);
	}
	n.cname = strndup(t->name, t->name_len);
	if (n.cname == NULL)
		return E_NOMEM;
	rc = vec_push(&f->kids, &n);
	if (rc != E_OK)
		free(n.cname);
	return rc;
}

/* The blanks before a parent tag stay a text node of their own until the
 * closing tag tells whether the pair is standalone (then they become its
 * indentation and the node is dropped). */
static enum err on_open_parent(struct parser *p, const struct tag *t, size_t *pos)
{
	struct frame *f = &p->stack[p->depth];
	size_t ws_node = SIZE_MAX;
	const char *ws = p->src + t->ls;
	size_t wslen = t->start - t->ls;
	enum err rc;
	if (t->left_clear) {
		relative_blanks(f, &ws, &wslen);
		rc = emit_text(p, *pos, t->ls);
		if (rc == E_OK && f->node.type != NODE_PARENT && wslen > 0) {
			rc = push_text(f, ws, wslen);
			ws_node = f->kids.n - 1;
		}
	} else {
		rc = emit_text(p, *pos, t->start);
	}
	if (rc != E_OK)
		return rc;
	*pos = t->end;
	rc = push_frame(p, t, NODE_PARENT);
	if (rc != E_OK)
		return rc;
	struct frame *pf = &p->stack[p->depth];
	pf->left_clear = t->left_clear;
	pf->open_alone = t->standalone;
	pf->ws_node = ws_node;
	pf->node.indent = ws;
	pf->node.indent_len = wslen;
	return E_OK;
}

static enum err on_open_block(struct parser *p, const struct tag *t, size_t *pos)
{
	const struct frame *f = &p->stack[p->depth];
	enum err rc;
	if (f->node.type == NODE_PARENT) {
		/* An argument: what precedes it is ignored text of the parent pair. */
		*pos = t->right_clear ? t->eol : t->end;
		rc = push_frame(p, t, NODE_BLOCK);
		if (rc != E_OK)
			return rc;
		struct frame *bf = &p->stack[p->depth];
		bf->arg = true;
		bf->x = p->src + *pos;
		bf->xlen = t->right_clear ? leading_blanks(p, *pos) : 0;
		return E_OK;
	}
	const char *ind = p->src + t->ls;
	size_t ind_len = 0;
	if (t->standalone) {
		ind = p->src + t->eol;
		ind_len = leading_blanks(p, t->eol);
	} else if (t->left_clear) {
		ind_len = t->start - t->ls;
	}
	relative_blanks(f, &ind, &ind_len);
	rc = skip_tag(p, t, pos, t->standalone);
	if (rc == E_OK)
		rc = push_frame(p, t, NODE_BLOCK);
	if (rc != E_OK)
		return rc;
	p->stack[p->depth].node.indent = ind;
	p->stack[p->depth].node.indent_len = ind_len;
	return E_OK;
}

static enum err close_parent(struct parser *p, const struct tag *t, size_t *pos)
{
	struct frame *f = &p->stack[p->depth];
	struct frame *outer = &p->stack[p->depth - 1];
	bool alone = f->left_clear && t->right_clear;
	if (alone || f->open_alone) {
		/* The blanks before the opening tag are indentation, not text. */
		if (f->ws_node != SIZE_MAX)
			outer->kids.n--;
	}
	if (!alone) {
		f->node.indent = NULL;
		f->node.indent_len = 0;
	}
	f->node.standalone = alone;
	*pos = alone || t->standalone ? t->eol : t->end;
	return pop_frame(p);
}

static enum err on_close(struct parser *p, const struct tag *t, size_t *pos)
{
	struct frame *f = &p->stack[p->depth];
	unsigned line = parser_line(p, t->start);
	if (p->depth == 0)
		return parse_fail(p, line, "closing tag '{{/%.*s}}' without an opening tag",
				  (int)t->name_len, t->name);
	if (t->name_len != f->node.len || memcmp(t->name, f->node.str, t->name_len) != 0)
		return parse_fail(
		    p, line, "closing tag '{{/%.*s}}' does not match '%.*s' opened at line %u",
		    (int)t->name_len, t->name, (int)f->node.len, f->node.str, f->line);
	if (f->node.type == NODE_PARENT)
		return close_parent(p, t, pos);
	enum err rc;
	if (f->arg) {
		/* The end of an argument: blanks before it on its line go with it; what
		 * follows is ignored text of the parent pair. */
		rc = emit_text(p, *pos, t->left_clear ? t->ls : t->start);
		*pos = t->end;
	} else {
		rc = skip_tag(p, t, pos, t->standalone);
	}
	if (rc != E_OK)
		return rc;
	return pop_frame(p);
}

static enum err parse_source(struct parser *p);

/* Finds the {{/_}} closing the {{#_}} that ends at offset from; sets *raw_end
 * to its start and *close_end past it. */
static bool find_translation_end(const struct parser *p, size_t from, size_t *raw_end,
				 size_t *close_end)
{
	const char *s = p->src;
	size_t i = from;
	while (i < p->len) {
		const char *o = memmem(s + i, p->len - i, p->otag, p->olen);
		if (o == NULL)
			return false;
		size_t j = (size_t)(o - s) + p->olen;
		while (j < p->len && is_space(s[j]))
			j++;
		if (j < p->len && s[j] == '/') {
			j++;
			while (j < p->len && is_space(s[j]))
				j++;
			if (j < p->len && s[j] == '_') {
				j++;
				while (j < p->len && is_space(s[j]))
					j++;
				if (p->len - j >= p->clen && memcmp(s + j, p->ctag, p->clen) == 0) {
					*raw_end = (size_t)(o - s);
					*close_end = j + p->clen;
					return true;
				}
			}
		}
		i = (size_t)(o - s) + 1;
	}
	return false;
}

/* Copies the translation of src[a..b) into the template. */
static enum err translate(struct parser *p, size_t a, size_t b, struct chunk **out)
{
	char *msgid = strndup(p->src + a, b - a);
	if (msgid == NULL)
		return E_NOMEM;
	const char *tr = p->opts->translate(p->opts->translate_ctx, msgid);
	if (tr == NULL)
		tr = msgid; /* no translation: the source text is its own */
	size_t n = strlen(tr);
	struct chunk *c = malloc(sizeof(*c) + n + 1);
	if (c != NULL) {
		memcpy(c->text, tr, n + 1);
		c->next = p->t->chunks;
		p->t->chunks = c;
	}
	free(msgid);
	*out = c;
	return c != NULL ? E_OK : E_NOMEM;
}

/*
 * {{#_}}text{{/_}} with a translate callback: the raw text between the tags
 * goes to translate() and the translation is parsed in place, with the
 * current delimiters, as a template of its own (what a lambda returning it
 * would render).  Neither tag is ever standalone: the pair stands for text.
 */
static enum err on_translate(struct parser *p, const struct tag *t, size_t *pos)
{
	unsigned line = parser_line(p, t->start);
	size_t raw_end, close_end;
	if (p->sub)
		return parse_fail(p, line, "'{{#_}}' inside a translation");
	if (!find_translation_end(p, t->end, &raw_end, &close_end))
		return parse_fail(p, line, "unclosed section '_'");
	struct chunk *c;
	enum err rc = emit_text(p, *pos, t->start);
	if (rc == E_OK)
		rc = translate(p, t->end, raw_end, &c);
	if (rc != E_OK)
		return rc;
	/* The translation is parsed with the parser's own state; save what it
	 * changes (the struct itself is too big to copy). */
	const char *src = p->src;
	size_t len = p->len, olen = p->olen, clen = p->clen, depth = p->depth;
	char otag[DELIM_MAX], ctag[DELIM_MAX];
	memcpy(otag, p->otag, olen);
	memcpy(ctag, p->ctag, clen);
	p->src = c->text;
	p->len = strlen(c->text);
	p->sub = true;
	p->sub_line = line;
	rc = parse_source(p);
	if (rc == E_OK && p->depth != depth)
		rc = parse_fail(p, line, "the translation of '%.*s' has unbalanced sections",
				(int)(raw_end - t->end), src + t->end);
	/* Delimiters set inside the translation end with it. */
	p->src = src;
	p->len = len;
	p->sub = false;
	memcpy(p->otag, otag, olen);
	p->olen = olen;
	memcpy(p->ctag, ctag, clen);
	p->clen = clen;
	*pos = close_end;
	return rc;
}

static enum err on_tag(struct parser *p, const struct tag *t, size_t *pos)
{
	enum err rc;
	switch (t->type) {
	case '!': return skip_tag(p, t, pos, t->standalone);
	case '=':
		rc = skip_tag(p, t, pos, t->standalone);
		memcpy(p->otag, t->otag, t->olen);
		p->olen = t->olen;
		memcpy(p->ctag, t->ctag, t->clen);
		p->clen = t->clen;
		return rc;
	case '#':
	case '^':
		if (t->type == '#' && p->opts->translate != NULL && t->name_len == 1 &&
		    t->name[0] == '_')
			return on_translate(p, t, pos);
		rc = skip_tag(p, t, pos, t->standalone);
		if (rc != E_OK)
			return rc;
		return push_frame(p, t, t->type == '#' ? NODE_SECTION : NODE_INVERTED);
	case '>': return on_partial(p, t, pos);
	case '<': return on_open_parent(p, t, pos);
	case '$': return on_open_block(p, t, pos);
	case '/': return on_close(p, t, pos);
	default: return on_var(p, t, pos);
	}
}

/* Parses p->src[0..p->len) into the frames on p->stack. */
static enum err parse_source(struct parser *p)
{
	size_t pos = 0;
	while (pos < p->len) {
		const char *o = memmem(p->src + pos, p->len - pos, p->otag, p->olen);
		if (o == NULL)
			return emit_text(p, pos, p->len);
		struct tag t;
		enum err rc = scan_tag(p, (size_t)(o - p->src), pos, &t);
		if (rc == E_OK)
			rc = on_tag(p, &t, &pos);
		if (rc != E_OK)
			return rc;
	}
	return E_OK;
}

/* Frees the frames still open after a failed parse, root included. */
static void parser_cleanup(struct parser *p)
{
	for (size_t d = 0; d <= p->depth; d++) {
		struct frame *f = &p->stack[d];
		nodes_free(f->kids.v, f->kids.n);
		free(f->kids.v);
		free(f->node.cname);
	}
}

void mustache_free(struct mustache *t)
{
	if (t == NULL)
		return;
	nodes_free(t->root.kids, t->root.nkids);
	free(t->root.kids);
	while (t->chunks != NULL) {
		struct chunk *next = t->chunks->next;
		free(t->chunks);
		t->chunks = next;
	}
	free(t->src);
	free(t->name);
	free(t);
}

/* The parse of t->src once t is allocated; leaves the tree in t->root. */
static enum err parse_template(struct mustache *t, size_t len,
			       const struct mustache_parse_opts *opts, char *err, size_t errlen)
{
	static const struct mustache_parse_opts no_opts = {NULL, NULL};
	/* About 10 KB of frames: on the heap, not on a worker's stack. */
	struct parser *p = calloc(1, sizeof(*p));
	if (p == NULL)
		return E_NOMEM;
	p->t = t;
	p->opts = opts != NULL ? opts : &no_opts;
	memcpy(p->otag, "{{", 2);
	p->olen = 2;
	memcpy(p->ctag, "}}", 2);
	p->clen = 2;
	p->stack[0].node.type = NODE_SECTION;
	p->src = t->src;
	p->len = len;
	p->line_no = 1;
	p->err = err;
	p->errlen = errlen;
	enum err rc = parse_source(p);
	if (rc == E_OK && p->depth > 0) {
		const struct frame *f = &p->stack[p->depth];
		rc = parse_fail(p, f->line, "unclosed section '%.*s'", (int)f->node.len,
				f->node.str);
	}
	if (rc == E_OK) {
		t->root.kids = p->stack[0].kids.v;
		t->root.nkids = p->stack[0].kids.n;
	} else {
		parser_cleanup(p);
	}
	free(p);
	return rc;
}

enum err mustache_parse(const char *name, const char *src, size_t len,
			const struct mustache_parse_opts *opts, struct mustache **out, char *err,
			size_t errlen)
{
	enum err rc = E_NOMEM;
	*out = NULL;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	struct mustache *t = calloc(1, sizeof(*t));
	if (t == NULL)
		goto done;
	t->name = strdup(name != NULL ? name : "");
	t->src = malloc(len + 1);
	if (t->name == NULL || t->src == NULL)
		goto done;
	memcpy(t->src, src, len);
	t->src[len] = '\0';
	rc = parse_template(t, len, opts, err, errlen);
	if (rc != E_OK)
		goto done;
	*out = t;
	t = NULL;
done:
	if (rc == E_NOMEM && err != NULL && errlen > 0)
		snprintf(err, errlen, "%s: out of memory", name != NULL ? name : "");
	mustache_free(t);
	return rc;
}

const char *mustache_name(const struct mustache *t)
{
	return t->name;
}

/* -------------------------------------------------------------- rendering */

/* One piece of the current indentation. */
struct seg {
	const char *s; /* blanks */
	size_t len;    /* bytes in s */
};

/* A {{<parent}} being expanded: its argument blocks override the blocks of
 * the templates it includes. */
struct scope {
	const struct node *parent;   /* the NODE_PARENT node */
	const struct mustache *tmpl; /* the template that node is in */
	const struct scope *outer;   /* the parent expansion around this one, or NULL */
};

struct render {
	const struct mustache_render_opts *opts;   /* never NULL */
	struct buf *out;                           /* where the text goes */
	const struct mustache *tmpl;               /* template of the nodes being rendered */
	const struct scope *scope;                 /* innermost parent expansion, or NULL */
	json_t *ctx[MUSTACHE_MAX_DEPTH + 1];       /* context stack, root first */
	size_t nctx;                               /* entries in ctx */
	struct seg indent[MUSTACHE_MAX_DEPTH + 1]; /* indentation pieces, outermost first */
	size_t nindent;                            /* pieces in use */
	size_t indent_base;                        /* first piece that applies */
	unsigned depth;                            /* sections, partials, parents, blocks */
	bool bol;                                  /* at a line start: indentation is due */
	char *err;                                 /* caller's message buffer */
	size_t errlen;                             /* its size */
};

static enum err render_fail(struct render *r, enum err rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Writes "template: message" into the caller's buffer; returns rc. */
static enum err render_fail(struct render *r, enum err rc, const char *fmt, ...)
{
	if (r->err == NULL || r->errlen == 0)
		return rc;
	int n = snprintf(r->err, r->errlen, "%s: ", r->tmpl->name);
	if (n >= 0 && (size_t)n < r->errlen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(r->err + n, r->errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return rc;
}

/*
 * buf_append with its common case inlined: most appends are a few bytes into
 * a buffer that already has room, and there the call and the cap arithmetic
 * cost as much as the copy.  Whenever room is not certain (first append,
 * growth, the cap, a failed buffer) buf_append decides.
 */
static inline void out_append(struct buf *b, const void *p, size_t n)
{
	size_t max = b->max != 0 ? b->max : BUF_DEFAULT_MAX;
	if (b->cap - b->len > n && max - b->len >= n && !b->failed) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		b->data[b->len] = '\0';
		return;
	}
	buf_append(b, p, n);
}

static void put_indent(struct render *r)
{
	for (size_t i = r->indent_base; i < r->nindent; i++)
		out_append(r->out, r->indent[i].s, r->indent[i].len);
	r->bol = false;
}

/* Template text: indentation goes before each line of it, lazily, so that a
 * line whose output never starts gets none. */
static void put_text(struct render *r, const char *s, size_t len)
{
	if (r->nindent == r->indent_base) {
		out_append(r->out, s, len);
		r->bol = s[len - 1] == '\n';
		return;
	}
	while (len > 0) {
		if (r->bol)
			put_indent(r);
		const char *nl = memchr(s, '\n', len);
		size_t n = nl != NULL ? (size_t)(nl - s) + 1 : len;
		out_append(r->out, s, n);
		r->bol = nl != NULL;
		s += n;
		len -= n;
	}
}

/* Decimal digits of v into out (at least 21 bytes); returns the length. */
static size_t fmt_int(char *out, json_int_t v)
{
	char tmp[24];
	size_t n = 0;
	/* Negate in unsigned arithmetic: -INT64_MIN does not fit. */
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u != 0);
	size_t len = 0;
	if (v < 0)
		out[len++] = '-';
	while (n > 0)
		out[len++] = tmp[--n];
	return len;
}

/*
 * Fast path of fmt_real for the common case of a few decimals (prices,
 * scores, 1.21): the fewest decimals k <= 6 such that the digits of
 * round(d * 10^k), at most 15 of them, read back as d.  Dividing that
 * integer by 10^k (both exact doubles) rounds exactly as strtod would, so
 * the comparison is the round-trip test without printf and strtod, which
 * cost ten times more; the digits are those %.15g prints.  Returns 0 when
 * no such k exists.
 */
static size_t fmt_real_short(char *out, double d)
{
	static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6};
	static const long long ipow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
	for (int k = 0; k < 7; k++) {
		double m = d * pow10[k];
		/* Beyond 15 digits two decimals may both read back as d; printf picks
		 * the correctly rounded one. */
		if (!(m > -1e15 && m < 1e15))
			return 0;
		long long r = (long long)(m + (m >= 0 ? 0.5 : -0.5));
		if ((double)r / pow10[k] != d)
			continue;
		size_t len = 0;
		if (r < 0) {
			out[len++] = '-';
			r = -r;
		}
		len += fmt_int(out + len, r / ipow10[k]);
		if (k > 0) {
			out[len++] = '.';
			long long frac = r % ipow10[k];
			for (int i = k - 1; i >= 0; i--) {
				out[len + (size_t)i] = (char)('0' + frac % 10);
				frac /= 10;
			}
			len += (size_t)k;
		}
		return len;
	}
	return 0;
}

/*
 * The shortest of %.15g, %.16g, %.17g that reads back as d: 1.21 prints as
 * "1.21", not "1.2099999999999999".  Any double with a representation of 15
 * significant digits or fewer gets it from %.15g (%g drops trailing zeros).
 */
static size_t fmt_real(char *out, size_t size, double d)
{
	size_t fast = fmt_real_short(out, d);
	if (fast > 0)
		return fast;
	int n = 0;
	for (int prec = 15; prec <= 17; prec++) {
		n = snprintf(out, size, "%.*g", prec, d);
		if (strtod(out, NULL) == d)
			break;
	}
	if (n < 0 || (size_t)n >= size)
		return 0;
	/* printf follows LC_NUMERIC; a page wants a dot whatever the locale.
	 * The locale's decimal point is the run of bytes that is not part of a
	 * number in the C locale. */
	size_t len = (size_t)n;
	for (size_t i = 0; i < len; i++) {
		if (strchr("0123456789+-eE", out[i]) != NULL)
			continue;
		size_t j = i;
		while (j < len && strchr("0123456789+-eE", out[j]) == NULL)
			j++;
		out[i] = '.';
		memmove(out + i + 1, out + j, len - j);
		len -= j - i - 1;
		break;
	}
	return len;
}

/* Interpolates v: strings as they are, numbers in decimal, true as "true",
 * false, null, lists and objects as nothing. */
static void put_value(struct render *r, const json_t *v, bool escape)
{
	char num[40];
	size_t n;
	switch (json_typeof(v)) {
	case JSON_STRING:
		if (escape && !r->opts->text)
			html_escape(r->out, json_string_value(v), json_string_length(v));
		else
			out_append(r->out, json_string_value(v), json_string_length(v));
		return;
	case JSON_INTEGER:
		n = fmt_int(num, json_integer_value(v));
		out_append(r->out, num, n);
		return;
	case JSON_REAL:
		n = fmt_real(num, sizeof(num), json_real_value(v));
		out_append(r->out, num, n);
		return;
	case JSON_TRUE: out_append(r->out, "true", 4); return;
	default: return;
	}
}

/*
 * Resolves the name of n: "." is the top of the context stack; otherwise the
 * first part is looked up from the top of the stack down, and each later
 * part inside what the previous one found.  NULL when it resolves nowhere
 * (a JSON null is found, not missing).
 */
static json_t *lookup(const struct render *r, const struct node *n)
{
	if (n->len == 1 && n->str[0] == '.')
		return r->ctx[r->nctx - 1];
	json_t *v = NULL;
	for (size_t i = r->nctx; i-- > 0 && v == NULL;)
		if (json_is_object(r->ctx[i]))
			v = json_object_getn(r->ctx[i], n->str, n->head_len);
	size_t at = n->head_len;
	while (v != NULL && at < n->len) {
		const char *part = n->str + at + 1;
		size_t left = n->len - at - 1;
		const char *dot = memchr(part, '.', left);
		size_t plen = dot != NULL ? (size_t)(dot - part) : left;
		v = json_is_object(v) ? json_object_getn(v, part, plen) : NULL;
		at += 1 + plen;
	}
	return v;
}

/* lookup, failing in strict mode when the name resolves nowhere. */
static enum err resolve(struct render *r, const struct node *n, json_t **v)
{
	*v = lookup(r, n);
	if (*v == NULL && r->opts->strict && !(n->len == 1 && n->str[0] == '.'))
		return render_fail(r, E_NOTFOUND, "missing key '%.*s'", (int)n->len, n->str);
	return E_OK;
}

/* Section truthiness: false, null, an empty list and an empty string are
 * false; everything else (0 included) is true. */
static bool truthy(const json_t *v)
{
	if (v == NULL || json_is_false(v) || json_is_null(v))
		return false;
	if (json_is_array(v))
		return json_array_size(v) > 0;
	if (json_is_string(v))
		return json_string_length(v) > 0;
	return true;
}

static enum err enter(struct render *r)
{
	if (r->depth >= MUSTACHE_MAX_DEPTH)
		return render_fail(r, E_INVALID,
				   "nesting deeper than %d (a partial including itself?)",
				   MUSTACHE_MAX_DEPTH);
	r->depth++;
	return E_OK;
}

static enum err render_nodes(struct render *r, const struct node *kids, size_t n);

static enum err render_var(struct render *r, const struct node *k)
{
	json_t *v;
	enum err rc = resolve(r, k, &v);
	if (rc != E_OK)
		return rc;
	/* The indentation precedes the tag, so it is due even for an empty value. */
	if (r->bol)
		put_indent(r);
	if (v != NULL)
		put_value(r, v, k->type == NODE_VAR);
	return E_OK;
}

static enum err render_section(struct render *r, const struct node *k)
{
	json_t *v;
	enum err rc = resolve(r, k, &v);
	if (rc != E_OK || !truthy(v))
		return rc;
	rc = enter(r);
	if (rc != E_OK)
		return rc;
	if (json_is_array(v)) {
		size_t i;
		json_t *item;
		json_array_foreach(v, i, item) {
			r->ctx[r->nctx++] = item;
			rc = render_nodes(r, k->kids, k->nkids);
			r->nctx--;
			/* A failed buffer stays failed: stop early on huge lists. */
			if (rc != E_OK || buf_failed(r->out))
				break;
		}
	} else {
		r->ctx[r->nctx++] = v;
		rc = render_nodes(r, k->kids, k->nkids);
		r->nctx--;
	}
	r->depth--;
	return rc;
}

static enum err render_inverted(struct render *r, const struct node *k)
{
	json_t *v;
	enum err rc = resolve(r, k, &v);
	if (rc != E_OK || truthy(v))
		return rc;
	rc = enter(r);
	if (rc != E_OK)
		return rc;
	rc = render_nodes(r, k->kids, k->nkids);
	r->depth--;
	return rc;
}

/* Renders the template included by a partial or parent node k.  A
 * standalone include indents every line of it; an inline one starts with no
 * indentation, since only its first line shares a line with ours (the spec
 * prepends the indentation to the lines of the including template's text,
 * and an inline include's later lines are not among them). */
static enum err render_include(struct render *r, const struct node *k, const struct mustache *inc)
{
	const struct mustache *tmpl = r->tmpl;
	size_t nindent = r->nindent, base = r->indent_base;
	if (k->standalone) {
		if (k->indent_len > 0)
			r->indent[r->nindent++] = (struct seg){k->indent, k->indent_len};
		r->bol = true;
	} else {
		if (r->bol && r->nindent > r->indent_base)
			put_indent(r);
		r->indent_base = r->nindent;
	}
	r->tmpl = inc;
	enum err rc = render_nodes(r, inc->root.kids, inc->root.nkids);
	r->tmpl = tmpl;
	r->nindent = nindent;
	r->indent_base = base;
	/* Back in our text: a standalone tag took its line with it, so we are at
	 * a line start whatever the include ended with; an inline one leaves us
	 * in the middle of our line even after a newline of the include. */
	r->bol = k->standalone;
	return rc;
}

static const struct mustache *find_partial(const struct render *r, const struct node *k)
{
	if (r->opts->partial == NULL)
		return NULL;
	return r->opts->partial(r->opts->partial_ctx, k->cname);
}

static enum err render_partial(struct render *r, const struct node *k)
{
	const struct mustache *inc = find_partial(r, k);
	if (inc == NULL)
		return E_OK; /* the spec: a missing partial renders as nothing */
	enum err rc = enter(r);
	if (rc != E_OK)
		return rc;
	rc = render_include(r, k, inc);
	r->depth--;
	return rc;
}

static enum err render_parent(struct render *r, const struct node *k)
{
	const struct mustache *inc = find_partial(r, k);
	if (inc == NULL)
		return E_OK;
	enum err rc = enter(r);
	if (rc != E_OK)
		return rc;
	struct scope sc = {k, r->tmpl, r->scope};
	r->scope = &sc;
	rc = render_include(r, k, inc);
	r->scope = sc.outer;
	r->depth--;
	return rc;
}

/* The argument named like block k among the direct kids of parent node pn. */
static const struct node *find_arg(const struct node *pn, const struct node *k)
{
	for (size_t i = 0; i < pn->nkids; i++) {
		const struct node *b = &pn->kids[i];
		if (b->type == NODE_BLOCK && b->len == k->len &&
		    memcmp(b->str, k->str, k->len) == 0)
			return b;
	}
	return NULL;
}

/*
 * A block renders the argument of the outermost parent expansion that
 * passes one (the top-level template wins over the intermediate ones), else
 * its default content.  The argument is rendered in the current context but
 * with the parents around its own parent tag only, as it is written there.
 */
static enum err render_block(struct render *r, const struct node *k)
{
	const struct node *arg = NULL;
	const struct scope *from = NULL;
	for (const struct scope *s = r->scope; s != NULL; s = s->outer) {
		const struct node *b = find_arg(s->parent, k);
		if (b != NULL) {
			arg = b;
			from = s;
		}
	}
	enum err rc = enter(r);
	if (rc != E_OK)
		return rc;
	if (arg == NULL) {
		rc = render_nodes(r, k->kids, k->nkids);
	} else {
		const struct scope *scope = r->scope;
		const struct mustache *tmpl = r->tmpl;
		size_t nindent = r->nindent;
		if (k->indent_len > 0)
			r->indent[r->nindent++] = (struct seg){k->indent, k->indent_len};
		r->scope = from->outer;
		r->tmpl = from->tmpl;
		rc = render_nodes(r, arg->kids, arg->nkids);
		r->scope = scope;
		r->tmpl = tmpl;
		r->nindent = nindent;
	}
	r->depth--;
	return rc;
}

static enum err render_nodes(struct render *r, const struct node *kids, size_t n)
{
	enum err rc = E_OK;
	for (size_t i = 0; i < n && rc == E_OK; i++) {
		const struct node *k = &kids[i];
		switch (k->type) {
		case NODE_TEXT: put_text(r, k->str, k->len); break;
		case NODE_VAR:
		case NODE_RAW: rc = render_var(r, k); break;
		case NODE_SECTION: rc = render_section(r, k); break;
		case NODE_INVERTED: rc = render_inverted(r, k); break;
		case NODE_PARTIAL: rc = render_partial(r, k); break;
		case NODE_PARENT: rc = render_parent(r, k); break;
		case NODE_BLOCK: rc = render_block(r, k); break;
		}
	}
	return rc;
}

enum err mustache_render(const struct mustache *t, json_t *data,
			 const struct mustache_render_opts *opts, struct buf *out, char *err,
			 size_t errlen)
{
	static const struct mustache_render_opts no_opts = {NULL, NULL, false, false};
	struct render r;
	r.opts = opts != NULL ? opts : &no_opts;
	r.out = out;
	r.tmpl = t;
	r.scope = NULL;
	r.ctx[0] = data;
	r.nctx = 1;
	r.nindent = 0;
	r.indent_base = 0;
	r.depth = 0;
	r.bol = true;
	r.err = err;
	r.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	enum err rc = render_nodes(&r, t->root.kids, t->root.nkids);
	if (rc == E_OK && buf_failed(out))
		rc = render_fail(&r, E_NOMEM, "output buffer full or out of memory");
	return rc;
}
