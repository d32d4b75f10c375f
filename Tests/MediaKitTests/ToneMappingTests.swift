import Foundation
import Testing
import TestSupport
@testable import MediaKit

/// HDR clips (HLG, as an iPhone records by default, and PQ) are re-encoded tone-mapped to standard
/// range: against FFmpeg's own tone mapping of the same clip (its `zscale` and `tonemap` filters, the
/// recipe its documentation gives, run by the ffmpeg CLI), and unlike a re-encoding that keeps the
/// HDR values as they are (what conform did: it shows washed out).
@Suite struct ToneMappingTests {
    /// Two seconds of x265 10-bit HDR at 1280×720, tagged as a camera tags it.
    private func hdrClip(_ transfer: String, in folder: URL) async throws -> String {
        let path = folder.appendingPathComponent("\(transfer).mp4").path
        let made = try await ProcessRunner.run("ffmpeg", [
            "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30:duration=2", "-vf", "format=yuv420p10le",
            "-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error:colorprim=bt2020:transfer=\(transfer):colormatrix=bt2020nc",
            "-color_primaries", "bt2020", "-color_trc", transfer, "-colorspace", "bt2020nc", "-tag:v", "hvc1", path])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        return path
    }

    /// ffmpeg's SSIM of two clips over every frame.
    private func ssim(_ first: String, _ second: String) async throws -> Double {
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "info", "-nostdin", "-i", first, "-i", second, "-lavfi", "ssim", "-f", "null", "-"])
        let line = try #require(result.standardError.split(separator: "\n").first { $0.contains("SSIM") && $0.contains("All:") },
                                "ffmpeg's ssim: \(result.standardError.suffix(500))")
        return try #require(line.components(separatedBy: "All:").last?.split(separator: " ").first.flatMap { Double($0) })
    }

    @Test(arguments: ["arib-std-b67", "smpte2084"])
    func anHDRClipIsConformedToneMappedAsFFmpegToneMapsIt(transfer: String) async throws {
        #expect(ToneMapping.isAvailable, "this FFmpeg's libavfilter has zscale and tonemap (Debian's does)")
        let folder = try Scratch.folder("kling-tonemap")
        let clip = try await hdrClip(transfer, in: folder)
        let info = try Probe.file(atPath: clip)
        #expect(info.primaryVideo?.highDynamicRange == (transfer == "smpte2084" ? "PQ" : "HLG"))

        let output = folder.appendingPathComponent("conformed.mp4").path
        let report = try await Conformer.conform(clip, to: output, options: ConformOptions())
        #expect(report.changes.contains { $0.hasPrefix("tone-mapped from HDR") }, "\(report.changes)")
        // FFmpeg's own tone mapping, and the values kept as they were, each encoded as conform encodes.
        let mapping = "zscale=tin=\(transfer):pin=bt2020:min=bt2020nc:rin=limited:t=linear:npl=100,format=gbrpf32le,"
            + "zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=limited,format=yuv420p"
        let oracle = folder.appendingPathComponent("ffmpeg.mp4").path
        let naive = folder.appendingPathComponent("kept.mp4").path
        for (path, filter) in [(oracle, mapping), (naive, "format=yuv420p")] {
            let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-i", clip, "-vf", filter, "-c:v", "libx264", "-crf", "12", path])
            #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        }
        let likeFFmpeg = try await ssim(output, oracle)
        let likeKept = try await ssim(output, naive)
        #expect(likeFFmpeg > 0.98, "SSIM against FFmpeg's tone mapping \(likeFFmpeg)")
        #expect(likeKept < likeFFmpeg - 0.05, "SSIM against the HDR values kept \(likeKept), against FFmpeg's tone mapping \(likeFFmpeg)")
    }

    /// A still of an HDR clip (`frame`, a seam sheet, a review card) is tone-mapped too.
    @Test func aStillOfAnHDRClipIsToneMapped() async throws {
        let folder = try Scratch.folder("kling-tonemap")
        let clip = try await hdrClip("arib-std-b67", in: folder)
        let ours = folder.appendingPathComponent("ours.png").path
        _ = try await FrameGrab.write(from: clip, at: .first, to: ours)
        let oracle = folder.appendingPathComponent("ffmpeg.png").path
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-i", clip, "-frames:v", "1", "-vf",
            "zscale=tin=arib-std-b67:pin=bt2020:min=bt2020nc:rin=limited:t=linear:npl=100,format=gbrpf32le,zscale=p=bt709,"
            + "tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=limited,format=yuv420p,format=rgb24", oracle])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        #expect(try await ssim(ours, oracle) > 0.98)
    }
}
