import Foundation

/// `kling-media-simulator` as its own process on a free port, for end-to-end tests of the CLI.
public final class SimulatorProcess: @unchecked Sendable {
    // Set once in init; `stop` only signals the process.
    public let port: Int
    public let outputDirectory: URL
    private let process: Process

    /// The key the simulator accepts by default.
    public static let key = "SG_5151a7e0c0ffee00"

    public init(arguments: [String] = []) throws {
        outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("kling-sim-\(UUID().uuidString)")
        let binary = URL(fileURLWithPath: KlingMediaBinary.path).deletingLastPathComponent()
            .appendingPathComponent("kling-media-simulator").path
        process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["--port", "0", "--json", "--output-dir", outputDirectory.path] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        // The first line says where it listens.
        let object = try? JSONSerialization.jsonObject(with: Data(pipe.readFirstLine().utf8)) as? [String: Any]
        guard let port = object?["port"] as? Int else {
            process.terminate()
            throw OracleError.failed(path: binary, message: "the simulator did not say where it listens")
        }
        self.port = port
    }

    public var baseURL: String { "http://127.0.0.1:\(port)" }
    public var control: SimulatorControl { SimulatorControl(baseURL: baseURL) }

    public func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: outputDirectory)
    }

    deinit { if process.isRunning { stop() } }
}
