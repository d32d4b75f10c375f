import Foundation
import HTTP
import Pipeline
import Segmind
import Synchronization
import TestSupport
import Testing

/// A batch's media work is bounded by the machine's cores, apart from its jobs at Segmind: the
/// stitches of shots that arrive together queue for a core, and meanwhile requests to Segmind (a
/// running job's polls) go on on time: they are not media work and never wait for it.
@Suite struct BatchSchedulingTests {
    @Test func stitchesQueueForTheCoresWhilePollsOfRunningJobsGoOnOnTime() async throws {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        // Three stitches per core: long enough together (over 3 s) to tell a poll held up by them,
        // even when the machine is quick (two per core took 2.3 s once).
        let lines = cores * 3
        try await PipelineHarness.with({ $0.latency = 1.5 }) { harness in
            let clip = try harness.copy("landscape.mp4")
            // Each line's stitch: from its first progress (it has a core) to its end.
            let stitches = Mutex<[Int: (start: ContinuousClock.Instant, end: ContinuousClock.Instant?)]>([:])
            let batch = BatchRunner(session: harness.session, concurrency: lines)
            let requests = (1...lines).map { number in
                BatchLine(number: number, request: ContinuationRequest(
                    source: clip, prompt: "Based on @Video1, take \(number)",
                    output: harness.folder.appendingPathComponent("take\(number).mp4").path))
            }
            // Another job's status is asked every quarter second from before the batch starts until
            // its stitches are all done or it ends, each answer stamped (off the cooperative pool: see
            // `offThePool`).
            let client = harness.client
            let id = try await client.submit(KlingRequest(prompt: "Based on @Video1, polled", videoURL: "https://example.com/polled.mp4")).requestID
            let finished = Mutex(false)
            let running = Task {
                let results = await batch.run(requests) { line, event in
                    switch event {
                    case .stitching: stitches.withLock { if $0[line] == nil { $0[line] = (.now, nil) } }
                    case .stitched: stitches.withLock { $0[line]?.end = .now }
                    default: break
                    }
                }
                finished.withLock { $0 = true }
                return results
            }
            let answers = try await offThePool {
                var answers: [ContinuousClock.Instant] = []
                // A full test run on 2 cores can take minutes to reach the stitches (every test's
                // media work shares the process's slots); the batch ending stops the loop sooner.
                let started = ContinuousClock.now
                while ContinuousClock.now - started < .seconds(900), !finished.withLock({ $0 }),
                      stitches.withLock({ $0.values.filter { $0.end != nil }.count }) < lines {
                    _ = try await client.status(of: id)
                    answers.append(.now)
                    try await Task.sleep(for: .milliseconds(250))
                }
                return answers
            }
            let results = await running.value
            #expect(results.allSatisfy { (try? $0.outcome.get()) != nil }, "\(results.map(\.outcome))")
            let spans = stitches.withLock { $0 }.values.compactMap { span in span.end.map { (span.start, $0) } }
            #expect(spans.count == lines)
            // Never more stitches at once than cores: the others queued.
            let most = spans.map { span in spans.filter { $0.0 <= span.0 && $0.1 > span.0 }.count }.max() ?? 0
            #expect(most <= cores, "\(most) stitches ran at once on \(cores) cores")
            // And the requests went on meanwhile: through the stitches, no answer came more than 2 s
            // after the one before it (a quarter second apart when nothing holds them up; a request
            // that waited for a stitch would wait seconds).
            let first = spans.map(\.0).min()!, last = spans.map(\.1).max()!
            #expect(first.duration(to: last) >= .seconds(3), "the stitches took \(first.duration(to: last)): too little to tell a held-up poll")
            let gaps = zip(answers, answers.dropFirst()).filter { $0.1 > first && $0.0 < last }.map { $0.duration(to: $1) }
            #expect(gaps.count >= 3, "\(gaps)")
            #expect((gaps.max() ?? .zero) < .seconds(2), "an answer came \(gaps.max() ?? .zero) after the one before, while stitches ran")
        }
    }

    /// The line that waits for a place at Segmind is made ready meanwhile: its clip is uploaded
    /// while the line before runs, and its job goes as soon as that line's shot is saved.
    @Test func theNextLinesClipIsUploadedWhileItWaitsForAPlace() async throws {
        try await PipelineHarness.with { harness in
            let first = try harness.copy("landscape.mp4"), second = try harness.copy("portrait.mp4")
            let requests = [first, second].enumerated().map { index, clip in
                BatchLine(number: index + 1, request: ContinuationRequest(source: clip, prompt: "Based on @Video1, take \(index + 1)", stitch: false))
            }
            try await harness.control.hold(true)
            let heard = Mutex<[(Int, PipelineEvent)]>([])
            let running = Task {
                await BatchRunner(session: harness.session, concurrency: 1).run(requests) { line, event in
                    heard.withLock { $0.append((line, event)) }
                }
            }
            // The first line's job runs (held, so the second line has no place); the second line's
            // clip goes up meanwhile.
            try await eventually("the second clip uploaded while the first job runs") {
                let uploads = try await harness.control.count("POST", "/upload-asset")
                let submissions = try await harness.control.count("POST", "/v2/")
                return uploads == 2 && submissions == 1
            }
            try await harness.control.hold(false)
            let results = await running.value
            #expect(results.allSatisfy { (try? $0.outcome.get()) != nil }, "\(results.map(\.outcome))")
            // Two uploads in all: the second line's clip went up ahead, reported as that line's (its
            // progress, then sent), and the line found it there when it started.
            #expect(try await harness.control.count("POST", "/upload-asset") == 2)
            let secondLine = heard.withLock { $0 }.filter { $0.0 == 2 }.map(\.1)
            let secondUpload = secondLine.compactMap { event -> UploadOrigin? in
                if case .uploaded(_, _, _, let how) = event { how } else { nil }
            }
            #expect(secondUpload == [.sent, .sharedInThisRun], "\(secondUpload)")
            let progress = secondLine.compactMap { event -> TransferProgress? in
                if case .uploading(_, _, let progress) = event { progress } else { nil }
            }
            // The upload's body (the clip in base64, in JSON) is larger than the clip: the progress
            // heard counts some of it, never more than there is.
            let size = try #require(try FileManager.default.attributesOfItem(atPath: second)[.size] as? Int64)
            #expect(!progress.isEmpty && progress.allSatisfy { $0.bytesSent <= ($0.bytesToSend ?? .max) }, "\(progress)")
            #expect((progress.compactMap(\.bytesToSend).max() ?? 0) > size, "\(progress)")
        }
    }

    /// `--concurrency` counts jobs at Segmind: a line gives its place up once its job is done there,
    /// and downloads its shot (local work) while the next line's job is already submitted.
    @Test func aLineGivesItsPlaceUpWhenItsJobIsDoneNotWhenItsShotIsSaved() async throws {
        try await PipelineHarness.with { harness in
            let requests = try ["landscape.mp4", "portrait.mp4"].enumerated().map { index, fixture in
                BatchLine(number: index + 1, request: ContinuationRequest(source: try harness.copy(fixture),
                                                                          prompt: "Based on @Video1, take \(index + 1)", stitch: false))
            }
            // The first shot's download is answered 4 s after it is asked for.
            try await harness.control.delay(1, by: 4, path: "/outputs/")
            let results = await BatchRunner(session: harness.session, concurrency: 1).run(requests) { _, _ in }
            #expect(results.allSatisfy { (try? $0.outcome.get()) != nil }, "\(results.map(\.outcome))")
            let log = try await harness.control.log()
            let download = try #require(log.first { ($0["path"] as? String ?? "").hasPrefix("/outputs/") }?["arrived"] as? Double)
            let submissions = log.filter { $0["method"] as? String == "POST" && ($0["path"] as? String ?? "").hasPrefix("/v2/") }
                .compactMap { $0["arrived"] as? Double }
            #expect(submissions.count == 2)
            // The second job went while the first shot's download was held.
            #expect(submissions.count == 2 && submissions[1] < download + 4, "download asked at \(download), second submission at \(submissions)")
        }
    }
}
