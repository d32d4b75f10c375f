/// A width-to-height proportion, as ffprobe prints sample and display aspect ratios: `"16:9"`.
public struct AspectRatio: Hashable, Sendable, IntegerPairText {
    public let width: Int
    public let height: Int

    public init(_ width: Int, _ height: Int) {
        self.width = width
        self.height = height
    }

    /// The proportion reduced to lowest terms (1920:1080 becomes 16:9).
    public static func reduced(_ width: Int, _ height: Int) -> AspectRatio {
        let divisor = greatestCommonDivisor(width, height)
        guard divisor > 0 else { return AspectRatio(width, height) }
        return AspectRatio(width / divisor, height / divisor)
    }

    /// Width divided by height, or nil when either is zero.
    public var value: Double? {
        guard width > 0, height > 0 else { return nil }
        return Double(width) / Double(height)
    }

    static let separator: Character = ":"
    var first: Int { width }
    var second: Int { height }

    private static func greatestCommonDivisor(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (abs(a), abs(b))
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }
}
