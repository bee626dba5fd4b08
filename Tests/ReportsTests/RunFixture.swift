import Foundation

/// A run directory written by hand in the documented formats (docs/run-directory.md), holding every optional
/// part a report can show: the features that produce some of them (Alrao, grouped Newton, Gauss-Newton,
/// Gaussianity, export) are built in parallel, so their files are fixtures here. Values are simple closed
/// forms of the step, so tests can state what each series must end with.
struct RunFixture {
    let path: String

    /// A fresh directory with only `config.yaml` (what makes it a run directory).
    init() {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("partita-report-\(UUID())").path
        try! FileManager.default.createDirectory(atPath: path + "/ranks", withIntermediateDirectories: true)
        write("config.yaml", "# fixture\nrun:\n  name: fixture & <friends>\n  seed: 7\n")
    }

    func write(_ name: String, _ text: String) {
        let url = URL(fileURLWithPath: path + "/" + name)
        try! FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! text.write(to: url, atomically: true, encoding: .utf8)
    }

    func lines(_ name: String, _ records: [String]) {
        write(name, records.map { $0 + "\n" }.joined())
    }

    static let steps = Array(stride(from: 10, through: 100, by: 10))

    /// The final values the tests look for.
    static let finalValidationAccuracy = 0.9125
    static let alraoFinalPosterior = [0.05, 0.7, 0.2, 0.05]
    static let alraoRates = [1e-4, 1e-3, 1e-2, 1e-1]
    static let groupedNewtonFinalLR = [0.31, 0.047]
    static let gaussNewtonFinalCondition = 1234.5
    static let probeSize = 300

    func writeRunInfo(status: String = "completed") {
        write(
            "run.json",
            """
            {"name":"fixture","world_size":3,"hosts":["node-a","node-a","node-b"],"seed":7,"command":["partita","train"],\
            "resumed_from_step":null,"versions":{"partita":"0.1.0","os":"Debian GNU/Linux 12 (bookworm)"},\
            "start":"2026-01-02T03:04:05.000Z","end":"2026-01-02T03:04:17.500Z","status":"\(status)","error":null}

            """)
    }

    /// Training windows every 10 steps, validation at 50 and 100, a test at 100.
    func trainingMetrics() -> [String] {
        var records: [String] = []
        for step in Self.steps {
            let loss = 2.0 / Double(step)
            records.append(
                "{\"step\":\(step),\"epoch\":\(step / 50),\"split\":\"train\",\"loss\":\(loss),\"accuracy\":"
                    + "\(0.5 + Double(step) / 250),\"lr\":0.05,\"step_time_ms\":3.5,\"samples_per_second\":18000,"
                    + "\"time\":\(1_767_323_045 + step)}")
            if step == 50 {
                records.append("{\"step\":50,\"split\":\"validation\",\"loss\":0.4,\"accuracy\":0.85,\"count\":400}")
            }
        }
        records.append(
            "{\"step\":100,\"split\":\"validation\",\"loss\":0.3,\"accuracy\":\(Self.finalValidationAccuracy),\"count\":400}"
        )
        records.append("{\"step\":100,\"split\":\"test\",\"loss\":0.35,\"accuracy\":0.9,\"count\":1000}")
        return records
    }

    /// Alrao (4 copies), grouped-Newton (2 subsets) and Gauss-Newton records, every 10 steps.
    func methodMetrics() -> [String] {
        var records: [String] = []
        for step in Self.steps {
            let t = Double(step) / 100
            let posterior = zip([0.25, 0.25, 0.25, 0.25], Self.alraoFinalPosterior).map { (1 - t) * $0 + t * $1 }
            records.append(
                "{\"step\":\(step),\"split\":\"alrao\",\"posterior\":\(posterior),\"copy_loss\":"
                    + "\([2.0, 1.0, 1.5, 3.0].map { $0 / Double(step) }),\"copy_lr\":\(Self.alraoRates)}")
            let lr = Self.groupedNewtonFinalLR.map { $0 * (0.5 + 0.5 * t) }
            records.append(
                "{\"step\":\(step),\"split\":\"grouped-newton\",\"subsets\":[\"layer 0\",\"layer 1\"],\"lr\":\(lr),"
                    + "\"eta\":\(lr.map { $0 * 1.1 }),\"g_bar\":[0.01,-0.02],\"h_bar\":[[2.0,0.1],[0.1,0.5]],"
                    + "\"d3\":[0.001,0.002],\"damping\":\(1e-3 / Double(step))}")
            records.append(
                "{\"step\":\(step),\"split\":\"gauss-newton\",\"train_loss\":\(1.0 / Double(step)),\"test_loss\":"
                    + "\(1.2 / Double(step)),\"sigma_min\":\(0.01 * t),\"sigma_max\":\(10 * t),\"condition\":"
                    + "\(step == 100 ? Self.gaussNewtonFinalCondition : 1000.0),\"weighted_distance\":\(t),"
                    + "\"norm_grad\":\(0.1 / Double(step))}")
        }
        return records
    }

    static let ggnFinalDamping = 0.0025

    /// The general Gauss-Newton optimizer's records (split `ggn`) every 10 steps: the damping falls to
    /// `ggnFinalDamping`, ρ rises from 0.1 to 1, CG takes 2 to 11 iterations, and the step at 30 is rejected.
    func ggnMetrics() -> [String] {
        Self.steps.enumerated().map { index, step in
            let damping = Self.ggnFinalDamping * Double(Self.steps.count - index)
            return "{\"step\":\(step),\"split\":\"ggn\",\"train_loss\":\(1.0 / Double(step)),\"damping\":\(damping),"
                + "\"rho\":\(Double(step) / 100),\"cg_iterations\":\(index + 2),\"accepted\":\(step != 30)}"
        }
    }

    /// Three ranks; rank 2 computes 50% longer than the others, which wait for it in the all-reduce.
    func rankLogs() {
        for rank in 0..<3 {
            var records: [String] = []
            for (index, step) in Self.steps.enumerated() {
                let compute = rank == 2 ? 6.0 : 4.0
                let wait = rank == 2 ? 0.2 : 2.2
                records.append(
                    "{\"time\":\(1_767_323_045.0 + Double(index) + Double(rank) * 0.001),\"rank\":\(rank),"
                        + "\"level\":\"info\",\"message\":\"steps\",\"metadata\":{\"allreduce_wait_ms\":\"\(wait)\","
                        + "\"step\":\"\(step)\",\"step_time_ms\":\"\(compute + wait)\"}}")
            }
            if rank == 1 {
                records.append(
                    "{\"time\":1767323050.5,\"rank\":1,\"level\":\"warning\",\"message\":\"slow <disk> & more\"}")
            }
            records.append(
                "{\"time\":1767323056.0,\"rank\":\(rank),\"level\":\"info\",\"message\":\"final parameters\","
                    + "\"metadata\":{\"fnv1a\":\"abc123\",\"host\":\"\(rank == 2 ? "node-b" : "node-a")\","
                    + "\"peak_rss_mb\":\"4\(rank)\",\"pss_mb\":\"2\(rank)\",\"step\":\"100\"}}")
            lines(String(format: "ranks/rank-%04d.jsonl", rank), records)
        }
    }

    /// Two layers at steps 0, 50, 100, and a probe whose layer 0 is Gaussian and layer 1 exponential.
    func gaussianity() {
        var records: [String] = []
        for step in [0, 50, 100] {
            for layer in 0..<2 {
                records.append(
                    "{\"step\":\(step),\"layer\":\(layer),\"n\":512,\"mean\":0.01,\"variance\":\(1.0 + Double(layer)),"
                        + "\"skewness\":\(Double(layer) * 2),\"excess_kurtosis\":\(Double(layer) * 6),"
                        + "\"ks_fitted\":\(layer == 0 ? 0.02 : 0.15),\"ks_fitted_p\":0.5,\"ks_standard\":0.03,"
                        + "\"ks_standard_p\":0.4,\"anderson_darling\":0.3,\"shapiro_w\":\(layer == 0 ? 0.998 : 0.8),"
                        + "\"shapiro_p\":0.6}")
            }
        }
        lines("gaussianity.jsonl", records)
        var random = SplitMix64(seed: 42)
        let normal = (0..<Self.probeSize).map { _ in random.normal() }
        let exponential = (0..<Self.probeSize).map { _ in -log(1 - random.uniform()) }
        write(
            "gaussianity-probe.json",
            "{\"step\":100,\"layers\":[{\"layer\":0,\"samples\":\(normal)},{\"layer\":1,\"samples\":\(exponential)}]}")
    }

    /// In the shape `partita export` writes (sorted snake-case keys; sparsity as objects per layer).
    func export() {
        write(
            "export/export.json",
            """
            {"accuracy":{"agreement":0.99,"count":360,"float":0.9611,"float_before_pruning":0.9667,"int8":0.9583,\
            "loss_float":0.12,"loss_int8":0.13,"split":"test"},"activation":"relu",\
            "flash_bytes":{"biases":296,"code":2100,"lookup_tables":0,"multipliers":148,"total":11544,"weights":9000},\
            "format":"partita-export","format_version":1,"input":{"scale":0.05,"zero_point":-3},"macs":9088,\
            "ram_bytes":{"arena":192,"input":64,"output":10,"total":266},\
            "sparsity":[{"inputs":64,"layer":0,"outputs":128,"sparsity":0.5,"zeros":4096},\
            {"inputs":128,"layer":1,"outputs":10,"sparsity":0.8,"zeros":1024}],\
            "settings":{"prefix":"digits_","quantize":"int8"},"sizes":[64,128,10]}

            """)
    }

    /// Every optional part.
    static func complete() -> RunFixture {
        let fixture = RunFixture()
        fixture.writeRunInfo()
        fixture.lines("metrics.jsonl", fixture.trainingMetrics() + fixture.methodMetrics())
        fixture.rankLogs()
        fixture.gaussianity()
        fixture.export()
        return fixture
    }
}

/// A seeded generator (Steele, Lea and Flood's SplitMix64) for fixture samples.
struct SplitMix64 {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func uniform() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform())
    }
}
