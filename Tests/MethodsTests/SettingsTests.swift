import Configuration
import Export
import Methods
import Testing

/// The typed settings cover the schema: every key is read by some settings struct, and every closed choice's
/// enum has exactly the schema's words. The reference is the schema itself (`ConfigSchema.partita`), which also
/// drives parsing and docs/configuration.md.
@Suite struct SettingsTests {
    /// Every settings struct decoded from `config`.
    struct Everything: Equatable {
        let settings: Settings
        let alrao: AlraoSettings
        let groupedNewton: GroupedNewtonSettings
        let gaussNewton: GaussNewtonSettings
        let variational: VariationalSettings

        init(_ config: ResolvedConfig) throws {
            settings = try config.typed()
            alrao = try config.settings(AlraoSettings.self, section: "optimizer")
            groupedNewton = try config.settings(GroupedNewtonSettings.self, section: "optimizer")
            gaussNewton = try config.settings(GaussNewtonSettings.self, section: "optimizer")
            variational = try config.settings(VariationalSettings.self, section: "optimizer")
        }
    }

    /// Another valid value of `key` than its default (within its range or choices).
    static func otherValue(_ key: ConfigKey) -> String? {
        switch (key.type, key.defaultValue) {
        case (.integer(let range), .integer(let value)):
            return range.contains(value + 1) ? "\(value + 1)" : range.contains(value - 1) ? "\(value - 1)" : nil
        case (.number(let range), let value):
            let current: Double =
                switch value {
                case .number(let v): v
                case .integer(let v): Double(v)
                default: 0
                }
            let candidates = [current / 2, current + 0.001, range.lowerBound, range.upperBound]
            return candidates.first { range.contains($0) && $0 != current && $0.isFinite }.map { "\($0)" }
        case (.boolean, .boolean(let value)):
            return value ? "false" : "true"
        case (.choice(let words), .string(let value)):
            return words.first { $0 != value }
        case (.string, _):
            return "x"
        case (.integerList(let range, _), .integerList(let value)):
            return "[" + (value + [range.lowerBound]).map(String.init).joined(separator: ", ") + "]"
        case (.stringList, .stringList(let value)):
            return "[" + (value + ["flatten"]).joined(separator: ", ") + "]"
        default:
            return nil
        }
    }

    @Test func everyKeyReachesATypedSetting() throws {
        let defaults = try Everything(ResolvedConfig())
        var unread = [String]()
        for key in ConfigSchema.partita.allKeys {
            let value = try #require(Self.otherValue(key), "no other value for \(key.path)")
            var config = ResolvedConfig()
            // The combination check would reject some single changes (a Weibull θ); the decoding does not run it.
            try ConfigLoader.apply(overrides: ["\(key.path)=\(value)"], to: &config)
            if try Everything(config) == defaults { unread.append(key.path) }
        }
        #expect(unread.isEmpty, "keys no settings struct reads: \(unread)")
    }

    /// The words of the schema's choice `path`.
    static func choices(_ path: String) throws -> [String] {
        let key = try #require(ConfigSchema.partita.key(path))
        guard case .choice(let words) = key.type else {
            Issue.record("\(path) is not a choice")
            return []
        }
        return words.sorted()
    }

    @Test func choiceEnumsHaveTheSchemasWords() throws {
        func words<E: CaseIterable & RawRepresentable>(_ type: E.Type) -> [String] where E.RawValue == String {
            E.allCases.map(\.rawValue).sorted()
        }
        #expect(try Self.choices("data.name") == words(DataSettings.Source.self))
        #expect(try Self.choices("data.normalize") == words(DataSettings.Normalize.self))
        #expect(try Self.choices("data.header") == words(DataSettings.Header.self))
        #expect(try Self.choices("data.task") == words(DataSettings.TaskChoice.self))
        #expect(try Self.choices("data.teacher_activation") == words(DataSettings.TeacherActivation.self))
        #expect(try Self.choices("model.init") == words(ModelSettings.InitializationChoice.self))
        #expect(try Self.choices("model.dtype") == words(ModelSettings.DType.self))
        #expect(try Self.choices("model.loss") == words(ModelSettings.LossChoice.self))
        #expect(try Self.choices("optimizer.name") == words(OptimizerSettings.Method.self))
        #expect(try Self.choices("optimizer.schedule") == words(OptimizerSettings.Schedule.self))
        #expect(try Self.choices("optimizer.alrao_body") == words(OptimizerSettings.FirstOrder.self))
        #expect(try Self.choices("optimizer.vi_optimizer") == words(OptimizerSettings.FirstOrder.self))
        #expect(try Self.choices("optimizer.gn_partition") == words(GroupedNewtonSettings.PartitionChoice.self))
        #expect(try Self.choices("optimizer.gn_direction") == words(GroupedNewtonSettings.DirectionChoice.self))
        #expect(try Self.choices("optimizer.vi_prior") == words(VariationalSettings.PriorChoice.self))
        #expect(try Self.choices("train.allreduce") == words(TrainSettings.AllReduce.self))
        #expect(try Self.choices("export.prune_scope") == words(PruningScope.self))
    }

    @Test func aKeyOfTheWrongTypeIsAConfigErrorNamingIt() throws {
        struct Wrong: Decodable {
            let lr: Int  // a number in the schema
        }
        let error = #expect(throws: ConfigError.self) {
            try ResolvedConfig().settings(Wrong.self, section: "optimizer")
        }
        #expect(error?.location == "optimizer.lr")
    }
}
