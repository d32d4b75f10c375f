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

    /// A clip tagged BT.709 (as cameras and phones tag HD video) is read by BT.709's matrix: a
    /// solid colour comes out as the colour it was made from. Read by swscale's default BT.601 (as
    /// stills were), these came out 7 to 17 levels off. An untagged clip is read as ffmpeg
    /// reads it (BT.601), which the pixel-for-pixel tests above hold to. (3 levels: what 8-bit
    /// limited-range YCbCr keeps of an RGB colour.)
    @Test(arguments: [(40, 160, 60), (192, 48, 32)])
    func aClipTaggedBT709KeepsItsColours(red: Int, green: Int, blue: Int) async throws {
        let folder = try Scratch.folder("kling-bt709")
        let clip = folder.appendingPathComponent("bt709.mp4").path
        let colour = String(format: "0x%02X%02X%02X", red, green, blue)
        // Made from RGB into BT.709 YCbCr by ffmpeg's own scale filter, losslessly, and tagged so.
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "color=c=\(colour):s=320x240:d=1,format=rgb24",
                                                          "-vf", "scale=out_color_matrix=bt709:out_range=tv,format=yuv420p",
                                                          "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
                                                          "-c:v", "libx264", "-qp", "0", clip])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        let tagged = try await ProcessRunner.run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "stream=color_space",
                                                             "-of", "csv=p=0", clip])
        #expect(tagged.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "bt709", "ffprobe: \(tagged.standardOutput)")
        let still = folder.appendingPathComponent("still.png").path
        _ = try await FrameGrab.write(from: clip, at: .first, to: still)
        let pixels = try await rgb(still)
        #expect(pixels.count == 320 * 240 * 3)
        let means = (0..<3).map { channel in Double(stride(from: channel, to: pixels.count, by: 3).reduce(0) { $0 + Int(pixels[$1]) }) / Double(320 * 240) }
        for (mean, made) in zip(means, [red, green, blue]) {
            #expect(abs(mean - Double(made)) <= 3, "RGB \(means), made from (\(red), \(green), \(blue))")
        }
    }
}
