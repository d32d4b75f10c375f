import Foundation
import KlingRules
import MediaKit
import TestSupport
import Testing

/// Conform against FFmpeg's own reading of what it wrote: size, pixel aspect, rate, frames
/// counted by decoding, durations, a clean decode, and the kept picture itself.
@Suite struct ConformTests {
    private func scratch(_ name: String) -> String {
        Scratch.temporary.appendingPathComponent("kling-conform-\(UUID().uuidString)-\(name)").path
    }

    @Test func lastSecondsKeepTheEndOfTheShotOnAnExactClock() async throws {
        let output = scratch("last.mp4")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let report = try await Conformer.conform(Fixtures.path("too_long.mp4"), to: output, options: ConformOptions(trim: .last(10)))
        #expect(report.start == 2 && report.frameCount == 240)
        let facts = try await DecodeReport(path: output)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.decodedFrames == 240)
        #expect(facts.video?.frameRate == "24/1" && facts.video?.averageFrameRate == "24/1")
        #expect(abs((facts.video?.duration ?? 0) - 10) < 0.001)
        #expect(abs((facts.audioDuration ?? 0) - (facts.video?.duration ?? 0)) < 0.05)
        #expect(facts.audioSampleRate == 48_000 && facts.audioChannels == 2)
        // The first kept frame is the source's frame at 2 s (testsrc prints its frame number).
        let ssim = try await DecodeReport.ssim(output, Fixtures.path("too_long.mp4"), secondArguments: ["-ss", "2"])
        #expect((ssim ?? 0) > 0.97, "SSIM \(ssim ?? -1)")
        #expect(Validator().validate(ValidationRequest(video: try Probe.file(atPath: output))).isValid)
    }

    @Test(arguments: [
        // fixture, options, width, height, rate, frames
        ("rotated.mp4", ConformOptions(), 720, 1280, "30/1", 120),
        ("anamorphic.mp4", ConformOptions(), 1280, 720, "25/1", 100),
        ("vfr.mp4", ConformOptions(frameRate: Rational(24, 1)), 1280, 720, "24/1", 117),
        ("low_fps.mp4", ConformOptions.forKling(), 1280, 720, "24/1", 96),
        ("high_fps.mp4", ConformOptions.forKling(), 1280, 720, "60/1", 180),
        ("too_small.mp4", ConformOptions(fit: 720...2160), 1280, 720, "30/1", 150),
        ("too_large_size.mp4", ConformOptions(fit: 720...2160), 2160, 1216, "24/1", 72),
        ("ntsc_film.mp4", ConformOptions(trim: .first(3), frameRate: Rational(24000, 1001)), 1280, 720, "24000/1001", 72),
        ("ntsc_film.mp4", ConformOptions(trim: .first(3)).keepingKlingRates(), 1280, 720, "24/1", 72),
    ])
    func outputIsUprightSquarePixelConstantRate(fixture: String, options: ConformOptions, width: Int, height: Int,
                                                 rate: String, frames: Int) async throws {
        let output = scratch(fixture)
        defer { try? FileManager.default.removeItem(atPath: output) }
        let report = try await Conformer.conform(Fixtures.path(fixture), to: output, options: options)
        let facts = try await DecodeReport(path: output)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.width == width && facts.video?.height == height)
        #expect(facts.video?.sampleAspect == nil || facts.video?.sampleAspect == "1:1")
        #expect(facts.video?.rotation == nil)
        #expect(facts.video?.frameRate == rate && facts.video?.averageFrameRate == rate)
        #expect(facts.video?.decodedFrames == frames)
        #expect(report.frameCount == frames && report.width == width && report.height == height)
        if let audio = facts.audioDuration { #expect(abs(audio - (facts.video?.duration ?? 0)) < 0.05) }
    }

    @Test func aTurnedClipIsTurnedLikeFFmpegTurnsIt() async throws {
        let output = scratch("turned.mp4")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let report = try await Conformer.conform(Fixtures.path("rotated.mp4"), to: output, options: ConformOptions())
        // Turning is not scaling: the displayed 720×1280 stays 720×1280.
        #expect(report.changes == ["turned upright (90° clockwise)", "audio re-encoded: AAC 48 kHz stereo", "re-encoded: H.264 (x264) in MP4"])
        // ffmpeg applies the display matrix when decoding (autorotate): the same picture, upright.
        let ssim = try await DecodeReport.ssim(output, Fixtures.path("rotated.mp4"))
        #expect((ssim ?? 0) > 0.97, "SSIM \(ssim ?? -1)")
    }

    @Test func noOptionsMeansValidatesOwnFixes() throws {
        func proposed(_ fixture: String) throws -> ConformOptions {
            let problems = Validator().validate(ValidationRequest(video: try Probe.file(atPath: Fixtures.path(fixture)))).findings.map(\.problem)
            return ConformOptions.proposed(for: problems)
        }
        #expect(try proposed("too_long.mp4") == ConformOptions(trim: .last(10)))
        #expect(try proposed("too_small.mp4") == ConformOptions(fit: 720...2160))
        #expect(try proposed("low_fps.mp4") == ConformOptions(frameRate: Rational(24, 1)))
        #expect(try proposed("high_fps.mp4") == ConformOptions(frameRate: Rational(60, 1)))
        #expect(try proposed("ntsc_film.mp4") == ConformOptions(frameRate: Rational(24, 1)))
        #expect(try proposed("landscape.mp4") == ConformOptions())
    }

    @Test func refusesToOverwriteItsInputAndLeavesNothingOnFailure() async throws {
        let folder = scratch("dir")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let input = folder + "/clip.mp4"
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: input)
        let before = try Data(contentsOf: URL(fileURLWithPath: input))
        await #expect(throws: EditError.outputIsAnInput(folder + "/./clip.mp4")) {
            try await Conformer.conform(input, to: folder + "/./clip.mp4", options: ConformOptions())
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: input)) == before)
        // A folder that does not exist: a clear error, and no stray temporary file beside the input.
        await #expect(throws: EditError.self) { try await Conformer.conform(input, to: folder + "/missing/out.mp4", options: ConformOptions()) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["clip.mp4"])
        await #expect(throws: EditError.noVideo(Fixtures.path("audio_only.m4a"))) {
            try await Conformer.conform(Fixtures.path("audio_only.m4a"), to: folder + "/x.mp4", options: ConformOptions())
        }
    }
}
