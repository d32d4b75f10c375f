import Foundation
import MediaKit
import TestSupport
import Testing

/// A stitch made while the model works, finished by a remux when the shot arrives: the same
/// output as the stitch after the shot (FFmpeg's decoding of both agrees frame for frame), with
/// no encoder opened; a shot that is not the one predicted is refused and nothing is written.
@Suite struct StitchAheadTests {
    private func scratch(_ name: String) -> String {
        Scratch.temporary.appendingPathComponent("kling-ahead-\(UUID().uuidString)-\(name)").path
    }

    /// What the simulator (and, in form, Kling) returns: H.264 at 24 fps, no sound.
    private func shot(width: Int = 1280, height: Int = 720, seconds: Int = 5) async throws -> String {
        let path = scratch("shot.mp4")
        try await offloaded { try SyntheticClip.write(to: path, width: width, height: height, seconds: seconds, framesPerSecond: 24) }
        return path
    }

    private let prediction = ShotPrediction(width: 1280, height: 720, frameRate: Rational(24, 1), frameCount: 120)

    @Test func aShotAsPredictedIsARemuxOfTheSameStitch() async throws {
        let clip = Fixtures.path("landscape.mp4")
        let shot = try await shot()
        let prepared = scratch("prepared.mp4"), ahead = scratch("ahead.mp4"), after = scratch("after.mp4")
        defer { for path in [shot, prepared, ahead, after] { try? FileManager.default.removeItem(atPath: path) } }
        let preparation = try await StitchAhead.prepare([clip], before: prediction, to: prepared)
        #expect(preparation.leadingFrames == 120 && preparation.encoderIdentifiers == [1])
        let encoders = EncoderCount()
        let report = try await EncoderCount.$current.withValue(encoders) {
            try await StitchAhead.finish(preparation, shot: shot, to: ahead)
        }
        #expect(encoders.opened == 0, "finishing opened \(encoders.opened) encoders")
        #expect(report.clips.map(\.action) == [.reencoded, .passedThrough])
        #expect(report.clips.last?.path == shot)
        // Today's stitch, after the shot, of the same files: FFmpeg decodes both to the same frames.
        let today = try await Stitcher.stitch([clip, shot], to: after)
        #expect(today.duration == report.duration && today.width == report.width && today.frameRate == report.frameRate)
        let (mine, theirs) = (try await DecodeReport(path: ahead), try await DecodeReport(path: after))
        #expect(mine.decodeErrors == "" && mine.video?.decodedFrames == 240)
        #expect(mine.video?.decodedFrames == theirs.video?.decodedFrames)
        #expect(abs((mine.video?.duration ?? 0) - (theirs.video?.duration ?? -1)) < 0.001)
        #expect(abs((mine.audioDuration ?? 0) - (theirs.audioDuration ?? -1)) < 0.001)
        #expect(abs((mine.audioDuration ?? 0) - (mine.video?.duration ?? 0)) < 0.05)
        #expect(try await DecodeReport.videoFrameHashes(ahead) == (try await DecodeReport.videoFrameHashes(after)))
        // The shot's packets are the shot's own bytes.
        let shotPackets = try await DecodeReport.videoPacketHashes(shot)
        #expect(Array(try await DecodeReport.videoPacketHashes(ahead).suffix(shotPackets.count)) == shotPackets)
    }

    @Test func aShotNotAsPredictedIsRefusedAndNothingWritten() async throws {
        let clip = Fixtures.path("landscape.mp4")
        let prepared = scratch("prepared.mp4")
        defer { try? FileManager.default.removeItem(atPath: prepared) }
        let preparation = try await StitchAhead.prepare([clip], before: prediction, to: prepared)
        for (width, height, seconds, why) in [(1920, 1080, 5, "is 1920×1080, not 1280×720"), (1280, 720, 4, "has 96 frames, not 120")] {
            let other = try await shot(width: width, height: height, seconds: seconds)
            let output = scratch("never.mp4")
            defer { try? FileManager.default.removeItem(atPath: other) }
            await #expect(throws: EditError.predictionMissed("the shot \(why)")) {
                try await StitchAhead.finish(preparation, shot: other, to: output)
            }
            #expect(!FileManager.default.fileExists(atPath: output))
        }
        // A shot with sound cannot take a sound track made ahead.
        let withSound = scratch("sound.mp4")
        defer { try? FileManager.default.removeItem(atPath: withSound) }
        try await offloaded { try SyntheticClip.write(to: withSound, width: 1280, height: 720, seconds: 5, framesPerSecond: 24, audio: true) }
        await #expect(throws: EditError.predictionMissed("the shot has sound, which the stitch made ahead has not")) {
            try await StitchAhead.finish(preparation, shot: withSound, to: scratch("never.mp4"))
        }
    }

    @Test func aPreparationCancelledLeavesNothing() async throws {
        let prepared = scratch("prepared.mp4")
        let task = Task { try await StitchAhead.prepare([Fixtures.path("too_long.mp4")], before: prediction, to: prepared) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        _ = await task.result
        #expect(!FileManager.default.fileExists(atPath: prepared))
        let folder = URL(fileURLWithPath: prepared).deletingLastPathComponent().path
        let name = URL(fileURLWithPath: prepared).lastPathComponent
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.contains(name) }.isEmpty)
    }
}
