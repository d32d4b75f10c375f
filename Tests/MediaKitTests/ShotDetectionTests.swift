import Foundation
import Testing
import TestSupport
@testable import MediaKit

/// Shot detection against cuts whose frames are known without our code (ffmpeg made the clips and
/// ffprobe counted each shot's frames), and against a continuous shot with fast motion and flashes.
@Suite struct ShotDetectionTests {
    private func scratch(_ name: String) throws -> String { try Scratch.file(name, in: "kling-scenes") }

    @Test func everyCutIsFoundWithinAFrameAndNoOther() async throws {
        let clip = try await CutClip.make(CutClip.shots, at: try scratch("cuts.mp4"))
        let list = try await ShotDetection.detect(in: clip.path)
        #expect(list.frameCount == clip.frameCount)
        #expect(list.cuts.count == clip.cutFrames.count, "found \(list.cuts.map(\.frame)), made \(clip.cutFrames)")
        for (found, made) in zip(list.cuts, clip.cutFrames) {
            #expect(abs(found.frame - made) <= 1, "cut found at frame \(found.frame), made at \(made)")
            #expect(abs(found.seconds - Double(made) / Double(clip.framesPerSecond)) <= 1.0 / Double(clip.framesPerSecond) + 0.001)
            #expect(found.score >= 27)
        }
        // The shots tile the clip: each starts where the one before ended.
        let shots = list.shots
        #expect(shots.count == clip.cutFrames.count + 1)
        #expect(shots.first?.firstFrame == 0 && shots.last?.lastFrame == clip.frameCount - 1)
        for (earlier, later) in zip(shots, shots.dropFirst()) {
            #expect(earlier.lastFrame + 1 == later.firstFrame && earlier.endSeconds == later.startSeconds)
        }
        #expect(abs((shots.last?.endSeconds ?? 0) - Double(clip.frameCount) / Double(clip.framesPerSecond)) < 0.05)
    }

    /// B-frames are decoded only near a keyframe or an anchor much bigger than those before it. An
    /// encoder told not to mark cuts (no keyframe there, a bitrate cap keeping anchors alike in
    /// size) gives no such hint: the frames decoded must still show where to look again.
    @Test func cutsAnEncoderDidNotMarkAreFoundAsWhenEveryFrameIsDecoded() async throws {
        let clip = try await CutClip.make(CutClip.shots, encoding: ["-x264-params", "scenecut=0:keyint=600:bframes=3:b-pyramid=normal",
                                                                    "-b:v", "300k", "-maxrate", "300k", "-bufsize", "150k"],
                                          at: try scratch("unmarked.mp4"))
        let frames = try await ProcessRunner.run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "frame=pict_type,key_frame",
                                                             "-of", "csv=p=0", clip.path])
        let types = frames.standardOutput.split(separator: "\n").map { $0.split(separator: ",").map(String.init) }
        #expect(types.filter { $0.first == "1" }.count == 1, "the encoder made one keyframe only")
        #expect(types.contains { $0.last == "B" }, "the encoder made B-frames")

        let heard = Collected<(done: Double, total: Double)>()
        let list = try await ShotDetection.detect(in: clip.path) { heard.add(($0, $1)) }
        #expect(list.frameCount == clip.frameCount)
        #expect(list.cuts.count == clip.cutFrames.count, "found \(list.cuts.map(\.frame)), made \(clip.cutFrames)")
        for (found, made) in zip(list.cuts, clip.cutFrames) { #expect(abs(found.frame - made) <= 1) }
        // The second look's progress goes on from the first pass's: it never goes back, and ends
        // with all of it done, past the clip's length (the stretches looked at again).
        let progress = heard.all
        #expect(zip(progress, progress.dropFirst()).allSatisfy { $1.done >= $0.done - 0.001 }, "\(progress)")
        let last = try #require(progress.last)
        #expect(abs(last.done - last.total) < 0.001 && last.total > list.duration, "\(last) for a \(list.duration) s clip")
        var everyFrame = ShotDetection.Settings()
        everyFrame.decodesEveryFrame = true
        let decodingAll = try await ShotDetection.detect(in: clip.path, settings: everyFrame)
        #expect(list.cuts == decodingAll.cuts)
    }

    /// A raw H.264 stream has no presentation times to number frames by: every frame is decoded,
    /// numbered as it comes, and the cuts are those of the same pictures in an MP4.
    @Test func aStreamWithoutTimesIsScannedFrameByFrame() async throws {
        let clip = try await CutClip.make(Array(CutClip.shots.prefix(4)), at: try scratch("cuts.mp4"))
        let raw = try scratch("cuts.h264")
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-i", clip.path, "-c", "copy", "-f", "h264", raw])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        let times = try await ProcessRunner.run("ffprobe", ["-v", "error", "-show_entries", "packet=pts", "-of", "csv=p=0", raw])
        #expect(Set(times.standardOutput.split(separator: "\n")) == ["N/A"], "ffprobe sees no packet times in the raw stream")
        // Without times, a frame's time is its number over the stream's average rate, whatever
        // FFmpeg takes that to be (5.1 reads 24 from the stream; 7.1 and later assume 25).
        let rate = try await ProcessRunner.run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries", "stream=avg_frame_rate",
                                                           "-of", "csv=p=0", raw])
        let parts = rate.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "/").compactMap { Double($0) }
        let framesPerSecond = try #require(parts.count == 2 && parts[1] > 0 ? parts[0] / parts[1] : nil, "ffprobe's rate: \(rate.standardOutput)")

        let list = try await ShotDetection.detect(in: raw)
        #expect(list.frameCount == clip.frameCount)
        #expect(list.cuts.count == clip.cutFrames.count, "found \(list.cuts.map(\.frame)), made \(clip.cutFrames)")
        for (found, made) in zip(list.cuts, clip.cutFrames) {
            #expect(abs(found.frame - made) <= 1, "cut found at frame \(found.frame), made at \(made)")
            #expect(abs(found.seconds - Double(found.frame) / framesPerSecond) < 0.001)
        }
        #expect(list.shots.first?.startSeconds == 0)
    }

    /// A transport stream recorded or cut anywhere starts with frames that refer to pictures it does
    /// not hold: no decoder shows them, and ffprobe counts frames from the first keyframe. The scan
    /// numbers frames and times the first shot as ffprobe shows them, and finds the cuts the whole
    /// stream has after that keyframe.
    @Test func aStreamCutBeforeAKeyframeCountsTheFramesFFprobeShows() async throws {
        // Keyframes a second apart, so the stream can be cut between them inside a shot.
        let clip = try await CutClip.make(Array(CutClip.shots.prefix(4)), encoding: ["-x264-params", "keyint=24"], at: try scratch("cuts-gop.mp4"))
        let whole = try scratch("cuts-gop.ts")
        let remuxed = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-i", clip.path, "-c", "copy", whole])
        #expect(remuxed.status == 0, "ffmpeg: \(remuxed.standardError)")
        func column(_ arguments: [String], _ path: String) async throws -> [Substring] {
            let result = try await ProcessRunner.run("ffprobe", ["-v", "error", "-select_streams", "v"] + arguments + ["-of", "csv=p=0", path])
            return FFprobeReport.firstColumn(result.standardOutput)
        }
        // Cut at the transport packet where a frame 2.5 s in begins, which is no keyframe (inside the
        // second shot, half a second after its keyframe), as ffprobe places the frames' packets.
        let packets = try await ProcessRunner.run("ffprobe", ["-v", "error", "-select_streams", "v", "-show_entries",
                                                              "packet=pts_time,pos,flags", "-of", "csv=p=0", whole])
        let wholeStart = try #require(FFprobeReport.number(try await FFprobeReport(path: whole).format["start_time"]))
        let rows = packets.standardOutput.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let at = try #require(rows.first { row in
            row.count >= 3 && !row[2].contains("K") && (Double(row[0]).map { $0 - wholeStart >= 2.5 } ?? false)
        }.flatMap { Int($0[1]) }, "ffprobe's packets: \(packets.standardOutput.prefix(300))")
        #expect(at % 188 == 0)
        let cut = try scratch("cut-mid-gop.ts")
        try Data(contentsOf: URL(fileURLWithPath: whole))[at...].write(to: URL(fileURLWithPath: cut))

        let keys = try await column(["-show_entries", "packet=flags"], cut)
        let keyAt = try #require(keys.firstIndex { $0.contains("K") })
        #expect(keyAt > 0, "the cut stream starts with \(keyAt) packets before its first keyframe")
        // What ffprobe shows: each frame's time in both streams (they share timestamps), the cut one's clock start.
        let shownInWhole = try await column(["-show_entries", "frame=pts_time"], whole).compactMap { Double($0) }
        let shown = try await column(["-show_entries", "frame=pts_time"], cut).compactMap { Double($0) }
        let start = try #require(FFprobeReport.number(try await FFprobeReport(path: cut).format["start_time"]))
        let first = try #require(shown.first)
        #expect(shownInWhole.count == clip.frameCount)
        let madeAfter = clip.cutFrames.filter { shownInWhole[$0] > first + 0.001 }
        let expected = madeAfter.compactMap { made in shown.firstIndex { abs($0 - shownInWhole[made]) < 0.001 } }
        #expect(!expected.isEmpty && expected.count == madeAfter.count)

        let list = try await ShotDetection.detect(in: cut)
        #expect(list.frameCount == shown.count, "scanned \(list.frameCount) frames, ffprobe shows \(shown.count)")
        #expect(abs((list.shots.first?.startSeconds ?? -1) - (first - start)) < 0.001)
        #expect(list.cuts.map(\.frame) == expected, "found \(list.cuts.map(\.frame)), made (as ffprobe numbers them) \(expected)")
        for found in list.cuts where shown.indices.contains(found.frame) {
            #expect(abs(found.seconds - (shown[found.frame] - start)) < 0.001)
        }
    }

    @Test func fastMotionAndFlashesAreNoCut() async throws {
        let path = try scratch("motion.mp4")
        try await CutClip.makeMotionWithFlashes(at: path)
        let list = try await ShotDetection.detect(in: path)
        #expect(list.cuts.isEmpty, "reported cuts at frames \(list.cuts.map(\.frame))")
        #expect(list.frameCount == 144 && list.shots.count == 1)
        var everyFrame = ShotDetection.Settings()
        everyFrame.decodesEveryFrame = true
        #expect(try await ShotDetection.detect(in: path, settings: everyFrame).cuts.isEmpty)
    }

    @Test func onlyTheEndIsLookedAtWhenAsked() async throws {
        let clip = try await CutClip.make(Array(CutClip.shots.prefix(4)), at: try scratch("cuts.mp4"))
        let whole = try await ShotDetection.detect(in: clip.path)
        let end = try await ShotDetection.detect(in: clip.path, lastSeconds: 3)
        // The clip is 7.5 s: its last 3 s (from 4.5 s) hold the cut at 5.5 s; a second before them, the one at 4 s.
        #expect(end.scannedFrom > 3.4 && end.scannedFrom < 3.6)
        #expect(end.cuts == whole.cuts.filter { $0.seconds > 3.5 })
        #expect(end.cuts(after: 4.5).map(\.frame) == [clip.cutFrames[2]])
        // Only the frames from 3.5 s on were looked at, numbered as in the whole clip.
        #expect(end.firstFrame == 84 && end.frameCount == clip.frameCount - 84)
    }

    @Test func whatHasNoPictureIsRefusedByName() async throws {
        await #expect(throws: ShotDetectionError.noVideo(Fixtures.path("audio_only.m4a"))) {
            try await ShotDetection.detect(in: Fixtures.path("audio_only.m4a"))
        }
        do {
            _ = try await ShotDetection.detect(in: Fixtures.path("not_media.mp4"))
            Issue.record("a file that is not media was scanned")
        } catch {
            guard case .unreadable = error else { Issue.record("\(error)"); return }
        }
    }
}
