/// The `mpirun` command line `partita launch` runs: a pure description, built and tested without running it.
///
/// It encodes the Open MPI practice of `docs/distributed.md`: `--bind-to none` (binding a rank to one core
/// would also pin its BLAS), one BLAS thread per rank, `--oversubscribe` only when ranks outnumber slots,
/// the root-permission variables when run as root, and for the simulated cluster TCP only on its subnet. Inside
/// a Slurm allocation it names no hosts: mpirun takes them, and starts its daemons, from Slurm itself.
public struct LaunchPlan: Sendable, Equatable {
    /// Settings for the simulated multi-host cluster of `deploy/sim-cluster`.
    public struct SimulatedCluster: Sendable, Equatable {
        public let hostfile: String
        public let rshAgent: String
        public let subnet: String

        public init(hostfile: String, rshAgent: String, subnet: String = "10.213.0.0/24") {
            self.hostfile = hostfile
            self.rshAgent = rshAgent
            self.subnet = subnet
        }
    }

    public var ranks: Int
    public var hostfile: Hostfile?
    public var simulatedCluster: SimulatedCluster?
    /// The Slurm allocation the line runs in (no hostfile given), or nil.
    public var slurm: SlurmAllocation?
    /// Slots available without a hostfile (the local cores).
    public var localSlots: Int
    public var blasThreads: Int
    /// Seconds after which mpirun ends the whole job; nil for no limit.
    public var timeout: Int?
    public var runningAsRoot: Bool
    /// Environment variables to forward to remote hosts with `-x` (those that are set here).
    public var forwarded: [String]
    /// The executable and its arguments, run on every rank.
    public var command: [String]

    public init(
        ranks: Int, hostfile: Hostfile? = nil, simulatedCluster: SimulatedCluster? = nil,
        slurm: SlurmAllocation? = nil, localSlots: Int,
        blasThreads: Int = 1, timeout: Int? = nil, runningAsRoot: Bool, forwarded: [String] = ["PATH"],
        command: [String]
    ) {
        self.forwarded = forwarded
        self.ranks = ranks
        self.hostfile = hostfile
        self.simulatedCluster = simulatedCluster
        self.slurm = slurm
        self.localSlots = localSlots
        self.blasThreads = blasThreads
        self.timeout = timeout
        self.runningAsRoot = runningAsRoot
        self.command = command
    }

    public var slots: Int { hostfile?.totalSlots ?? slurm?.slots ?? localSlots }
    public var oversubscribed: Bool { ranks > slots }

    /// Variables set in mpirun's environment.
    public var environment: [(String, String)] {
        runningAsRoot ? [("OMPI_ALLOW_RUN_AS_ROOT", "1"), ("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")] : []
    }

    /// `mpirun` and its arguments.
    public var arguments: [String] {
        var line = ["mpirun", "-np", String(ranks)]
        if let hostfile { line += ["--hostfile", hostfile.path] }
        if oversubscribed { line.append("--oversubscribe") }
        line += [
            "--bind-to", "none", "-x", "OPENBLAS_NUM_THREADS=\(blasThreads)", "-x", "OMP_NUM_THREADS=\(blasThreads)",
        ]
        if hostfile != nil { line += forwarded.flatMap { ["-x", $0] } }
        if let simulatedCluster {
            line += [
                "--map-by", "node", "--mca", "plm_rsh_agent", simulatedCluster.rshAgent, "--mca", "btl", "self,tcp",
                "--mca", "btl_tcp_if_include", simulatedCluster.subnet, "--mca", "oob_tcp_if_include",
                simulatedCluster.subnet,
            ]
        }
        // Under Slurm, `scancel` signals mpirun, its daemons and the ranks at once, and Open MPI kills the ranks
        // one `odls_base_sigkill_timeout` (1 s by default) after its own SIGTERM: 3 s leaves a rank the time
        // to finish its step and write the checkpoint (docs/distributed.md, Signals).
        if slurm != nil { line += ["--mca", "odls_base_sigkill_timeout", "3"] }
        if let timeout { line += ["--timeout", String(timeout)] }
        return line + command
    }

    /// The whole line as a shell would take it, for printing.
    public var shellLine: String {
        (environment.map { "\($0)=\($1)" } + arguments.map(Self.shellQuoted)).joined(separator: " ")
    }

    static func shellQuoted(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy {
            $0.properties.isAlphabetic || "0123456789-_./=,:@%+".unicodeScalars.contains($0)
        }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
