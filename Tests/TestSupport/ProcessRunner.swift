import Foundation
import Support

/// What a finished process printed and how it exited.
public struct ProcessResult: Sendable {
    public let status: Int32
    public let standardOutput: String
    public let standardError: String
}

/// Runs programs for tests: the ffprobe oracle, and the `kling-media` binary end to end.
public enum ProcessRunner {
    /// Runs `executable` (a path, or a name looked up on PATH) to completion. Output goes through
    /// temporary files, so a chatty process cannot fill a pipe and stall. Awaits the exit rather
    /// than blocking a thread: the test runner's few threads stay free for the tests beside it.
    public static func run(_ executable: String, _ arguments: [String],
                           environment: [String: String]? = nil) async throws -> ProcessResult {
        try await RunningProcess(executable, arguments, environment: environment).finish()
    }
}

/// A started process that a test can signal (Ctrl-C is SIGINT) before collecting what it printed.
/// Its output goes to temporary files, not pipes: a pipe's write end can leak into other children
/// the test runner starts at the same moment, and then its reader never sees the end.
public final class RunningProcess: @unchecked Sendable {
    // Set once in init; `finish` reads the files after the exit.
    private let process = Process()
    private let scratch: URL
    private let exited: AsyncStream<Void>
    /// This side's copies of the child's output files: closed once it has exited (Foundation's
    /// `Process` keeps them otherwise, and a suite of hundreds of runs kept ~1,000 descriptors open).
    private let outputHandle: FileHandle
    private let errorHandle: FileHandle
    public var processIdentifier: Int32 { process.processIdentifier }

    public init(_ executable: String, _ arguments: [String], environment: [String: String]? = nil) throws {
        scratch = Scratch.temporary.appendingPathComponent("kling-media-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        for name in ["out", "err"] { _ = FileManager.default.createFile(atPath: scratch.appendingPathComponent(name).path, contents: nil) }
        if executable.contains("/") {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [executable] + arguments
        }
        if let environment { process.environment = environment }
        process.standardInput = FileHandle.nullDevice
        outputHandle = try FileHandle(forWritingTo: scratch.appendingPathComponent("out"))
        errorHandle = try FileHandle(forWritingTo: scratch.appendingPathComponent("err"))
        process.standardOutput = outputHandle
        process.standardError = errorHandle
        let (stream, continuation) = AsyncStream<Void>.makeStream()
        exited = stream
        process.terminationHandler = { _ in continuation.finish() }
        try process.run()
    }

    public var isRunning: Bool { process.isRunning }

    /// What it has written to standard output so far.
    public var standardOutputSoFar: String {
        (try? String(contentsOf: scratch.appendingPathComponent("out"), encoding: .utf8)) ?? ""
    }

    /// What it has written to standard error so far.
    public var standardErrorSoFar: String {
        (try? String(contentsOf: scratch.appendingPathComponent("err"), encoding: .utf8)) ?? ""
    }

    public func signal(_ number: Int32) {
        kill(process.processIdentifier, number)
    }

    /// Sends `number` as soon as standard error contains `text`, watched from a thread of its own.
    /// A test's own wait runs on the test runner's few threads, and on a busy 2-core machine those
    /// were held for over ten seconds: long enough for a simulated job to finish, so the Ctrl-C met a
    /// process that had already exited 0. Returns what standard error held when the signal was sent.
    @discardableResult
    public func signal(_ number: Int32, onceStandardErrorContains text: String, within seconds: Double = 60) async throws -> String {
        let watched = await DedicatedThread.run { [self] () -> Result<String, WaitedInVain> in
            let deadline = ContinuousClock.now.advanced(by: .seconds(seconds))
            while ContinuousClock.now < deadline {
                let soFar = standardErrorSoFar
                if soFar.contains(text) {
                    kill(process.processIdentifier, number)
                    return .success(soFar)
                }
                guard process.isRunning else {
                    return .failure(WaitedInVain(what: "\"\(text)\" on standard error (the process ended without it)", seconds: 0))
                }
                usleep(5_000)
            }
            return .failure(WaitedInVain(what: "\"\(text)\" on standard error", seconds: seconds))
        }
        return try watched.get()
    }

    /// Waits for the exit and returns what it printed.
    public func finish() async throws -> ProcessResult {
        for await _ in exited {}
        try? outputHandle.close()
        try? errorHandle.close()
        defer { try? FileManager.default.removeItem(at: scratch) }
        return ProcessResult(
            status: process.terminationStatus,
            standardOutput: try String(contentsOf: scratch.appendingPathComponent("out"), encoding: .utf8),
            standardError: try String(contentsOf: scratch.appendingPathComponent("err"), encoding: .utf8)
        )
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
