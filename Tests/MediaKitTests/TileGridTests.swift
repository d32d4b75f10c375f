import Foundation
@testable import MediaKit
import TestSupport
import Testing

/// A photo stored as a grid of tiles, as an iPhone stores its HEIC photos (48 HEVC pictures of
/// 512×512), made here by libheif's `heif-enc --cut-tiles` from a known picture. FFmpeg 7.1 and
/// later read each tile as a stream of its own: the picture's size is the grid's (ffprobe's
/// `stream_groups` says it), and `frame` makes the whole picture (libheif's own `heif-dec`, and
/// the picture the photo was made from, say what it is), never one tile of it.
@Suite struct TileGridTests {
    /// ffmpeg's PSNR (dB, all planes) of `picture` against `reference`.
    private func psnr(_ picture: String, against reference: String) async throws -> Double {
        let measured = try await ProcessRunner.run("ffmpeg", ["-nostdin", "-i", picture, "-i", reference, "-lavfi", "psnr", "-f", "null", "-"])
        let average = try #require(measured.standardError.firstMatch(of: /average:([0-9.]+|inf)/), "ffmpeg psnr: \(measured.standardError)")
        return average.1 == "inf" ? .infinity : Double(average.1) ?? 0
    }

    @Test func aTiledPhotoIsOnePictureTheSizeOfItsGrid() async throws {
        let folder = try Scratch.folder("kling-tile-grid")
        let source = folder.appendingPathComponent("source.png").path
        let plain = folder.appendingPathComponent("plain.heic").path
        let tiled = folder.appendingPathComponent("tiled.heic").path
        // 1200×800 in tiles of 256: a canvas of 5×4 tiles (1280×1024), the picture cut from it.
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=1200x800",
                                                          "-frames:v", "1", source])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        let encoded = try await ProcessRunner.run("heif-enc", ["-q", "90", source, "-o", plain])
        #expect(encoded.status == 0, "heif-enc (Debian's libheif-examples; scripts/setup installs it): \(encoded.standardError)")
        // FFmpeg before 7.1 reads no HEIC at all (heifPhotosAreCalledTheImagesTheyAre tests what
        // is said then): there is no tile to mistake for the picture.
        guard try await ProcessRunner.run("ffprobe", ["-v", "error", plain]).status == 0 else { return }
        let cut = try await ProcessRunner.run("heif-enc", ["-q", "90", "--cut-tiles", "256", source, "-o", tiled])
        #expect(cut.status == 0, "heif-enc --cut-tiles (libheif 1.18 or later): \(cut.standardError)")

        // ffprobe's facts: 20 tile streams of 256×256, and a grid 1200×800 on a 1280×1024 canvas.
        let probed = try await ProcessRunner.run("ffprobe", ["-v", "error", "-show_stream_groups", "-show_streams", "-of", "json", tiled])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(probed.standardOutput.utf8)) as? [String: Any])
        let groups = try #require(report["stream_groups"] as? [[String: Any]], "ffprobe lists no stream groups: \(probed.standardOutput)")
        let grid = try #require((groups.first?["components"] as? [[String: Any]])?.first)
        let streams = try #require(report["streams"] as? [[String: Any]])

        let info = try Probe.file(atPath: tiled)
        let tileGrid = try #require(info.tileGrid, "no tile grid in \(info)")
        #expect(tileGrid.width == grid["width"] as? Int && tileGrid.height == grid["height"] as? Int)
        #expect(tileGrid.width == 1200 && tileGrid.height == 800)
        #expect(tileGrid.canvasWidth == grid["coded_width"] as? Int && tileGrid.canvasHeight == grid["coded_height"] as? Int)
        #expect(tileGrid.tiles.count == grid["nb_tiles"] as? Int && tileGrid.tiles.count == 20)
        #expect(info.streams.count == streams.count && info.streams.allSatisfy { $0.width == 256 && $0.height == 256 },
                "each stream as ffprobe has it: a tile")
        let picture = try #require(info.primaryVideo)
        #expect(picture.width == 1200 && picture.height == 800 && picture.displayWidth == 1200 && picture.displayHeight == 800)
        #expect(info.format.isImage && info.format.imageContainer == "HEIC")

        // The whole picture: libheif's own decoding of the photo, and the picture it was made from.
        let ours = folder.appendingPathComponent("ours.png").path
        let result = try await FrameGrab.write(from: tiled, at: .first, to: ours)
        #expect(result.width == 1200 && result.height == 800)
        let theirs = folder.appendingPathComponent("libheif.png").path
        let decoded = try await ProcessRunner.run("heif-dec", [tiled, theirs])
        #expect(decoded.status == 0, "heif-dec: \(decoded.standardError)")
        let againstLibheif = try await psnr(ours, against: theirs)
        let againstSource = try await psnr(ours, against: source)
        let libheifAgainstSource = try await psnr(theirs, against: source)
        // Each turns YUV into RGB its own way (libheif's within a dB or two of ours): above 40 dB,
        // the same picture. A tile, or tiles out of place, would be far below.
        #expect(againstLibheif > 40, "ours against libheif's: \(againstLibheif) dB")
        #expect(againstSource > 40 && libheifAgainstSource > 40, "ours \(againstSource) dB, libheif's \(libheifAgainstSource) dB from the source")

        // Turned a quarter clockwise (HEIF's `irot`, as a phone held upright writes it): shown
        // 800×1200, as libheif shows it. FFmpeg 8.0 and later give the grid that turn; 7.1 gives
        // none (ffprobe shows no display matrix there), and the file's own `irot` is read.
        let turned = folder.appendingPathComponent("turned.heic").path
        let rotated = try await ProcessRunner.run("heif-enc", ["-q", "90", "--cut-tiles", "256", "--rotate-cw", "90", source, "-o", turned])
        #expect(rotated.status == 0, "heif-enc --rotate-cw: \(rotated.standardError)")
        let turnedInfo = try Probe.file(atPath: turned)
        #expect(turnedInfo.tileGrid?.rotation == 90)
        #expect(turnedInfo.primaryVideo?.displayWidth == 800 && turnedInfo.primaryVideo?.displayHeight == 1200)
        #expect(HEIFTurn.clockwise(ofFileAt: turned) == 90 && HEIFTurn.clockwise(ofFileAt: tiled) == nil)
        let oursTurned = folder.appendingPathComponent("ours-turned.png").path
        let turnedResult = try await FrameGrab.write(from: turned, at: .first, to: oursTurned)
        #expect(turnedResult.width == 800 && turnedResult.height == 1200)
        let theirsTurned = folder.appendingPathComponent("libheif-turned.png").path
        #expect(try await ProcessRunner.run("heif-dec", [turned, theirsTurned]).status == 0)
        let turnedAgainstLibheif = try await psnr(oursTurned, against: theirsTurned)
        #expect(turnedAgainstLibheif > 40, "ours against libheif's, turned: \(turnedAgainstLibheif) dB")
    }
}
