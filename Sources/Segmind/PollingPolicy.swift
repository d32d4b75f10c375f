/// How often to ask a running job's status: soon at first (short jobs), then less and less often
/// (Kling takes minutes, and every poll draws on the key's request budget).
public struct PollingPolicy: Sendable {
    public var firstInterval: Double
    public var growth: Double
    public var longestInterval: Double
    /// Whether the first poll waits for the time jobs like it took before (`firstPollAfter`, as the
    /// pipeline learns it from the journal); off, it comes after `firstInterval`.
    public var waitsForTypicalTime: Bool

    public init(firstInterval: Double = 2, growth: Double = 1.5, longestInterval: Double = 15, waitsForTypicalTime: Bool = true) {
        self.firstInterval = firstInterval
        self.growth = growth
        self.longestInterval = longestInterval
        self.waitsForTypicalTime = waitsForTypicalTime
    }

    /// The intervals for a server whose time runs at `scale` (a simulator at a time scale).
    public func scaled(by scale: Double) -> PollingPolicy {
        var scaled = self
        scaled.firstInterval *= scale
        scaled.longestInterval *= scale
        return scaled
    }
}

