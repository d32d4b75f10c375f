import Foundation
import MediaKit
import TestSupport
import Testing

/// Stitch against FFmpeg's own reading of the output: durations add up, sound and picture end
/// together, frames counted by decoding, a clean decode, and (for stream copy and passthrough)
/// the copied packets' bytes equal to the input's.
@Suite struct StitchTests {
    private func scratch(_ name: String) -> String {
        Scratch.temporary.appendingPathComponent("kling-stitch-\(UUID().uuidString)-\(name)").path
    }

    /// A stand-in for Kling's output: 1920×1080 at 24 fps, H.264, no audio.
    private func continuation(seconds: Int = 5) async throws -> String {
        let path = scratch("next.mp4")
        try await offloaded { try SyntheticClip.write(to: path, width: 1920, height: 1080, seconds: seconds, framesPerSecond: 24) }
        return path
    }

    @Test func alikeClipsAreStreamCopiedPacketForPacket() async throws {
        let output = scratch("copy.mp4")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let clip = Fixtures.path("landscape.mp4")
        let report = try await Stitcher.stitch([clip, clip], to: output)
        #expect(report.method == .streamCopy && report.clips.map(\.action) == [.copied, .copied])
        let facts = try await DecodeReport(path: output)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.decodedFrames == 300)
        #expect(abs((facts.video?.duration ?? 0) - 10) < 1.0 / 30)
        #expect(abs((facts.audioDuration ?? 0) - (facts.video?.duration ?? 0)) < 0.05)
        let source = try await DecodeReport.videoPacketHashes(clip)
        #expect(try await DecodeReport.videoPacketHashes(output) == source + source)
    }

    @Test func turnedClipsCopiedTogetherKeepTheirDisplayMatrix() async throws {
        // Where FFmpeg keeps a stream's display matrix moved in 6.1 (into its codec parameters):
        // on every version, a stream copy must carry it over, once, as this FFmpeg's ffprobe reads it.
        let output = scratch("turned-copy.mp4")
        defer { try? FileManager.default.removeItem(atPath: output) }
        let clip = Fixtures.path("rotated.mp4")
        let report = try await Stitcher.stitch([clip, clip], to: output)
        #expect(report.method == .streamCopy)
        let source = try await FFprobeReport(path: clip), copied = try await FFprobeReport(path: output)
        let sourceStream = try #require(source.streams.first), copiedStream = try #require(copied.streams.first)
        let sourceRotation = try #require(FFprobeReport.rotation(of: sourceStream))
        #expect(FFprobeReport.rotation(of: copiedStream) == sourceRotation)
        let matrices = (copiedStream["side_data_list"] as? [[String: Any]] ?? [])
            .filter { ($0["side_data_type"] as? String) == "Display Matrix" }
        #expect(matrices.count == 1)
    }

    @Test func generatedShotIsPassedThroughAndTheSourceReencoded() async throws {
        let next = try await continuation()
        let output = scratch("mixed.mp4")
        defer { try? FileManager.default.removeItem(atPath: output); try? FileManager.default.removeItem(atPath: next) }
        // 1280×720 at 30 fps with sound, then 1920×1080 at 24 fps without.
        let report = try await Stitcher.stitch([Fixtures.path("landscape.mp4"), next], to: output)
        #expect(report.method == .normalised)
        #expect(report.clips.map(\.action) == [.reencoded, .passedThrough])
        #expect(report.width == 1920 && report.height == 1080 && report.frameRate == Rational(24, 1))
        let facts = try await DecodeReport(path: output)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.width == 1920 && facts.video?.height == 1080 && facts.video?.frameRate == "24/1")
        #expect(facts.video?.decodedFrames == 240)
        #expect(abs((facts.video?.duration ?? 0) - 10) <= 1.0 / 24)
        #expect(abs((facts.audioDuration ?? 0) - (facts.video?.duration ?? 0)) < 0.05)
        // Passthrough: the continuation's packets are in the output byte for byte, and decode to the same pictures.
        let packets = try await DecodeReport.videoPacketHashes(next)
        #expect(try await DecodeReport.videoPacketHashes(output).suffix(packets.count) == packets[...])
        let frames = try await DecodeReport.videoFrameHashes(next)
        #expect(try await DecodeReport.videoFrameHashes(output).suffix(frames.count) == frames[...])
        // The source's tone stops where the silent continuation starts.
        #expect((try await DecodeReport.maxVolume(output, from: 0.5, seconds: 4) ?? -100) > -30)
        #expect((try await DecodeReport.maxVolume(output, from: 5.1, seconds: 4.8) ?? 0) < -80)
    }

    @Test func mixedClipsAreNormalisedOnOneClockWithSilenceWhereThereIsNoSound() async throws {
        let output = scratch("three.mp4")
        defer { try? FileManager.default.removeItem(atPath: output) }
        // Turned 90° at 30 fps; no audio at 24 fps; anamorphic 4:3 pixels at 25 fps (the target).
        let clips = ["rotated.mp4", "no_audio.mp4", "anamorphic.mp4"].map(Fixtures.path)
        let report = try await Stitcher.stitch(clips, to: output)
        #expect(report.clips.map(\.action) == [.reencoded, .reencoded, .reencoded])
        #expect(report.width == 1280 && report.height == 720 && report.frameRate == Rational(25, 1))
        #expect(report.clips.map(\.start) == [0, 4, 9])
        let facts = try await DecodeReport(path: output)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.width == 1280 && facts.video?.height == 720 && facts.video?.rotation == nil)
        #expect(facts.video?.sampleAspect == nil || facts.video?.sampleAspect == "1:1")
        #expect(facts.video?.frameRate == "25/1" && facts.video?.averageFrameRate == "25/1")
        #expect(facts.video?.decodedFrames == 100 + 125 + 100)
        #expect(abs((facts.video?.duration ?? 0) - 13) <= 2.0 / 25)
        #expect(abs((facts.audioDuration ?? 0) - (facts.video?.duration ?? 0)) < 0.05)
        #expect((try await DecodeReport.maxVolume(output, from: 4.1, seconds: 4.8) ?? 0) < -80)
        #expect((try await DecodeReport.maxVolume(output, from: 9.2, seconds: 3.5) ?? -100) > -30)
    }

    @Test func passthroughCanBeTurnedOffAndTheTargetChosen() async throws {
        let next = try await continuation()
        let output = scratch("first.mp4")
        defer { try? FileManager.default.removeItem(atPath: output); try? FileManager.default.removeItem(atPath: next) }
        var options = StitchOptions(target: .custom(PixelSize(width: 1280, height: 720), Rational(30, 1)))
        options.allowPassthrough = false
        let report = try await Stitcher.stitch([Fixtures.path("landscape.mp4"), next], to: output, options: options)
        #expect(report.clips.map(\.action) == [.reencoded, .reencoded])
        let facts = try await DecodeReport(path: output)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.width == 1280 && facts.video?.frameRate == "30/1" && facts.video?.decodedFrames == 300)
    }

    @Test func refusesToOverwriteAnInputAndReportsUnreadableClips() async throws {
        let clip = Fixtures.path("landscape.mp4")
        await #expect(throws: EditError.outputIsAnInput(clip)) { try await Stitcher.stitch([clip, clip], to: clip) }
        await #expect(throws: EditError.unreadable(.notMedia(path: Fixtures.path("not_media.mp4")))) {
            try await Stitcher.stitch([clip, Fixtures.path("not_media.mp4")], to: scratch("never.mp4"))
        }
    }

    @Test func crossfadeMixesPictureAndSoundOverTheJointAndShortensTheOutput() async throws {
        let output = scratch("fade.mp4")
        defer { try? FileManager.default.removeItem(atPath: output) }
        // 3 s of white with a tone, then 3 s of black without sound, both 1280×720 at 25 fps; a 1 s fade.
        let white = Fixtures.path("white_tone.mp4"), black = Fixtures.path("black.mp4")
        var options = StitchOptions()
        options.crossfade = 1
        let report = try await Stitcher.stitch([white, black], to: output, options: options)
        #expect(report.method == .normalised && report.crossfade == 1)
        #expect(report.clips.map(\.start) == [0, 2] && report.duration == 5)
        let facts = try await DecodeReport(path: output)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.decodedFrames == 125 && facts.video?.frameRate == "25/1")
        #expect(abs((facts.audioDuration ?? 0) - (facts.video?.duration ?? 0)) < 0.05)
        // Each of the 25 frames from 2 s mixes the two, the black's weight rising by 1/26 a frame.
        let whiteLuma = try await DecodeReport.lumaAverages(white)[0], blackLuma = try await DecodeReport.lumaAverages(black)[0]
        let luma = try await DecodeReport.lumaAverages(output)
        #expect(luma.count == 125)
        for step in 0..<25 {
            let weight = Double(step + 1) / 26
            let expected = whiteLuma * (1 - weight) + blackLuma * weight
            #expect(abs(luma[50 + step] - expected) < 1.5, "frame \(50 + step): \(luma[50 + step]), expected \(expected)")
        }
        #expect(abs(luma[49] - whiteLuma) < 1.5 && abs(luma[75] - blackLuma) < 1.5)
        // The tone fades with the picture: half its level (-6 dB) mid-fade, silence after.
        let full = try #require(try await DecodeReport.maxVolume(output, from: 0.5, seconds: 1))
        let middle = try #require(try await DecodeReport.maxVolume(output, from: 2.48, seconds: 0.04))
        #expect(abs(middle - full + 6.02) < 0.8, "full \(full) dB, mid-fade \(middle) dB")
        #expect((try await DecodeReport.maxVolume(output, from: 3.05, seconds: 1.9) ?? 0) < -80)
    }

    @Test func crossfadeReencodesOnlyUpToTheGeneratedShotsFirstKeyframeAfterIt() async throws {
        // The continuation has a keyframe every 2 s (0, 2, 4 s): with a 0.5 s fade its first 2 s
        // are re-encoded and the rest keeps its packets.
        let next = try await continuation()
        let output = scratch("fade-pass.mp4")
        defer { try? FileManager.default.removeItem(atPath: output); try? FileManager.default.removeItem(atPath: next) }
        var options = StitchOptions()
        options.crossfade = 0.5
        let report = try await Stitcher.stitch([Fixtures.path("landscape.mp4"), next], to: output, options: options)
        #expect(report.clips.map(\.action) == [.reencoded, .passedThrough])
        #expect(report.clips[1].copied == StitchReport.Span(from: 2, to: 5) && report.clips[1].start == 4.5)
        let facts = try await DecodeReport(path: output)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.decodedFrames == 120 + 120 - 12)
        #expect(abs((facts.audioDuration ?? 0) - (facts.video?.duration ?? 0)) < 0.05)
        // The continuation's packets from its keyframe at 2 s are in the output byte for byte.
        let copied = try await DecodeReport.videoPacketHashes(next).suffix(72)
        #expect(try await DecodeReport.videoPacketHashes(output).suffix(72) == copied)
        let frames = try await DecodeReport.videoFrameHashes(next).suffix(72)
        #expect(try await DecodeReport.videoFrameHashes(output).suffix(72) == frames)
    }

    @Test func aCrossfadeLongerThanAClipAllowsIsRefusedWithTheMostItCouldBe() async throws {
        var options = StitchOptions()
        options.crossfade = 2
        let clips = ["landscape.mp4", "white_tone.mp4", "black.mp4"].map(Fixtures.path)
        await #expect(throws: EditError.invalidOption("a 2 s cross-fade is longer than \(clips[1]) (3 s) allows; give --crossfade at most 1.48 s")) {
            try await Stitcher.stitch(clips, to: scratch("never.mp4"), options: options)
        }
    }

    @Test func aVariableRateClipComesOutOnTheOutputsConstantClock() async throws {
        let output = scratch("vfr.mp4")
        defer { try? FileManager.default.removeItem(atPath: output) }
        // 4.867 s (ffprobe) averaging 18.5 fps with gaps, then 5 s at 30 fps (the target): 146 + 150 frames at 30 fps.
        let report = try await Stitcher.stitch([Fixtures.path("vfr.mp4"), Fixtures.path("landscape.mp4")], to: output)
        #expect(report.frameRate == Rational(30, 1) && report.clips.map(\.action) == [.reencoded, .passedThrough])
        let facts = try await DecodeReport(path: output)
        #expect(facts.decodeErrors == "")
        #expect(facts.video?.frameRate == "30/1" && facts.video?.averageFrameRate == "30/1")
        #expect(facts.video?.decodedFrames == 146 + 150)
        #expect(abs((facts.audioDuration ?? 0) - (facts.video?.duration ?? 0)) < 0.05)
    }
}
