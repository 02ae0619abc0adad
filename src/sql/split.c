/* Splitting a script into statements at top-level semicolons, skipping strings, quoted names
 * and comments. */
#include <string.h>

#include "sql/sql.h"

static size_t skip_quoted(const char *s, size_t i)
{
    char q = s[i++];
    while (s[i]) {
        if (s[i] == '\\' && q != '`' && s[i + 1]) {
            i += 2;
            continue;
        }
        if (s[i] == q) {
            if (s[i + 1] == q) {
                i += 2;
                continue;
            }
            return i + 1;
        }
        i++;
    }
    return i;
}

static bool blank(const char *s, size_t off, size_t len)
{
    for (size_t i = off; i < off + len; i++) {
        if (s[i] == '-' && s[i + 1] == '-') {
            while (i < off + len && s[i] != '\n') i++;
            continue;
        }
        if (s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r') return false;
    }
    return true;
}

int silt_sql_split(const char *text, int (*f)(void *arg, size_t off, size_t len), void *arg)
{
    size_t i = 0, start = 0;
    for (;;) {
        char ch = text[i];
        if (ch == '\'' || ch == '"' || ch == '`') {
            i = skip_quoted(text, i);
        } else if (ch == '-' && text[i + 1] == '-') {
            while (text[i] && text[i] != '\n') i++;
        } else if (ch == '/' && text[i + 1] == '*') {
            const char *e = strstr(text + i + 2, "*/");
            i = e ? (size_t)(e - text) + 2 : strlen(text);
        } else if (ch == ';' || !ch) {
            if (!blank(text, start, i - start)) {
                int rc = f(arg, start, i - start);
                if (rc) return rc;
            }
            if (!ch) return 0;
            start = ++i;
        } else {
            i++;
        }
    }
}
