import Tensors

/// The `StreamKey.dataGeneration` indices of every generator, in one place so no two generators (and no two
/// parts of one generator) ever draw from the same stream. Changing one changes the generated data.
enum GeneratorStream {
    /// `TeacherStudent`: the teacher's parameters `W`, `b`, `v`, in that order.
    static let teacherParameters = 0x100
    /// `TeacherStudent`: the training inputs.
    static let teacherTrainInputs = 0x101
    /// `TeacherStudent`: the test inputs.
    static let teacherTestInputs = 0x102
    /// `SinRegression`: index `k` (0 = train, 1 = test, up to 255) draws from `sinRegression + k`.
    static let sinRegression = 0x200
    /// `GaussianClasses`: the class means.
    static let gaussianMeans = 0x300
    /// `GaussianClasses`: the training samples' noise.
    static let gaussianSamples = 0x301
    /// `GaussianClasses`: the test samples' noise.
    static let gaussianTestSamples = 0x302

    /// A stream for `index` under `seed`.
    static func random(seed: UInt64, index: Int) -> RandomStream {
        RandomStream(seed: seed, key: StreamKey.dataGeneration.with(index: index))
    }
}
