import ArgumentParser
import Foundation
import Simulator
import Support

/// `kling-media-simulator` (also run as `kling-media simulator`): Segmind's v2 API for Kling O1 on
/// 127.0.0.1, for trying the tool without an API key and for tests.
@main
struct SimulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kling-media simulator",
        abstract: "Serve a local stand-in for Segmind's Kling O1 API on 127.0.0.1.",
        discussion: """
            Jobs go QUEUED → PROCESSING → COMPLETED (or FAILED, as a content block, when the prompt \
            contains [blocked] or by --fail-rate) and yield a generated H.264 MP4 at the requested \
            duration, aspect ratio and 24 fps. Records expire after --lifetime seconds (404); outputs \
            stay downloadable. Wrong or missing keys get 401, bad parameters 400, spent credits 406, a \
            busy key 429 with x-rate-limit-reset-at-utc.

            It prints one line to paste into the shell that is to use it: `export SEGMIND_API_BASE=… \
            SEGMIND_UPLOAD_URL=… SEGMIND_API_KEY=…` (the upload URL too, so files go to the simulator \
            and not to Segmind's storage). Stop it with Ctrl-C: a folder it made for its files is \
            removed then; one given with --output-dir is kept.

            With --state-dir, its jobs are kept on disk: started again on the same folders, it still \
            answers for them (what the built-in simulator of `--simulate` does).
            """
    )

    /// The key the simulator accepts unless told otherwise: shaped like Segmind's, and no secret.
    static let defaultKey = "SG_5151a7e0c0ffee00"

    @Option(help: "Port on 127.0.0.1 (0 picks a free one).") var port = 8181
    @Option(help: "The x-api-key to accept.") var apiKey = SimulatorCommand.defaultKey
    @Option(help: "Seconds a job stays queued.") var queue = 1.0
    @Option(name: [.customLong("latency"), .customLong("processing")], help: "Seconds from submission to completion (Kling O1 at Segmind: about 224).") var latency = 3.0
    @Option(help: "Multiply every duration (queue, processing, the rate limit's minute) by this: 0.05 runs a 224 s job in 11.2 s and a minute's rate window in 3 s (a client then sets SEGMIND_TIME_SCALE=0.05).")
    var timeScale = 1.0
    @Flag(help: "Send x-ratelimit-limit and x-ratelimit-remaining on API answers (Segmind documents none).") var rateHeaders = false
    @Option(help: "Fraction of jobs (0…1) that fail with a content block.") var failRate = 0.0
    @Option(help: "Seconds a request record lives (Segmind: 3600).") var lifetime = 3600.0
    @Option(help: "Requests a minute per key before 429 (Segmind: 5 free, 50 Pro).") var rateLimit: Int?
    @Option(help: "Seconds of output the key can pay for before 406.") var credits: Int?
    @Option(help: "Fraction of API requests (0…1) answered 502.") var flaky = 0.0
    @Option(help: "How a finished job's answer shapes its result: \(SimulatorConfiguration.ResultShape.allCases.map(\.rawValue).joined(separator: ", ")).")
    var resultShape = SimulatorConfiguration.ResultShape.url
    @Option(help: "What file downloads do with a Range request: honour, ignore (200 and the whole file), misaligned.")
    var range = SimulatorConfiguration.RangeSupport.honoured
    @Option(help: "Seconds an output link works, as a CDN's signed link (?expires=…); past it, 403 (default: links never expire).")
    var outputLinkSeconds: Double?
    @Option(help: "Which spelling of duration and elements submissions may use: any, documented (strings), native (integer, array).")
    var acceptEncoding = SimulatorConfiguration.AcceptedEncoding.any
    @Option(help: "What the result endpoint answers for a running job: status (its status, 200) or not-found (404).")
    var resultWhileRunning = SimulatorConfiguration.ResultWhileRunning.status
    @Option(help: "What a shot shows: continuation (the uploaded clip's last frame, moving on) or pattern (one generated pattern per size, cheap).")
    var look = SimulatorConfiguration.Look.continuation
    @Option(help: "Where generated outputs and uploads go (default: a temporary folder, removed when it stops).") var outputDir: String?
    @Option(help: "Keep jobs in this folder, so that started again it still answers for them (default: in memory).") var stateDir: String?
    @Flag(help: "Print where it listens as JSON ({\"base_url\", \"port\"}).") var json = false
    @Flag(help: "Stop when standard input closes (so a parent that dies takes it along).") var exitWithStdin = false

    func run() async throws {
        // A folder of its own (not one given) is removed when it stops: Ctrl-C, SIGTERM, or the
        // parent going away with --exit-with-stdin.
        let madeFolder = outputDir == nil
        let directory = outputDir ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("kling-media-simulator-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let stop: @Sendable () -> Void = {
            if madeFolder { try? FileManager.default.removeItem(atPath: directory) }
            Foundation.exit(0)
        }
        SignalPipe.listen(stop)
        var configuration = SimulatorConfiguration(
            apiKey: apiKey, port: port, queueSeconds: queue, latency: latency, failRate: failRate,
            recordLifetime: lifetime, requestsPerMinute: rateLimit, creditSeconds: credits, flakyRate: flaky,
            outputDirectory: directory)
        configuration.stateDirectory = stateDir
        configuration.statesRateLimit = rateHeaders
        guard timeScale > 0, timeScale <= 1 else { throw ValidationError("--time-scale must be above 0 and at most 1, got \(timeScale)") }
        configuration.scaleTime(by: timeScale)
        configuration.resultShape = resultShape
        configuration.resultWhileRunning = resultWhileRunning
        configuration.rangeSupport = range
        configuration.outputLinkSeconds = outputLinkSeconds
        configuration.acceptedEncoding = acceptEncoding
        configuration.look = look
        if exitWithStdin {
            // The parent holds the other end of our standard input: when it exits, for any reason,
            // the read ends and so do we. No orphaned server stays behind.
            Thread.detachNewThread {
                var byte: UInt8 = 0
                while read(STDIN_FILENO, &byte, 1) > 0 {}
                stop()
            }
        }
        let announceJSON = json
        let key = apiKey == Self.defaultKey ? apiKey : "<the key given with --api-key>"
        try await SegmindSimulator.run(configuration) { bound in
            let base = "http://127.0.0.1:\(bound)"
            let line = announceJSON
                ? "{\"base_url\": \"\(base)\", \"upload_url\": \"\(base)/upload-asset\", \"port\": \(bound)}"
                : """
                    Segmind simulator on \(base); files in \(directory)\(madeFolder ? " (removed when it stops)" : ""). \
                    To use it from another shell, paste:
                    export SEGMIND_API_BASE=\(base) SEGMIND_UPLOAD_URL=\(base)/upload-asset SEGMIND_API_KEY=\(key)
                    """
            // Unbuffered, so a script waiting on a pipe for this line gets it at once.
            FileHandle.standardOutput.write(Data((line + "\n").utf8))
        }
    }
}

extension SimulatorConfiguration.ResultShape: ExpressibleByArgument {}
extension SimulatorConfiguration.RangeSupport: ExpressibleByArgument {}
extension SimulatorConfiguration.AcceptedEncoding: ExpressibleByArgument {}
extension SimulatorConfiguration.Look: ExpressibleByArgument {}
extension SimulatorConfiguration.ResultWhileRunning: ExpressibleByArgument {}
