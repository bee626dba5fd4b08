#!/bin/sh
# The microcontroller-export benchmark (issue 8), for the digits MLP 64-128-64-10 and a Fashion-MNIST
# MLP 784-256-128-10:
#   1. flash and RAM against the weight bytes (arm-none-eabi-size -A of model.o for a Cortex-M4);
#   2. instructions per inference of the emitted kernel against TFLite Micro's naive loop
#      (`partita export --kernel reference`): on the host build (valgrind --tool=callgrind, 100 inputs) and
#      on the Cortex-M4 build (QEMU mps2-an386 in single-step mode, every executed instruction traced);
#   3. accuracy: float, int8, and after pruning (50% of hidden units, or 80% of weights) with fine-tuning.
#
#   swift build -c release && deploy/benchmarks/export.sh [WORKDIR]
#
# Needs gcc, arm-none-eabi-gcc + newlib, qemu-system-arm, valgrind, python3 (deploy/install-deps --test,
# plus valgrind). Takes about 10 minutes, mostly training Fashion-MNIST.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
partita=${PARTITA:-$root/.build/release/partita}
work=${1:-/tmp/partita-export-bench}
mkdir -p "$work"
cd "$work"

train() { # name, extra --set arguments
    name=$1
    shift
    [ -e "runs/$name/checkpoints/latest" ] || "$partita" train --set run.dir=runs --set run.name="$name" --plain "$@" >/dev/null
}
train digits
train fashion --set data.name=fashion-mnist --set model.hidden=[256,128] --set train.epochs=10 --set data.batch_size=128

export_model() { # model, output, flags...
    model=$1
    output=$2
    shift 2
    rm -rf "$output"
    "$partita" export "runs/$model/checkpoints/latest" -o "$output" "$@" 2>/dev/null | grep -E "accuracy|flash|ram"
}

# Fixed pseudo-random int8 inputs (the instruction counts barely depend on the values).
python3 -c "
import random
random.seed(8)
for n in (64, 784):
    open('inputs-%d.bin' % n, 'wb').write(bytes(random.randrange(256) for _ in range(100 * n)))
    open('input-%d.bin' % n, 'wb').write(bytes(random.randrange(256) for _ in range(n)))
"

for model in digits fashion; do
    [ "$model" = digits ] && n=64 || n=784
    [ "$model" = digits ] && epochs=10 || epochs=3
    echo "== $model"
    for kernel in folded reference; do
        echo "-- kernel $kernel"
        export_model "$model" "$model-$kernel" --kernel "$kernel"
        make -s -C "$root/deploy/mcu" MODEL="$work/$model-$kernel" BUILD="$work/build-$model-$kernel" size |
            awk '/model.o/ {o=1} /model.elf/ {o=0} o && /^\.(text|rodata|bss|data)\./ {print "   ", $1, $2}'
        make -s -C "$root/deploy/mcu" MODEL="$work/$model-$kernel" BUILD="$work/build-$model-$kernel" \
            "$work/build-$model-$kernel/host-runner"
        valgrind --tool=callgrind --callgrind-out-file="callgrind-$model-$kernel.out" --toggle-collect=model_invoke \
            "build-$model-$kernel/host-runner" "inputs-$n.bin" >/dev/null 2>&1
        ir=$(awk '/^totals:/ {print $2}' "callgrind-$model-$kernel.out")
        echo "    host (x86-64 gcc -O2): $((ir / 100)) instructions per inference (callgrind, 100 inputs)"
        make -s -C "$root/deploy/mcu" MODEL="$work/$model-$kernel" INPUTS="$work/input-$n.bin" \
            BUILD="$work/trace-$model-$kernel" all
        qemu-system-arm -M mps2-an386 -cpu cortex-m4 -nographic -monitor none -serial none \
            -semihosting-config enable=on,target=native -singlestep -d exec,nochain -D "trace-$model-$kernel.log" \
            -kernel "trace-$model-$kernel/model.elf" >/dev/null
        m4=$(grep -cE '\] model_(invoke|fully_connected|requantize)' "trace-$model-$kernel.log")
        rm -f "trace-$model-$kernel.log"
        echo "    Cortex-M4 (arm-none-eabi-gcc -O2): $m4 instructions per inference (QEMU single-step trace)"
    done
    echo "-- pruned: 50% of the hidden units, $epochs fine-tuning epochs"
    export_model "$model" "$model-units" --prune units=0.5 --fine-tune-epochs "$epochs"
    echo "-- pruned: 80% of the weights, $epochs fine-tuning epochs"
    export_model "$model" "$model-sparse" --prune sparsity=0.8 --fine-tune-epochs "$epochs"
done
