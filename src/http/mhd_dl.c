/* libmicrohttpd loaded on first use: resolves MHD's entry points with dlopen/dlsym and defines
 * the MHD_* functions silt calls as forwarders, so that the program does not link it. */
#include "util/dl.h"
#include "http/mhd_dl.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/socket.h>

#include <microhttpd.h>

#define SILT_MHD_SONAME "libmicrohttpd.so.12"

static struct {
    struct MHD_Daemon *(*start_daemon_va)(unsigned, uint16_t, MHD_AcceptPolicyCallback, void *,
                                          MHD_AccessHandlerCallback, void *, va_list);
    void (*stop_daemon)(struct MHD_Daemon *);
    const union MHD_DaemonInfo *(*get_daemon_info)(struct MHD_Daemon *, enum MHD_DaemonInfoType,
                                                   ...);
    const char *(*get_version)(void);
    const char *(*lookup_connection_value)(struct MHD_Connection *, enum MHD_ValueKind,
                                           const char *);
    struct MHD_Response *(*create_response_from_buffer)(size_t, void *,
                                                        enum MHD_ResponseMemoryMode);
    struct MHD_Response *(*create_response_from_callback)(uint64_t, size_t,
                                                          MHD_ContentReaderCallback, void *,
                                                          MHD_ContentReaderFreeCallback);
    enum MHD_Result (*add_response_header)(struct MHD_Response *, const char *, const char *);
    enum MHD_Result (*queue_response)(struct MHD_Connection *, unsigned, struct MHD_Response *);
    void (*destroy_response)(struct MHD_Response *);
} fn;

#define SYM(field) (void **)&fn.field

static const silt_dl_sym syms[] = {
    {SYM(start_daemon_va), "MHD_start_daemon_va"},
    {SYM(stop_daemon), "MHD_stop_daemon"},
    {SYM(get_daemon_info), "MHD_get_daemon_info"},
    {SYM(get_version), "MHD_get_version"},
    {SYM(lookup_connection_value), "MHD_lookup_connection_value"},
    {SYM(create_response_from_buffer), "MHD_create_response_from_buffer"},
    {SYM(create_response_from_callback), "MHD_create_response_from_callback"},
    {SYM(add_response_header), "MHD_add_response_header"},
    {SYM(queue_response), "MHD_queue_response"},
    {SYM(destroy_response), "MHD_destroy_response"},
};
static silt_dl_lib lib = SILT_DL_LIB(SILT_MHD_SONAME, syms);

int silt_mhd_dl_load(silt_error *err)
{
    if (silt_dl_load(&lib)) return 0;
    return silt_error_set(err, SILT_EUNSUPPORTED,
                          "serving needs libmicrohttpd (%s), which could not be loaded: %s; "
                          "install it (Debian/Ubuntu: apt-get install libmicrohttpd12)",
                          SILT_MHD_SONAME, lib.msg);
}

const char *silt_mhd_dl_version(void)
{
    return silt_mhd_dl_load(NULL) ? NULL : fn.get_version();
}

/* The forwarders, with MHD's own signatures. */
struct MHD_Daemon *MHD_start_daemon(unsigned int flags, uint16_t port, MHD_AcceptPolicyCallback apc,
                                    void *apc_cls, MHD_AccessHandlerCallback dh, void *dh_cls, ...)
{
    if (!silt_dl_load(&lib)) return NULL;
    va_list ap;
    va_start(ap, dh_cls);
    struct MHD_Daemon *d = fn.start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap);
    va_end(ap);
    return d;
}

struct MHD_Daemon *MHD_start_daemon_va(unsigned int flags, uint16_t port,
                                       MHD_AcceptPolicyCallback apc, void *apc_cls,
                                       MHD_AccessHandlerCallback dh, void *dh_cls, va_list ap)
{
    return silt_dl_load(&lib) ? fn.start_daemon_va(flags, port, apc, apc_cls, dh, dh_cls, ap)
                              : NULL;
}

void MHD_stop_daemon(struct MHD_Daemon *d)
{
    if (d && silt_dl_load(&lib)) fn.stop_daemon(d);
}

/* The info types silt asks for (e.g. MHD_DAEMON_INFO_BIND_PORT) take no further argument. */
const union MHD_DaemonInfo *MHD_get_daemon_info(struct MHD_Daemon *d, enum MHD_DaemonInfoType type,
                                                ...)
{
    return silt_dl_load(&lib) ? fn.get_daemon_info(d, type) : NULL;
}

const char *MHD_get_version(void)
{
    return silt_dl_load(&lib) ? fn.get_version() : "not loaded";
}

const char *MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
                                        const char *key)
{
    return silt_dl_load(&lib) ? fn.lookup_connection_value(c, kind, key) : NULL;
}

struct MHD_Response *MHD_create_response_from_buffer(size_t size, void *buffer,
                                                     enum MHD_ResponseMemoryMode mode)
{
    return silt_dl_load(&lib) ? fn.create_response_from_buffer(size, buffer, mode) : NULL;
}

struct MHD_Response *MHD_create_response_from_callback(uint64_t size, size_t block_size,
                                                       MHD_ContentReaderCallback crc, void *crc_cls,
                                                       MHD_ContentReaderFreeCallback crfc)
{
    return silt_dl_load(&lib)
               ? fn.create_response_from_callback(size, block_size, crc, crc_cls, crfc)
               : NULL;
}

enum MHD_Result MHD_add_response_header(struct MHD_Response *r, const char *header,
                                        const char *content)
{
    return silt_dl_load(&lib) ? fn.add_response_header(r, header, content) : MHD_NO;
}

enum MHD_Result MHD_queue_response(struct MHD_Connection *c, unsigned int status,
                                   struct MHD_Response *r)
{
    return silt_dl_load(&lib) ? fn.queue_response(c, status, r) : MHD_NO;
}

void MHD_destroy_response(struct MHD_Response *r)
{
    if (r && silt_dl_load(&lib)) fn.destroy_response(r);
}
