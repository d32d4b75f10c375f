import Foundation
import Testing
import TestSupport
@testable import MediaKit

/// A shot scan's small pictures, shrunk by whole blocks straight from the decoder's 4:2:0 planes,
/// against ffmpeg's own conversion of the same frame to RGB24 at full size, each block of it
/// averaged here: within a level on average (ffmpeg interpolates chroma between samples where the
/// shrink takes the sample under each pixel, and the two round differently).
@Suite struct BoxShrinkTests {
    /// (width, height, pixel format): an even factor (8), an odd one (5: chroma samples on a
    /// block's edge shared by two blocks), a portrait frame, and full-range (JPEG) levels.
    @Test(arguments: [(1920, 1080, "yuv420p"), (1280, 720, "yuv420p"), (720, 1280, "yuv420p"), (1280, 720, "yuvj420p")])
    func aShrunkFrameIsTheBlockMeansOfFFmpegsPicture(width: Int, height: Int, format: String) async throws {
        let folder = try Scratch.folder("kling-shrink")
        let clip = folder.appendingPathComponent("frame.mp4").path
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=\(width)x\(height):rate=24",
                                                          "-frames:v", "1", "-c:v", "libx264", "-pix_fmt", format, clip])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")

        let decoder = try StreamDecoder(path: clip, streamIndex: 0, threads: 1)
        let (frame, _) = try #require(try decoder.next())
        var shrink = BoxShrink(storedWidth: width, storedHeight: height, longestSide: 256)
        let (factor, small) = (shrink.factor, (width: shrink.width, height: shrink.height))
        let fits = shrink.fits(frame.raw)
        #expect(fits, "a \(format) frame is shrunk by blocks")
        #expect(max(small.width, small.height) <= 256 && small.width * factor == width && small.height * factor == height)
        var ours = [UInt8](repeating: 0, count: small.width * small.height * 3)
        ours.withUnsafeMutableBufferPointer { shrink.shrink(frame.raw, into: $0) }

        let raw = folder.appendingPathComponent("frame.rgb").path
        let converted = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-i", clip, "-frames:v", "1",
                                                               "-f", "rawvideo", "-pix_fmt", "rgb24", raw])
        #expect(converted.status == 0, "ffmpeg: \(converted.standardError)")
        let picture = [UInt8](try Data(contentsOf: URL(fileURLWithPath: raw)))
        try #require(picture.count == width * height * 3, "ffmpeg gave \(picture.count) bytes for \(width)×\(height)")
        // Block sums in one pass over ffmpeg's picture (quick even in a debug build: a full test
        // run shares two threads among every test).
        var sums = [Int](repeating: 0, count: small.width * small.height * 3)
        picture.withUnsafeBufferPointer { picture in
            sums.withUnsafeMutableBufferPointer { sums in
                for row in 0..<small.height * factor {
                    let blockRow = row / factor * small.width
                    for column in 0..<small.width * factor {
                        let block = (blockRow + column / factor) * 3
                        let pixel = (row * width + column) * 3
                        sums[block] += Int(picture[pixel])
                        sums[block + 1] += Int(picture[pixel + 1])
                        sums[block + 2] += Int(picture[pixel + 2])
                    }
                }
            }
        }
        let differences = zip(sums, ours).map { abs(Double($0) / Double(factor * factor) - Double($1)) }
        let mean = differences.reduce(0, +) / Double(differences.count)
        #expect(mean < 1.25, "mean difference \(mean) levels")
        // Sharp coloured edges (the test card's lines and text) differ most, by the chroma's placement.
        let far = differences.filter { $0 > 8 }.count
        #expect(far < differences.count / 100, "\(far) of \(differences.count) more than 8 levels apart, the most \(differences.max() ?? 0)")
    }
}
