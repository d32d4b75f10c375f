import Foundation
import Simulator

/// The Segmind simulator inside the test process, on a free port, with a temporary folder (its
/// outputs and uploads, and whatever else the test puts there), stopped and removed however the test ends.
public enum InProcessSimulator {
    public static func with<T>(key: String, queueSeconds: Double, latency: Double,
                               _ adjust: (inout SimulatorConfiguration) -> Void,
                               _ body: (RunningSimulator, URL) async throws -> T) async throws -> T {
        let folder = Scratch.temporary.appendingPathComponent("kling-sim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var configuration = SimulatorConfiguration(apiKey: key, queueSeconds: queueSeconds, latency: latency,
                                                   outputDirectory: folder.path)
        // Many jobs per test: the shared pattern, unless a test asks for the continuation look.
        configuration.look = .pattern
        adjust(&configuration)
        let simulator = try await SegmindSimulator.start(configuration)
        do {
            let result = try await body(simulator, folder)
            await simulator.stop()
            return result
        } catch {
            await simulator.stop()
            throw error
        }
    }
}
