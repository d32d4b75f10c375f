import Foundation
import MediaKit
import TestSupport
import Testing

/// The simulator's stand-in for a generated shot: it must open where the clip ends, as ffmpeg
/// displays that last frame, and then move, at the size, rate and sound asked.
@Suite struct SimulatedShotTests {
    private func scratch(_ name: String) -> String {
        Scratch.temporary.appendingPathComponent("kling-simshot-\(UUID().uuidString)-\(name)").path
    }

    /// The clip's last frame as ffmpeg shows it (turned by its display matrix), filling
    /// `width`×`height` and cropped to it: what the shot's first frame should be.
    private func oracleLastFrame(_ clip: String, width: Int, height: Int) async throws -> String {
        let path = scratch("last.png")
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-sseof", "-1", "-i", clip, "-vf",
                                                            "scale=\(width):\(height):force_original_aspect_ratio=increase,crop=\(width):\(height)",
                                                            "-update", "1", "-y", path])
        try #require(result.status == 0, "ffmpeg could not take the last frame: \(result.standardError)")
        return path
    }

    @Test func aTurnedClipsShotOpensOnItsLastFrameAsDisplayedThenMoves() async throws {
        let clip = Fixtures.path("rotated.mp4")   // stored 1280×720, displayed 720×1280
        let shot = scratch("shot.mp4")
        let last = try await oracleLastFrame(clip, width: 720, height: 1280)
        defer { for path in [shot, last] { try? FileManager.default.removeItem(atPath: path) } }
        try await offloaded { try SimulatedShot.write(continuing: clip, to: shot, width: 720, height: 1280, seconds: 2) }

        let facts = try await DecodeReport(path: shot)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.width == 720 && facts.video?.height == 1280 && facts.video?.rotation == nil)
        #expect(facts.video?.frameRate == "24/1" && facts.video?.decodedFrames == 48)
        #expect(facts.audioDuration == nil)
        // The first frame is the clip's last (the caption in its corner aside); the last has moved on.
        let opening = try #require(try await DecodeReport.ssim(shot, last))
        #expect(opening > 0.9, "SSIM of the first frame to the clip's last: \(opening)")
        let closing = try #require(try await DecodeReport.ssim(shot, last, firstArguments: ["-sseof", "-0.05"]))
        #expect(closing < opening - 0.05, "SSIM of the last frame \(closing), of the first \(opening)")
    }

    @Test func keepAudioGivesATrackAndALandscapeClipFillsTheSquare() async throws {
        let clip = Fixtures.path("landscape.mp4")
        let shot = scratch("square.mp4")
        let last = try await oracleLastFrame(clip, width: 960, height: 960)
        defer { for path in [shot, last] { try? FileManager.default.removeItem(atPath: path) } }
        try await offloaded { try SimulatedShot.write(continuing: clip, to: shot, width: 960, height: 960, seconds: 1, audio: true) }
        let facts = try await DecodeReport(path: shot)
        #expect(facts.video?.width == 960 && facts.video?.height == 960 && facts.video?.decodedFrames == 24)
        #expect(abs((facts.audioDuration ?? 0) - 1) < 0.05)
        #expect(try #require(try await DecodeReport.ssim(shot, last)) > 0.9)
    }

    @Test func aFileThatIsNotAVideoIsRefusedAndNothingWritten() async throws {
        let shot = scratch("never.mp4")
        #expect(throws: FrameGrabError.self) {
            try SimulatedShot.write(continuing: Fixtures.path("not_media.mp4"), to: shot, width: 1280, height: 720, seconds: 1)
        }
        #expect(!FileManager.default.fileExists(atPath: shot))
    }
}
