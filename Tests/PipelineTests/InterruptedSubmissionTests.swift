import Foundation
import Pipeline
import TestSupport
import Testing

/// Ctrl-C, and answers that are not answers, while a shot's POST is at Segmind: a job that may
/// have been accepted is never submitted again without being told to. Every case ends with a
/// rerun, and the simulator's log counts the POSTs (each one a paid job at Segmind).
@Suite struct InterruptedSubmissionTests {
    private let post = "/v2/kling-o1-video-to-video-reference"

    /// Whether the simulator has a POST (taken, its answer held).
    private func posted(_ harness: PipelineHarness, count: Int = 1) async throws -> Bool {
        try await harness.control.requests("POST", post).count >= count
    }

    @Test func ctrlCWhileTheAnswerIsOnItsWayWaitsForItAndJournalsTheJob() async throws {
        try await PipelineHarness.with { harness in
            try await harness.control.holdAnswers(true)
            let request = try harness.request()
            let runner = harness.runner()
            let task = Task { try await runner.start(request) }
            try await eventually("the POST at the simulator") { try await posted(harness) }
            task.cancel()
            try await eventually("the runner to say it waits for the answer") { harness.events.awaitedAnswers == [ShotNumber(1, of: 1)] }
            try await harness.control.holdAnswers(false)
            let result = await task.result
            let job = try #require(try harness.journal.all().first)
            let requestID = try #require(job.requestID)
            guard case .failure(PipelineError.cancelled(let resume)) = result else { Issue.record("got \(result)"); return }
            #expect(resume == .wait(requestID, stitching: true))
            #expect(resume.text(simulated: false).contains("`kling-media wait \(requestID)`"))
            #expect(job.state == .queued)
            // Run again: the job is waited for and saved, not submitted again.
            let outcome = try await harness.runner().start(request)
            #expect(outcome.shots.first?.requestID == requestID)
            #expect(FileManager.default.fileExists(atPath: try #require(outcome.output)))
            #expect(try await harness.submissions() == 1)
        }
    }

    @Test func aSecondCtrlCStopsWaitingAndLeavesTheOutcomeUnknown() async throws {
        try await PipelineHarness.with { harness in
            try await harness.control.holdAnswers(true)
            let request = try harness.request()
            let options = RunOptions()
            let runner = harness.runner(also: { event in
                if case .awaitingSubmissionAnswer = event { options.stopWaiting.stop() }
            })
            let task = Task { try await runner.start(request, options: options) }
            try await eventually("the POST at the simulator") { try await posted(harness) }
            task.cancel()
            let result = await task.result
            try await harness.control.holdAnswers(false)
            guard case .failure(let error as PipelineError) = result, case .outcomeUnknown(1, let localID, _) = error else {
                Issue.record("got \(result)"); return
            }
            let job = try harness.journal.job(localID: localID)
            #expect(job.state == .outcomeUnknown && job.requestID == nil)
            let rerun = await #expect(throws: PipelineError.self) { try await harness.runner().start(request) }
            guard case .outcomeUnknown(1, localID, _)? = rerun else { Issue.record("got \(String(describing: rerun))"); return }
            #expect(try await harness.submissions() == 1)
        }
    }

    @Test func noAnswerWithinThePatienceLeavesTheOutcomeUnknown() async throws {
        try await PipelineHarness.with { harness in
            try await harness.control.holdAnswers(true)
            let request = try harness.request()
            var options = RunOptions()
            options.answerPatience = 0.5
            let runner = harness.runner()
            let task = Task { try await runner.start(request, options: options) }
            try await eventually("the POST at the simulator") { try await posted(harness) }
            task.cancel()
            let result = await task.result
            try await harness.control.holdAnswers(false)
            guard case .failure(PipelineError.outcomeUnknown(1, let localID, let detail)) = result else { Issue.record("got \(result)"); return }
            #expect(detail?.contains("stopped waiting for 127.0.0.1's answer after the request was sent") == true)
            #expect(try harness.journal.job(localID: localID).state == .outcomeUnknown)
            await #expect(throws: PipelineError.self) { try await harness.runner().start(request) }
            #expect(try await harness.submissions() == 1)
        }
    }

    @Test func aSuccessWhoseBodyIsNotJSONIsOutcomeUnknownNeverRejected() async throws {
        try await PipelineHarness.with { harness in
            try await harness.control.garble(1, path: post)
            let request = try harness.request()
            let error = await #expect(throws: PipelineError.self) { try await harness.runner().start(request) }
            guard case .outcomeUnknown(1, let localID, let detail)? = error else { Issue.record("got \(String(describing: error))"); return }
            #expect(detail?.contains("Segmind answered 200, so the job was taken, but its answer is not JSON") == true)
            #expect(try harness.journal.job(localID: localID).state == .outcomeUnknown)
            // Run again: refused without --resubmit; with it, a second job.
            await #expect(throws: PipelineError.self) { try await harness.runner().start(request) }
            #expect(try await harness.submissions() == 1)
            _ = try await harness.runner().start(request, options: RunOptions(resubmitUnknown: true))
            #expect(try await harness.submissions() == 2)
        }
    }

    @Test func onlyA4xxIsRecordedAsRejected() async throws {
        try await PipelineHarness.with { harness in
            try await harness.control.fail(1, with: 403, path: post)
            let refused = try harness.request()
            await #expect(throws: PipelineError.self) { try await harness.runner().start(refused) }
            #expect(try harness.journal.all().first?.state == .rejected)
            // 503 on every try: the gateway never took it.
            try await harness.control.fail(6, with: 503, path: post)
            let unavailable = try harness.request(prompt: "Based on @Video1, the man from @Image1 walks")
            await #expect(throws: PipelineError.self) { try await harness.runner().start(unavailable) }
            let states = try harness.journal.all().map(\.state)
            #expect(states.contains(.notSubmitted))
            // Both run again: nothing stands in the way, and each is one job.
            _ = try await harness.runner().start(refused)
            _ = try await harness.runner().start(unavailable)
            let answered = try await harness.control.requests("POST", post).compactMap { $0["status"] as? Int }
            #expect(answered.filter { $0 == 200 }.count == 2)
        }
    }

    @Test func ctrlCInABatchWaitsForEveryAnswerInFlightAndARerunPaysForNothingTwice() async throws {
        try await PipelineHarness.with { harness in
            try await harness.control.holdAnswers(true)
            let prompts = ["drives fast", "stops the car", "gets out"]
            let lines = try prompts.enumerated().map { index, action in
                BatchLine(number: index + 1, request: try harness.request(prompt: "Based on @Video1, the man from @Image1 \(action)",
                                                                          output: harness.folder.appendingPathComponent("take\(index).mp4").path))
            }
            let runner = BatchRunner(session: harness.session, concurrency: 3)
            let waiting = EventLog()
            let task = Task { await runner.run(lines, events: { _, event in waiting.append(event) }) }
            try await eventually("three POSTs at the simulator") { try await posted(harness, count: 3) }
            task.cancel()
            try await eventually("every line to say it waits for its answer") {
                waiting.awaitedAnswers.count == 3
            }
            try await harness.control.holdAnswers(false)
            let results = await task.value
            #expect(results.allSatisfy { if case .failure(.cancelled) = $0.outcome { true } else { false } })
            let jobs = try harness.journal.all()
            #expect(jobs.count == 3 && jobs.allSatisfy { $0.requestID != nil })
            let rerun = await BatchRunner(session: harness.session, concurrency: 3)
                .run(lines, events: { _, _ in })
            #expect(rerun.allSatisfy { if case .success = $0.outcome { true } else { false } })
            #expect(try await harness.submissions() == 3)
        }
    }
}
