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

    /// ffmpeg's mean Y, U and V over every frame of a clip (its signalstats filter).
    private func means(_ path: String) async throws -> [Double] {
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-vf",
            "signalstats,metadata=print:file=-", "-f", "null", "-"])
        return try ["YAVG", "UAVG", "VAVG"].map { key in
            let values = result.standardOutput.split(separator: "\n").compactMap { line in
                line.hasPrefix("lavfi.signalstats.\(key)=") ? Double(line.split(separator: "=").last ?? "") : nil
            }
            return try #require(values.isEmpty ? nil : values.reduce(0, +) / Double(values.count), "ffmpeg's signalstats: \(result.standardError.suffix(300))")
        }
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
        // The same light and colour as FFmpeg's mapping, frame for frame on average; alike in structure
        // (FFmpeg 8 and later map with finer detail of their own: an SSIM of 0.94 to 0.97 there, 0.995 on
        // 5.1, with the means still equal to a tenth of a level). Nearer FFmpeg's mapping than the values
        // kept wherever that mapping moves the light measurably (48 levels on 5.1; on FFmpeg 9 a clip
        // encoded there maps to within a level of its own values, and then this cannot tell).
        let (ours, ffmpeg, kept) = (try await means(output), try await means(oracle), try await means(naive))
        for plane in 0..<3 { #expect(abs(ours[plane] - ffmpeg[plane]) < 1, "means (Y, U, V): ours \(ours), FFmpeg's \(ffmpeg)") }
        if abs(kept[0] - ffmpeg[0]) > 5 {
            #expect(abs(ours[0] - ffmpeg[0]) * 4 < abs(ours[0] - kept[0]), "mean luma: ours \(ours[0]), FFmpeg's \(ffmpeg[0]), kept \(kept[0])")
        }
        let likeFFmpeg = try await ssim(output, oracle)
        #expect(likeFFmpeg > 0.9, "SSIM against FFmpeg's tone mapping \(likeFFmpeg)")
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
            // Into RGB by the BT.709 matrix the mapped picture is tagged with, as our stills read it
            // (named, so that every FFmpeg does the same: 5.1's CLI would take BT.601).
            + "tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=limited,format=yuv420p,"
            + "scale=in_color_matrix=bt709:in_range=tv:out_range=pc,format=rgb24", oracle])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        // Nearer FFmpeg's mapping than the values kept (read by swscale's default matrix).
        let kept = folder.appendingPathComponent("kept.png").path
        let keptMade = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-i", clip, "-frames:v", "1", "-vf",
                                                              "scale=in_color_matrix=bt601:in_range=tv:out_range=pc,format=rgb24", kept])
        #expect(keptMade.status == 0, "ffmpeg: \(keptMade.standardError)")
        let (likeFFmpeg, likeKept) = (try await ssim(ours, oracle), try await ssim(ours, kept))
        #expect(likeFFmpeg > 0.9, "SSIM against FFmpeg's mapping \(likeFFmpeg), against the values kept \(likeKept)")
        let (mapped, ffmpeg, asKept) = (try await means(ours)[0], try await means(oracle)[0], try await means(kept)[0])
        #expect(abs(mapped - ffmpeg) < 1.5, "mean luma: ours \(mapped), FFmpeg's \(ffmpeg), kept \(asKept)")
    }
}
