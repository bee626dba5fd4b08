"""Compares interpreters on an export's test vectors: how many int8 outputs of model.tflite differ from
test_vectors/expected.bin (Partita's C and Swift integer reference), and by how much.

    compare_tflite.py EXPORT_DIR [EXPORT_DIR ...]

For each directory, prints one line per engine: TFLite Micro (the tflite-micro package), LiteRT as
installed (XNNPACK delegate), LiteRT's builtin optimized kernels, LiteRT's reference kernels; then TFLite
Micro's arena report (print_allocations) on standard error.
"""

import json
import os
import sys

import numpy as np


def engines(model):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    from tflite_micro.python.tflite_micro import runtime

    micro = runtime.Interpreter.from_bytes(model, arena_size=1 << 20)
    shape = tuple(micro.get_input_details(0)["shape"])

    def run_micro(sample):
        micro.set_input(sample.reshape(shape), 0)
        micro.invoke()
        return micro.get_output(0).reshape(-1)

    yield "tflite-micro", run_micro, micro
    for name, resolver in [
        ("litert (xnnpack)", OpResolverType.AUTO),
        ("litert builtin", OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES),
        ("litert reference", OpResolverType.BUILTIN_REF),
    ]:
        interpreter = Interpreter(model_content=model, experimental_op_resolver_type=resolver)
        try:
            interpreter.allocate_tensors()
        except RuntimeError as error:
            yield name, str(error).split("\n")[0], None
            continue
        details = interpreter.get_input_details()[0]
        output = interpreter.get_output_details()[0]["index"]

        def run(sample, interpreter=interpreter, details=details, output=output):
            interpreter.set_tensor(details["index"], sample.reshape(details["shape"]))
            interpreter.invoke()
            return interpreter.get_tensor(output).reshape(-1)

        yield name, run, None


def main():
    for directory in sys.argv[1:]:
        with open(os.path.join(directory, "model.tflite"), "rb") as f:
            model = f.read()
        inputs = np.fromfile(os.path.join(directory, "test_vectors/inputs.bin"), dtype=np.int8)
        expected = np.fromfile(os.path.join(directory, "test_vectors/expected.bin"), dtype=np.int8)
        with open(os.path.join(directory, "export.json")) as f:
            report = json.load(f)
        n_in, n_out = report["sizes"][0], report["sizes"][-1]
        samples = inputs.size // n_in
        want = expected.reshape(samples, n_out).astype(np.int32)
        for name, run, micro in engines(model):
            if isinstance(run, str):
                print(f"{directory}: {name}: cannot run the file: {run}")
                continue
            got = np.stack([run(inputs[i * n_in : (i + 1) * n_in].copy()) for i in range(samples)]).astype(np.int32)
            diff = np.abs(got - want)
            print(
                f"{directory}: {name}: {np.count_nonzero(diff)} of {diff.size} outputs differ "
                f"({100.0 * np.count_nonzero(diff) / diff.size:.2f}%), max |diff| {diff.max()}, "
                f"{np.count_nonzero(diff.max(axis=1))} of {samples} samples; argmax differs on "
                f"{np.count_nonzero(got.argmax(axis=1) != want.argmax(axis=1))}"
            )
            if micro is not None:
                sys.stdout.flush()
                micro.print_allocations()
                sys.stderr.flush()


if __name__ == "__main__":
    main()
