import Foundation
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
        let lines = cores * 2
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
            let running = Task {
                await batch.run(requests) { line, event in
                    switch event {
                    case .stitching: stitches.withLock { if $0[line] == nil { $0[line] = (.now, nil) } }
                    case .stitched: stitches.withLock { $0[line]?.end = .now }
                    default: break
                    }
                }
            }
            // Meanwhile another job's status is asked every quarter second, each answer stamped,
            // until the batch's stitches are all done (two minutes at most).
            try await eventually(within: 120, "the batch's jobs to be submitted") { try await harness.submissions() >= lines }
            let client = harness.client
            let id = try await client.submit(KlingRequest(prompt: "Based on @Video1, polled", videoURL: "https://example.com/polled.mp4")).requestID
            var answers: [ContinuousClock.Instant] = []
            let started = ContinuousClock.now
            while ContinuousClock.now - started < .seconds(120), stitches.withLock({ $0.values.filter { $0.end != nil }.count }) < lines {
                _ = try await client.status(of: id)
                answers.append(.now)
                try await Task.sleep(for: .milliseconds(250))
            }
            let results = await running.value
            #expect(results.allSatisfy { (try? $0.outcome.get()) != nil }, "\(results.map(\.outcome))")
            let spans = stitches.withLock { $0 }.values.compactMap { span in span.end.map { (span.start, $0) } }
            #expect(spans.count == lines)
            // Never more stitches at once than cores: the others queued.
            let most = spans.map { span in spans.filter { $0.0 <= span.0 && $0.1 > span.0 }.count }.max() ?? 0
            #expect(most <= cores, "\(most) stitches ran at once on \(cores) cores")
            // And the requests went on meanwhile: through the stitches, no answer came more than a
            // second after the one before it (a quarter second apart when nothing holds them up).
            let first = spans.map(\.0).min()!, last = spans.map(\.1).max()!
            #expect(first.duration(to: last) >= .seconds(0.5), "the stitches took no time: the test proves little")
            let gaps = zip(answers, answers.dropFirst()).filter { $0.1 > first && $0.0 < last }.map { $0.duration(to: $1) }
            #expect(gaps.count >= 3, "\(gaps)")
            #expect((gaps.max() ?? .zero) < .seconds(1), "an answer came \(gaps.max() ?? .zero) after the one before, while stitches ran")
        }
    }
}
