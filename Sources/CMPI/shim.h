// CMPI: the Open MPI C interface, as Swift can see it.
//
// Open MPI defines its predefined handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, MPI_IN_PLACE, ...) as
// macros that expand to the address of a global (`((MPI_Comm) &ompi_mpi_comm_world)`). Swift cannot
// import such macros, so each one the `MPI` module needs gets one `static inline` accessor here, named
// `cmpi_` + the lower-case macro name. This header only exposes: no logic lives in C.
// Only the `MPI` module imports it.
#ifndef PARTITA_CMPI_SHIM_H
#define PARTITA_CMPI_SHIM_H

#include <mpi.h>

// Communicators and special pointers.
static inline MPI_Comm cmpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm cmpi_comm_null(void) { return MPI_COMM_NULL; }
static inline void *cmpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Status *cmpi_status_ignore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Status *cmpi_statuses_ignore(void) { return MPI_STATUSES_IGNORE; }
static inline MPI_Request cmpi_request_null(void) { return MPI_REQUEST_NULL; }
static inline MPI_Errhandler cmpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Info cmpi_info_null(void) { return MPI_INFO_NULL; }

// Shared-memory windows (MPI-3): the split type and the lock assertion are enum/define constants.
static inline int cmpi_comm_type_shared(void) { return MPI_COMM_TYPE_SHARED; }
static inline int cmpi_mode_nocheck(void) { return MPI_MODE_NOCHECK; }

// Datatypes: Swift Float, Double, Int64, UInt8 and Int32 map to these (never MPI_INT for Swift Int).
static inline MPI_Datatype cmpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cmpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype cmpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype cmpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype cmpi_uint8(void) { return MPI_UINT8_T; }
static inline MPI_Datatype cmpi_uint64(void) { return MPI_UINT64_T; }

// Reduction operations.
static inline MPI_Op cmpi_sum(void) { return MPI_SUM; }
static inline MPI_Op cmpi_max(void) { return MPI_MAX; }
static inline MPI_Op cmpi_min(void) { return MPI_MIN; }

#endif
