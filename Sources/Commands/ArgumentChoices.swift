// The closed choices of the command line. Each is an enum conforming to `ExpressibleByArgument`, so that
// ArgumentParser rejects anything else with a usage error and `--help` lists the values. Where the library
// module that owns the concept has the enum, the conformance is added here (ArgumentParser is imported
// publicly because conformances of public library types are public); the others are defined here, each saying
// which library value it stands for.
public import ArgumentParser
public import Datasets
public import Diagnostics
public import Networks
public import Training

extension MeanField.WeightLaw: ExpressibleByArgument {}

/// `partita gauss-newton --activation`: the teacher's and the student's activation.
extension TeacherStudent.Activation: ExpressibleByArgument {}

/// `partita bench curvature --partition`.
extension Partition.Kind: ExpressibleByArgument {}

/// `partita curvature --direction`.
extension CheckpointCurvature.Direction: ExpressibleByArgument {}

/// `partita gauss-newton --method`: the string `MeanFieldStudy.Settings.method` takes.
enum MeanFieldStudyMethod: String, CaseIterable, ExpressibleByArgument {
    /// Gauss-Newton.
    case gn
    /// Gradient descent.
    case gd
    /// Fit the output weights v on the initial features only.
    case randomFeatures = "random-features"
}

/// `partita curvature --partition`: a `Partition.Kind`, or `groups` (with `--groups`); the string
/// `CheckpointCurvature.run` takes.
enum CurvaturePartition: String, CaseIterable, ExpressibleByArgument {
    case tensor, layer, trivial
    case weightsBiases = "weights-biases"
    case groups
}

/// `partita bench ddp --allreduce`: how the gradient is summed, as the config's `train.allreduce`.
enum GradientSumArgument: String, CaseIterable, ExpressibleByArgument {
    /// Through memory the ranks of a host share (`SharedSum`).
    case sharedMemory = "shared-memory"
    /// With MPI all-reduces.
    case mpi
}
