/// How often to ask a running job's status: soon at first (short jobs), then less and less often
/// (Kling takes minutes, and every poll draws on the key's request budget).
public struct PollingPolicy: Sendable {
    public var firstInterval: Double
    public var growth: Double
    public var longestInterval: Double

    public init(firstInterval: Double = 2, growth: Double = 1.5, longestInterval: Double = 15) {
        self.firstInterval = firstInterval
        self.growth = growth
        self.longestInterval = longestInterval
    }
}

