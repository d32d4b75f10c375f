import Foundation
import MediaKit
import TestSupport
import Testing

/// One frame as displayed, against the ffmpeg CLI's own (which rotates and, asked, applies the
/// pixel aspect): the same picture, pixel for pixel.
@Suite struct FrameGrabTests {
    /// The picture's RGB bytes, decoded by ffmpeg (so both PNGs are read the same way).
    private func rgb(_ png: String) async throws -> Data {
        let folder = Scratch.temporary.appendingPathComponent("kling-rgb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let raw = folder.appendingPathComponent("picture.rgb").path
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", png, "-f", "rawvideo", "-pix_fmt", "rgb24", raw])
        #expect(result.status == 0)
        return try Data(contentsOf: URL(fileURLWithPath: raw))
    }

    private func oracle(_ arguments: [String]) async throws -> String {
        let path = Scratch.temporary.appendingPathComponent("kling-oracle-\(UUID().uuidString).png").path
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-y"] + arguments + [path])
        #expect(result.status == 0, "\(result.standardError)")
        return path
    }

    @Test(arguments: [
        ("rotated.mp4", FramePosition.last, ["-sseof", "-0.2", "-i", "INPUT", "-update", "1"], 720, 1280, 3.967),
        ("anamorphic.mp4", .last, ["-sseof", "-0.2", "-i", "INPUT", "-update", "1", "-vf", "scale=iw*sar:ih"], 1280, 720, 3.96),
        ("landscape.mp4", .seconds(2.5), ["-ss", "2.5", "-i", "INPUT", "-frames:v", "1"], 1280, 720, 2.5),
        ("landscape.mp4", .first, ["-i", "INPUT", "-frames:v", "1"], 1280, 720, 0),
    ])
    func frameMatchesFFmpegsPixelForPixel(fixture: String, position: FramePosition, ffmpeg: [String],
                                          width: Int, height: Int, seconds: Double) async throws {
        let input = Fixtures.path(fixture)
        let ours = Scratch.temporary.appendingPathComponent("kling-frame-\(UUID().uuidString).png").path
        let theirs = try await oracle(ffmpeg.map { $0 == "INPUT" ? input : $0 })
        defer { try? FileManager.default.removeItem(atPath: ours); try? FileManager.default.removeItem(atPath: theirs) }
        let result = try await FrameGrab.write(from: input, at: position, to: ours)
        #expect(result.width == width && result.height == height)
        #expect(abs(result.seconds - seconds) < 0.001)
        let picture = try await rgb(ours)
        #expect(picture.count == width * height * 3)
        #expect(picture == (try await rgb(theirs)))
    }

    @Test func clipWithoutPicturesHasNoFrameToGive() {
        #expect(throws: FrameGrabError.noVideo(Fixtures.path("audio_only.m4a"))) {
            try FrameGrab.write(from: Fixtures.path("audio_only.m4a"), at: .last, to: "/tmp/never.png")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/never.png"))
    }

    @Test func unreadableInputSaysWhy() {
        let path = Fixtures.path("not_media.mp4")
        #expect(throws: FrameGrabError.unreadable(.notMedia(path: path))) {
            try FrameGrab.write(from: path, at: .first, to: "/tmp/never.png")
        }
    }
}
