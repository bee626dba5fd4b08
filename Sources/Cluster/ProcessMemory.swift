import Foundation

/// This process's memory, from Linux's `/proc/self`: for the per-rank memory figures in the run logs.
public enum ProcessMemory {
    /// Peak resident set size in bytes (`VmHWM`): every page this process has had in memory at once,
    /// counting shared pages (a memory-mapped data set) in full.
    public static var peakResidentBytes: Int? { statusField("VmHWM") }

    /// Current proportional set size in bytes (`Pss` of smaps_rollup): shared pages divided among the
    /// processes that map them, so the sum over the ranks of a host is what they really occupy.
    public static var proportionalBytes: Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/smaps_rollup", encoding: .utf8) else { return nil }
        return field("Pss", in: text)
    }

    static func statusField(_ name: String) -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        return field(name, in: text)
    }

    /// `name:   1234 kB` → 1234·1024.
    static func field(_ name: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + ":") {
            let words = line.dropFirst(name.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard let value = words.first.flatMap({ Int($0) }) else { return nil }
            return words.count > 1 && words[1] == "kB" ? value * 1024 : value
        }
        return nil
    }
}
