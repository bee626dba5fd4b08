public import Foundation

/// Runs the built `partita` under `mpirun`, the way the multi-rank tests need it: as root (the Open MPI
/// permission variables), oversubscribed (more ranks than this machine's 2 cores), unbound, one BLAS thread
/// per rank, and with a job timeout so a broken test ends instead of hanging.
public enum MPIRun {
    public static let environment = [
        "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
        "OMPI_MCA_rmaps_base_oversubscribe": "1", "OPENBLAS_NUM_THREADS": "1",
    ]

    /// `mpirun -np ranks [options] partita arguments...`.
    public static func partita(
        ranks: Int, _ arguments: [String], mpiOptions: [String] = [], environment extra: [String: String] = [:],
        timeout: Int = 240
    ) throws -> BuiltProducts.Output {
        try BuiltProducts.run(
            "/usr/bin/mpirun",
            ["-np", String(ranks), "--bind-to", "none", "--timeout", String(timeout)] + mpiOptions
                + [BuiltProducts.partita] + arguments,
            environment: environment.merging(extra) { $1 })
    }

    /// Starts `mpirun` without waiting (for tests that kill a rank mid-run).
    public static func start(ranks: Int, _ arguments: [String], timeout: Int = 240) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/mpirun")
        process.arguments =
            ["-np", String(ranks), "--bind-to", "none", "--timeout", String(timeout), BuiltProducts.partita] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    /// The process ids of the ranks whose command line contains `marker`, by rank
    /// (read from `OMPI_COMM_WORLD_RANK` in each process's environment).
    public static func rankProcesses(marker: String) -> [Int: Int32] {
        var result = [Int: Int32]()
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                let commandLine = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline")),
                String(decoding: commandLine, as: UTF8.self).contains(marker),
                let environ = try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/environ"))
            else { continue }
            for variable in environ.split(separator: 0) {
                let text = String(decoding: variable, as: UTF8.self)
                if text.hasPrefix("OMPI_COMM_WORLD_RANK="), let rank = Int(text.dropFirst(21)) { result[rank] = pid }
            }
        }
        return result
    }
}
