"""Runs a .tflite file on int8 samples with a real interpreter and prints one line of int8 outputs per sample.

    run_tflite.py tflm|litert|litert-builtin|litert-reference MODEL.tflite INPUTS.bin [--allocations]

INPUTS.bin holds N samples of the model's input size, int8, one after the other (deploy/mcu's format).
`tflm` is TensorFlow Lite Micro's own interpreter (the tflite-micro package); `litert` is desktop LiteRT as
installed (its default XNNPACK delegate), `litert-builtin` its optimized builtin kernels without delegates,
`litert-reference` its reference kernels (BUILTIN_REF). With --allocations, TFLM's arena report (print_allocations) goes to standard error.
"""

import sys

import numpy as np


def main():
    engine, model_path, inputs_path = sys.argv[1:4]
    with open(model_path, "rb") as f:
        model = f.read()
    if engine == "tflm":
        from tflite_micro.python.tflite_micro import runtime

        interpreter = runtime.Interpreter.from_bytes(model, arena_size=1 << 20)
        details = interpreter.get_input_details(0)
        shape = tuple(details["shape"])

        def run(sample):
            interpreter.set_input(sample.reshape(shape), 0)
            interpreter.invoke()
            return interpreter.get_output(0)

    elif engine in ("litert", "litert-builtin", "litert-reference"):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        resolver = {
            "litert": OpResolverType.AUTO,
            "litert-builtin": OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
            "litert-reference": OpResolverType.BUILTIN_REF,
        }[engine]
        interpreter = Interpreter(model_content=model, experimental_op_resolver_type=resolver)
        interpreter.allocate_tensors()
        details = interpreter.get_input_details()[0]
        shape = tuple(details["shape"])
        output_index = interpreter.get_output_details()[0]["index"]

        def run(sample):
            interpreter.set_tensor(details["index"], sample.reshape(shape))
            interpreter.invoke()
            return interpreter.get_tensor(output_index)

    else:
        raise SystemExit(f"unknown engine {engine}")
    size = int(np.prod(shape))
    data = np.fromfile(inputs_path, dtype=np.int8)
    lines = []
    for start in range(0, len(data) - size + 1, size):
        out = run(data[start : start + size].copy())
        if out.dtype != np.int8:
            raise SystemExit(f"output type {out.dtype}, expected int8")
        lines.append(" ".join(str(int(v)) for v in out.reshape(-1)))
    print("\n".join(lines))
    if engine == "tflm" and "--allocations" in sys.argv:
        interpreter.print_allocations()


if __name__ == "__main__":
    main()
