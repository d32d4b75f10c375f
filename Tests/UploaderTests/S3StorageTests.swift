import Foundation
import HTTP
import Support
import TestSupport
import Testing
import Uploader

/// Uploads to an S3-compatible server on loopback (moto), fetched back through presigned URLs.
@Suite struct S3StorageTests {
    private func withMoto<T>(_ body: (MotoServer, [String: String]) async throws -> T) async throws -> T {
        let moto = try await MotoServer()
        defer { moto.stop() }
        try await moto.createBucket("clips")
        return try await body(moto, moto.environment)
    }

    /// Random bytes in a file: made on a thread of their own (tens of megabytes take a while).
    private func randomFile(megabytes: Int) async throws -> String {
        let path = Scratch.temporary.appendingPathComponent("kling-s3-\(UUID().uuidString).mp4").path
        try await offloaded {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<(megabytes << 20) / 8).map { _ in generator.next() as UInt64 }
            try bytes.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
        }
        return path
    }

    private func fetch(_ url: String) async throws -> Data {
        let target = Scratch.temporary.appendingPathComponent("kling-s3-back-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: target) }
        try await Downloader().download(url, to: target)
        return try Data(contentsOf: URL(fileURLWithPath: target))
    }

    @Test func smallFileGoesUpInOnePutAndComesBackByItsPresignedURL() async throws {
        try await withMoto { moto, environment in
            let storage = try S3Storage(destination: "s3://clips/jobs/today", environment: environment, expiry: 600)
            let path = Fixtures.path("landscape.mp4")
            let sha256 = try ContentHash.sha256(ofFileAt: path)
            let (url, expiresAt) = try await storage.upload(path, sha256: sha256, progress: nil)
            #expect(url.hasPrefix("\(moto.endpoint)/clips/jobs/today/\(sha256.prefix(16))-landscape.mp4?"))
            #expect(url.contains("X-Amz-Expires=600") && url.contains("X-Amz-Signature="))
            #expect(abs((expiresAt ?? .distantPast).timeIntervalSinceNow - 600) < 5)
            #expect(try await fetch(url) == Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    @Test func largeFileGoesUpInPartsAndArrivesWhole() async throws {
        try await withMoto { _, environment in
            let path = try await randomFile(megabytes: 12)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let storage = try S3Storage(destination: "s3://clips", environment: environment,
                                        multipartThreshold: 5 << 20, partSize: 5 << 20)
            let (url, _) = try await storage.upload(path, sha256: try ContentHash.sha256(ofFileAt: path), progress: nil)
            #expect(try await fetch(url) == Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }

    @Test func cachedS3URLIsReusedWhileItWorks() async throws {
        try await withMoto { _, environment in
            let cachePath = Scratch.temporary.appendingPathComponent("kling-cache-\(UUID().uuidString).json").path
            let uploader = FileUploader(backend: try S3Storage(destination: "s3://clips", environment: environment),
                                        cache: UploadCache(path: cachePath))
            let first = try await uploader.upload(Fixtures.path("ref_ok.png"))
            let second = try await uploader.upload(Fixtures.path("ref_ok.png"))
            #expect(!first.cached && second.cached && first.url == second.url)
        }
    }

    @Test func missingCredentialsAreSaidBeforeAnythingIsSent() {
        #expect(throws: UploadError.refused(status: 0, detail: "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY for s3:// uploads")) {
            try S3Storage(destination: "s3://clips", environment: [:])
        }
    }
}
