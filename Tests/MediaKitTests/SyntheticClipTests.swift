import Foundation
import MediaKit
import TestSupport
import Testing

/// The generated clip: what ffprobe reads of it, and FFmpeg decodes it without a complaint.
@Suite struct SyntheticClipTests {
    private func temporaryPath() -> String {
        Scratch.temporary.appendingPathComponent("kling-synthetic-\(UUID().uuidString).mp4").path
    }

    @Test func clipWithToneHasTheAskedSizeLengthRateAndSound() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SyntheticClip.write(to: path, width: 640, height: 360, seconds: 2, audio: true)
        let oracle = try await FFprobeReport(path: path)
        let video = try #require(oracle.streams.first { $0["codec_type"] as? String == "video" })
        let audio = try #require(oracle.streams.first { $0["codec_type"] as? String == "audio" })
        #expect(video["codec_name"] as? String == "h264")
        #expect(video["width"] as? Int == 640 && video["height"] as? Int == 360)
        #expect(video["r_frame_rate"] as? String == "24/1")
        #expect(FFprobeReport.integer(video["nb_frames"]) == 48)
        #expect(video["pix_fmt"] as? String == "yuv420p")
        #expect(audio["codec_name"] as? String == "aac")
        #expect(FFprobeReport.integer(audio["sample_rate"]) == 48000)
        #expect(audio["channels"] as? Int == 2)
        let videoSeconds = try #require(FFprobeReport.number(video["duration"]))
        let audioSeconds = try #require(FFprobeReport.number(audio["duration"]))
        #expect(videoSeconds == 2.0)
        #expect(abs(audioSeconds - videoSeconds) < 0.05)
        let decoded = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-f", "null", "-"])
        #expect(decoded.status == 0)
        #expect(decoded.standardError == "")
    }

    @Test func clipWithoutToneHasOnlyPictures() async throws {
        let path = temporaryPath()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try SyntheticClip.write(to: path, width: 320, height: 320, seconds: 1)
        let oracle = try await FFprobeReport(path: path)
        #expect(oracle.streams.map { $0["codec_type"] as? String } == ["video"])
        #expect(FFprobeReport.number(oracle.format["duration"]) == 1.0)
    }

    @Test func failureLeavesNoFileBehind() throws {
        let folder = Scratch.temporary.appendingPathComponent("kling-nofolder-\(UUID().uuidString)")
        #expect(throws: FFmpegError.self) {
            try SyntheticClip.write(to: folder.appendingPathComponent("x.mp4").path, width: 320, height: 240, seconds: 1)
        }
        #expect(!FileManager.default.fileExists(atPath: folder.path))
    }
}
