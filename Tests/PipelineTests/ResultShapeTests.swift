import Foundation
import Pipeline
import Segmind
import Simulator
import TestSupport
import Support
import Testing

/// Every shape Segmind may give a result (it documents only that `output` is there): the client
/// finds the video among the candidates, keeps them all, and passes over what is not a video.
@Suite struct ResultShapeTests {
    @Test(arguments: SimulatorConfiguration.ResultShape.allCases.filter { $0 != .thumbnailOnly })
    func theVideoIsFoundAndSavedWhateverTheShape(shape: SimulatorConfiguration.ResultShape) async throws {
        try await PipelineHarness.with({ $0.resultShape = shape }) { harness in
            let submission = try await harness.client.submit(KlingRequest(prompt: "Based on @Video1, next", videoURL: "https://example.com/shot.mp4"))
            let result = try await harness.client.waitForResult(of: submission.requestID)
            let base = "http://localhost:\(harness.simulator.port)/outputs/\(submission.requestID)"
            switch shape {
            case .object, .jsonText:
                #expect(result.outputURLs == [base + ".mp4", base + ".thumb.png"])
            case .decoy:
                #expect(result.outputURLs == [base + "-preview.mp4", base + ".mp4"])
            default:
                #expect(result.outputURLs == [base + ".mp4"])
            }
            let target = harness.folder.appendingPathComponent("saved.mp4").path
            let skipped = Collected<OutputDownload.SkippedURL>()
            let saved = try await OutputDownload.fetch(result.outputURLs, to: target, skipped: { skipped.add($0) })
            #expect(saved.url == base + ".mp4")
            #expect(saved.info.primaryVideo?.width == 1280)
            #expect(skipped.all == (shape == .decoy ? [.init(url: base + "-preview.mp4", reason: "has the content type text/html")] : []))
        }
    }

    @Test func aResultWithNoVideoFailsNamingWhatWasTried() async throws {
        try await PipelineHarness.with({ $0.resultShape = .thumbnailOnly }) { harness in
            let submission = try await harness.client.submit(KlingRequest(prompt: "Based on @Video1, next", videoURL: "https://example.com/shot.mp4"))
            let result = try await harness.client.waitForResult(of: submission.requestID)
            let target = harness.folder.appendingPathComponent("saved.mp4").path
            let error = await #expect(throws: OutputDownload.Failure.self) { try await OutputDownload.fetch(result.outputURLs, to: target) }
            let thumbnail = "http://localhost:\(harness.simulator.port)/outputs/\(submission.requestID).thumb.png"
            #expect(error == .noVideo(tried: [.init(url: thumbnail, reason: "has the content type image/png")]))
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(try FileManager.default.contentsOfDirectory(atPath: harness.folder.path).filter { $0.hasPrefix(".saved") }.isEmpty)
        }
    }

    @Test func aFileThatIsNotAVideoIsPassedOverByWhatFFmpegMakesOfIt() async throws {
        try await PipelineHarness.with { harness in
            // Served as video/mp4 (by its name), but text inside: only the probe can tell.
            let text = try await harness.uploads.url(for: Fixtures.path("not_media.mp4")).url
            let video = try await harness.uploads.url(for: Fixtures.path("landscape.mp4")).url
            let target = harness.folder.appendingPathComponent("saved.mp4").path
            let skipped = Collected<OutputDownload.SkippedURL>()
            let saved = try await OutputDownload.fetch([text, video], to: target, skipped: { skipped.add($0) })
            #expect(saved.url == video && skipped.all == [.init(url: text, reason: "is not a complete video")])
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == Data(contentsOf: URL(fileURLWithPath: Fixtures.path("landscape.mp4"))))
        }
    }

    @Test func candidatesAreRankedByNameThenExtensionAndNeverPointAtTheAPI() throws {
        let answer = try JSONValue.decode(Array(#"""
            {"status": "COMPLETED",
             "status_url": "https://api.segmind.com/v2/requests/x/status",
             "output": {"poster": "https://cdn.example/p.jpg", "preview_gif": "https://cdn.example/a.gif",
                        "result": "https://api.segmind.com/v2/requests/x", "clip": "https://cdn.example/c",
                        "video_url": "https://cdn.example/v.mp4?sig=1",
                        "files": "[\"https://cdn.example/f.webm\", \"https://cdn.example/f.png\"]"}}
            """#.utf8))
        #expect(ResultCandidates.urls(in: answer, apiHost: "api.segmind.com") == [
            "https://cdn.example/v.mp4?sig=1", "https://cdn.example/f.webm", "https://cdn.example/c", "https://cdn.example/f.png",
            "https://cdn.example/p.jpg", "https://cdn.example/a.gif",
        ])
    }

    @Test func statusAndResponseURLsAreFollowedOnlyOnTheAPIHost() async throws {
        try await PipelineHarness.with { harness in
            let submission = try await harness.client.submit(KlingRequest(prompt: "Based on @Video1, next", videoURL: "https://example.com/shot.mp4"))
            let base = harness.simulator.baseURL + "/v2/requests/\(submission.requestID)"
            #expect(submission.statusURL == base + "/status" && submission.responseURL == base)
            // A status URL on another host would carry the key there: the API base is asked instead.
            let elsewhere = JobLocation(requestID: submission.requestID,
                                        statusURL: "http://localhost:\(harness.simulator.port)/v2/requests/\(submission.requestID)/status",
                                        responseURL: "http://localhost:\(harness.simulator.port)/v2/requests/\(submission.requestID)")
            _ = try await harness.client.waitForResult(of: elsewhere)
            let api = try await harness.control.log().filter { ($0["path"] as? String ?? "").hasPrefix("/v2/") }
            #expect(api.allSatisfy { ($0["host"] as? String ?? "").hasPrefix("127.0.0.1") })
        }
    }
}

