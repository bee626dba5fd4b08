// The closed choices of the command line that are library enums: their `ExpressibleByArgument` conformances
// (each lists its values in `--help`). ArgumentParser is imported publicly because these conformances of
// public library types are themselves public.
public import ArgumentParser
public import Diagnostics

extension MeanField.WeightLaw: ExpressibleByArgument {}
