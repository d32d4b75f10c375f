import Hummingbird
import Logging
import Synchronization

/// A running simulator: where it listens, and how to stop it.
public final class RunningSimulator: Sendable {
    public let port: Int
    private let task: Task<Void, any Error>

    init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = task
    }

    /// The API base, as `SEGMIND_API_BASE` takes it.
    public var baseURL: String { "http://127.0.0.1:\(port)" }

    public func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}

/// A local stand-in for Segmind's serverless API for Kling O1 video-to-video reference, on
/// 127.0.0.1: the built-in default when no API key is set, and the server the tests talk to.
public enum SegmindSimulator {
    /// Starts serving in the background and returns once it listens.
    public static func start(_ configuration: SimulatorConfiguration) async throws -> RunningSimulator {
        let bound = Mutex<Int?>(nil)
        let (ready, announce) = AsyncStream.makeStream(of: Int.self)
        let task = Task {
            try await run(configuration) { port in
                bound.withLock { $0 = port }
                announce.yield(port)
                announce.finish()
            }
        }
        for await port in ready { return RunningSimulator(port: port, task: task) }
        // The server stopped before it listened: surface why.
        try await task.value
        throw SimulatorError.didNotStart
    }

    /// Serves until the task is cancelled; `onListening` gets the port once bound.
    public static func run(_ configuration: SimulatorConfiguration,
                           onListening: @escaping @Sendable (Int) -> Void) async throws {
        let state = try SimulatorState(configuration: configuration)
        let port = Mutex(configuration.port)
        let router = Router()
        SimulatorRoutes(state: state, port: { port.withLock { $0 } }).register(on: router)
        var logger = Logger(label: "kling-media-simulator")
        logger.logLevel = .critical
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: configuration.port), serverName: "segmind-simulator"),
            onServerRunning: { channel in
                let actual = channel.localAddress?.port ?? configuration.port
                port.withLock { $0 = actual }
                onListening(actual)
            },
            logger: logger
        )
        // Off the cooperative pool (see EventLoopTaskExecutor); the server's connection tasks are
        // child tasks, so they and the actors they call keep this preference.
        try await withTaskExecutorPreference(EventLoopTaskExecutor.shared) {
            try await app.runService(gracefulShutdownSignals: [])
        }
    }
}

public enum SimulatorError: Error, CustomStringConvertible {
    case didNotStart
    public var description: String { "the simulator stopped before it listened" }
}
