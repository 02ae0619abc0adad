/* Azure List Blobs: prefix listing with marker pagination, its XML answer read by a small
 * scanner that only looks for the few elements silt needs (Name, Content-Length, Last-Modified,
 * NextMarker) and decodes XML entities. */
#define _GNU_SOURCE
#include "store/store_azure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/alloc.h"

/* The text of the first <tag>...</tag> in [p, end), or NULL; *n gets its length. */
static const char *element(const char *p, const char *end, const char *tag, size_t *n)
{
    char open[48], close[48];
    snprintf(open, sizeof open, "<%s>", tag);
    snprintf(close, sizeof close, "</%s>", tag);
    size_t ol = strlen(open);
    const char *a = memmem(p, (size_t)(end - p), open, ol);
    if (!a) return NULL;
    a += ol;
    const char *b = memmem(a, (size_t)(end - a), close, strlen(close));
    if (!b) return NULL;
    *n = (size_t)(b - a);
    return a;
}

/* Appends s[0..n) with XML entities decoded. Returns 0 or SILT_ECORRUPT. */
static int xml_text(silt_buf *out, const char *s, size_t n)
{
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '&') {
            silt_buf_putc(out, (uint8_t)s[i]);
            continue;
        }
        size_t k;
        for (k = 0; k < sizeof ents / sizeof *ents; k++) {
            size_t el = strlen(ents[k].ent);
            if (i + el <= n && memcmp(s + i, ents[k].ent, el) == 0) {
                silt_buf_putc(out, (uint8_t)ents[k].c);
                i += el - 1;
                break;
            }
        }
        if (k < sizeof ents / sizeof *ents) continue;
        const char *semi = memchr(s + i, ';', n - i);
        if (!semi || i + 2 >= n || s[i + 1] != '#') return SILT_ECORRUPT;
        bool hex = s[i + 2] == 'x';
        unsigned long cp = strtoul(s + i + (hex ? 3 : 2), NULL, hex ? 16 : 10);
        if (cp < 0x80) {
            silt_buf_putc(out, (uint8_t)cp);
        } else if (cp < 0x800) {
            silt_buf_putc(out, (uint8_t)(0xC0 | (cp >> 6)));
            silt_buf_putc(out, (uint8_t)(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            silt_buf_putc(out, (uint8_t)(0xE0 | (cp >> 12)));
            silt_buf_putc(out, (uint8_t)(0x80 | ((cp >> 6) & 0x3F)));
            silt_buf_putc(out, (uint8_t)(0x80 | (cp & 0x3F)));
        } else {
            silt_buf_putc(out, (uint8_t)(0xF0 | (cp >> 18)));
            silt_buf_putc(out, (uint8_t)(0x80 | ((cp >> 12) & 0x3F)));
            silt_buf_putc(out, (uint8_t)(0x80 | ((cp >> 6) & 0x3F)));
            silt_buf_putc(out, (uint8_t)(0x80 | (cp & 0x3F)));
        }
        i = (size_t)(semi - s);
    }
    return silt_buf_oom(out) ? SILT_ENOMEM : 0;
}

static int64_t parse_http_date(const char *s, size_t n)
{
    char tmp[64];
    if (n >= sizeof tmp) return 0;
    memcpy(tmp, s, n);
    tmp[n] = '\0';
    struct tm tm = {0};
    if (!strptime(tmp, "%a, %d %b %Y %H:%M:%S", &tm)) return 0;
    return (int64_t)timegm(&tm) * 1000;
}

/* Adds every <Blob> of one page to out (keys relative to the store's prefix); the next marker
 * goes to marker (empty at the end). */
static int parse_page(silt_az_store *az, silt_store_listing *out, const silt_buf *xml,
                      silt_buf *marker, silt_error *err)
{
    const char *p = (const char *)xml->ptr, *end = p + xml->len;
    size_t plen = az->cfg.prefix[0] ? strlen(az->cfg.prefix) + 1 : 0;
    silt_buf name = SILT_BUF_INIT;
    int rc = 0;
    for (;;) {
        size_t bn = 0;
        const char *blob = element(p, end, "Blob", &bn);
        if (!blob) break;
        const char *bend = blob + bn, *v;
        size_t vn = 0;
        silt_buf_reset(&name);
        if (!(v = element(blob, bend, "Name", &vn)) || (rc = xml_text(&name, v, vn)) ||
            silt_buf_cstr(&name) || name.len < plen) {
            rc = silt_error_set(err, rc == SILT_ENOMEM ? SILT_ENOMEM : SILT_ECORRUPT,
                                "cannot read the blob list of container '%s' (storage account "
                                "'%s'): malformed <Blob>",
                                az->cfg.container, az->cfg.account);
            goto fail;
        }
        uint64_t size =
            (v = element(blob, bend, "Content-Length", &vn)) ? strtoull(v, NULL, 10) : 0;
        int64_t mt = (v = element(blob, bend, "Last-Modified", &vn)) ? parse_http_date(v, vn) : 0;
        if (silt_store_list_push(out, (char *)name.ptr + plen, size, mt)) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory listing");
            goto fail;
        }
        p = bend;
    }
    silt_buf_reset(marker);
    size_t mn = 0;
    const char *m = element((const char *)xml->ptr, end, "NextMarker", &mn);
    if (m && mn && (rc = xml_text(marker, m, mn))) goto fail;
    if (silt_buf_cstr(marker)) rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
fail:
    silt_buf_free(&name);
    return rc;
}

int silt_az_list(silt_store *s, silt_store_listing *out, const char *prefix, silt_error *err)
{
    silt_az_store *az = (silt_az_store *)s;
    silt_buf full = SILT_BUF_INIT, marker = SILT_BUF_INIT, xml = SILT_BUF_INIT;
    silt_az_resp r;
    int rc = 0;
    out->n = 0;
    out->entries = NULL;
    if (az->cfg.prefix[0]) silt_buf_printf(&full, "%s/", az->cfg.prefix);
    silt_buf_puts(&full, prefix ? prefix : "");
    if (silt_buf_cstr(&full) || silt_buf_cstr(&marker)) {
        rc = silt_error_set(err, SILT_ENOMEM, "out of memory");
        goto fail;
    }
    char page[16];
    snprintf(page, sizeof page, "%d", az->cfg.list_page);
    do {
        silt_az_req q = {
            .method = "GET",
            .params = {{"comp", "list"}, {"restype", "container"}, {"maxresults", page}},
            .nparams = 3,
            .body = &xml};
        if (full.len) q.params[q.nparams++] = (silt_az_param){"prefix", (char *)full.ptr};
        if (marker.len) q.params[q.nparams++] = (silt_az_param){"marker", (char *)marker.ptr};
        if ((rc = silt_az_http_do(az, &q, &r, err))) goto fail;
        if (r.status != 200) {
            rc = silt_az_status_error(az, &r, "listing", full.len ? (char *)full.ptr : "/", err);
            goto fail;
        }
        if (silt_buf_oom(&xml)) {
            rc = silt_error_set(err, SILT_ENOMEM, "out of memory listing");
            goto fail;
        }
        if ((rc = parse_page(az, out, &xml, &marker, err))) goto fail;
    } while (marker.len > 0);
    silt_store_list_sort(out);
fail:
    if (rc) silt_store_list_clear(out);
    silt_buf_free(&full);
    silt_buf_free(&marker);
    silt_buf_free(&xml);
    return rc;
}
