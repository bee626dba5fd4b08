import Testing

@testable import Cluster

@Suite struct HostfileTests {
    @Test func parsesHostsSlotsAndComments() throws {
        let hostfile = try Hostfile.parse(
            "# two nodes\nnode-a slots=4   # the big one\n\nnode-b\nnode-c slots=2 max_slots=8\n", path: "h")
        #expect(hostfile.entries.map(\.host) == ["node-a", "node-b", "node-c"])
        #expect(hostfile.entries.map(\.slots) == [4, 1, 2])
        #expect(hostfile.entries.map(\.line) == [2, 4, 5])
        #expect(hostfile.totalSlots == 7)
    }

    @Test func rejectsWhatMPIRunWouldChokeOn() {
        func problem(_ text: String) -> String? {
            do {
                _ = try Hostfile.parse(text, path: "hosts")
                return nil
            } catch {
                return error.description
            }
        }
        #expect(problem("a slots=0\n") == "hosts:1: slots must be a positive integer, got '0'")
        #expect(problem("a cores=2\n") == "hosts:1: unexpected 'cores=2' (expected slots=N)")
        #expect(problem("a\nb\na slots=2\n") == "hosts:3: host 'a' is already listed on line 1")
        #expect(problem("# nothing\n\n") == "hosts: no hosts listed")
    }

    @Test func unknownHostsAreFoundBeforeMPIRun() throws {
        let hostfile = try Hostfile.parse("localhost slots=1\nno-such-host.invalid\n", path: "hosts")
        #expect(
            throws: HostfileError(
                path: "hosts", line: 2,
                problem: """
                    unknown host 'no-such-host.invalid': the name does not resolve to an address (check the spelling, \
                    DNS or /etc/hosts)
                    """)
        ) { try hostfile.checkHostsResolve() }
        try Hostfile.parse("localhost\n127.0.0.1\n", path: "ok").checkHostsResolve()
    }
}

@Suite struct LaunchPlanTests {
    @Test func localLineOversubscribesOnlyWhenNeeded() {
        var plan = LaunchPlan(ranks: 2, localSlots: 2, runningAsRoot: false, command: ["/bin/partita", "train"])
        #expect(
            plan.shellLine
                == "mpirun -np 2 --bind-to none -x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1 /bin/partita train")
        plan.ranks = 4
        plan.runningAsRoot = true
        plan.timeout = 600
        #expect(
            plan.shellLine
                == "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 mpirun -np 4 --oversubscribe --bind-to none "
                + "-x OPENBLAS_NUM_THREADS=1 -x OMP_NUM_THREADS=1 --timeout 600 /bin/partita train")
    }

    @Test func hostfileSlotsDecideOversubscription() throws {
        let hostfile = try Hostfile.parse("a slots=2\nb slots=2\n", path: "/h")
        let fits = LaunchPlan(
            ranks: 4, hostfile: hostfile, localSlots: 2, runningAsRoot: false, forwarded: ["PATH", "LD_LIBRARY_PATH"],
            command: ["p"])
        #expect(!fits.arguments.contains("--oversubscribe"))
        #expect(fits.arguments.contains("--hostfile") && fits.arguments.contains("LD_LIBRARY_PATH"))
        let over = LaunchPlan(ranks: 5, hostfile: hostfile, localSlots: 2, runningAsRoot: false, command: ["p"])
        #expect(over.arguments.contains("--oversubscribe"))
    }

    @Test func simulatedClusterUsesTCPOnItsSubnet() throws {
        let hostfile = try Hostfile.parse("10.213.0.11 slots=2\n", path: "/r/hostfiles/sim-cluster")
        let plan = LaunchPlan(
            ranks: 2, hostfile: hostfile,
            simulatedCluster: .init(hostfile: "/r/hostfiles/sim-cluster", rshAgent: "/r/deploy/sim-cluster-rsh"),
            localSlots: 2, runningAsRoot: false, command: ["p", "train", "--set", "run.name=a b"])
        #expect(plan.shellLine.contains("--mca plm_rsh_agent /r/deploy/sim-cluster-rsh --mca btl self,tcp"))
        #expect(plan.shellLine.contains("--mca oob_tcp_if_include 10.213.0.0/24"))
        #expect(plan.shellLine.hasSuffix("p train --set 'run.name=a b'"))
    }
}

@Suite struct RankLogCollectorTests {
    @Test func appendsEachRanksLinesAndCountsThem() {
        var collector = RankLogCollector(worldSize: 3)
        let first = collector.received([Array("{\"a\":1}\n{\"a\":2}".utf8), [], Array("{\"b\":1}".utf8)])
        #expect(
            first == [.append(rank: 0, lines: ["{\"a\":1}", "{\"a\":2}"]), .append(rank: 2, lines: ["{\"b\":1}"])])
        let second = collector.received([[], [0xff, 0xfe], Array("{\"b\":2}".utf8)])
        #expect(second == [.malformed(rank: 1, byteCount: 2), .append(rank: 2, lines: ["{\"b\":2}"])])
        #expect(collector.recordCounts == [2, 0, 2])
    }

    @Test func bufferDrainsInOrder() {
        let buffer = LogRecordBuffer()
        buffer.append(LogRecord(time: 1, rank: 2, level: "info", message: "one"))
        buffer.append(LogRecord(time: 2, rank: 2, level: "info", message: "two", step: 5, metadata: ["k": "v"]))
        #expect(
            String(decoding: buffer.drainPayload(), as: UTF8.self)
                == "{\"time\":1,\"rank\":2,\"level\":\"info\",\"message\":\"one\"}\n"
                + "{\"time\":2,\"rank\":2,\"level\":\"info\",\"message\":\"two\",\"step\":5,\"metadata\":{\"k\":\"v\"}}"
        )
        #expect(buffer.drain().isEmpty)
    }
}

@Suite struct ProcessMemoryTests {
    @Test func readsKilobyteFieldsSeparatedByTabsOrSpaces() {
        let status = "Name:\tpartita\nVmHWM:\t   93844 kB\nVmRSS:    1024 kB\nThreads:\t3\n"
        #expect(ProcessMemory.field("VmHWM", in: status) == 93844 * 1024)
        #expect(ProcessMemory.field("VmRSS", in: status) == 1024 * 1024)
        #expect(ProcessMemory.field("Threads", in: status) == 3)
        #expect(ProcessMemory.field("VmSwap", in: status) == nil)
        // And this very process has a peak resident set.
        #expect((ProcessMemory.peakResidentBytes ?? 0) > 1_000_000)
    }
}
