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

    /// A submission that waited for the request budget is timed from when Segmind took it: its
    /// first poll, its expiry and its sample of how long jobs take count from there, not from when
    /// its record was journalled (in a busy batch, up to minutes before).
    @Test func aJobIsTimedFromItsAcceptanceNotFromTheWaitForTheBudget() async throws {
        let budget = RequestBudget(requestsPerWindow: 1, window: .seconds(3), learns: false)
        try await SimulatorHarness.with(budget: budget) { harness in try await Self.withJournal { journal in
            // The budget's one request a window goes to another job's submission.
            _ = try await harness.client.submit(SimulatorHarness.request)
            let made = JobRecord(parameters: SimulatorHarness.request, apiBase: harness.client.configuration.apiBase)
            let submitted = try await JobSubmission(client: harness.client, journal: journal).submit(made)
            let posts = try await harness.control.requests("POST", "/v2/").compactMap { $0["arrived"] as? Double }
            #expect(posts.count == 2 && posts[1] - posts[0] >= 2.9, "the second POST waited for the budget: \(posts)")
            // Journal times are to the second.
            #expect(submitted.submittedAt.timeIntervalSince(made.submittedAt) >= 2, "\(made.submittedAt) → \(submitted.submittedAt)")
            #expect(try journal.find(try #require(submitted.requestID).rawValue).submittedAt == submitted.submittedAt)
        } }
    }

    /// The journal keeps times to the second; a job this process submitted is timed to the instant,
    /// so its first poll is never early by the fraction of a second the journal dropped.
    @Test func aJobSubmittedHereIsTimedToTheInstant() async throws {
        try await SimulatorHarness.with { harness in try await Self.withJournal { journal in
            let apiBase = harness.client.configuration.apiBase
            for _ in 0..<3 {
                var earlier = JobRecord(parameters: SimulatorHarness.request, apiBase: apiBase, now: Date().addingTimeInterval(-100))
                earlier.state = .downloaded
                earlier.completedAt = earlier.submittedAt.addingTimeInterval(10)
                try journal.save(earlier)
            }
            // Submitted mid-second: the journal's time for it is up to a second earlier.
            while !(0.5..<0.7).contains(Date().timeIntervalSinceReferenceDate.truncatingRemainder(dividingBy: 1)) {
                try await Task.sleep(for: .milliseconds(10))
            }
            // The submission was taken somewhere between these two instants (however loaded the
            // machine), so its first poll is due between them plus the typical 10 s; timed from the
            // journal's second it would come before the earlier one.
            let before = Date()
            let job = try await JobSubmission(client: harness.client, journal: journal)
                .submit(JobRecord(parameters: SimulatorHarness.request, apiBase: apiBase))
            let after = Date()
            let pollAt = after.addingTimeInterval(TypicalProcessing.firstPoll(for: job, in: journal, now: after))
            #expect(pollAt.timeIntervalSince(before) >= 10 - 1e-3 && pollAt.timeIntervalSince(after) <= 10 + 1e-3,
                    """
                    the first poll would come \(pollAt.timeIntervalSince(before)) s after the submission was sent, \
                    \(pollAt.timeIntervalSince(after)) s after its answer came; it is due 10 s after it was taken
                    """)
        } }
    }

    /// Once a job is over, the instant it was taken is let go: a batch of thousands of lines keeps
    /// none of its finished jobs' in memory.
    @Test func aFinishedJobsInstantIsLetGo() async throws {
        try await SimulatorHarness.with { harness in try await Self.withJournal { journal in
            let job = try await JobSubmission(client: harness.client, journal: journal)
                .submit(JobRecord(parameters: SimulatorHarness.request, apiBase: harness.client.configuration.apiBase))
            #expect(TypicalProcessing.acceptance(of: job) != job.submittedAt, "kept to the instant while the job runs")
            let output = Scratch.temporary.appendingPathComponent("kling-typical-\(UUID().uuidString).mp4").path
            defer { try? FileManager.default.removeItem(atPath: output) }
            let (finished, _) = try await JobTracker(client: harness.client, journal: journal).finish(job, to: output)
            #expect(finished.state == .downloaded)
            #expect(TypicalProcessing.acceptance(of: job) == job.submittedAt, "the journal's second, once it is over")
        } }
    }

    /// Submits the harness's request and follows it to its file: the finished record, and each
    /// poll's status as it was heard.
    private static func submitAndTrack(_ harness: SimulatorHarness, _ journal: JobJournal) async throws -> (JobRecord, [(JobStatus, Date)]) {
        let job = try await JobSubmission(client: harness.client, journal: journal)
            .submit(JobRecord(parameters: SimulatorHarness.request, apiBase: harness.client.configuration.apiBase))
        let output = Scratch.temporary.appendingPathComponent("kling-typical-\(UUID().uuidString).mp4").path
        defer { try? FileManager.default.removeItem(atPath: output) }
        let polls = Collected<(JobStatus, Date)>()
        let (finished, _) = try await JobTracker(client: harness.client, journal: journal).finish(job, to: output) { event in
            if case .polled(let status, _) = event { polls.add((status, Date())) }
        }
        return (finished, polls.all)
    }

    /// A journal in a folder of its own, removed afterwards.
    private static func withJournal(_ body: (JobJournal) async throws -> Void) async throws {
        let folder = Scratch.temporary.appendingPathComponent("kling-typical-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await body(try JobJournal(directory: folder.path))
    }

    /// A batch's later lines learn from its first ones: each finished job's time counts at once,
    /// not only from the journal as it stood when the process started.
    @Test func aJobJustFinishedCountsAtOnce() throws {
        let folder = Scratch.temporary.appendingPathComponent("kling-typical-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = try JobJournal(directory: folder.path)
        func job(_ seconds: Double) throws -> JobRecord {
            var record = JobRecord(parameters: KlingRequest(prompt: "Based on @Video1", videoURL: "https://example.com/a.mp4"),
                                   apiBase: "http://127.0.0.1:9", now: Date().addingTimeInterval(-100))
            record.state = .downloaded
            record.completedAt = record.submittedAt.addingTimeInterval(seconds)
            try journal.save(record)
            return record
        }
        let probe = try job(20)
        #expect(TypicalProcessing.typicalSeconds(for: probe, in: journal) == nil)
        for seconds in [12.0, 13.0, 14.0] { TypicalProcessing.learn(try job(seconds), in: journal) }
        #expect(TypicalProcessing.typicalSeconds(for: probe, in: journal) == 14)
    }

    /// A job a poll found running before one found it done finished between the two: its time is
    /// the middle of that span, not the later poll's (which, for the first jobs, polled before
    /// there was history, was late by up to the poll interval, and set every later job's first
    /// poll that late).
    @Test func aJobSeenRunningThenDoneIsTimedByTheMiddleOfTheSpan() throws {
        let folder = Scratch.temporary.appendingPathComponent("kling-typical-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = try JobJournal(directory: folder.path)
        for (running, done) in [(50.0, 62.0), (48.0, 62.0), (nil, 57.0)] as [(Double?, Double)] {
            var record = JobRecord(parameters: KlingRequest(prompt: "Based on @Video1", videoURL: "https://example.com/a.mp4"),
                                   apiBase: "http://127.0.0.1:9", now: Date().addingTimeInterval(-100))
            record.state = .downloaded
            record.completedAt = record.submittedAt.addingTimeInterval(done)
            record.runningUntil = running.map { record.submittedAt.addingTimeInterval($0) }
            try journal.save(record)
        }
        let next = JobRecord(parameters: KlingRequest(prompt: "Based on @Video1", videoURL: "https://example.com/a.mp4"), apiBase: "http://127.0.0.1:9")
        // 56, 55 and (seen done at its first poll) 57: the third quartile is 57, not 62.
        #expect(TypicalProcessing.typicalSeconds(for: next, in: journal) == 57)
    }

    /// Polled from its submission, a job found running first and done later keeps both polls'
    /// times in its record, in order.
    @Test func aJobsRecordKeepsTheLastPollThatFoundItRunning() async throws {
        try await SimulatorHarness.with { harness in try await Self.withJournal { journal in
            let (finished, polls) = try await Self.submitAndTrack(harness, journal)
            let stored = try journal.find(try #require(finished.requestID).rawValue)
            let lastRunning = try #require(polls.last { $0.0 != .completed }, "the simulator's job (0.8 s) was polled at once")
            // (The journal keeps seconds; the event came a moment after the poll, maybe past a second's turn.)
            let kept = try #require(stored.runningUntil)
            let heard = JournalClock.stored(lastRunning.1)
            #expect(abs(kept.timeIntervalSince(heard)) <= 1, "\(kept) vs \(heard)")
            #expect(try #require(stored.runningUntil) <= (try #require(stored.completedAt)))
            // And how long it took, to the millisecond: between the two (kept to the second).
            let took = try #require(stored.processingSeconds)
            #expect(took >= kept.timeIntervalSince(stored.submittedAt) - 1, "\(took)")
            #expect(took <= (try #require(stored.completedAt)).timeIntervalSince(stored.submittedAt) + 1, "\(took)")
        } }
    }

    /// A job's time is read back as precisely as it was learned: a later process learns what this
    /// one did, not the second-rounded times (at a simulator's time scale of 0.05, a second is 20 of
    /// Kling's).
    @Test func aJobsTimeIsReadBackToTheMillisecond() throws {
        let folder = Scratch.temporary.appendingPathComponent("kling-typical-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let journal = try JobJournal(directory: folder.path)
        for seconds in [11.25, 11.5, 11.75] {
            var record = JobRecord(parameters: KlingRequest(prompt: "Based on @Video1", videoURL: "https://example.com/a.mp4"),
                                   apiBase: "http://127.0.0.1:9", now: Date().addingTimeInterval(-100))
            record.state = .downloaded
            record.completedAt = record.submittedAt.addingTimeInterval(seconds.rounded(.down))
            record.processingSeconds = seconds
            try journal.save(record)
        }
        let next = JobRecord(parameters: KlingRequest(prompt: "Based on @Video1", videoURL: "https://example.com/a.mp4"), apiBase: "http://127.0.0.1:9")
        #expect(TypicalProcessing.typicalSeconds(for: next, in: journal) == 11.75)
    }

    /// A job found running, then done by a poll that waited for the request budget, finished
    /// somewhere between the two polls' answers: its record says done by the later answer, not by
    /// when that poll was due (it may have finished after; timed so, a batch's first jobs taught
    /// 210 s for jobs of 224, and later first polls missed).
    @Test func aJobFoundRunningThenDoneByAPollThatWaitedForTheBudgetIsTimedByThatPollsAnswer() async throws {
        // Two requests every 20 s: the submission and the first poll (2 s on, the job takes 4), then
        // the next poll, due 3 s later, waits for the submission to leave the window.
        let budget = RequestBudget(requestsPerWindow: 2, window: .seconds(20), learns: false)
        try await SimulatorHarness.with({ $0.look = .pattern; $0.latency = 4 }, budget: budget) { harness in try await Self.withJournal { journal in
            let (finished, polls) = try await Self.submitAndTrack(harness, journal)
            // (In a full test run the shot may take longer, and more polls find it running.)
            #expect(polls.count >= 2 && [.queued, .processing].contains(polls[0].0) && polls.last?.0 == .completed, "\(polls)")
            let gets = try await harness.control.requests("GET", "/v2/").compactMap { $0["arrived"] as? Double }
            if polls.count == 2 {
                #expect(gets.count == 2 && gets[1] - gets[0] >= 15, "the second poll waited for the budget: \(gets)")
            }
            let answered = try #require(polls.last { $0.0 == .completed }?.1)
            let stored = try journal.find(try #require(finished.requestID).rawValue)
            let doneBy = try #require(stored.completedAt)
            // The journal keeps seconds.
            #expect(abs(answered.timeIntervalSince(doneBy)) <= 1, "done by \(doneBy), answered \(answered)")
            #expect(try #require(stored.runningUntil) < doneBy)
        } }
    }

    /// A poll that waited for the request budget and found the job done at its first poll says it
    /// was done by when the poll was due, not by when the budget let it go: a busy batch's jobs do not seem to take
    /// longer and longer (and their first polls come no later for it).
    @Test func aJobFoundDoneByAPollThatWaitedForTheBudgetIsTimedByWhenThePollWasDue() async throws {
        // One request every 20 s: longer than the longest poll interval (15 s), so every poll waits
        // for the budget, however long the job takes (its shot is made in the process's media
        // slots, which a full test run keeps busy).
        let budget = RequestBudget(requestsPerWindow: 1, window: .seconds(20), learns: false)
        try await SimulatorHarness.with({ $0.look = .pattern }, budget: budget) { harness in try await Self.withJournal { journal in
            let (finished, polls) = try await Self.submitAndTrack(harness, journal)
            let gets = try await harness.control.requests("GET", "/v2/").compactMap { $0["arrived"] as? Double }
            let posted = try #require(try await harness.control.requests("POST", "/v2/").first?["arrived"] as? Double)
            for (earlier, later) in zip([posted] + gets, gets) { #expect(later - earlier >= 19.9, "each poll waited for the budget: \(gets)") }
            let answered = try #require(polls.last { $0.0 == .completed }?.1)
            let stored = try journal.find(try #require(finished.requestID).rawValue)
            let doneBy = try #require(stored.completedAt)
            if polls.count == 1 {
                // Due at least 5 s before its answer (the budget held it 20 s after the request
                // before, which came at most 15 s before it was due); the journal keeps seconds.
                #expect(answered.timeIntervalSince(doneBy) >= 5, "done by \(doneBy), answered \(answered)")
            } else {
                // A full test run kept the shot from being ready by the first poll: seen running
                // first, it is timed by the answers (the test above).
                #expect(abs(answered.timeIntervalSince(doneBy)) <= 1, "done by \(doneBy), answered \(answered)")
            }
        } }
    }
}
