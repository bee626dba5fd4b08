// CZlib: zlib's inflate, used by `Datasets` to read `.gz` files (IDX, CSV, the bundled digits set).
// This header only exposes; no logic lives here.
#ifndef PARTITA_CZLIB_SHIM_H
#define PARTITA_CZLIB_SHIM_H

#include <zlib.h>

/// `inflateInit2` is a macro over `inflateInit2_`; Swift cannot call macros, so this accessor does.
/// `windowBits` 15 + 32 accepts both zlib and gzip headers.
static inline int czlib_inflate_init_gzip(z_stream *stream) {
    return inflateInit2(stream, 15 + 32);
}

#endif
