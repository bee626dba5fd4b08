import ArgumentParser
import Cluster
import Foundation

/// `partita launch -n N [--hostfile F | --sim-cluster] [--dry-run] -- <subcommand ...>`.
struct Launch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a partita subcommand on N MPI ranks: builds, prints and runs the mpirun line.",
        discussion: """
            The line binds no rank to a core (--bind-to none), gives every rank one BLAS thread, adds \
            --oversubscribe only when the ranks outnumber the slots, and the Open MPI root-permission \
            variables when run as root. Plain `mpirun ... partita train` works just as well; see \
            docs/distributed.md. Inside a Slurm allocation (SLURM_JOB_ID set, no --hostfile) mpirun takes the \
            hosts from Slurm. Example: partita launch -n 2 -- train --set train.epochs=5
            """)

    @Option(
        name: [.customShort("n"), .customLong("ranks")],
        help: "Number of ranks (processes); inside a Slurm allocation, default: its tasks (SLURM_NTASKS).")
    var ranks: Int?

    @Option(
        help: ArgumentHelp("An Open MPI hostfile (`host slots=N` per line); default: this machine.", valueName: "file"))
    var hostfile: String?

    @Flag(help: "Run on the simulated hosts of `deploy/sim-cluster up` (network namespaces, TCP only).")
    var simCluster = false

    @Option(help: ArgumentHelp("End the whole job after this many seconds.", valueName: "seconds"))
    var timeout: Int?

    @Option(help: "BLAS threads per rank.")
    var blasThreads = 1

    @Flag(help: "Only print the mpirun line.")
    var dryRun = false

    @Argument(parsing: .postTerminator, help: "The partita subcommand and its arguments, after `--`.")
    var command: [String] = []

    func validate() throws {
        if let ranks, ranks < 1 { throw ValidationError("-n must be at least 1") }
        let inAllocation = ProcessInfo.processInfo.environment["SLURM_JOB_ID"] != nil && hostfile == nil && !simCluster
        if ranks == nil && !inAllocation {
            throw ValidationError(
                "give the number of ranks with -n (only inside a Slurm allocation can it be left out)")
        }
        guard blasThreads >= 1 else { throw ValidationError("--blas-threads must be at least 1") }
        if let timeout, timeout < 1 { throw ValidationError("--timeout must be a positive number of seconds") }
        if hostfile != nil && simCluster { throw ValidationError("give either --hostfile or --sim-cluster, not both") }
        guard !command.isEmpty else {
            throw ValidationError("give the subcommand to run after `--`, e.g. partita launch -n 2 -- train")
        }
        guard command[0] != "launch" else { throw ValidationError("launch cannot launch itself") }
    }

    func run() throws {
        try Runtime.reportingErrors {
            let plan = try makePlan()
            Console.error("partita launch: " + plan.shellLine)
            if dryRun { return }
            for (name, value) in plan.environment { setenv(name, value, 1) }
            let arguments = plan.arguments
            let argv = arguments.map { strdup($0) } + [nil]
            execvp("mpirun", argv)
            throw LaunchError("cannot run mpirun: \(String(cString: strerror(errno))); install openmpi-bin")
        }
    }

    func makePlan() throws -> LaunchPlan {
        var hostfileValue: Hostfile?
        var simulated: LaunchPlan.SimulatedCluster?
        var slurm: SlurmAllocation?
        if let hostfile {
            let parsed = try Hostfile.read(path: hostfile)
            try parsed.checkHostsResolve()
            hostfileValue = parsed
        } else if simCluster {
            guard let root = Self.projectRoot() else {
                throw LaunchError("cannot find deploy/sim-cluster-rsh next to this partita executable or its sources")
            }
            let path = root + "/hostfiles/sim-cluster"
            guard FileManager.default.fileExists(atPath: path) else {
                throw LaunchError("the simulated cluster is not up (no \(path)): run `deploy/sim-cluster up 3` as root")
            }
            hostfileValue = try Hostfile.read(path: path)
            simulated = LaunchPlan.SimulatedCluster(hostfile: path, rshAgent: root + "/deploy/sim-cluster-rsh")
        } else {
            slurm = try SlurmAllocation(environment: ProcessInfo.processInfo.environment)
        }
        return LaunchPlan(
            ranks: slurm?.ranks(requested: ranks) ?? ranks ?? 1, hostfile: hostfileValue, simulatedCluster: simulated,
            slurm: slurm,
            localSlots: ProcessInfo.processInfo.activeProcessorCount, blasThreads: blasThreads, timeout: timeout,
            runningAsRoot: getuid() == 0,
            forwarded: ["PATH", "LD_LIBRARY_PATH"].filter { ProcessInfo.processInfo.environment[$0] != nil },
            command: [Self.executablePath()] + command)
    }

    /// This executable's absolute path, so every rank runs the same binary.
    static func executablePath() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// The checkout this binary belongs to: the first ancestor of the executable holding
    /// `deploy/sim-cluster-rsh`, else the source tree it was compiled from.
    static func projectRoot() -> String? {
        var directory = URL(fileURLWithPath: executablePath()).deletingLastPathComponent()
        let marker = "deploy/sim-cluster-rsh"
        for _ in 0..<6 {
            if FileManager.default.fileExists(atPath: directory.appendingPathComponent(marker).path) {
                return directory.path
            }
            directory.deleteLastPathComponent()
        }
        let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return FileManager.default.fileExists(atPath: source.appendingPathComponent(marker).path) ? source.path : nil
    }
}

/// Why a launch cannot start.
struct LaunchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
