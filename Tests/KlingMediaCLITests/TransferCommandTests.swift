import Foundation
import TestSupport
import Testing

/// `upload` and `download` end to end against the simulator process.
@Suite struct TransferCommandTests {
    private func json(_ result: ProcessResult) throws -> [[String: Any]] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]])
    }

    @Test func uploadingTheSameFileTwiceSendsItOnce() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let first = try await sandbox.run(["upload", Fixtures.path("landscape.mp4"), "https://example.com/given.png", "--json"])
        #expect(first.status == 0, "\(first.standardError)")
        let reports = try json(first)
        #expect(reports.map { $0["cached"] as? Bool } == [false, false])
        #expect(reports[1]["passed_through"] as? Bool == true)
        #expect(reports[1]["url"] as? String == "https://example.com/given.png")
        #expect(reports[0]["bytes"] as? Int == 59201)
        let second = try await sandbox.run(["upload", Fixtures.path("landscape.mp4"), "--json"])
        #expect(try json(second).first?["cached"] as? Bool == true)
        #expect(try json(second).first?["url"] as? String == reports[0]["url"] as? String)
        #expect(try await sandbox.simulator.control.count("POST", "/upload-asset") == 1)
        let again = try await sandbox.run(["upload", Fixtures.path("landscape.mp4"), "--no-cache", "--json"])
        #expect(try json(again).first?["cached"] as? Bool == false)
        #expect(try await sandbox.simulator.control.count("POST", "/upload-asset") == 2)
        for result in [first, second, again] {
            #expect(!result.standardOutput.contains(SimulatorProcess.key) && !result.standardError.contains(SimulatorProcess.key))
        }
    }

    @Test func downloadSavesAVideoOnlyWhenItIsOne() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let uploads = try json(try await sandbox.run(["upload", Fixtures.path("rotated.mp4"), Fixtures.path("not_media.mp4"),
                                                       Fixtures.path("truncated_faststart.mp4"), "--json"]))
        let good = sandbox.home.appendingPathComponent("good.mp4").path
        let fetched = try await sandbox.run(["download", try #require(uploads[0]["url"] as? String), "-o", good])
        #expect(fetched.status == 0, "\(fetched.standardError)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: good)) == Data(contentsOf: URL(fileURLWithPath: Fixtures.path("rotated.mp4"))))
        for (index, name) in [(1, "text.mp4"), (2, "cut.mp4")] {
            let target = sandbox.home.appendingPathComponent(name).path
            let refused = try await sandbox.run(["download", try #require(uploads[index]["url"] as? String), "-o", target])
            #expect(refused.status == 5)
            #expect(refused.standardError.hasSuffix("is not a complete video; nothing was saved\n"))
            #expect(!FileManager.default.fileExists(atPath: target))
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: sandbox.home.path).filter { $0.hasPrefix(".") }
        #expect(leftovers.isEmpty)
    }

    @Test func signedS3URLsShowWholeOnlyInJSON() async throws {
        var sandbox = try await JobCommandTests.Sandbox()
        let moto = try await MotoServer()
        defer { sandbox.close(); moto.stop() }
        try await moto.createBucket("clips")
        sandbox.environment.merge(moto.environment) { $1 }
        let text = try await sandbox.run(["upload", "--to", "s3://clips/in", Fixtures.path("ref_ok.jpg")])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.hasSuffix("-ref_ok.jpg?…(redacted) (signed; --json shows it whole)\n"))
        #expect(!text.standardOutput.contains("X-Amz-Signature") && !text.standardError.contains("X-Amz-Signature"))
        // The Segmind key is set in this environment; an S3 upload has no business with it.
        #expect(!text.standardOutput.contains(SimulatorProcess.key) && !text.standardError.contains(SimulatorProcess.key))
        let json = try await sandbox.run(["upload", "--to", "s3://clips/in", Fixtures.path("ref_ok.jpg"), "--json"])
        let url = try #require(try self.json(json).first?["url"] as? String)
        #expect(url.contains("X-Amz-Signature="))
        let back = sandbox.home.appendingPathComponent("back.jpg").path
        let fetched = try await ProcessRunner.run("curl", ["-sf", "-o", back, url])
        #expect(fetched.status == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: back)) == Data(contentsOf: URL(fileURLWithPath: Fixtures.path("ref_ok.jpg"))))
    }

    @Test func missingFileIsNamedAndExitsTwo() async throws {
        let sandbox = try await JobCommandTests.Sandbox()
        defer { sandbox.close() }
        let result = try await sandbox.run(["upload", Fixtures.path("no-such.mp4")])
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("kling-media: \(Fixtures.path("no-such.mp4")): cannot read it to upload"))
    }
}
