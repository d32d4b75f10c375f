import Foundation
import Pipeline
import Segmind
import Synchronization
import TestSupport
import Support
import Testing

/// `continue` as a library, against the simulator over real HTTP: what reaches the server, what
/// is journalled, and what lands on disk, checked with ffprobe and ffmpeg's own decoding.
@Suite struct ContinuationTests {
    @Test func uploadsSubmitsDownloadsAndStitchesTheNewShotAfterTheClip() async throws {
        try await PipelineHarness.with { harness in
            let request = try harness.request()
            let outcome = try await harness.runner().start(request)
            let shot = try #require(outcome.shots.first)
            #expect(outcome.output == harness.folder.appendingPathComponent("landscape+next.mp4").path)
            #expect(shot.path == harness.folder.appendingPathComponent("landscape+next.shot1.mp4").path)
            #expect(shot.sent == request.source && shot.requestID != nil && !outcome.alreadyDone)
            // The simulator's shot for a 16:9 clip: 1280×720 at 24 fps, 5 s.
            let generated = try await DecodeReport(path: shot.path)
            #expect(generated.video?.width == 1280 && generated.video?.frameRate == "24/1" && generated.video?.decodedFrames == 120)
            // The clip (5 s at 30 fps, with sound) and the shot, on the shot's clock: 120 + 120 frames.
            let stitched = try await DecodeReport(path: try #require(outcome.output))
            #expect(stitched.decodeErrors == "")
            #expect(stitched.video?.decodedFrames == 240 && abs((stitched.video?.duration ?? 0) - 10) < 1.0 / 24)
            #expect(abs((stitched.audioDuration ?? 0) - (stitched.video?.duration ?? 0)) < 0.05)
            // The paid-for shot is in the result untouched.
            let packets = try await DecodeReport.videoPacketHashes(shot.path)
            #expect(try await DecodeReport.videoPacketHashes(try #require(outcome.output)).suffix(packets.count) == packets[...])
            // One job, two uploads; the journal knows it all.
            #expect(try await harness.submissions() == 1)
            #expect(try await harness.control.count("POST", "/upload-asset") == 2)
            let record = try harness.continuations.record(localID: outcome.localID)
            #expect(record.state == .done && record.jobs.count == 1)
            let job = try harness.journal.job(localID: try #require(record.jobs[0]))
            #expect(job.state == .downloaded && job.requestID == shot.requestID && job.continuation?.shot == 1)
            #expect(job.parameters.aspectRatio == .landscape && job.outputPath == shot.path)
            #expect(harness.events.submitted.map(\.shot) == [ShotNumber(1, of: 1)])
            #expect(harness.events.submitted.first?.aspect == .landscape && harness.events.submitted.first?.requestID == shot.requestID)
        }
    }

    @Test func invalidInputIsStoppedBeforeAnyRequest() async throws {
        try await PipelineHarness.with { harness in
            // The prompt names @Image2, but only one image is given.
            let request = try harness.request(prompt: "Based on @Video1, @Image2 drives")
            let error = await #expect(throws: PipelineError.self) { try await harness.runner().start(request) }
            guard case .invalid(let verdict, _, _)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(verdict.errors.map(\.problem.code) == ["prompt_reference_missing"])
            #expect(try await harness.control.log().isEmpty)
            #expect(try harness.continuations.all().isEmpty)
            #expect(try harness.journal.all().isEmpty)
        }
    }

    @Test func theSameRequestAgainIsNotPaidForTwice() async throws {
        try await PipelineHarness.with { harness in
            let request = try harness.request()
            let first = try await harness.runner().start(request)
            let again = try await harness.runner().start(request)
            #expect(again.alreadyDone && again.localID == first.localID && again.shots == first.shots)
            // The result deleted: it is stitched again from the saved shot, still without a new job.
            try FileManager.default.removeItem(atPath: try #require(first.output))
            let restitched = try await harness.runner().start(request)
            let output = try #require(first.output)
            #expect(!restitched.alreadyDone && FileManager.default.fileExists(atPath: output))
            #expect(try await harness.submissions() == 1)
            // --again is a new take: a second job, and new files beside the first take's.
            let take = try await harness.runner().start(request, options: RunOptions(again: true))
            #expect(take.localID != first.localID && take.output?.hasSuffix("/landscape+next-2.mp4") == true)
            #expect(take.shots[0].path.hasSuffix("/landscape+next-2.shot1.mp4"))
            #expect(try await harness.submissions() == 2)
        }
    }

    @Test func aBlockedJobIsReportedWithItsDetailAndSubmittedAgainOnlyWhenAsked() async throws {
        try await PipelineHarness.with { harness in
            let request = try harness.request(prompt: "Based on @Video1, @Image1 [blocked]")
            let error = await #expect(throws: PipelineError.self) { try await harness.runner().start(request) }
            guard case .api(.jobFailed(let requestID, let detail), 1, _)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(detail == "Content blocked: the prompt or an input was flagged by the safety system (RAI)")
            let record = try #require(try harness.continuations.all().first)
            #expect(record.state == .stopped && record.error?.contains("Content blocked") == true)
            #expect(try harness.journal.job(localID: try #require(record.jobs[0])).state == .failed)
            // Run again: the failure is reported, not paid for again.
            let rerun = await #expect(throws: PipelineError.self) { try await harness.runner().start(request) }
            guard case .earlierFailure(1, requestID, true, _)? = rerun else { Issue.record("got \(String(describing: rerun))"); return }
            #expect(try await harness.submissions() == 1)
            await #expect(throws: PipelineError.self) { try await harness.runner().start(request, options: RunOptions(retryFailed: true)) }
            #expect(try await harness.submissions() == 2)
        }
    }

    @Test func aResultWhoseRecordExpiredIsReportedAsExpired() async throws {
        try await PipelineHarness.with({ $0.recordLifetime = 0.5 }) { harness in
            try await harness.control.hold(true)
            let error = await #expect(throws: PipelineError.self) { try await harness.runner().start(try harness.request()) }
            guard case .api(.notFound, 1, let requestID?)? = error else { Issue.record("got \(String(describing: error))"); return }
            let job = try #require(try harness.journal.all().first)
            #expect(job.requestID == requestID && job.state == .expired)
        }
    }

    @Test func rateLimitsGatewayErrorsAndDroppedConnectionsAreRiddenOut() async throws {
        try await PipelineHarness.with { harness in
            try await harness.control.rateLimit(1, resettingAfter: 0.3, path: "/v2/kling")
            try await harness.control.fail(2, with: 502, path: "/v2/kling")
            try await harness.control.fail(2, with: 502, path: "/upload-asset")
            try await harness.control.fail(2, with: 502, path: "/v2/requests/")
            try await harness.control.rateLimit(1, resettingAfter: 0.3, path: "/v2/requests/")
            try await harness.control.drop(1, path: "/v2/requests/")
            let outcome = try await harness.runner().start(try harness.request())
            #expect(FileManager.default.fileExists(atPath: try #require(outcome.output)))
            // Four POSTs answered 429 or 502, one taken: one job.
            let answers = try await harness.control.log().filter { $0["path"] as? String == "/v2/kling-o1-video-to-video-reference" }
                .compactMap { $0["status"] as? Int }
            #expect(answers == [429, 502, 502, 200])
        }
    }

    @Test func aChainCutOffAtShotTwoResumesAtShotTwoWithoutSubmittingItAgain() async throws {
        try await PipelineHarness.with { harness in
            let request = try harness.request(shots: 3)
            let running = Mutex<Task<ContinuationOutcome, any Error>?>(nil)
            let runner = harness.runner { event in
                // Ctrl-C the moment shot 2 is submitted.
                if case .submitted(ShotNumber(2, of: 3), _, _, _) = event { running.withLock { $0?.cancel() } }
            }
            try await harness.control.hold(true)
            let task = Task { try await runner.start(request) }
            running.withLock { $0 = task }
            try await Task.sleep(for: .milliseconds(600))
            try await harness.control.hold(false)
            let error = await #expect(throws: PipelineError.self) { try await task.value }
            guard case .cancelled(let advice)? = error else { Issue.record("got \(String(describing: error))"); return }
            guard case .wait = advice else { Issue.record("advice: \(advice)"); return }
            let record = try #require(try harness.continuations.all().first)
            #expect(record.state == .running && record.jobs.compactMap { $0 }.count == 2)
            let secondShot = try harness.journal.job(localID: try #require(record.jobs[1]))

            let outcome = try await harness.runner().resume(record.localID)
            #expect(outcome.shots.map(\.shot) == [1, 2, 3] && outcome.shots[1].requestID == secondShot.requestID)
            #expect(try await harness.submissions() == 3)
            // Each shot was made from the one before.
            #expect(outcome.shots[1].sent == outcome.shots[0].path && outcome.shots[2].sent == outcome.shots[1].path)
            let stitched = try await DecodeReport(path: try #require(outcome.output))
            #expect(stitched.video?.decodedFrames == 120 + 3 * 120 && stitched.decodeErrors == "")
        }
    }

    @Test func aClipOverTheLimitSendsItsEndAndTheWholeClipIsStitched() async throws {
        try await PipelineHarness.with { harness in
            let outcome = try await harness.runner().start(try harness.request("too_long.mp4", refs: [], prompt: "Based on @Video1, go on"))
            let sent = try #require(outcome.shots[0].sent)
            #expect(sent.hasSuffix("too_long+next.sent.mp4"))
            // What was sent: the last 10 s; what was stitched: all 12 s, then the 5 s shot.
            let sentFacts = try await DecodeReport(path: sent)
            #expect(sentFacts.video?.decodedFrames == 240 && abs(sentFacts.formatDuration - 10) < 0.05)
            let stitched = try await DecodeReport(path: try #require(outcome.output))
            #expect(stitched.video?.decodedFrames == 288 + 120)
        }
    }

    @Test func dryRunShowsTheRequestBodyWithLocalPathsAndSendsNothing() async throws {
        try await PipelineHarness.with { harness in
            let request = try harness.request("too_long.mp4", shots: 2)
            let report = try await DryRun.report(request, uploader: harness.uploads.uploader) { _ in }
            let sent = KlingRequest(prompt: request.prompt, videoURL: harness.folder.appendingPathComponent("too_long+next.sent.mp4").path,
                                    imageURLs: request.references, aspectRatio: .landscape, duration: 5, keepAudio: false)
            #expect(report.body == (try JSONValue.decode(sent.wireBody(.documented))))
            #expect(report.generatedSeconds == 10 && report.stitchedSeconds == 22)
            #expect(report.uploads.map(\.cached) == [false, false])
            #expect(try await harness.control.log().isEmpty)
            #expect(!FileManager.default.fileExists(atPath: report.sentClip))
        }
    }

    @Test func aClipTheModelWouldRefuseIsConformedOnlyWhenAsked() async throws {
        try await PipelineHarness.with { harness in
            // 640×360: under the model's 720 px.
            var request = try harness.request("too_small.mp4")
            let refused = await #expect(throws: PipelineError.self) { try await harness.runner().start(request) }
            guard case .invalid(let verdict, _, let hint?)? = refused else { Issue.record("got \(String(describing: refused))"); return }
            #expect(verdict.errors.map(\.problem.code) == ["size_out_of_range"] && hint.contains("--conform"))
            #expect(try await harness.control.log().isEmpty)
            request.conform = true
            let outcome = try await harness.runner().start(request)
            let sent = try await DecodeReport(path: try #require(outcome.shots[0].sent))
            #expect(sent.video?.width == 1280 && sent.video?.height == 720 && sent.video?.decodedFrames == 150)
            #expect(try await harness.submissions() == 1)
        }
    }

    @Test func theSameContinuationStartedTwiceAtOnceRunsOnce() async throws {
        try await PipelineHarness.with { harness in
            let request = try harness.request()
            try await harness.control.hold(true)
            let first = Task { try await harness.runner().start(request) }
            try await eventually("a submission") { try await harness.submissions() > 0 }
            let second = await #expect(throws: PipelineError.self) { try await harness.runner().start(request) }
            guard case .journal(.busy)? = second else { Issue.record("got \(String(describing: second))"); return }
            try await harness.control.hold(false)
            _ = try await first.value
            #expect(try await harness.submissions() == 1)
        }
    }
}

