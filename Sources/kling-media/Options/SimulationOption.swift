import ArgumentParser

/// `--simulate` for the commands that go on with jobs: they then work with the simulation's jobs
/// (made by `continue --simulate`, or without a key) through the built-in simulator.
struct SimulationOption: ParsableArguments {
    @Flag(help: "Work with the simulation's jobs (made with --simulate, or without a key), not Segmind's.")
    var simulate = false
}
