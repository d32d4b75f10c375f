import Foundation
import Simulator

import HTTP
import Segmind
import Uploader

/// An in-process simulator per test, on a free port, with a client pointed at it that retries
/// quickly (tests must not wait out real backoffs).
public struct SimulatorHarness: Sendable {
    public static let key = "SG_0123456789abcdef"

    public let simulator: RunningSimulator
    public let client: SegmindClient
    public let control: SimulatorControl
    public let outputDirectory: URL

    public static func with<T>(_ adjust: (inout SimulatorConfiguration) -> Void = { _ in },
                        budget: RequestBudget = RequestBudget(requestsPerWindow: 10_000, learns: false),
                        _ body: (SimulatorHarness) async throws -> T) async throws -> T {
        try await InProcessSimulator.with(key: key, queueSeconds: 0.2, latency: 0.6, adjust) { simulator, directory in
            let client = SegmindClient(
                configuration: SegmindConfiguration(apiKey: APIKey(key), apiBase: simulator.baseURL),
                retry: RetryPolicy(maxAttempts: 6, baseDelay: 0.05, maxDelay: 0.4), budget: budget)
            return try await body(SimulatorHarness(simulator: simulator, client: client,
                                                   control: SimulatorControl(baseURL: simulator.baseURL), outputDirectory: directory))
        }
    }

    /// Segmind Storage on this simulator, with the same key.
    public var storage: SegmindStorage {
        SegmindStorage(configuration: SegmindConfiguration(apiKey: APIKey(Self.key), apiBase: simulator.baseURL,
                                                           uploadURL: simulator.baseURL + "/upload-asset"),
                       retry: RetryPolicy(maxAttempts: 4, baseDelay: 0.05, maxDelay: 0.2))
    }

    public static let request = KlingRequest(prompt: "Based on @Video1, generate the next shot",
                                      videoURL: "https://example.com/shot.mp4")
}
