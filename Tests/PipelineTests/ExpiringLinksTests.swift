import Foundation
import Journal
@testable import Pipeline
import Segmind
import Simulator
import TestSupport
import Testing

/// Result links that stop working before the file is saved: a CDN's signed link past its end
/// (403, as S3 and CloudFront answer), or a host that moved. A paid-for result is not lost to
/// that while Segmind keeps the job's record: its links are asked for again, once.
@Suite struct ExpiringLinksTests {
    /// A finished job as the journal keeps it, its links taken from the simulator's answer.
    private func finishedJob(_ harness: PipelineHarness) async throws -> JobRecord {
        let parameters = KlingRequest(prompt: "Based on @Video1, next", videoURL: "https://example.com/shot.mp4")
        let submission = try await harness.client.submit(parameters)
        var record = JobRecord(parameters: parameters, apiBase: harness.simulator.baseURL)
        record.requestID = submission.requestID
        record.statusURL = submission.statusURL
        record.responseURL = submission.responseURL
        record.outputURLs = try await harness.client.waitForResult(of: submission.requestID).outputURLs
        record.state = .completed
        try harness.journal.save(record)
        return record
    }

    /// What curl gets for `url`: its HTTP status.
    private func status(of url: String) async throws -> Int {
        let fetched = try await ProcessRunner.run("curl", ["-s", "-o", "/dev/null", "-w", "%{http_code}", url])
        return try #require(Int(fetched.standardOutput), "curl: \(fetched.standardError)")
    }

    @Test func linksPastTheirEndAreGivenAgainAndTheResultIsSaved() async throws {
        // Signed for an hour, and ended by the simulator when the test says: no sleep to outlast.
        try await PipelineHarness.with({ $0.outputLinkSeconds = 3600 }) { harness in
            let job = try await finishedJob(harness)
            let kept = try #require(job.resultURLs.first)
            #expect(kept.contains("&expires="))
            #expect(try await status(of: kept) == 200, "curl fetches the kept link while it lasts")
            try await harness.control.expireLinks()
            #expect(try await status(of: kept) == 403, "curl finds the kept link past its end")

            let events = Collected<JobTracker.Event>()
            let target = harness.folder.appendingPathComponent("saved.mp4").path
            let (record, saved) = try await JobTracker(client: harness.client, journal: harness.journal)
                .finish(job, to: target) { events.add($0) }
            #expect(saved.info.primaryVideo?.width == 1280)
            let oracle = try await FFprobeReport(path: target)
            #expect(oracle.streams.first { $0["codec_type"] as? String == "video" }?["width"] as? Int == 1280, "ffprobe reads the saved file")
            #expect(saved.url != kept && record.resultURLs.first == saved.url)
            #expect(try harness.journal.job(localID: job.localID).resultURLs == record.resultURLs, "the fresh links are journalled")
            let asked = events.all.compactMap { if case .askedForFreshLinks(let reason) = $0 { reason } else { nil } }
            #expect(asked == ["its links were refused (403)"])
            // One refusal, one answer from the API, one download: no loop, no new job.
            let files = try await harness.control.requests("GET", "/outputs/").compactMap { $0["status"] as? Int }
            #expect(files.filter { $0 == 403 }.count == 2, "curl's request and the client's, each refused: \(files)")
            #expect(files.filter { $0 == 200 }.count == 2, "curl's before the end, and the client's download: \(files)")
            #expect(try await harness.submissions() == 1)
        }
    }

    @Test func withTheRecordGoneTheRefusalIsReportedAndNothingLoops() async throws {
        try await PipelineHarness.with({ $0.outputLinkSeconds = 3600 }) { harness in
            let job = try await finishedJob(harness)
            try await harness.control.expireLinks()
            let requestID = try #require(job.requestID)
            // Segmind forgets a request after an hour: its result endpoint answers 404.
            try await harness.control.fail(5, with: 404, path: "/v2/requests/\(requestID)")
            let target = harness.folder.appendingPathComponent("saved.mp4").path
            let askedBefore = try await harness.control.requests("GET", "/v2/requests/\(requestID)").count
            let failure = await #expect(throws: JobTracker.Failure.self) {
                try await JobTracker(client: harness.client, journal: harness.journal).finish(job, to: target)
            }
            guard case .noVideo(let tried, _) = failure else {
                Issue.record("expected the links' refusal, got \(String(describing: failure))")
                return
            }
            #expect(tried.map(\.status) == [403] && tried.allSatisfy(\.linkRefused), "\(tried)")
            #expect(try await harness.control.requests("GET", "/v2/requests/\(requestID)").count == askedBefore + 1, "asked once")
            #expect(!FileManager.default.fileExists(atPath: target))
        }
    }

    /// The built-in simulator listens on another port each run: a job finished in one run and
    /// fetched in the next has links to a host that is gone, as a moved CDN's would be.
    @Test func linksToAHostThatIsGoneAreGivenAgain() async throws {
        try await PipelineHarness.with { harness in
            var job = try await finishedJob(harness)
            let kept = try #require(job.resultURLs.first)
            job.outputURLs = [kept.replacingOccurrences(of: ":\(harness.simulator.port)/", with: ":1/")]
            let events = Collected<JobTracker.Event>()
            let target = harness.folder.appendingPathComponent("saved.mp4").path
            let (_, saved) = try await JobTracker(client: harness.client, journal: harness.journal).finish(job, to: target) { events.add($0) }
            #expect(saved.url == kept)
            let asked = events.all.compactMap { if case .askedForFreshLinks(let reason) = $0 { reason } else { nil } }
            #expect(asked.count == 1 && asked[0].hasPrefix("its links' host could not be reached"), "\(asked)")
        }
    }

    /// Kept links are tried briefly before fresh ones are asked for, but a transfer that only broke
    /// off (a dropped connection) still gets all its tries: three drops in a row do not lose the file.
    @Test func keptLinksWhoseTransferBreaksOffGetAllTheirTries() async throws {
        try await PipelineHarness.with { harness in
            let job = try await finishedJob(harness)
            try await harness.control.drop(3, path: "/outputs/")
            let target = harness.folder.appendingPathComponent("saved.mp4").path
            let (_, saved) = try await JobTracker(client: harness.client, journal: harness.journal).finish(job, to: target)
            #expect(saved.info.primaryVideo?.width == 1280)
            #expect(try await harness.control.requests("GET", "/outputs/").count == 4, "three dropped, the fourth whole")
        }
    }

    /// Past Segmind's hour, no fresh links can be had: the message says where the paid-for output
    /// can still come from, not "Segmind keeps the record until" a time gone by.
    @Test func pastTheRecordsHourTheMessageSaysWhoElseHasTheOutput() throws {
        let tried = [OutputDownload.SkippedURL(url: "https://cdn.example/a.mp4", reason: "answered 403", status: 403)]
        let gone = PipelineError.noVideo(tried: tried, shot: 1, job: "r-1", recordExpiresAt: Date(timeIntervalSinceNow: -60))
        #expect(gone.description.contains("Segmind's record of it ended at") && gone.description.contains("ask Segmind's support for the output of request r-1"))
        let kept = PipelineError.noVideo(tried: tried, shot: 1, job: "r-1", recordExpiresAt: Date(timeIntervalSinceNow: 600))
        #expect(kept.description.contains("Segmind keeps the record until") && kept.description.contains("`kling-media wait r-1` tries them again"))
        let advice = ResumeAdvice.download(try #require(RequestID("r-1")), stitching: true, recordExpiresAt: Date(timeIntervalSinceNow: -60)).text(simulated: false)
        #expect(advice.contains("downloads it and stitches without a new job (Segmind's record of it ended at"), "\(advice)")
    }

    @Test func aFileThatIsThereButNoVideoIsNotAskedForAgain() {
        let notVideo = OutputDownload.Failure.noVideo(tried: [.init(url: "https://cdn.example/a.png", reason: "has the content type image/png")])
        #expect(JobTracker.freshLinksMayMend(notVideo) == nil)
        let mixed = OutputDownload.Failure.noVideo(tried: [.init(url: "https://cdn.example/a.mp4", reason: "answered 403", status: 403),
                                                           .init(url: "https://cdn.example/b.mp4", reason: "answered 500", status: 500)])
        #expect(JobTracker.freshLinksMayMend(mixed) == nil)
        #expect(JobTracker.freshLinksMayMend(.download(.unwritable("/x/out.mp4", "No space left on device"))) == nil)
    }
}
