internal import CMPI
import Cluster

extension CollectiveType {
    /// The MPI datatype of this element type (`MPI_FLOAT`, `MPI_DOUBLE`, `MPI_INT64_T`, ...).
    var mpiDatatype: MPI_Datatype {
        switch self {
        case .float32: cmpi_float()
        case .float64: cmpi_double()
        case .int64: cmpi_int64()
        case .int32: cmpi_int32()
        case .uint64: cmpi_uint64()
        case .uint8: cmpi_uint8()
        }
    }

    var isFloatingPoint: Bool { self == .float32 || self == .float64 }
}

extension ReductionOperation {
    /// The MPI operation (`MPI_SUM`, `MPI_MAX`, `MPI_MIN`); `average` is a sum divided afterwards.
    var mpiOperation: MPI_Op {
        switch self {
        case .sum, .average: cmpi_sum()
        case .max: cmpi_max()
        case .min: cmpi_min()
        }
    }
}
