/// Decides whether a video's frames come at a constant rate.
enum FrameTiming {
    /// From the timestamps of every frame (any order): variable when the gaps between consecutive
    /// frames differ by more than a rounding step. A 1000-tick time base at 29.97 fps gives gaps of
    /// 33 and 34 ticks; that is still constant. Nil with fewer than three frames.
    static func isVariable(timestamps: [Int64]) -> Bool? {
        guard timestamps.count >= 3 else { return nil }
        let sorted = timestamps.sorted()
        var shortest = Int64.max
        var longest = Int64.min
        var total: Int64 = 0
        for (earlier, later) in zip(sorted, sorted.dropFirst()) {
            let gap = later - earlier
            shortest = min(shortest, gap)
            longest = max(longest, gap)
            total += gap
        }
        let mean = Double(total) / Double(sorted.count - 1)
        let allowance = max(1.0, mean * 0.01)
        return Double(longest - shortest) > allowance
    }

    /// Without a full index: variable when the nominal rate (the finest one every timestamp fits)
    /// and the average rate differ by more than 1 %. Nil when either rate is unknown.
    static func isVariable(nominal: Rational, average: Rational) -> Bool? {
        guard let nominal = nominal.value, let average = average.value else { return nil }
        return abs(nominal - average) / nominal > 0.01
    }
}
