import KlingRules
import MediaKit
import TestSupport
import Testing

/// Which aspect_ratio to request: judged on the displayed picture, within 5 % of a fixed ratio.
@Suite struct AspectChoiceTests {
    private func choice(_ fixture: String, requested: AspectRatioOption = .auto) throws -> AspectChoice? {
        Validator().aspectChoice(for: try Probe.file(atPath: Fixtures.path(fixture)), requested: requested)
    }

    @Test(arguments: [("landscape.mp4", AspectRatioOption.landscape), ("portrait.mp4", .portrait),
                      ("square.mov", .square), ("rotated.mp4", .portrait), ("anamorphic.mp4", .landscape)])
    func exactRatiosAreRequestedByName(fixture: String, expected: AspectRatioOption) throws {
        let aspect = try #require(try choice(fixture))
        #expect(aspect.chosen == expected)
        #expect(aspect.deviation < 0.000_001)
    }

    @Test func phoneClipIsJudgedAsDisplayedNotAsStored() throws {
        let aspect = try #require(try choice("rotated.mp4"))
        #expect(aspect.displayWidth == 720 && aspect.displayHeight == 1280)
        #expect(aspect.reason == "displayed 720×1280 (rotated 90°) is exactly 9:16")
    }

    @Test func cinemaWidescreenIsCloseEnoughToSixteenByNine() {
        let aspect = AspectChoice(displayWidth: 1998, displayHeight: 1080, requested: .auto)
        #expect(aspect.chosen == .landscape)
        #expect(abs(aspect.deviation - (1998.0 / 1080.0) / (16.0 / 9.0) + 1) < 0.000_001)
    }

    @Test func fourByFiveIsTooFarFromAnyRatioSoAutoIsSent() {
        let aspect = AspectChoice(displayWidth: 1080, displayHeight: 1350, requested: .auto)
        #expect(aspect.chosen == .auto)
        #expect(aspect.nearest == .square)
        #expect(abs(aspect.deviation - 0.25) < 0.000_001)
    }

    @Test func nonSquarePixelsCount() throws {
        let aspect = try #require(try choice("nonsquare_narrow.mp4"))
        #expect(aspect.chosen == .auto)
        #expect(aspect.nearest == .square)
        #expect(abs(aspect.deviation - 768.0 / 720.0 + 1) < 0.000_001)
    }

    @Test func explicitRatioIsKeptButAMisfitIsWarned() throws {
        let clip = try Probe.file(atPath: Fixtures.path("portrait.mp4"))
        let verdict = Validator().validate(ValidationRequest(video: clip, aspect: .landscape))
        #expect(verdict.aspect?.chosen == .landscape)
        #expect(verdict.findings.map(\.problem)
                == [.requestedAspectMisfits(requested: .landscape, displayed: PixelSize(width: 720, height: 1280))])
        #expect(verdict.isValid)
    }

    @Test func stillImageGetsNoAspectChoice() throws {
        #expect(try choice("image_as_video.mp4") == nil)
    }
}
