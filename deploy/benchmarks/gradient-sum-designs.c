/* Which way of summing the gradient over the ranks of one host is cheapest? For Partita's benchmark
 * gradient (1 863 690 floats, MLP 784-1024-1024-10) and an SGD-with-momentum update, this program times
 * four designs side by side, each from the write of the gradient (as backward writes it) to the updated
 * parameters, between barriers, in alternating rounds, and prints the medians:
 *
 *   A  MPI_Allreduce of a private gradient, then the update
 *   B  gradient written into an MPI-3 shared window, summed chunk-wise, copied out, then the update
 *   C  as B, but the update reads the shared sum in place (what Partita does: HostSharedSum)
 *   D  as C, fused with an update sharded over the ranks, parameters all-gathered through the window
 *
 * The sums are checked against each other. Run by deploy/benchmarks/gradient-sum-designs.sh. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COUNT 1863690
#define ROUNDS 21

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *values, int n) {
    qsort(values, n, sizeof(double), compare);
    return values[n / 2];
}

static void sgd(float *restrict theta, float *restrict velocity, const float *restrict g, size_t lo, size_t hi) {
    for (size_t i = lo; i < hi; i++) {
        velocity[i] = 0.9f * velocity[i] + g[i];
        theta[i] -= 1e-4f * velocity[i];
    }
}

static void fill(float *g, int rank, int round) {
    for (size_t i = 0; i < COUNT; i++) g[i] = (float)((i + round) % 7) + rank;
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm host;
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &host);
    int rank, size;
    MPI_Comm_rank(host, &rank);
    MPI_Comm_size(host, &size);

    /* Window: one slot per rank, the sum, and the shared parameters (design D). */
    float *mine, *base;
    MPI_Win window;
    MPI_Aint bytes = rank == 0 ? (MPI_Aint)COUNT * sizeof(float) * (size + 2) : 0;
    MPI_Win_allocate_shared(bytes, sizeof(float), MPI_INFO_NULL, host, &mine, &window);
    MPI_Aint window_size;
    int unit;
    MPI_Win_shared_query(window, 0, &window_size, &unit, &base);
    MPI_Win_lock_all(MPI_MODE_NOCHECK, window);
    float *slot = base + (size_t)rank * COUNT, *sum = base + (size_t)size * COUNT;
    float *shared_theta = base + (size_t)(size + 1) * COUNT;
    float *theta = calloc(COUNT, sizeof(float)), *velocity = calloc(COUNT, sizeof(float));
    float *gradient = calloc(COUNT, sizeof(float)), *check = calloc(COUNT, sizeof(float));
    size_t share = (COUNT + size - 1) / size, lo = rank * share, hi = lo + share > COUNT ? COUNT : lo + share;

#define SYNC() (MPI_Win_sync(window), MPI_Barrier(host), MPI_Win_sync(window))
#define ADD_CHUNK(target)                                                   \
    for (size_t i = lo; i < hi; i++) {                                      \
        float s = base[i];                                                  \
        for (int r = 1; r < size; r++) s += base[(size_t)r * COUNT + i];    \
        target;                                                             \
    }

    double times[4][ROUNDS];
    int mismatches = 0;
    for (int round = 0; round < ROUNDS; round++) {
        double start;
        /* A */
        MPI_Barrier(host);
        start = MPI_Wtime();
        fill(gradient, rank, round);
        MPI_Allreduce(MPI_IN_PLACE, gradient, COUNT, MPI_FLOAT, MPI_SUM, host);
        sgd(theta, velocity, gradient, 0, COUNT);
        MPI_Barrier(host);
        times[0][round] = MPI_Wtime() - start;
        memcpy(check, gradient, COUNT * sizeof(float));
        /* B */
        MPI_Barrier(host);
        start = MPI_Wtime();
        fill(slot, rank, round);
        SYNC();
        ADD_CHUNK(sum[i] = s);
        SYNC();
        memcpy(gradient, sum, COUNT * sizeof(float));
        sgd(theta, velocity, gradient, 0, COUNT);
        MPI_Barrier(host);
        times[1][round] = MPI_Wtime() - start;
        mismatches += memcmp(gradient, check, COUNT * sizeof(float)) != 0;
        /* C */
        MPI_Barrier(host);
        start = MPI_Wtime();
        fill(slot, rank, round);
        SYNC();
        ADD_CHUNK(sum[i] = s);
        SYNC();
        sgd(theta, velocity, sum, 0, COUNT);
        MPI_Barrier(host);
        times[2][round] = MPI_Wtime() - start;
        mismatches += memcmp(sum, check, COUNT * sizeof(float)) != 0;
        /* D */
        MPI_Barrier(host);
        start = MPI_Wtime();
        fill(slot, rank, round);
        SYNC();
        ADD_CHUNK(velocity[i] = 0.9f * velocity[i] + s; theta[i] -= 1e-4f * velocity[i]; shared_theta[i] = theta[i]);
        SYNC();
        for (int r = 0; r < size; r++) {
            if (r == rank) continue;
            size_t l = r * share, h = l + share > COUNT ? COUNT : l + share;
            memcpy(theta + l, shared_theta + l, (h - l) * sizeof(float));
        }
        MPI_Barrier(host);
        times[3][round] = MPI_Wtime() - start;
    }
    if (rank == 0) {
        printf("%d ranks, %d floats, median of %d rounds (gradient write + sum + SGD update):\n", size, COUNT, ROUNDS);
        printf("A MPI_Allreduce + update                 %.3f ms\n", 1e3 * median(times[0], ROUNDS));
        printf("B shared sum, copied out, + update       %.3f ms\n", 1e3 * median(times[1], ROUNDS));
        printf("C shared sum read in place by the update %.3f ms\n", 1e3 * median(times[2], ROUNDS));
        printf("D shared sum fused with a sharded update %.3f ms\n", 1e3 * median(times[3], ROUNDS));
        printf("sums equal to MPI_Allreduce's: %s\n", mismatches == 0 ? "yes" : "NO");
    }
    MPI_Win_unlock_all(window);
    MPI_Win_free(&window);
    MPI_Finalize();
    return mismatches != 0;
}
