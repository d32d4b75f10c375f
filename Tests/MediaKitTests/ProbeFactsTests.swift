import Foundation
import MediaKit
import TestSupport
import Testing

/// Facts of our own (rotation, display size, frame timing, truncation) and probe's refusals.
@Suite struct ProbeFactsTests {
    @Test func phoneClipIsRotatedNinetyDegreesClockwiseAndDisplayedPortrait() throws {
        let video = try #require(try Probe.file(atPath: Fixtures.path("rotated.mp4")).primaryVideo)
        #expect(video.width == 1280 && video.height == 720)
        #expect(video.rotation == 90)
        #expect(video.displayWidth == 720 && video.displayHeight == 1280)
        #expect(video.displayAspectRatio == AspectRatio(9, 16))
    }

    @Test func anamorphicClipIsDisplayedWiderThanStored() throws {
        let video = try #require(try Probe.file(atPath: Fixtures.path("anamorphic.mp4")).primaryVideo)
        #expect(video.sampleAspectRatio == AspectRatio(4, 3))
        #expect(video.displayWidth == 1280 && video.displayHeight == 720)
        #expect(video.displayAspectRatio == AspectRatio(16, 9))
    }

    /// The oracle: ffprobe's own list of the video packets' timestamps, judged by whether the
    /// gaps between consecutive frames differ by more than one tick.
    @Test(arguments: ["landscape.mp4", "portrait.mp4", "square.mov", "rotated.mp4", "ntsc_film.mp4",
                      "vfr.mp4", "low_fps.mp4", "high_fps.mp4", "no_audio.mp4"])
    func variableFrameRateMatchesFFprobesPacketTimestamps(fixture: String) async throws {
        let path = Fixtures.path(fixture)
        let listing = try await ProcessRunner.run("ffprobe", ["-v", "error", "-select_streams", "v:0",
                                                        "-show_entries", "packet=dts", "-of", "csv=p=0", path])
        let timestamps = FFprobeReport.firstColumn(listing.standardOutput).compactMap { Int($0) }.sorted()
        let gaps = Set(zip(timestamps, timestamps.dropFirst()).map { $1 - $0 })
        let oracleSaysVariable = (gaps.max() ?? 0) - (gaps.min() ?? 0) > 1
        let video = try #require(try Probe.file(atPath: path).primaryVideo)
        #expect(video.isVariableFrameRate == oracleSaysVariable)
        #expect(video.isVariableFrameRate == (fixture == "vfr.mp4"))
    }

    @Test func stillImagesHaveNoFrameTiming() throws {
        for fixture in ["ref_ok.png", "ref_ok.jpg", "ref.webp"] {
            let info = try Probe.file(atPath: Fixtures.path(fixture))
            #expect(info.format.isImage)
            #expect(info.primaryVideo?.isVariableFrameRate == nil)
        }
    }

    @Test func clipCutShortAfterItsIndexIsMarkedTruncated() throws {
        #expect(try Probe.file(atPath: Fixtures.path("truncated_faststart.mp4")).format.truncated == true)
        #expect(try Probe.file(atPath: Fixtures.path("landscape.mp4")).format.truncated == nil)
    }

    @Test func missingFileIsNotFound() {
        let path = Fixtures.path("no-such-clip.mp4")
        #expect(throws: ProbeError.notFound(path: path)) { try Probe.file(atPath: path) }
    }

    @Test func directoryIsRefused() {
        let path = Fixtures.directory.path
        #expect(throws: ProbeError.isDirectory(path: path)) { try Probe.file(atPath: path) }
    }

    @Test func emptyFileIsRefused() {
        let path = Fixtures.path("empty.mp4")
        #expect(throws: ProbeError.empty(path: path)) { try Probe.file(atPath: path) }
    }

    @Test func textFileNamedMP4IsNotMedia() {
        let path = Fixtures.path("not_media.mp4")
        #expect(throws: ProbeError.notMedia(path: path)) { try Probe.file(atPath: path) }
    }

    @Test func mp4WithoutItsIndexIsDamagedQuickTime() throws {
        let path = Fixtures.path("truncated.mp4")
        let error = try #require(throws: ProbeError.self) { try Probe.file(atPath: path) }
        guard case .damaged(let damagedPath, let format, let reason) = error else {
            Issue.record("expected .damaged, got \(error)")
            return
        }
        #expect(damagedPath == path)
        #expect(format == "QuickTime / MOV")
        #expect(reason == "Invalid data found when processing input")
    }

    @Test func devicesAreNotRegularFiles() {
        #expect(throws: ProbeError.notRegularFile(path: "/dev/null")) { try Probe.file(atPath: "/dev/null") }
    }
}
