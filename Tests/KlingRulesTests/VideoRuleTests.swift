import Foundation
import KlingRules
import MediaKit
import TestSupport
import Testing

/// One test per rule for the clip (@Video1). Expected values are those the fixture script made.
@Suite struct VideoRuleTests {
    let limits = KlingO1Limits.current

    private func problems(_ fixture: String, keepAudio: Bool = false) throws -> [ValidationProblem] {
        let info = try Probe.file(atPath: Fixtures.path(fixture))
        return Validator().validate(ValidationRequest(video: info, keepAudio: keepAudio)).findings.map(\.problem)
    }

    @Test(arguments: ["landscape.mp4", "portrait.mp4", "square.mov", "anamorphic.mp4", "rotated.mp4", "no_audio.mp4"])
    func acceptedClipsHaveNoFindings(fixture: String) throws {
        #expect(try problems(fixture) == [])
    }

    @Test func clipUnderThreeSecondsIsTooShort() throws {
        #expect(try problems("too_short.mp4") == [.tooShort(seconds: 2.0, allowed: 3.0...10.05)])
    }

    @Test func clipOverTenSecondsIsTooLong() throws {
        #expect(try problems("too_long.mp4") == [.tooLong(seconds: 12.0, allowed: 3.0...10.05)])
    }

    @Test func sidesUnder720PixelsAreOutOfRange() throws {
        #expect(try problems("too_small.mp4") == [.sizeOutOfRange(width: 640, height: 360, allowed: 720...2160)])
    }

    @Test func sidesOver2160PixelsAreOutOfRange() throws {
        #expect(try problems("too_large_size.mp4") == [.sizeOutOfRange(width: 2560, height: 1440, allowed: 720...2160)])
    }

    @Test func nonSquarePixelsThatPassOnlyAsDisplayedAreAWarning() throws {
        #expect(try problems("nonsquare_narrow.mp4") == [
            .storedAndDisplayedSizesDisagree(stored: PixelSize(width: 704, height: 720),
                                             displayed: PixelSize(width: 768, height: 720), allowed: 720...2160),
        ])
        #expect(ValidationProblem.storedAndDisplayedSizesDisagree(
            stored: PixelSize(width: 704, height: 720), displayed: PixelSize(width: 768, height: 720),
            allowed: 720...2160).severity == .warning)
    }

    @Test func fifteenFramesPerSecondIsTooLow() throws {
        #expect(try problems("low_fps.mp4") == [.frameRateTooLow(fps: 15, allowed: 24...60)])
    }

    @Test func hundredTwentyFramesPerSecondIsTooHigh() throws {
        #expect(try problems("high_fps.mp4") == [.frameRateTooHigh(fps: 120, allowed: 24...60)])
    }

    @Test func filmRateIsAWarningNotAnError() throws {
        #expect(try problems("ntsc_film.mp4") == [.filmRateUnderMinimum(fps: 24000.0 / 1001.0, minimum: 24)])
    }

    @Test func variableFrameRateAveragingUnder24IsAWarning() throws {
        // Six of every ten frames of a 30 fps source over 4.867 s: ffprobe's avg_frame_rate 1350/73.
        #expect(try problems("vfr.mp4") == [.variableFrameRateUnderMinimum(averageFPS: 1350.0 / 73.0, minimum: 24)])
    }

    @Test func matroskaIsNotAnAcceptedContainer() throws {
        #expect(try problems("wrong_container.mkv") == [.containerNotAccepted(format: "Matroska / WebM")])
    }

    @Test func mp4DataUnderAnotherExtensionMustBeRenamed() throws {
        let renamed = Scratch.temporary.appendingPathComponent("kling-\(UUID().uuidString).m4v")
        try FileManager.default.copyItem(atPath: Fixtures.path("landscape.mp4"), toPath: renamed.path)
        defer { try? FileManager.default.removeItem(at: renamed) }
        let info = try Probe.file(atPath: renamed.path)
        #expect(Validator().validate(ValidationRequest(video: info)).findings.map(\.problem)
                == [.extensionNotAccepted(extension: "m4v")])
    }

    @Test func stillImageIsNotAVideo() throws {
        #expect(try problems("image_as_video.mp4") == [.notAVideo(format: "piped png sequence")])
    }

    @Test func audioOnlyFileHasNoVideoStream() throws {
        #expect(try problems("audio_only.m4a") == [.noVideoStream])
    }

    @Test func clipCutShortIsRejected() throws {
        #expect(try problems("truncated_faststart.mp4") == [.truncated])
    }

    @Test func keepingAudioOfASilentClipIsAWarning() throws {
        #expect(try problems("no_audio.mp4", keepAudio: true) == [.noAudioToKeep])
        #expect(try problems("landscape.mp4", keepAudio: true) == [])
    }

    @Test func fileOver200MegabytesIsTooLarge() throws {
        var info = try Probe.file(atPath: Fixtures.path("landscape.mp4"))
        info.format.size = 200_000_000
        #expect(Validator().validate(ValidationRequest(video: info)).findings.isEmpty)
        info.format.size = 200_000_001
        #expect(Validator().validate(ValidationRequest(video: info)).findings.map(\.problem)
                == [.fileTooLarge(bytes: 200_000_001, limit: 200_000_000)])
    }

    @Test func durationBoundariesAreInclusive() throws {
        var info = try Probe.file(atPath: Fixtures.path("landscape.mp4"))
        for seconds in [3.0, 10.05] {
            info.format.duration = seconds
            #expect(Validator().validate(ValidationRequest(video: info)).findings.isEmpty)
        }
        info.format.duration = 10.06
        #expect(Validator().validate(ValidationRequest(video: info)).findings.map(\.code) == ["duration_too_long"])
    }

    @Test func fixesNameTheConformOptionForTheProblem() throws {
        let info = try Probe.file(atPath: Fixtures.path("too_long.mp4"))
        let finding = try #require(Validator().validate(ValidationRequest(video: info)).findings.first)
        let path = Fixtures.path("too_long.mp4")
        let conformed = Fixtures.path("too_long.conformed.mp4")
        #expect(finding.fix == "keep its last 10 s, where the next shot continues from: "
                + "`kling-media conform \(path) -o \(conformed) --last 10`")
        #expect(finding.message == "is 12 s long; Kling O1 accepts 3–10.05 s")
    }
}

private extension Finding {
    var code: String { problem.code }
}
