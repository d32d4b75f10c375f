import Testing
@testable import MediaKit

/// What a shot scan that skips frames relies on: a gap across which the picture changed by half
/// the threshold or more, or a likely cut whose window is not all there, is left undecided (to be
/// decoded again in full); a gap across which nothing changed is no cut and needs nothing more.
@Suite struct CutFinderGapTests {
    /// A flat picture of one colour (HSV differences between two such pictures are exact).
    private func flat(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> ComparisonPicture {
        let rgb = [UInt8]((0..<64).flatMap { _ in [red, green, blue] })
        return rgb.withUnsafeBufferPointer { ComparisonPicture(rgb: $0) }
    }

    private let settings = CutFinder.Settings(threshold: 27, window: 6, minimumShotFrames: 12)

    @Test func everyFrameGivenFindsTheCutAndLeavesNothingUndecided() {
        var finder = CutFinder(settings: settings)
        for frame in 0..<60 { finder.add(frame < 30 ? flat(200, 40, 40) : flat(40, 40, 200), frame: frame, seconds: Double(frame) / 24) }
        finder.finish()
        #expect(finder.cuts.map(\.frame) == [30])
        #expect(finder.undecided.isEmpty)
    }

    @Test func aChangeInsideAGapIsLeftUndecided() {
        var finder = CutFinder(settings: settings)
        // Frames 28 to 31 are not given; the picture changed between 27 and 32.
        for frame in 0..<60 where !(28...31).contains(frame) {
            finder.add(frame < 30 ? flat(200, 40, 40) : flat(40, 40, 200), frame: frame, seconds: Double(frame) / 24)
        }
        finder.finish()
        #expect(finder.cuts.isEmpty)
        #expect(finder.undecided == [28...32])
    }

    @Test func aGapAcrossWhichNothingChangedNeedsNothingMore() {
        var finder = CutFinder(settings: settings)
        for frame in 0..<60 where frame % 3 != 1 { finder.add(flat(90, 120, 60), frame: frame, seconds: Double(frame) / 24) }
        finder.finish()
        #expect(finder.cuts.isEmpty && finder.undecided.isEmpty)
    }

    @Test func aGapLongerThanTheWindowIsLeftUndecidedWhateverItShows() {
        var finder = CutFinder(settings: settings)
        for frame in [0, 1, 2, 3, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29] { finder.add(flat(90, 120, 60), frame: frame, seconds: Double(frame) / 24) }
        finder.finish()
        #expect(finder.undecided == [4...20])
    }

    @Test func aLikelyCutWithoutItsWholeWindowIsLeftUndecided() {
        var finder = CutFinder(settings: settings)
        // The change is between two frames given (29 and 30), but frames after it are missing.
        for frame in 0..<60 where !(33...34).contains(frame) {
            finder.add(frame < 30 ? flat(200, 40, 40) : flat(40, 40, 200), frame: frame, seconds: Double(frame) / 24)
        }
        finder.finish()
        #expect(finder.cuts.isEmpty)
        #expect(finder.undecided == [30...30])
    }

    @Test func onlyTheFramesItDecidesAreReported() {
        var finder = CutFinder(settings: settings, decides: { $0 != 30 })
        for frame in 0..<60 { finder.add(frame < 30 ? flat(200, 40, 40) : flat(40, 40, 200), frame: frame, seconds: Double(frame) / 24) }
        finder.finish()
        #expect(finder.cuts.isEmpty && finder.undecided.isEmpty)
    }
}
