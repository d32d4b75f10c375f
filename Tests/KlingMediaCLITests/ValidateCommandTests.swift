import Foundation
import TestSupport
import Testing

/// `kling-media validate` end to end: 0 valid, 1 invalid, 2 unusable; text and JSON.
@Suite struct ValidateCommandTests {
    private func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    @Test func validClipExitsZeroAndNamesTheAspectRatio() async throws {
        let result = try await KlingMediaBinary.run(["validate", Fixtures.path("rotated.mp4"),
                                               "--refs", Fixtures.path("ref_ok.png"), Fixtures.path("ref_ok.jpg"),
                                               "--prompt", "Based on @Video1, @Image1 and @Image2 keep walking"])
        #expect(result.status == 0)
        #expect(result.standardOutput == """
            \(Fixtures.path("rotated.mp4")): valid for Kling O1 (4 s, 720×1280, 30 fps, audio)
              aspect_ratio: 9:16 (displayed 720×1280 (rotated 90°) is exactly 9:16)

            """)
    }

    @Test func invalidClipExitsOneWithEveryProblemAndItsFix() async throws {
        let result = try await KlingMediaBinary.run(["validate", Fixtures.path("too_small.mp4"),
                                               "--refs", Fixtures.path("ref_too_wide.png"), "--prompt", "@Image2 runs", "--json"])
        #expect(result.status == 1)
        let report = try json(result)
        #expect(report["valid"] as? Bool == false)
        let findings = try #require(report["findings"] as? [[String: Any]])
        #expect(findings.map { $0["code"] as? String } == [
            "size_out_of_range", "image_aspect_out_of_range", "prompt_reference_missing", "prompt_does_not_mention_video",
        ])
        #expect(findings.map { $0["severity"] as? String } == ["error", "error", "error", "warning"])
        #expect(findings[0]["message"] as? String == "is 640×360; Kling O1 needs each side from 720 to 2160 px")
        #expect(findings[1]["reference"] as? String == "@Image1")
        #expect(findings[1]["message"] as? String == "is 1300×400, an aspect of 3.25:1; Kling O1 accepts 1:2.5 to 2.5:1")
        #expect(findings.allSatisfy { ($0["fix"] as? String)?.isEmpty == false })
    }

    @Test func jsonCarriesTheRequestParameters() async throws {
        let result = try await KlingMediaBinary.run(["validate", Fixtures.path("anamorphic.mp4"), "--duration", "10",
                                               "--keep-audio", "--json"])
        #expect(result.status == 0)
        let report = try json(result)
        #expect(report["valid"] as? Bool == true)
        #expect(report["duration"] as? Int == 10)
        #expect(report["keep_audio"] as? Bool == true)
        let aspect = try #require(report["aspect_ratio"] as? [String: Any])
        #expect(aspect["chosen"] as? String == "16:9")
        #expect(aspect["requested"] as? String == "auto")
        #expect(aspect["display_width"] as? Int == 1280)
        #expect(aspect["display_height"] as? Int == 720)
    }

    @Test func warningsAloneStillExitZero() async throws {
        let result = try await KlingMediaBinary.run(["validate", Fixtures.path("ntsc_film.mp4")])
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("; 1 warning\n"))
    }

    @Test(arguments: ["empty.mp4", "not_media.mp4", "truncated.mp4", "no-such-file.mp4"])
    func unreadableClipExitsTwoWithOneLine(fixture: String) async throws {
        let result = try await KlingMediaBinary.run(["validate", Fixtures.path(fixture)])
        #expect(result.status == 2)
        #expect(result.standardOutput == "")
        let lines = result.standardError.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("kling-media: \(Fixtures.path(fixture)): ") == true)
    }

    @Test func everyUnreadableInputIsNamedBeforeGivingUp() async throws {
        let result = try await KlingMediaBinary.run(["validate", Fixtures.path("landscape.mp4"),
                                               "--refs", Fixtures.path("empty.mp4"), Fixtures.path("missing.png")])
        #expect(result.status == 2)
        #expect(result.standardError.split(separator: "\n").count == 2)
    }

    @Test(arguments: [["--duration", "7"], ["--aspect", "4:3"], ["--prompt", "a", "--prompt-file", "/dev/null"]])
    func unusableArgumentsExitTwo(arguments: [String]) async throws {
        let result = try await KlingMediaBinary.run(["validate", Fixtures.path("landscape.mp4")] + arguments)
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("Error: "))
    }
}
