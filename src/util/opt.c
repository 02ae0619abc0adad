/* Table-driven option parsing, validation and help. */
#include "util/opt.h"

#include "util/suggest.h"
#include "util/time.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static size_t spec_len(const silt_opt_spec *spec)
{
    size_t n = 0;
    while (spec && spec[n].name) n++;
    return n;
}

static long find_long(const silt_opt_spec *spec, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(spec[i].name) == len && strncmp(spec[i].name, name, len) == 0) return (long)i;
    return -1;
}

static long find_short(const silt_opt_spec *spec, size_t n, char c)
{
    for (size_t i = 0; i < n; i++)
        if (spec[i].short_name && spec[i].short_name == c) return (long)i;
    return -1;
}

int silt_opt_parse_size(int64_t *out, const char *s)
{
    if (!s || !*s) return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end == s || errno || v < 0) return -1;
    double mul = 1;
    switch (*end) {
    case '\0': break;
    case 'k':
    case 'K':
        mul = 1024.0;
        end++;
        break;
    case 'm':
    case 'M':
        mul = 1024.0 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        mul = 1024.0 * 1024 * 1024;
        end++;
        break;
    case 't':
    case 'T':
        mul = 1024.0 * 1024 * 1024 * 1024;
        end++;
        break;
    case 'b':
    case 'B': break;
    default: return -1;
    }
    if (*end == 'i') end++;
    if (*end == 'B' || *end == 'b') end++;
    if (*end) return -1;
    double r = v * mul;
    if (r > 9.0e18) return -1;
    *out = (int64_t)r;
    return 0;
}

static const silt_opt_choice *find_choice(const silt_opt_spec *s, const char *value)
{
    for (const silt_opt_choice *c = s->choices; c && c->name; c++)
        if (strcmp(c->name, value) == 0) return c;
    return NULL;
}

/* "a|b|c" from the choices of s. */
static void choice_words(char *out, size_t n, const silt_opt_spec *s)
{
    size_t used = 0;
    out[0] = '\0';
    for (const silt_opt_choice *c = s->choices; c && c->name && used + 1 < n; c++) {
        int w = snprintf(out + used, n - used, "%s%s", used ? "|" : "", c->name);
        if (w < 0) break;
        used += (size_t)w;
    }
}

/* One bound of a range: a number, or for SIZE options a size such as "2G". */
static double bound(const silt_opt_spec *s, const char *text)
{
    int64_t b;
    if (s->type == SILT_OPT_SIZE && silt_opt_parse_size(&b, text) == 0) return (double)b;
    return strtod(text, NULL);
}

static int check_range_num(const silt_opt_spec *s, double v, silt_error *err)
{
    if (!s->range) return 0;
    const char *dots = strstr(s->range, "..");
    if (!dots) return 0;
    char lo[64] = "", hi[64] = "";
    size_t ll = (size_t)(dots - s->range);
    if (ll < sizeof lo) memcpy(lo, s->range, ll), lo[ll] = '\0';
    snprintf(hi, sizeof hi, "%s", dots + 2);
    if ((lo[0] && v < bound(s, lo)) || (hi[0] && v > bound(s, hi)))
        return silt_error_set(err, SILT_EINVAL, "--%s: value out of range %s", s->name, s->range);
    return 0;
}

int silt_opt_check(const silt_opt_spec *s, const char *value, silt_error *err)
{
    char *end;
    switch (s->type) {
    case SILT_OPT_FLAG:
    case SILT_OPT_STRING:
    case SILT_OPT_STRINGS: return 0;
    case SILT_OPT_INT: {
        errno = 0;
        long long v = strtoll(value, &end, 10);
        if (end == value || *end || errno)
            return silt_error_set(err, SILT_EINVAL, "--%s: '%s' is not an integer", s->name, value);
        return check_range_num(s, (double)v, err);
    }
    case SILT_OPT_DOUBLE: {
        errno = 0;
        double v = strtod(value, &end);
        if (end == value || *end || errno || isnan(v))
            return silt_error_set(err, SILT_EINVAL, "--%s: '%s' is not a number", s->name, value);
        return check_range_num(s, v, err);
    }
    case SILT_OPT_DURATION: {
        int64_t us;
        if (silt_time_parse_duration_us(&us, value))
            return silt_error_set(err, SILT_EINVAL,
                                  "--%s: '%s' is not a duration (use e.g. 250ms, 1s, 5m, 2h, 7d)",
                                  s->name, value);
        return 0;
    }
    case SILT_OPT_SIZE: {
        int64_t b;
        if (silt_opt_parse_size(&b, value))
            return silt_error_set(err, SILT_EINVAL,
                                  "--%s: '%s' is not a size (use e.g. 4096, 64K, 128M, 1G)",
                                  s->name, value);
        return check_range_num(s, (double)b, err);
    }
    case SILT_OPT_CHOICE: {
        if (find_choice(s, value)) return 0;
        char words[256];
        choice_words(words, sizeof words, s);
        return silt_error_set(err, SILT_EINVAL, "--%s: '%s' is not one of %s", s->name, value,
                              words);
    }
    }
    return 0;
}

static int unknown_option(const silt_opt_spec *spec, size_t n, const char *arg, size_t len,
                          silt_error *err)
{
    char word[128];
    if (len >= sizeof word) len = sizeof word - 1;
    memcpy(word, arg, len);
    word[len] = '\0';
    const char *names[SILT_OPT_MAX + 1];
    size_t k = 0;
    for (size_t i = 0; i < n && k < SILT_OPT_MAX; i++) names[k++] = spec[i].name;
    names[k++] = "help";
    const char *best = silt_suggest(word, names, k);
    if (best)
        return silt_error_set(err, SILT_EINVAL, "unknown option --%s; did you mean --%s?", word,
                              best);
    return silt_error_set(err, SILT_EINVAL, "unknown option --%s (see --help)", word);
}

static int add_extra(silt_opts *o, const char *key, size_t klen, const char *val, silt_error *err)
{
    size_t used = 0;
    for (size_t i = 0; i < o->n_extra; i++) used += strlen(o->extra_key[i]) + 1;
    if (o->n_extra >= SILT_OPT_MAX_ARGS || used + klen + 1 > sizeof o->extra_buf)
        return silt_error_set(err, SILT_EINVAL, "too many pass-through settings");
    char *k = o->extra_buf + used;
    memcpy(k, key, klen);
    k[klen] = '\0';
    o->extra_key[o->n_extra] = k;
    o->extra_val[o->n_extra] = val;
    o->n_extra++;
    return 0;
}

static void *dest_ptr(void *settings, silt_opt_dest d)
{
    return (char *)settings + d.offset;
}

static silt_opt_dest_kind dest_kind_of(silt_opt_type t)
{
    switch (t) {
    case SILT_OPT_FLAG: return SILT_DEST_BOOL;
    case SILT_OPT_STRING: return SILT_DEST_STR;
    case SILT_OPT_INT:
    case SILT_OPT_DURATION:
    case SILT_OPT_SIZE: return SILT_DEST_I64;
    case SILT_OPT_DOUBLE: return SILT_DEST_DOUBLE;
    case SILT_OPT_CHOICE: return SILT_DEST_INT;
    case SILT_OPT_STRINGS: return SILT_DEST_STRINGS;
    }
    return SILT_DEST_NONE;
}

/* A table that cannot be stored is a programming error: it fails loudly, before any argument is
 * looked at, whatever the command line. */
static int check_spec(const silt_opt_spec *spec, size_t n, void *settings, silt_error *err)
{
    for (size_t i = 0; i < n; i++) {
        const silt_opt_spec *s = &spec[i];
        const char *why = NULL;
        if (!settings || s->dest.kind != dest_kind_of(s->type))
            why = "its destination is missing or not of its type";
        else if (s->given.kind != SILT_DEST_NONE && s->given.kind != SILT_DEST_BOOL)
            why = "its 'given' destination is not a bool";
        else if (s->type == SILT_OPT_CHOICE && (!s->choices || !s->choices[0].name))
            why = "it has no choices";
        else if (s->def && silt_opt_check(s, s->def, err))
            why = "its default does not pass its own check";
        if (why) return silt_error_set(err, SILT_EINVAL, "internal: option --%s: %s", s->name, why);
        if (s->type == SILT_OPT_STRINGS) ((silt_opt_strings *)dest_ptr(settings, s->dest))->n = 0;
    }
    return 0;
}

/* Stores the value of option i (as given, else its default) through its destination. */
static void store_one(const silt_opts *o, size_t i, void *settings)
{
    const silt_opt_spec *s = &o->spec[i];
    const char *v = o->value[i] ? o->value[i] : s->def;
    void *p = dest_ptr(settings, s->dest);
    int64_t n = 0;
    if (s->given.kind == SILT_DEST_BOOL)
        *(bool *)dest_ptr(settings, s->given) = o->value[i] != NULL;
    switch (s->type) {
    case SILT_OPT_FLAG: *(bool *)p = o->value[i] != NULL; break;
    case SILT_OPT_STRING: *(const char **)p = v; break;
    case SILT_OPT_INT: *(int64_t *)p = v ? strtoll(v, NULL, 10) : 0; break;
    case SILT_OPT_DOUBLE: *(double *)p = v ? strtod(v, NULL) : 0.0; break;
    case SILT_OPT_DURATION:
        if (v) silt_time_parse_duration_us(&n, v);
        *(int64_t *)p = n;
        break;
    case SILT_OPT_SIZE:
        if (v) silt_opt_parse_size(&n, v);
        *(int64_t *)p = n;
        break;
    case SILT_OPT_CHOICE: {
        const silt_opt_choice *c = v ? find_choice(s, v) : NULL;
        *(int *)p = c ? c->value : s->choices[0].value;
        break;
    }
    case SILT_OPT_STRINGS: break; /* appended while reading argv */
    }
}

static void store_all(const silt_opts *o, void *settings)
{
    for (size_t i = 0; i < o->n_spec; i++) store_one(o, i, settings);
}

static int read_argv(silt_opts *o, void *settings, int argc, char **argv, int first,
                     const char *pass_prefix, silt_error *err);

int silt_opts_parse(silt_opts *o, const silt_opt_spec *spec, void *settings, int argc, char **argv,
                    int first, const char *pass_prefix, silt_error *err)
{
    memset(o, 0, sizeof *o);
    o->spec = spec;
    o->n_spec = spec_len(spec);
    if (o->n_spec > SILT_OPT_MAX)
        return silt_error_set(err, SILT_EINVAL, "internal: too many options in table");
    if (check_spec(spec, o->n_spec, settings, err)) return SILT_EINVAL;
    if (read_argv(o, settings, argc, argv, first, pass_prefix, err)) return SILT_EINVAL;
    store_all(o, settings);
    return 0;
}

static int read_argv(silt_opts *o, void *settings, int argc, char **argv, int first,
                     const char *pass_prefix, silt_error *err)
{
    const silt_opt_spec *spec = o->spec;
    size_t plen = pass_prefix ? strlen(pass_prefix) : 0;
    bool only_args = false;
    for (int i = first; i < argc; i++) {
        const char *a = argv[i];
        if (only_args || a[0] != '-' || a[1] == '\0') {
            if (!only_args && plen && strncmp(a, pass_prefix, plen) == 0 && strchr(a, '=')) {
                const char *eq = strchr(a, '=');
                if (add_extra(o, a, (size_t)(eq - a), eq + 1, err)) return SILT_EINVAL;
                continue;
            }
            if (o->n_args >= SILT_OPT_MAX_ARGS)
                return silt_error_set(err, SILT_EINVAL, "too many arguments");
            o->args[o->n_args++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_args = true;
            continue;
        }
        long idx;
        const char *val = NULL;
        if (a[1] == '-') {
            const char *name = a + 2;
            const char *eq = strchr(name, '=');
            size_t len = eq ? (size_t)(eq - name) : strlen(name);
            if (len == 4 && strncmp(name, "help", 4) == 0) {
                o->help = true;
                continue;
            }
            if (plen && strncmp(name, pass_prefix, plen) == 0) {
                if (eq)
                    val = eq + 1;
                else if (i + 1 < argc)
                    val = argv[++i];
                else
                    return silt_error_set(err, SILT_EINVAL, "--%.*s needs a value", (int)len, name);
                if (add_extra(o, name, len, val, err)) return SILT_EINVAL;
                continue;
            }
            idx = find_long(spec, o->n_spec, name, len);
            if (idx < 0) return unknown_option(spec, o->n_spec, name, len, err);
            if (eq) val = eq + 1;
        } else {
            if (a[1] == 'h' && a[2] == '\0') {
                o->help = true;
                continue;
            }
            idx = find_short(spec, o->n_spec, a[1]);
            if (idx < 0 || a[2] != '\0')
                return silt_error_set(err, SILT_EINVAL, "unknown option %s (see --help)", a);
        }
        const silt_opt_spec *s = &spec[idx];
        if (s->type == SILT_OPT_FLAG) {
            if (val) return silt_error_set(err, SILT_EINVAL, "--%s takes no value", s->name);
            o->value[idx] = "true";
            continue;
        }
        if (!val) {
            if (i + 1 >= argc)
                return silt_error_set(err, SILT_EINVAL, "--%s needs a value (%s)", s->name,
                                      s->metavar ? s->metavar : "VALUE");
            val = argv[++i];
        }
        if (silt_opt_check(s, val, err)) return SILT_EINVAL;
        o->value[idx] = val;
        if (s->type == SILT_OPT_STRINGS) {
            silt_opt_strings *l = dest_ptr(settings, s->dest);
            if (l->n >= SILT_OPT_STRINGS_MAX)
                return silt_error_set(err, SILT_EINVAL, "--%s: given more than %d times", s->name,
                                      SILT_OPT_STRINGS_MAX);
            l->v[l->n++] = val;
        }
    }
    return 0;
}

void silt_opts_print_help(FILE *f, const char *usage, const char *description,
                          const silt_opt_spec *spec)
{
    fprintf(f, "Usage: %s\n", usage);
    if (description && *description) fprintf(f, "\n%s\n", description);
    size_t n = spec_len(spec);
    fprintf(f, "\nOptions:\n");
    for (size_t i = 0; i <= n; i++) {
        char left[96];
        const char *name = i < n ? spec[i].name : "help";
        char sh = i < n ? spec[i].short_name : 'h';
        const char *mv = i < n && spec[i].type != SILT_OPT_FLAG
                             ? (spec[i].metavar ? spec[i].metavar : "VALUE")
                             : NULL;
        if (sh)
            snprintf(left, sizeof left, "-%c, --%s%s%s", sh, name, mv ? " " : "", mv ? mv : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", name, mv ? " " : "", mv ? mv : "");
        fprintf(f, "  %-30s %s", left, i < n ? spec[i].help : "show this help and exit");
        if (i < n && spec[i].def && spec[i].type != SILT_OPT_FLAG)
            fprintf(f, " [default: %s]", spec[i].def);
        if (i < n && spec[i].type == SILT_OPT_CHOICE) {
            char words[256];
            choice_words(words, sizeof words, &spec[i]);
            fprintf(f, " (one of %s)", words);
        } else if (i < n && spec[i].range) {
            fprintf(f, " (range %s)", spec[i].range);
        }
        fputc('\n', f);
    }
}
