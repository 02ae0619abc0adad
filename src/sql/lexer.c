/* The SQL lexer: statement text to tokens (names, quoted names, strings, numbers, operators),
 * each with its byte offset so errors can point at it; and the caret error message. */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sql/sql.h"
#include "sql/sql_int.h"
#include "util/alloc.h"

int sql_error_at(silt_error *err, int code, const char *text, int pos, const char *fmt, ...)
{
    char msg[SILT_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    int line = 1, col = 1;
    const char *ls = text;
    for (int i = 0; i < pos && text[i]; i++) {
        if (text[i] == '\n') {
            line++;
            col = 1;
            ls = text + i + 1;
        } else {
            col++;
        }
    }
    const char *le = strchr(ls, '\n');
    int ll = le ? (int)(le - ls) : (int)strlen(ls);
    if (ll > 200) ll = 200;
    int cc = col - 1 < ll ? col - 1 : ll;
    silt_error_set(err, code, "%s at line %d, column %d:\n  %.*s\n  %*s^", msg, line, col, ll, ls,
                   cc, "");
    silt_error_position(err, line, col);
    return code;
}

static const char *const ops3[] = {"<=>", NULL};
static const char *const ops2[] = {"<=", ">=", "<>", "!=", "==", "||", NULL};

static int lex_string(sql_tok *t, silt_arena *a, const char *s, size_t *i, silt_error *err)
{
    char q = s[*i];
    size_t start = *i, j = *i + 1;
    char *buf = silt_arena_alloc(a, strlen(s + j) + 1);
    if (!buf) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    size_t n = 0;
    for (;;) {
        char c = s[j];
        if (!c) return sql_error_at(err, SILT_EINVAL, s, (int)start, "unterminated string");
        if (c == q && s[j + 1] == q) {
            buf[n++] = q;
            j += 2;
        } else if (c == q) {
            j++;
            break;
        } else if (c == '\\' && (s[j + 1] == '%' || s[j + 1] == '_') && q != '`') {
            buf[n++] = c; /* kept for LIKE, as Spark does */
            buf[n++] = s[j + 1];
            j += 2;
        } else if (c == '\\' && s[j + 1] && q != '`') {
            char e = s[j + 1];
            buf[n++] = e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == '0' ? '\0' : e;
            j += 2;
        } else {
            buf[n++] = c;
            j++;
        }
    }
    buf[n] = 0;
    t->kind = q == '`' ? TK_QIDENT : TK_STRING;
    t->text = buf;
    t->len = n;
    *i = j;
    return 0;
}

static void lex_number(sql_tok *t, const char *s, size_t *i)
{
    size_t j = *i;
    bool dot = false, exp = false;
    while (isdigit((unsigned char)s[j])) j++;
    if (s[j] == '.') {
        dot = true;
        j++;
        while (isdigit((unsigned char)s[j])) j++;
    }
    if ((s[j] == 'e' || s[j] == 'E') &&
        (isdigit((unsigned char)s[j + 1]) ||
         ((s[j + 1] == '-' || s[j + 1] == '+') && isdigit((unsigned char)s[j + 2])))) {
        exp = true;
        j += 2;
        while (isdigit((unsigned char)s[j])) j++;
    }
    t->kind = exp ? TK_FLOAT : dot ? TK_NUM : TK_INT;
    t->len = j - *i;
    if (s[j] == 'D' || s[j] == 'd') {
        if (!isalnum((unsigned char)s[j + 1]) && s[j + 1] != '_') {
            t->kind = TK_FLOAT;
            j++;
        }
    } else if ((s[j] == 'L' || s[j] == 'l') && t->kind == TK_INT &&
               !isalnum((unsigned char)s[j + 1])) {
        j++;
    }
    *i = j;
}

static int lex_one(sql_tok *t, silt_arena *a, const char *s, size_t *i, silt_error *err)
{
    unsigned char c = (unsigned char)s[*i];
    t->pos = (int)*i;
    if (c == '\'' || c == '"' || c == '`') return lex_string(t, a, s, i, err);
    if (isdigit(c) || (c == '.' && isdigit((unsigned char)s[*i + 1]))) {
        size_t st = *i;
        lex_number(t, s, i);
        t->text = silt_arena_strndup(a, s + st, t->len);
        return t->text ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    if (isalpha(c) || c == '_' || c >= 0x80) {
        size_t st = *i;
        while (isalnum((unsigned char)s[*i]) || s[*i] == '_' || (unsigned char)s[*i] >= 0x80)
            (*i)++;
        t->kind = TK_IDENT;
        t->len = *i - st;
        t->text = silt_arena_strndup(a, s + st, t->len);
        return t->text ? 0 : silt_error_set(err, SILT_ENOMEM, "out of memory");
    }
    t->kind = TK_OP;
    for (int k = 0; ops3[k]; k++)
        if (!strncmp(s + *i, ops3[k], 3)) {
            memcpy(t->op, ops3[k], 4);
            *i += 3;
            return 0;
        }
    for (int k = 0; ops2[k]; k++)
        if (!strncmp(s + *i, ops2[k], 2)) {
            memcpy(t->op, ops2[k], 3);
            if (!strcmp(t->op, "!=")) memcpy(t->op, "<>", 3);
            if (!strcmp(t->op, "==")) memcpy(t->op, "=", 2);
            *i += 2;
            return 0;
        }
    if (strchr("+-*/%=<>(),.;[]:!", (int)c)) {
        t->op[0] = (char)c;
        t->op[1] = 0;
        (*i)++;
        return 0;
    }
    return sql_error_at(err, SILT_EINVAL, s, (int)*i, "unexpected character '%c'", c);
}

static size_t skip_space(const char *s, size_t i)
{
    for (;;) {
        while (isspace((unsigned char)s[i])) i++;
        if (s[i] == '-' && s[i + 1] == '-') {
            while (s[i] && s[i] != '\n') i++;
        } else if (s[i] == '/' && s[i + 1] == '*') {
            const char *e = strstr(s + i + 2, "*/");
            if (!e) return SIZE_MAX; /* unclosed: an error, as in Spark */
            i = (size_t)(e - s) + 2;
        } else {
            return i;
        }
    }
}

int sql_lex(sql_tok **out, size_t *out_n, silt_arena *a, const char *text, silt_error *err)
{
    size_t cap = 64, n = 0, i = 0;
    sql_tok *toks = silt_arena_alloc(a, cap * sizeof *toks);
    if (!toks) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (;;) {
        if (n == cap) {
            sql_tok *nt = silt_arena_alloc(a, cap * 2 * sizeof *nt);
            if (!nt) return silt_error_set(err, SILT_ENOMEM, "out of memory");
            memcpy(nt, toks, n * sizeof *nt);
            toks = nt;
            cap *= 2;
        }
        size_t from = i;
        if ((i = skip_space(text, i)) == SIZE_MAX)
            return sql_error_at(err, SILT_EINVAL, text, (int)(strstr(text + from, "/*") - text),
                                "unclosed comment (a /* without its */)");
        sql_tok *t = &toks[n++];
        memset(t, 0, sizeof *t);
        if (!text[i]) {
            t->kind = TK_EOF;
            t->pos = (int)i;
            t->text = "";
            break;
        }
        int rc = lex_one(t, a, text, &i, err);
        if (rc) return rc;
        t->end = (int)i;
    }
    *out = toks;
    *out_n = n;
    return 0;
}

int silt_sql_tokens(silt_sql_token **out, size_t *n, silt_arena *a, const char *text,
                    silt_error *err)
{
    sql_tok *t;
    int rc = sql_lex(&t, n, a, text, err);
    if (rc) return rc;
    silt_sql_token *o = silt_arena_alloc(a, *n * sizeof *o);
    if (!o) return silt_error_set(err, SILT_ENOMEM, "out of memory");
    for (size_t i = 0; i < *n; i++) {
        static const silt_sql_token_kind kinds[] = {
            [TK_EOF] = SILT_SQL_TOKEN_END,      [TK_IDENT] = SILT_SQL_TOKEN_WORD,
            [TK_QIDENT] = SILT_SQL_TOKEN_QNAME, [TK_STRING] = SILT_SQL_TOKEN_STRING,
            [TK_INT] = SILT_SQL_TOKEN_NUMBER,   [TK_NUM] = SILT_SQL_TOKEN_NUMBER,
            [TK_FLOAT] = SILT_SQL_TOKEN_NUMBER, [TK_OP] = SILT_SQL_TOKEN_SYMBOL,
            [TK_HEX] = SILT_SQL_TOKEN_STRING};
        o[i] =
            (silt_sql_token){kinds[t[i].kind], t[i].kind == TK_OP ? t[i].op : t[i].text,
                             (size_t)t[i].pos, (size_t)(t[i].kind == TK_EOF ? t[i].pos : t[i].end)};
    }
    *out = o;
    return 0;
}
