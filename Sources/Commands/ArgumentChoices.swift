// The closed choices of the command line. Each is an enum conforming to `ExpressibleByArgument`, so that
// ArgumentParser rejects anything else with a usage error and `--help` lists the values. Where the library
// module that owns the concept has the enum, the conformance is added here (ArgumentParser is imported
// publicly because conformances of public library types are public); the others are defined here, each saying
// which library value it stands for.
public import ArgumentParser
public import Configuration
public import Datasets
public import Diagnostics
public import Methods
public import Networks
public import Training

extension MeanField.WeightLaw: ExpressibleByArgument {}

/// `partita gauss-newton --activation`: the teacher's and the student's activation.
extension TeacherStudent.Activation: ExpressibleByArgument {}

/// `partita bench curvature --partition`.
extension Partition.Kind: ExpressibleByArgument {}

/// `partita curvature --direction`.
extension CheckpointCurvature.Direction: ExpressibleByArgument {}

/// `partita curvature --partition`: what the config's `optimizer.gn_partition` takes.
extension GroupedNewtonSettings.PartitionChoice: ExpressibleByArgument {}

/// `partita bench ddp --allreduce`: how the gradient is summed, as the config's `train.allreduce`.
extension TrainSettings.AllReduce: ExpressibleByArgument {}

/// `partita gauss-newton --method`: the string `MeanFieldStudy.Settings.method` takes (to become
/// `MeanFieldStudy`'s own enum when its settings are typed).
enum MeanFieldStudyMethod: String, CaseIterable, ExpressibleByArgument {
    /// Gauss-Newton.
    case gn
    /// Gradient descent.
    case gd
    /// Fit the output weights v on the initial features only.
    case randomFeatures = "random-features"
}
