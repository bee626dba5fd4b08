import Configuration
import Foundation
import Testing
import Training

/// The config loader: defaults, YAML, `--set`, and one precise error per kind of mistake.
@Suite struct ConfigTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("partita-config-\(UUID()).yaml").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func error(_ body: () throws -> Void) -> ConfigError? {
        do {
            try body()
            return nil
        } catch let error as ConfigError {
            return error
        } catch {
            Issue.record("unexpected error \(error)")
            return nil
        }
    }

    @Test func defaultsFillEveryKeyAndPassTheirOwnTypes() throws {
        let config = try ConfigLoader.load(path: nil)
        for key in ConfigSchema.partita.allKeys {
            #expect(config.values[key.path] == key.defaultValue)
        }
        // The resolved YAML reads back to the same config (what run directories and checkpoints rely on).
        let path = try write(config.yaml)
        #expect(try ConfigLoader.load(path: path) == config)
    }

    @Test func fileAndOverridesApplyInOrder() throws {
        let path = try write(
            """
            # a comment
            optimizer:
              name: adam
              lr: 0.01
            model:
              hidden: [32, 16]
              bias: false
            data:
            """)
        let config = try ConfigLoader.load(path: path, overrides: ["optimizer.lr=3e-4", "model.hidden=64"])
        #expect(config.string("optimizer.name") == "adam")
        #expect(config.number("optimizer.lr") == 3e-4)
        #expect(config.integerList("model.hidden") == [64])
        #expect(config.boolean("model.bias") == false)
        #expect(config.integer("train.epochs") == 20)  // untouched default
    }

    @Test func resolvedYAMLRoundTripsEveryChangedValue() throws {
        let config = try ConfigLoader.load(
            path: nil,
            overrides: [
                "run.name=with space: and \"quotes\"", "data.scale=0.00392156862745098", "model.hidden=[]",
                "run.dir=123", "data.label_column=-2",
            ])
        let path = try write(config.yaml)
        #expect(try ConfigLoader.load(path: path) == config)
    }

    @Test func unknownKeyNamesTheKeyTheValidOnesAndASuggestion() throws {
        let path = try write("optimizer:\n  name: sgd\n  lrr: 0.1\n")
        let error = error { _ = try ConfigLoader.load(path: path) }
        #expect(error?.location == "\(path):3")
        #expect(error?.message.contains("unknown key 'optimizer.lrr'") == true)
        #expect(error?.message.contains("valid keys in 'optimizer': name, lr, momentum") == true)
        #expect(error?.message.hasSuffix("did you mean 'lr'?") == true)
    }

    @Test func unknownSection() throws {
        let path = try write("optimiser:\n  lr: 0.1\n")
        let error = error { _ = try ConfigLoader.load(path: path) }
        #expect(
            error?.description == "\(path):1: unknown section 'optimiser' (valid sections: run, data, model, "
                + "optimizer, train, diagnostics, export); did you mean 'optimizer'?")
    }

    @Test func wronglyTypedAndOutOfRangeValues() throws {
        let cases: [(String, String)] = [
            ("optimizer:\n  lr: fast\n", "optimizer.lr must be a number ≥ 0.0, got 'fast'"),
            ("train:\n  epochs: 2.5\n", "train.epochs must be an integer ≥ 1, got '2.5'"),
            ("train:\n  epochs: 0\n", "train.epochs must be an integer ≥ 1, got '0'"),
            ("model:\n  bias: maybe\n", "model.bias must be true or false, got 'maybe'"),
            (
                "model:\n  hidden: [64, wide]\n",
                "model.hidden must be a list of integers ≥ 1, e.g. [128, 64], got a list"
            ),
            ("data:\n  validation: 1.5\n", "data.validation must be a number in [0.0, 0.9], got '1.5'"),
            (
                "optimizer:\n  name: sgdd\n",
                "optimizer.name must be \(ConfigSchema.partita.key("optimizer.name")!.type.phrase), got 'sgdd'; "
                    + "did you mean 'sgd'?"
            ),
            (
                "model:\n  activation: {a: 1}\n",
                "model.activation must be one of relu, tanh, silu, elu, gelu, softplus, "
                    + "sigmoid, identity, weibull-odd, weibull-positive, got a mapping"
            ),
        ]
        for (text, message) in cases {
            let path = try write(text)
            let error = error { _ = try ConfigLoader.load(path: path) }
            #expect(error?.location == "\(path):2")
            #expect(error?.message == message)
        }
    }

    @Test func malformedFiles() throws {
        let notYAML = try write("optimizer:\n  lr: [0.1\n")
        let e1 = error { _ = try ConfigLoader.load(path: notYAML) }
        #expect(e1?.description.hasPrefix(notYAML) == true)
        #expect(e1?.message.contains("not valid YAML") == true)

        let notMapping = try write("- 1\n- 2\n")
        #expect(
            error { _ = try ConfigLoader.load(path: notMapping) }?.message
                == "the config must be a mapping of sections (run:, data:, ...)")

        let duplicate = try write("train:\n  epochs: 2\n  epochs: 3\n")
        #expect(error { _ = try ConfigLoader.load(path: duplicate) }?.description.hasPrefix(duplicate) == true)

        let missing = "/nonexistent/partita.yaml"
        #expect(
            error { _ = try ConfigLoader.load(path: missing) }?.description
                == "/nonexistent/partita.yaml: cannot read the config file (no such file)")

        let empty = try write("")
        #expect(try ConfigLoader.load(path: empty) == ConfigLoader.load(path: nil))
    }

    @Test func badOverrides() {
        #expect(
            error { _ = try ConfigLoader.load(path: nil, overrides: ["optimizer.lr"]) }?.description
                == "--set optimizer.lr: expected section.key=value, e.g. optimizer.lr=0.01")
        #expect(
            error { _ = try ConfigLoader.load(path: nil, overrides: ["lr=0.1"]) }?.message
                == "'lr' is not of the form section.key")
        #expect(
            error { _ = try ConfigLoader.load(path: nil, overrides: ["train.epoch=3"]) }?.message.hasSuffix(
                "did you mean 'epochs'?") == true)
        #expect(
            error { _ = try ConfigLoader.load(path: nil, overrides: ["train.epochs=three"]) }?.description
                == "--set train.epochs=three: train.epochs must be an integer ≥ 1, got 'three'")
    }

    @Test func hashFollowsValues() throws {
        let a = try ConfigLoader.load(path: nil)
        let b = try ConfigLoader.load(path: nil, overrides: ["optimizer.lr=0.05"])  // the default value
        let c = try ConfigLoader.load(path: nil, overrides: ["optimizer.lr=0.06"])
        #expect(a.hash == b.hash)
        #expect(a.hash != c.hash)
    }
}
