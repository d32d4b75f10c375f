import Support
import ArgumentParser

/// `kling-media simulator …` runs `kling-media-simulator …`, installed beside this binary. The
/// simulator is its own executable because its HTTP server links full Foundation, which would
/// slow every start of this one.
struct SimulatorForwarding: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulator",
        abstract: "Serve a local stand-in for Segmind's Kling O1 API on 127.0.0.1 (no API key needed)."
    )

    /// Everything after `simulator`, --help included, belongs to the simulator.
    @Argument(parsing: .captureForPassthrough) var arguments: [String] = []

    func run() throws {
        let path = Self.simulatorPath
        guard access(path, X_OK) == 0 else {
            Terminal.printError("kling-media: \(path) is missing; build or install it beside kling-media (scripts/install does)")
            throw ExitStatus.unusable.code
        }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        execv(path, argv)
        Terminal.printError("kling-media: cannot run \(path): \(SystemCalls.lastError)")
        throw ExitStatus.unusable.code
    }

    static var simulatorPath: String {
        URL(fileURLWithPath: ThisProcess.executablePath).deletingLastPathComponent().appendingPathComponent("kling-media-simulator").path
    }
}
