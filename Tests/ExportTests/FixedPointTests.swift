import Export
import Testing

@Suite struct FixedPointTests {}
