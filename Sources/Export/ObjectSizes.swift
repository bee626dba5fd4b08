import Foundation

/// The sizes of a compiled `model.o`, per kind, read from `arm-none-eabi-size -A` (or GNU `size -A`).
///
/// Built with `-ffunction-sections -fdata-sections`, every function and array of `model.c` gets a section
/// of its own (`.text.<prefix>_invoke`, `.rodata.<prefix>_w0`, `.bss.<prefix>_arena`), so the sections say
/// exactly what each part costs. Flash is `.text + .rodata + .data`, RAM `.data + .bss` (emlearn's
/// convention); the stack is not included.
public struct ObjectSizes: Sendable, Equatable, Codable {
    public var code = 0
    public var weights = 0
    public var biases = 0
    public var multipliers = 0
    public var lookupTables = 0
    /// Read-only data that is none of the above (string literals, compiler constants).
    public var otherConstants = 0
    public var data = 0
    public var bss = 0

    public init() {}

    public var flash: Int { code + weights + biases + multipliers + lookupTables + otherConstants + data }
    public var ram: Int { data + bss }

    /// Parses the output of `size -A model.o` for an object emitted with `prefix`.
    public init(sizeOutput: String, prefix: String) {
        for line in sizeOutput.split(separator: "\n") {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let size = Int(fields[1]), fields[0].hasPrefix(".") else { continue }
            let name = String(fields[0])
            if name.hasPrefix(".text") {
                code += size
            } else if name.hasPrefix(".rodata") {
                switch Self.arrayKind(name.dropFirst(".rodata.".count), prefix: prefix) {
                case "w": weights += size
                case "b": biases += size
                case "m", "s": multipliers += size
                case "t": lookupTables += size
                default: otherConstants += size
                }
            } else if name.hasPrefix(".data") {
                data += size
            } else if name.hasPrefix(".bss") {
                bss += size
            }
        }
    }

    /// `w` for `<prefix>_w12`, and so on; nil for any other name.
    static func arrayKind(_ symbol: Substring, prefix: String) -> String? {
        guard symbol.hasPrefix(prefix + "_") else { return nil }
        let rest = symbol.dropFirst(prefix.count + 1)
        guard let kind = rest.first, rest.count >= 2, rest.dropFirst().allSatisfy(\.isNumber) else { return nil }
        return String(kind)
    }

    /// The Cortex-M4 flags used to measure code size; the same as `deploy/mcu/Makefile`'s.
    public static let cortexM4Flags = [
        "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-O2", "-std=c99",
        "-ffunction-sections", "-fdata-sections",
    ]

    /// Compiles `model.c` in `directory` with `arm-none-eabi-gcc` and measures it with `arm-none-eabi-size -A`.
    /// Returns nil when the cross compiler is not installed; throws when it fails.
    public static func measureCortexM4(directory: String, prefix: String) throws(ExportError) -> ObjectSizes? {
        guard let gcc = Self.executable(named: "arm-none-eabi-gcc"),
            let size = Self.executable(named: "arm-none-eabi-size")
        else { return nil }
        let object = directory + "/.size-probe-\(UUID().uuidString).o"
        defer { try? FileManager.default.removeItem(atPath: object) }
        _ = try run(gcc, cortexM4Flags + ["-c", directory + "/model.c", "-o", object])
        return ObjectSizes(sizeOutput: try run(size, ["-A", object]), prefix: prefix)
    }

    /// `arm-none-eabi-gcc --version`'s first line, for the record.
    public static var cortexM4CompilerVersion: String? {
        guard let gcc = executable(named: "arm-none-eabi-gcc"), let text = try? run(gcc, ["--version"]) else {
            return nil
        }
        return text.split(separator: "\n").first.map(String.init)
    }

    /// The first executable called `name` on `PATH`.
    public static func executable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs a tool to completion; its standard output, or an error with its standard error.
    static func run(_ executable: String, _ arguments: [String]) throws(ExportError) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do {
            try process.run()
        } catch {
            throw .toolFailed(tool: executable, message: "\(error)")
        }
        nonisolated(unsafe) var errorData = Data()
        let reader = Thread { errorData = errors.fileHandleForReading.readDataToEndOfFile() }
        reader.start()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !reader.isFinished { usleep(1000) }
        guard process.terminationStatus == 0 else {
            let message = String(decoding: errorData, as: UTF8.self).split(separator: "\n").first.map(String.init)
            throw .toolFailed(
                tool: URL(fileURLWithPath: executable).lastPathComponent,
                message: message ?? "exit status \(process.terminationStatus)")
        }
        return String(decoding: outputData, as: UTF8.self)
    }
}
