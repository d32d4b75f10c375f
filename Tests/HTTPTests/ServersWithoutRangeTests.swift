import Foundation
import HTTP
import TestSupport
import Testing
import Uploader

/// Downloads and cache checks against servers that do what HTTP allows with a Range request:
/// ignore it (200, everything), answer from elsewhere, or say 416 for a file already whole.
@Suite struct ServersWithoutRangeTests {
    /// A finished job's output: its URL and its bytes as the simulator keeps them.
    private func finishedOutput(_ harness: SimulatorHarness) async throws -> (url: String, bytes: Data) {
        let submission = try await harness.client.submit(SimulatorHarness.request)
        let result = try await harness.client.waitForResult(of: submission.requestID)
        let bytes = try Data(contentsOf: harness.outputDirectory.appendingPathComponent("\(submission.requestID).mp4"))
        return (result.outputURL, bytes)
    }

    private func partials(in folder: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".partial") }
    }

    @Test func aResumeAnsweredWith200StartsTheFileAgainFromByteZero() async throws {
        try await SimulatorHarness.with({ $0.rangeSupport = .ignored }) { harness in
            let output = try await finishedOutput(harness)
            try await harness.control.drop(1, path: "/outputs/")
            let target = harness.outputDirectory.appendingPathComponent("whole.mp4").path
            let receipt = try await Downloader().download(output.url, to: target)
            #expect(receipt.bytes == Int64(output.bytes.count))
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == output.bytes)
            // The second GET asked for the rest and got everything, with 200.
            let gets = try await harness.control.requests("GET", "/outputs/")
            #expect(gets.count == 2)
            #expect((gets[1]["range"] as? String)?.hasPrefix("bytes=") == true && gets[1]["status"] as? Int == 200)
            #expect(try partials(in: harness.outputDirectory).isEmpty)
        }
    }

    @Test func aPartStartingElsewhereIsNotAppendedButStartedOver() async throws {
        try await SimulatorHarness.with({ $0.rangeSupport = .misaligned }) { harness in
            let output = try await finishedOutput(harness)
            try await harness.control.drop(1, path: "/outputs/")
            let target = harness.outputDirectory.appendingPathComponent("whole.mp4").path
            try await Downloader().download(output.url, to: target)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == output.bytes)
            let gets = try await harness.control.requests("GET", "/outputs/")
            #expect(gets.map { $0["range"] != nil } == [false, true, false])
        }
    }

    @Test func a416ForAFileAlreadyWholeIsAccepted() async throws {
        try await SimulatorHarness.with { harness in
            let output = try await finishedOutput(harness)
            // Every byte arrives, then the connection breaks: the resume asks from past the end.
            try await harness.control.overstate(1, path: "/outputs/")
            let target = harness.outputDirectory.appendingPathComponent("whole.mp4").path
            try await Downloader().download(output.url, to: target)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == output.bytes)
            let gets = try await harness.control.requests("GET", "/outputs/")
            #expect(gets.last?["status"] as? Int == 416 && gets.last?["range"] as? String == "bytes=\(output.bytes.count)-")
        }
    }

    @Test func aDownloadPastItsCapStopsAndKeepsNothing() async throws {
        try await SimulatorHarness.with { harness in
            let output = try await finishedOutput(harness)
            let target = harness.outputDirectory.appendingPathComponent("capped.mp4").path
            await #expect(throws: DownloadError.tooLarge(limit: 1000)) {
                try await Downloader(maxBytes: 1000).download(output.url, to: target)
            }
            #expect(!FileManager.default.fileExists(atPath: target))
            #expect(try partials(in: harness.outputDirectory).isEmpty)
        }
    }

    @Test func thePartialFileIsPrivateAndTheResultIsNot() async throws {
        try await SimulatorHarness.with { harness in
            let output = try await finishedOutput(harness)
            let folder = harness.outputDirectory
            let target = folder.appendingPathComponent("private.mp4").path
            let modes = Collected<Int>()
            try await Downloader().download(output.url, to: target) { _ in
                for name in (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? [] where name.hasSuffix(".partial") {
                    if let mode = try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.posixPermissions] as? Int {
                        modes.add(mode)
                    }
                }
            }
            #expect(!modes.all.isEmpty && modes.all.allSatisfy { $0 == 0o600 })
            #expect(try FileManager.default.attributesOfItem(atPath: target)[.posixPermissions] as? Int == 0o644)
        }
    }

    @Test func aCachedURLOnAServerThatSendsEverythingStillCountsAsAlive() async throws {
        try await SimulatorHarness.with({ $0.rangeSupport = .ignored }) { harness in
            let cache = UploadCache(path: harness.outputDirectory.appendingPathComponent("cache/uploads.json").path)
            let uploader = FileUploader(backend: harness.storage, cache: cache)
            // 122 kB: more than a "first bytes" check would once read before giving up.
            let first = try await uploader.upload(Fixtures.path("too_long.mp4"))
            let second = try await uploader.upload(Fixtures.path("too_long.mp4"))
            #expect(!first.cached && second.cached && second.url == first.url)
            #expect(try await harness.control.count("POST", "/upload-asset") == 1)
            let check = try #require(try await harness.control.requests("GET", "/uploads/").last)
            #expect(check["status"] as? Int == 200)
        }
    }
}

