/* Test runner for an exported model: reads int8 inputs from a file (RUNNER_INPUTS, or argv[1] on the host),
 * runs <prefix>_invoke on each, and prints one line of int8 outputs per input. On the Cortex-M4 the file
 * is read and the lines are printed through semihosting, so the same runner gives the same text on the
 * host and under qemu-system-arm, and the two can be compared with diff.
 *
 * The input file holds N * INPUT_SIZE int8 values, sample after sample, nothing else. */
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
#else
int main(int argc, char **argv)
{
    const char *path = argc > 1 ? argv[1] : RUNNER_INPUTS;
#endif
    FILE *file = fopen(path, "rb");
    if (!file) {
        printf("runner: cannot open %s\n", path);
        return 2;
    }
    static int8_t in[INPUT_SIZE];
    static int8_t out[OUTPUT_SIZE];
    while (fread(in, 1, INPUT_SIZE, file) == INPUT_SIZE) {
        INVOKE(in, out);
        for (int i = 0; i < OUTPUT_SIZE; i++) printf(i == 0 ? "%d" : " %d", out[i]);
        printf("\n");
    }
    fclose(file);
    return 0;
}
