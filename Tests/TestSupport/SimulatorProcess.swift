import Foundation

/// `kling-media-simulator` as its own process on a free port, for end-to-end tests of the CLI.
public final class SimulatorProcess: @unchecked Sendable {
    // Set once in init; `stop` only signals the process.
    public let port: Int
    public let outputDirectory: URL
    private let process: Process

    /// The key the simulator accepts by default.
    public static let key = "SG_5151a7e0c0ffee00"

    /// Starts it and returns once it listens. It watches its standard input, whose other end only
    /// this process holds: when the test process ends, however it ends, the simulator ends too.
    public init(arguments: [String] = []) async throws {
        outputDirectory = Scratch.temporary.appendingPathComponent("kling-sim-\(UUID().uuidString)")
        let binary = URL(fileURLWithPath: KlingMediaBinary.path).deletingLastPathComponent()
            .appendingPathComponent("kling-media-simulator").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0", "--json", "--exit-with-stdin", "--output-dir", outputDirectory.path, "--look", "pattern"] + arguments
        let output = Pipe()
        lifeline = Pipe()
        process.standardInput = lifeline
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens.
        let object = try? JSONSerialization.jsonObject(with: Data(await output.firstLine().utf8)) as? [String: Any]
        guard let port = object?["port"] as? Int else {
            kill(process.processIdentifier, SIGKILL)
            throw OracleError.failed(path: binary, message: "the simulator did not say where it listens")
        }
        self.port = port
    }

    /// Its standard input: held open here, closed by the system when this process ends.
    private let lifeline: Pipe

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var control: SimulatorControl { SimulatorControl(baseURL: baseURL) }

    /// SIGKILL, without waiting (Foundation reaps it): a test server needs no goodbye, and under
    /// the test runner a child may inherit SIGTERM ignored.
    public func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputDirectory)
    }

    deinit { stop() }
}
