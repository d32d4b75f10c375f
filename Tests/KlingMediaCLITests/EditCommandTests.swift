import Foundation
import TestSupport
import Testing

/// `kling-media conform` and `stitch` end to end: exit statuses, text and JSON, checked with ffprobe.
@Suite struct EditCommandTests {
    private func scratchFolder() throws -> String {
        let folder = Scratch.temporary.appendingPathComponent("kling-edit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    private func json(_ result: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    @Test func conformWithNoOptionsFollowsValidatesAdviceAndTheResultPasses() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/long take.mp4"
        try FileManager.default.copyItem(atPath: Fixtures.path("too_long.mp4"), toPath: input)
        // validate's advice names the command to run.
        let advice = try await KlingMediaBinary.run(["validate", input])
        #expect(advice.status == 1)
        #expect(advice.standardOutput.contains("kling-media conform '\(input)' -o '\(folder)/long take.conformed.mp4' --last 10"))
        let result = try await KlingMediaBinary.run(["conform", input])
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.contains("kept the last 10 s (from 2 s of 12 s)"))
        #expect(result.standardOutput.hasSuffix("passes validate\n"))
        let facts = try await DecodeReport(path: folder + "/long take.conformed.mp4")
        #expect(facts.video?.decodedFrames == 240 && facts.decodeErrors == "")
    }

    @Test func conformJSONAndAClipThatStillFailsExitsOne() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Made, and still refused by the model: the report says why, and the status is 1.
        let result = try await KlingMediaBinary.run(["conform", Fixtures.path("landscape.mp4"), "-o", folder + "/small.mp4",
                                                     "--fit", "300..600", "--fps", "24", "--no-audio", "--json"])
        #expect(result.status == 1)
        let report = try json(result)
        #expect(report["valid"] as? Bool == false)
        #expect(report["width"] as? Int == 600 && report["height"] as? Int == 338)
        #expect(report["frame_rate"] as? String == "24/1" && report["frame_count"] as? Int == 120 && report["audio"] as? Bool == false)
        #expect((report["findings"] as? [[String: Any]])?.first?["code"] as? String == "size_out_of_range")
        let bad = try await KlingMediaBinary.run(["conform", Fixtures.path("landscape.mp4"), "--last", "3", "--first", "2"])
        #expect(bad.status == 2 && bad.standardError.contains("give one of --last, --first, --max-duration"))
    }

    @Test func stitchJSONSaysWhatWasDoneWithEachClip() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let output = folder + "/joined.mp4"
        let result = try await KlingMediaBinary.run(["stitch", Fixtures.path("landscape.mp4"), Fixtures.path("no_audio.mp4"),
                                                     "-o", output, "--target", "first", "--json"])
        #expect(result.status == 0, "\(result.standardError)")
        let report = try json(result)
        #expect(report["method"] as? String == "normalised")
        #expect(report["reason"] as? String == "clip 2 (\(Fixtures.path("no_audio.mp4"))) runs at 24 fps, unlike clip 1's")
        let clips = try #require(report["clips"] as? [[String: Any]])
        #expect(clips.map { $0["action"] as? String } == ["passed_through", "re_encoded"])
        #expect(clips[1]["reason"] as? String == "re-encoded: it runs at 24 fps, not 30")
        let facts = try await DecodeReport(path: output)
        #expect(facts.video?.decodedFrames == 300 && facts.decodeErrors == "")
        #expect(abs((facts.audioDuration ?? 0) - (facts.video?.duration ?? 0)) < 0.05)
        let missing = try await KlingMediaBinary.run(["stitch", Fixtures.path("landscape.mp4"), folder + "/nope.mp4",
                                                      "-o", folder + "/other.mp4"])
        #expect(missing.status == 2 && missing.standardError.contains("nope.mp4"))
    }

    @Test func stitchCrossfadeShowsInTextAndJSON() async throws {
        let folder = try scratchFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let clips = [Fixtures.path("white_tone.mp4"), Fixtures.path("black.mp4")]
        let text = try await KlingMediaBinary.run(["stitch"] + clips + ["-o", folder + "/a.mp4", "--crossfade", "0.4"])
        #expect(text.status == 0, "\(text.standardError)")
        #expect(text.standardOutput.hasPrefix("\(folder)/a.mp4: 1280×720, 25 fps, 5.6 s, with audio; normalised (a cross-fade re-encodes around each joint); 0.4 s cross-fades;"))
        let json = try json(try await KlingMediaBinary.run(["stitch"] + clips + ["-o", folder + "/b.mp4", "--crossfade", "0.4", "--json"]))
        #expect(json["crossfade"] as? Double == 0.4 && json["duration"] as? Double == 5.6)
        let tooLong = try await KlingMediaBinary.run(["stitch"] + clips + ["-o", folder + "/c.mp4", "--crossfade", "5"])
        #expect(tooLong.status == 2 && tooLong.standardError.contains("give --crossfade at most 3 s"))
        #expect(!FileManager.default.fileExists(atPath: folder + "/c.mp4"))
        let negative = try await KlingMediaBinary.run(["stitch"] + clips + ["-o", folder + "/c.mp4", "--crossfade", "-1"])
        #expect(negative.status == 2)
    }
}
