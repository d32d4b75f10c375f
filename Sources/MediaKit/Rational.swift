/// An exact fraction as FFmpeg stores rates and time bases (`AVRational`).
///
/// Encoded in JSON the way ffprobe prints one, `"30000/1001"`; an unknown rate is `"0/0"`.
public struct Rational: Hashable, Sendable, CustomStringConvertible {
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

    public var description: String { "\(numerator)/\(denominator)" }
}

extension Rational: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let num = Int(parts[0]), let den = Int(parts[1]) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath,
                                                    debugDescription: "expected \"N/D\", got \"\(text)\""))
        }
        self.init(num, den)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
