/* Would sharding the optimizer update (ZeRO stage 1) pay on this machine? It replaces the gradient
 * all-reduce with a reduce-scatter (each rank receives the sum of its shard), an update of that shard only,
 * and an all-gather of the updated parameters. This program times, for Partita's benchmark gradient
 * (1 863 690 floats, MLP 784-1024-1024-10), a blocking MPI_Allreduce against MPI_Reduce_scatter_block
 * followed by MPI_Allgather, alternating, between barriers; it prints the medians over 41 rounds.
 * Run by deploy/benchmarks/sharded-update.sh. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    int rank, size;
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    enum { rounds = 41 };
    int count = 1863690 - 1863690 % size, shard = count / size;
    float *gradient = malloc(sizeof(float) * count), *gathered = malloc(sizeof(float) * count);
    float *mine = malloc(sizeof(float) * shard);
    for (int i = 0; i < count; i++) gradient[i] = (float)(i % 7);
    double allReduce[rounds], scatterGather[rounds];
    for (int k = 0; k < rounds; k++) {
        MPI_Barrier(MPI_COMM_WORLD);
        double start = MPI_Wtime();
        MPI_Allreduce(MPI_IN_PLACE, gradient, count, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        allReduce[k] = MPI_Wtime() - start;
        MPI_Barrier(MPI_COMM_WORLD);
        start = MPI_Wtime();
        MPI_Reduce_scatter_block(gradient, mine, shard, MPI_FLOAT, MPI_SUM, MPI_COMM_WORLD);
        MPI_Allgather(mine, shard, MPI_FLOAT, gathered, shard, MPI_FLOAT, MPI_COMM_WORLD);
        scatterGather[k] = MPI_Wtime() - start;
    }
    qsort(allReduce, rounds, sizeof(double), compare);
    qsort(scatterGather, rounds, sizeof(double), compare);
    if (rank == 0)
        printf("%d ranks, %d floats: MPI_Allreduce %.3f ms, MPI_Reduce_scatter_block + MPI_Allgather %.3f ms\n",
               size, count, 1e3 * allReduce[rounds / 2], 1e3 * scatterGather[rounds / 2]);
    free(gradient), free(gathered), free(mine);
    MPI_Finalize();
    return 0;
}
