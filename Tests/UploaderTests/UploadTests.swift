import Foundation
import HTTP
import Segmind
import Support
import Synchronization
import TestSupport
import Testing
import Uploader

@testable import Uploader

/// Local files to URLs through Segmind Storage (the simulator's), the cache, and the body stream.
@Suite struct UploadTests {
    private func uploadedFile(_ url: String, in harness: SimulatorHarness) throws -> Data {
        let name = try #require(url.split(separator: "/").last)
        return try Data(contentsOf: harness.outputDirectory.appendingPathComponent("uploads/\(name)"))
    }

    @Test func uploadArrivesByteForByteAndIsServedBack() async throws {
        try await SimulatorHarness.with { harness in
            let path = Fixtures.path("landscape.mp4")
            let url = try await harness.storage.upload(path)
            #expect(url.hasPrefix("http://localhost:\(harness.simulator.port)/uploads/"))
            #expect(url.hasSuffix(".mp4"))
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            #expect(try uploadedFile(url, in: harness) == original)
            let target = harness.outputDirectory.appendingPathComponent("back.mp4").path
            try await Downloader().download(url, to: target)
            #expect(try Data(contentsOf: URL(fileURLWithPath: target)) == original)
        }
    }

    /// libcurl calls its progress function many times a second whether or not bytes moved; only
    /// a change is passed on (each one was an event: with `--json`, a line of its own).
    @Test func progressIsSaidWhenBytesMoveAndOnlyThen() async throws {
        try await SimulatorHarness.with { harness in
            let path = Fixtures.path("landscape.mp4")
            let size = try FileFacts.regularFileSize(path)
            let sent = Mutex<[TransferProgress]>([])
            let url = try await harness.storage.upload(path) { progress in sent.withLock { $0.append(progress) } }
            let target = harness.outputDirectory.appendingPathComponent("back.mp4").path
            let received = Mutex<[TransferProgress]>([])
            try await Downloader().download(url, to: target) { progress in received.withLock { $0.append(progress) } }
            for (name, reports) in [("upload", sent.withLock { $0 }), ("download", received.withLock { $0 })] {
                #expect(reports.count >= 2, "\(name): \(reports)")
                for (earlier, later) in zip(reports, reports.dropFirst()) {
                    #expect(earlier != later, "\(name): \(earlier) said twice")
                    #expect(later.bytesSent >= earlier.bytesSent && later.bytesReceived >= earlier.bytesReceived, "\(name)")
                }
            }
            // Everything that went is said: the whole body up (the file as base64 inside JSON), the whole file down.
            #expect(sent.withLock { $0.last?.bytesSent } == Base64DataURLBody.length(fileSize: size, mimeType: MediaType.of(path: path)))
            #expect(received.withLock { $0.last?.bytesReceived } == size)
        }
    }

    @Test func simulatorJudgesAnUploadedClipByValidatesRules() async throws {
        try await SimulatorHarness.with { harness in
            var request = SimulatorHarness.request
            request.videoURL = try await harness.storage.upload(Fixtures.path("too_short.mp4"))
            await #expect(throws: APIError.badRequest(detail: "video_url: the clip is 2 s long; Kling O1 accepts 3–10.05 s")) {
                try await harness.client.submit(request)
            }
            request.videoURL = try await harness.storage.upload(Fixtures.path("landscape.mp4"))
            _ = try await harness.client.submit(request)
        }
    }

    @Test func streamedBodyIsExactlyTheDataURLAndItsAnnouncedLength() throws {
        for fixture in ["landscape.mp4", "ref_ok.png", "not_media.mp4"] {
            let path = Fixtures.path(fixture)
            let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            let mime = MediaType.of(path: path)
            let source = try Base64DataURLBody(path: path, mimeType: mime)
            var body: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 7000)
            while true {
                let count = try buffer.withUnsafeMutableBytes { try source.read(into: $0) }
                if count == 0 { break }
                body += buffer[0..<count]
            }
            let expected = "{\"data_urls\":[\"data:\(mime);base64,\(bytes.base64EncodedString())\"]}"
            #expect(String(decoding: body, as: UTF8.self) == expected)
            #expect(Base64DataURLBody.length(fileSize: Int64(bytes.count), mimeType: mime) == Int64(body.count))
        }
    }

    @Test func sameBytesUploadOnceThenComeFromTheCache() async throws {
        try await SimulatorHarness.with { harness in
            let cache = UploadCache(path: harness.outputDirectory.appendingPathComponent("cache/uploads.json").path)
            let uploader = FileUploader(backend: harness.storage, cache: cache)
            let first = try await uploader.upload(Fixtures.path("landscape.mp4"))
            let second = try await uploader.upload(Fixtures.path("landscape.mp4"))
            #expect(!first.cached && second.cached)
            #expect(second.url == first.url)
            // The oracle for the key: `sha256sum fixtures/landscape.mp4`.
            let oracle = try await ProcessRunner.run("sha256sum", [Fixtures.path("landscape.mp4")])
            #expect(first.sha256 == String(oracle.standardOutput.prefix(64)))
            #expect(try await harness.control.count("POST", "/upload-asset") == 1)
            let uncached = try await FileUploader(backend: harness.storage, cache: nil).upload(Fixtures.path("landscape.mp4"))
            #expect(!uncached.cached)
            #expect(try await harness.control.count("POST", "/upload-asset") == 2)
        }
    }

    @Test func cachedURLThatNoLongerAnswersIsUploadedAgain() async throws {
        try await SimulatorHarness.with { harness in
            let cache = UploadCache(path: harness.outputDirectory.appendingPathComponent("cache/uploads.json").path)
            let uploader = FileUploader(backend: harness.storage, cache: cache)
            let first = try await uploader.upload(Fixtures.path("ref_ok.png"))
            let name = try #require(first.url.split(separator: "/").last)
            try FileManager.default.removeItem(at: harness.outputDirectory.appendingPathComponent("uploads/\(name)"))
            let second = try await uploader.upload(Fixtures.path("ref_ok.png"))
            #expect(!second.cached)
            #expect(second.url != first.url)
        }
    }

    @Test func flakyStorageIsRetriedAndRefusalsAreReported() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.fail(2, with: 502, path: "/upload-asset")
            _ = try await harness.storage.upload(Fixtures.path("ref_ok.png"))
            #expect(try await harness.control.count("POST", "/upload-asset") == 3)
            let stranger = SegmindStorage(configuration: SegmindConfiguration(
                apiKey: APIKey("SG_ffff0000ffff0000"), apiBase: harness.simulator.baseURL,
                uploadURL: harness.simulator.baseURL + "/upload-asset"))
            await #expect(throws: UploadError.refused(status: 401, detail: "Invalid API key")) {
                try await stranger.upload(Fixtures.path("ref_ok.png"))
            }
        }
    }

    @Test func uploadWhoseConnectionBreaksIsSentAgain() async throws {
        try await SimulatorHarness.with { harness in
            try await harness.control.drop(1, path: "/upload-asset")
            let url = try await harness.storage.upload(Fixtures.path("square.mov"))
            #expect(url.hasSuffix(".mov"))
            #expect(try uploadedFile(url, in: harness) == Data(contentsOf: URL(fileURLWithPath: Fixtures.path("square.mov"))))
            #expect(try await harness.control.count("POST", "/upload-asset") == 2)
        }
    }

    @Test func keyIsNotSentToAnUploadHostThatIsNotSegmindOrTheAPI() async throws {
        try await SimulatorHarness.with { harness in
            // Same server, other name: localhost is not the API's host (127.0.0.1).
            let elsewhere = SegmindStorage(configuration: SegmindConfiguration(
                apiKey: APIKey(SimulatorHarness.key), apiBase: harness.simulator.baseURL,
                uploadURL: "http://localhost:\(harness.simulator.port)/upload-asset"))
            await #expect(throws: UploadError.self) { try await elsewhere.upload(Fixtures.path("ref_ok.png")) }
            let seen = try await harness.control.log()
            #expect(seen.isEmpty)
        }
    }

    @Test func missingFileNeverYieldsAURL() async throws {
        try await SimulatorHarness.with { harness in
            await #expect(throws: UploadError.self) { try await harness.storage.upload(Fixtures.path("no-such.mp4")) }
            let seen = try await harness.control.log()
            #expect(seen.isEmpty)
        }
    }
}

@Suite struct SafeFileNameTests {
    @Test(arguments: [
        ("https://cdn.example/outputs/abc123.mp4?X-Amz-Signature=x", "abc123.mp4"),
        ("https://cdn.example/a/..%2F..%2Fetc%2Fpasswd", "passwd.mp4"),
        ("https://cdn.example/a/%2e%2e", "download.mp4"),
        ("https://cdn.example/.hidden.mp4", "hidden.mp4"),
        ("https://cdn.example/", "download.mp4"),
        ("https://cdn.example/clip%20one.mov", "clip_one.mov"),
    ])
    func namesCannotClimbOutOrHide(url: String, expected: String) {
        #expect(SafeFileName.from(url: url) == expected)
    }
}
