import Foundation
import Testing
import TestSupport
@testable import MediaKit

/// Seam scores against FFmpeg's own `ssim` filter on the same frame pair, and the seam sheet's
/// size as ffprobe reads the PNG.
@Suite struct SeamReviewTests {
    private func scratch() throws -> URL {
        let folder = Scratch.temporary.appendingPathComponent("kling-seams-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    /// ffmpeg's luma SSIM (`Y:`) between frames `first` and `second` of `path`.
    private func ffmpegSSIM(_ path: String, frames first: Int, _ second: Int) async throws -> Double {
        let graph = "[0:v]trim=start_frame=\(first):end_frame=\(first + 1),setpts=PTS-STARTPTS[a];"
            + "[1:v]trim=start_frame=\(second):end_frame=\(second + 1),setpts=PTS-STARTPTS[b];[a][b]ssim"
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "info", "-nostdin", "-i", path, "-i", path, "-filter_complex", graph,
                                                            "-f", "null", "-"])
        guard let range = result.standardError.range(of: "SSIM Y:") else {
            throw OracleError.failed(path: path, message: "ffmpeg's ssim printed no Y: \(result.standardError.suffix(300))")
        }
        return Double(result.standardError[range.upperBound...].prefix { !$0.isWhitespace && $0 != "(" }) ?? -1
    }

    @Test func identicalFramesScoreOneAndUnrelatedOnesLowAsFFmpegCountsThem() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        let same = try await CutClip.make(["smptebars=size=640x360:rate=24:duration=2", "smptebars=size=640x360:rate=24:duration=2"],
                                          at: folder.appendingPathComponent("same.mp4").path)
        let unrelated = try await CutClip.make(["smptebars=size=640x360:rate=24:duration=2", "cellauto=size=640x360:rate=24:rule=30:seed=1,trim=duration=2"],
                                               at: folder.appendingPathComponent("unrelated.mp4").path)
        let joint = [SeamSpan(before: 2, after: 2)]
        let alike = try await SeamReview.review(same.path, joints: joint, sheet: nil)
        let apart = try await SeamReview.review(unrelated.path, joints: joint, sheet: nil)
        #expect(alike.sheet == nil && alike.joints.count == 1)
        #expect(alike.joints[0].ssim > 0.98 && alike.joints[0].deltaE < 0.5, "\(alike.joints[0])")
        #expect(apart.joints[0].ssim < 0.5 && apart.joints[0].deltaE > 5, "\(apart.joints[0])")
        // Frames 45–47 before the joint, 48–50 after (2 s at 24 fps).
        #expect(apart.joints[0].before.map { Int(($0 * 24).rounded()) } == [45, 46, 47])
        #expect(apart.joints[0].after.map { Int(($0 * 24).rounded()) } == [48, 49, 50])
        for (report, path) in [(alike, same.path), (apart, unrelated.path)] {
            let theirs = try await ffmpegSSIM(path, frames: 47, 48)
            #expect(abs(report.joints[0].ssim - theirs) <= 0.01, "ours \(report.joints[0].ssim), ffmpeg's \(theirs)")
        }
    }

    @Test func theSheetShowsEachJointsFramesAsDisplayed() async throws {
        let folder = try scratch()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A phone clip stored 1280×720 and turned 90°, twice: stream-copied, it keeps its display matrix.
        let joined = folder.appendingPathComponent("rotated-twice.mp4").path
        let report = try await Stitcher.stitch([Fixtures.path("rotated.mp4"), Fixtures.path("rotated.mp4")], to: joined)
        #expect(report.method == .streamCopy)
        let sheet = folder.appendingPathComponent("rotated-twice.seams.png").path
        let seams = try await SeamReview.review(joined, joints: [SeamSpan(before: report.clips[1].start, after: report.clips[1].start)], sheet: sheet)
        #expect(seams.sheet == sheet && seams.joints.count == 1)
        let probe = try await ProcessRunner.run("ffprobe", ["-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", sheet])
        // Six portrait frames 240 wide (426 high), 8 px apart, a 6 px bar, a 30 px label strip, 8 px margins.
        #expect(probe.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "png,1510,464")
    }
}
