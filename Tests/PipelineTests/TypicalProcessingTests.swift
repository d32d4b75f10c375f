import Foundation
import Journal
import KlingRules
@testable import Pipeline
import Segmind
import TestSupport
import Testing

/// The first poll of a job waits for the time jobs like it took on this machine (read from the
/// journal), says so, and each finished job adds its time.
@Suite struct TypicalProcessingTests {
    @Test func theFirstPollWaitsForTheTimeSuchJobsTookHere() async throws {
        try await PipelineHarness.with { harness in
            // Three earlier jobs on this host, 5 s shots, done 8, 9 and 10 s after submission.
            for seconds in [8.0, 9.0, 10.0] {
                var earlier = JobRecord(parameters: KlingRequest(prompt: "Based on @Video1", videoURL: "https://example.com/a.mp4"),
                                        apiBase: harness.client.configuration.apiBase, now: Date().addingTimeInterval(-100))
                earlier.state = .downloaded
                earlier.completedAt = earlier.submittedAt.addingTimeInterval(seconds)
                try harness.journal.save(earlier)
            }
            let heard = Collected<(seconds: Double, at: Date)>()
            var client = harness.client
            client.polling.waitsForTypicalTime = true
            client.notices = { notice in
                if case .waitingForModel(let seconds) = notice { heard.add((seconds, Date())) }
            }
            let session = try Session(client: client, journal: harness.journal, uploads: harness.uploads)
            let firstPolls = Collected<Date>()
            let outcome = try await session.runner { event in
                if case .job(_, .polled) = event { firstPolls.add(Date()) }
            }.start(try harness.request(refs: [], prompt: "Based on @Video1, the next shot"))
            let requestID = try #require(outcome.shots.first?.requestID)
            let submitted = try harness.journal.find(requestID.rawValue).submittedAt
            // The third quartile, 10 s after the submission (which the journal keeps to the second):
            // said with what is left of it, and the first poll not before. (On a machine so busy that
            // 10 s passed before the wait began, there is nothing left to wait for, and nothing said.)
            let firstPoll = try #require(firstPolls.all.first)
            if let notice = heard.all.first {
                let typicalFromSubmission = notice.seconds + notice.at.timeIntervalSince(submitted)
                #expect(typicalFromSubmission >= 9.9 && typicalFromSubmission <= 11.1, "\(typicalFromSubmission)")
            }
            #expect(firstPoll.timeIntervalSince(submitted) >= 9.9, "the first poll came \(firstPoll.timeIntervalSince(submitted)) s after the submission")
            // And this job's time is kept for the next.
            #expect(try harness.journal.find(requestID.rawValue).completedAt != nil)
        }
    }

    /// Jobs seen done late (their first polls far apart) would keep every later wait as long, since
    /// a job found done by its first poll only says it was done by then: such a job counts as 10 %
    /// quicker, so the wait comes down until first polls find jobs running.
    @Test func jobsFoundDoneByTheirFirstPollBringTheWaitDown() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kling-typical-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = try JobJournal(directory: folder.path)
        func job(_ seconds: Double, doneAtFirstPoll: Bool?) throws -> JobRecord {
            var record = JobRecord(parameters: KlingRequest(prompt: "Based on @Video1", videoURL: "https://example.com/a.mp4"),
                                   apiBase: "http://127.0.0.1:9", now: Date().addingTimeInterval(-100))
            record.state = .downloaded
            record.completedAt = record.submittedAt.addingTimeInterval(seconds)
            record.doneAtFirstPoll = doneAtFirstPoll
            try journal.save(record)
            return record
        }
        let probe = try job(20, doneAtFirstPoll: true)
        _ = try job(20, doneAtFirstPoll: true)
        _ = try job(20, doneAtFirstPoll: true)
        #expect(TypicalProcessing.typicalSeconds(for: probe, in: journal) == 18)
        // Found running at the first poll and done at a later one: that time is the job's.
        for _ in 0..<6 { TypicalProcessing.learn(try job(19, doneAtFirstPoll: false), in: journal) }
        #expect(TypicalProcessing.typicalSeconds(for: probe, in: journal) == 19)
    }
}
