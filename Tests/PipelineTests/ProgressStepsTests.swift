import Testing
@testable import Pipeline

/// An edit's progress (once a frame) is passed on once per whole percent: the first, each new
/// percent, and the end.
@Suite struct ProgressStepsTests {
    @Test func aMinuteOfFramesIsPassedOnOncePerPercent() {
        let steps = ProgressSteps()
        let total = 60.0
        let passed = (1...1440).map { Double($0) / 24 }.filter { steps.isNewStep(done: $0, total: total) }
        #expect(passed.count == 101, "\(passed.count) of 1,440 frames passed on (0 % to 100 %)")
        #expect(passed.first == 1.0 / 24 && passed.last == total)
        // Each passed on reaches a percent the one before did not.
        let percents = passed.map { Int($0 / total * 100) }
        #expect(zip(percents, percents.dropFirst()).allSatisfy { $1 > $0 }, "\(percents)")
    }

    @Test func progressWithoutATotalIsPassedOnOnce() {
        let steps = ProgressSteps()
        #expect(steps.isNewStep(done: 1, total: 0))
        #expect(!steps.isNewStep(done: 2, total: 0))
    }
}
