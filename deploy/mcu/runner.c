/* Test runner for an exported model: reads int8 inputs from a file (RUNNER_INPUTS, or argv[1] on the host),
 * runs <prefix>_invoke on each, and prints one line of int8 outputs per input. On the Cortex-M4 the file
 * is read and the lines are printed through semihosting, so the same runner gives the same text on the
 * host and under qemu-system-arm, and the two can be compared with diff.
 *
 * The input file holds N * INPUT_SIZE int8 values, sample after sample, nothing else. With an expected file
 * (RUNNER_EXPECTED, or argv[2] on the host: N * OUTPUT_SIZE int8 values, partita export's
 * test_vectors/expected.bin), each output is compared with it and a last line, starting with '#', gives the
 * agreement: "# test vectors: K of N samples equal expected.bin". */
#include <stdint.h>
#include <stdio.h>

#include "model.h"

#ifndef RUNNER_PREFIX
#define RUNNER_PREFIX model
#define RUNNER_MACRO MODEL
#endif
#ifndef RUNNER_INPUTS
#define RUNNER_INPUTS "inputs.bin"
#endif

#define RUNNER_PASTE(a, b) a##b
#define RUNNER_NAME(prefix, suffix) RUNNER_PASTE(prefix, suffix)
#define INVOKE RUNNER_NAME(RUNNER_PREFIX, _invoke)
#define INPUT_SIZE RUNNER_NAME(RUNNER_MACRO, _INPUT_SIZE)
#define OUTPUT_SIZE RUNNER_NAME(RUNNER_MACRO, _OUTPUT_SIZE)

#if defined(__arm__)
int main(void)
{
    const char *path = RUNNER_INPUTS;
#ifdef RUNNER_EXPECTED
    const char *expected_path = RUNNER_EXPECTED;
#else
    const char *expected_path = 0;
#endif
#else
int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : RUNNER_INPUTS;
    const char *expected_path = argc > 2 ? argv[2] : 0;
#endif
    FILE *file = fopen(path, "rb");
    if (!file) {
        printf("runner: cannot open %s\n", path);
        return 2;
    }
    FILE *expected_file = 0;
    if (expected_path && expected_path[0]) {
        expected_file = fopen(expected_path, "rb");
        if (!expected_file) {
            printf("runner: cannot open %s\n", expected_path);
            fclose(file);
            return 2;
        }
    }
    static int8_t in[INPUT_SIZE];
    static int8_t out[OUTPUT_SIZE];
    static int8_t expected[OUTPUT_SIZE];
    long samples = 0, equal = 0;
    while (fread(in, 1, INPUT_SIZE, file) == INPUT_SIZE) {
        INVOKE(in, out);
        for (int i = 0; i < OUTPUT_SIZE; i++) printf(i == 0 ? "%d" : " %d", out[i]);
        printf("\n");
        samples++;
        if (expected_file && fread(expected, 1, OUTPUT_SIZE, expected_file) == OUTPUT_SIZE) {
            int same = 1;
            for (int i = 0; i < OUTPUT_SIZE; i++) same &= out[i] == expected[i];
            equal += same;
        }
    }
    fclose(file);
    if (expected_file) {
        fclose(expected_file);
        printf("# test vectors: %ld of %ld samples equal %s\n", equal, samples, expected_path);
        return equal == samples ? 0 : 1;
    }
    return 0;
}
