import Foundation
import KlingRules
import MediaKit
@testable import Pipeline
import Segmind
import Synchronization
import TestSupport
import Testing

/// A continuation's stitch made while the model works: used when the shot is as predicted,
/// dropped (and the stitch made as before) when it is not, made again after an interruption, and
/// never in the way of the polls of a batch.
@Suite struct StitchAheadPipelineTests {
    /// The stitch made ahead and the files around it, once a continuation is done: only the
    /// result, its shot and the clip remain (no hidden stitch made ahead, no partial files).
    private func leftovers(_ harness: PipelineHarness) throws -> [String] {
        // (The in-process simulator keeps its renders there too, as `.render-…`.)
        try FileManager.default.contentsOfDirectory(atPath: harness.folder.path)
            .filter { ($0.hasPrefix(".") || $0.hasSuffix(".partial")) && !$0.contains(".render-") }
    }

    private func unused(_ events: [PipelineEvent]) -> [String] {
        events.compactMap { if case .stitchAheadUnused(let reason) = $0 { reason } else { nil } }
    }

    private func count(_ events: [PipelineEvent], _ matches: (PipelineEvent) -> Bool) -> Int {
        events.filter(matches).count
    }

    /// A runner that holds the simulator's jobs (PROCESSING, as a real job is for minutes) until
    /// the stitch made ahead is ready, as it is against Segmind.
    private func runnerHoldingJobs(_ harness: PipelineHarness, session: Session? = nil, log: EventLog? = nil) async throws -> ContinuationRunner {
        try await harness.control.hold(true)
        let control = harness.control, events = log ?? harness.events
        return (try session ?? harness.withStitchesAhead()).runner { event in
            events.append(event)
            if case .stitchedAhead = event { Task { try await control.hold(false) } }
        }
    }

    /// A stitch made ahead that the disk refused is said of the result it was for, not of its
    /// hidden working file; other failures as they are.
    @Test func aStitchAheadTheDiskRefusedIsSaidOfItsResult() {
        let full = EditError.unwritable("/takes/.next.ahead.mp4", FFmpegError(code: -ENOSPC))
        let said = ContinuationRunner.aheadFailure(full, output: "/takes/next.mp4")
        #expect(said.hasPrefix("the stitch made ahead for /takes/next.mp4 could not be written (") && !said.contains(".ahead"), "\(said)")
        #expect(ContinuationRunner.aheadFailure(.noVideo("/takes/clip.mp4"), output: "/takes/next.mp4") == EditError.noVideo("/takes/clip.mp4").description)
    }

    @Test func aShotAsPredictedIsStitchedFromTheStitchMadeAhead() async throws {
        try await PipelineHarness.with { harness in
            let outcome = try await runnerHoldingJobs(harness).start(try harness.request())
            let events = harness.events.all
            #expect(count(events) { if case .stitchingAhead = $0 { true } else { false } } == 1)
            #expect(count(events) { if case .stitchedAhead = $0 { true } else { false } } == 1)
            #expect(unused(events).isEmpty, "\(unused(events))")
            // Its progress is heard while it is made (a minute's work for a long 1080p clip), going
            // forward, before it is ready.
            let ready = try #require(events.firstIndex { if case .stitchedAhead = $0 { true } else { false } })
            let progress = events.enumerated().compactMap { index, event -> (index: Int, done: Double, total: Double)? in
                if case .stitchingAheadProgress(let done, let total) = event { (index, done, total) } else { nil }
            }
            #expect(!progress.isEmpty && progress.allSatisfy { $0.index < ready && $0.done <= $0.total + 0.001 }, "\(progress)")
            #expect(zip(progress, progress.dropFirst()).allSatisfy { $1.done >= $0.done }, "\(progress)")
            let report = try #require(outcome.stitch)
            #expect(report.clips.last?.reason.contains("re-encoded while the model worked") == true)
            let output = try #require(outcome.output)
            let facts = try await DecodeReport(path: output)
            #expect(facts.decodeErrors == "" && facts.video?.decodedFrames == 240)
            #expect(abs((facts.audioDuration ?? 0) - (facts.video?.duration ?? 0)) < 0.05)
            let left = try leftovers(harness)
            #expect(left.isEmpty, "\(left)")
            #expect(try harness.continuations.record(localID: outcome.localID).stitchAhead == nil)
        }
    }

    @Test func aShotNotAsPredictedIsStitchedAsBeforeAndItsShapeLearned() async throws {
        try await PipelineHarness.with { harness in
            // A memory that says this host returns 1080p: the simulator returns 720p.
            let shapes = ShotShapes(path: harness.folder.appendingPathComponent("shot-shapes.json").path)
            let host = harness.client.configuration.apiHost
            let landscape = try Probe.file(atPath: Fixtures.path("landscape.mp4"))
            let learned = try await makeShot(in: harness, width: 1920, height: 1080)
            shapes.remember(try Probe.file(atPath: learned), host: host,
                            aspect: .landscape, clip: landscape, duration: 5)
            #expect(shapes.prediction(host: host, aspect: .auto, clip: landscape, duration: 5).width == 1920)
            let session = try harness.withStitchesAhead(shotShapes: shapes)
            let events = EventLog()
            let outcome = try await runnerHoldingJobs(harness, session: session, log: events).start(try harness.request())
            #expect(unused(events.all) == ["the stitch made ahead does not fit: the shot is 1280×720, not 1920×1080"])
            let facts = try await DecodeReport(path: try #require(outcome.output))
            #expect(facts.decodeErrors == "" && facts.video?.decodedFrames == 240 && facts.video?.width == 1280)
            let left = try leftovers(harness)
            #expect(left.isEmpty, "\(left)")
            // What the host really returned is what the next run predicts.
            #expect(shapes.prediction(host: host, aspect: .auto, clip: landscape, duration: 5)
                    == ShotPrediction(width: 1280, height: 720, frameRate: Rational(24, 1), frameCount: 120))
        }
    }

    private func makeShot(in harness: PipelineHarness, width: Int, height: Int) async throws -> String {
        let path = harness.folder.appendingPathComponent("learned-\(width).mp4").path
        try await offloaded { try SyntheticClip.write(to: path, width: width, height: height, seconds: 5, framesPerSecond: 24) }
        return path
    }

    @Test func anInterruptionWhileStitchingAheadIsResumedWithoutSubmittingAgain() async throws {
        try await PipelineHarness.with { harness in
            let request = try harness.request()
            let submitted = Atomic<Bool>(false)
            try await harness.control.hold(true)
            let events = harness.events
            let runner = try harness.withStitchesAhead().runner { event in
                events.append(event)
                if case .submitted = event { submitted.store(true, ordering: .relaxed) }
            }
            let run = Task { try await runner.start(request) }
            try await eventually("the submission") { submitted.load(ordering: .relaxed) }
            run.cancel()
            await #expect(throws: PipelineError.self) { try await run.value }
            #expect(!harness.events.all.contains { if case .stitchedAhead = $0 { true } else { false } },
                    "the stitch made ahead finished before the interruption; the test proves nothing")
            let left = try leftovers(harness)
            #expect(left.isEmpty, "a partial stitch made ahead was left: \(left)")
            let record = try #require(try harness.continuations.all().first)
            #expect(record.stitchAhead == nil)
            let outcome = try await runnerHoldingJobs(harness).resume(record.localID)
            #expect(try await harness.submissions() == 1)
            #expect(harness.events.all.contains { if case .stitchedAhead = $0 { true } else { false } })
            #expect(unused(harness.events.all).isEmpty)
            let facts = try await DecodeReport(path: try #require(outcome.output))
            #expect(facts.decodeErrors == "" && facts.video?.decodedFrames == 240)
            #expect(try leftovers(harness).isEmpty)
        }
    }

    /// Eight jobs polled while held for `window`, each continuation stitching or not; the gaps between
    /// each job's polls while they were held.
    private func pollGaps(_ harness: PipelineHarness, stitch: Bool, interval: Double, window: Duration) async throws -> [Duration] {
        var client = harness.client
        // Polled from the start: not after the time the first run's held jobs took (learned as they finish).
        client.polling = PollingPolicy(firstInterval: interval, growth: 1, longestInterval: interval, waitsForTypicalTime: false)
        let session = try harness.withStitchesAhead(client: client)
        let polls = Mutex<[Int: [ContinuousClock.Instant]]>([:])
        let prepared = Atomic<Int>(0)
        let clip = try harness.copy("landscape.mp4")
        try await harness.control.hold(true)
        // Timed: the gaps between polls are the client's, not the test runner's (see `offThePool`).
        let outcomes = try await offThePool { try await withThrowingTaskGroup(of: ContinuationOutcome.self) { group in
            for line in 1...8 {
                let request = ContinuationRequest(source: clip, prompt: "Based on @Video1, take \(line) \(stitch)", stitch: stitch)
                let runner = session.runner { event in
                    if case .job(_, .polled) = event { polls.withLock { $0[line, default: []].append(.now) } }
                    if case .stitchedAhead = event { prepared.add(1, ordering: .relaxed) }
                }
                group.addTask { try await runner.start(request) }
            }
            // Held while the stitches are made ahead (at least `window`, at most a minute: on a
            // busy machine low-priority work may take that long), then released, whatever happens,
            // so no job is left polling forever.
            // The window opens once every job is being polled (uploads take a while on a busy machine).
            let opened = ContinuousClock.now
            while ContinuousClock.now - opened < .seconds(120), polls.withLock({ $0.count }) < 8 {
                try? await Task.sleep(for: .milliseconds(50))
            }
            let start = ContinuousClock.now
            while ContinuousClock.now - start < .seconds(60),
                  ContinuousClock.now - start < window || (stitch && prepared.load(ordering: .relaxed) < 8) {
                try? await Task.sleep(for: .milliseconds(100))
            }
            let released = ContinuousClock.now
            polls.withLock { all in all = all.mapValues { times in times.filter { $0 <= released } } }
            try await harness.control.hold(false)
            return try await group.reduce(into: []) { $0.append($1) }
        } }
        #expect(outcomes.count == 8)
        for outcome in outcomes where stitch {
            let facts = try await DecodeReport(path: try #require(outcome.output))
            #expect(facts.decodeErrors == "" && facts.video?.decodedFrames == 240)
        }
        return polls.withLock { $0 }.values.flatMap { times in zip(times, times.dropFirst()).map { $0.duration(to: $1) } }
    }

    @Test func eightStitchesMadeAheadAtOnceNeverHoldUpThePolls() async throws {
        let interval = 0.5
        try await PipelineHarness.with { harness in
            // The same eight jobs polled without anything made ahead, on this machine now: the baseline.
            let quiet = try await pollGaps(harness, stitch: false, interval: interval, window: .seconds(4))
            let busy = try await pollGaps(harness, stitch: true, interval: interval, window: .seconds(4))
            // Every job polled through each window more than once (how often is what is compared).
            #expect(quiet.count >= 8 && busy.count >= 8, "\(quiet.count) and \(busy.count) gaps")
            let (baseline, latest) = (quiet.max() ?? .zero, busy.max() ?? .zero)
            #expect(latest <= max(baseline, .seconds(interval)) + .seconds(interval),
                    "with eight stitches made ahead a poll came \(latest) after the one before; without, at most \(baseline)")
        }
    }
}
