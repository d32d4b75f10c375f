/// An exact fraction as FFmpeg stores rates and time bases (`AVRational`).
///
/// Encoded in JSON the way ffprobe prints one, `"30000/1001"`; an unknown rate is `"0/0"`.
public struct Rational: Hashable, Sendable, IntegerPairText {
    public let numerator: Int
    public let denominator: Int

    public init(_ numerator: Int, _ denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The value as a floating-point number, or nil when the fraction is unknown (x/0 or 0/x).
    public var value: Double? {
        guard numerator != 0, denominator != 0 else { return nil }
        return Double(numerator) / Double(denominator)
    }

    static let separator: Character = "/"
    var first: Int { numerator }
    var second: Int { denominator }
}
