/// Two integers written as one string with a separator, as ffprobe prints rates (`"30000/1001"`) and
/// aspect ratios (`"16:9"`). Conforming types get their text form and their Codable from here.
protocol IntegerPairText: Codable, CustomStringConvertible {
    static var separator: Character { get }
    init(_ first: Int, _ second: Int)
    var first: Int { get }
    var second: Int { get }
}

extension IntegerPairText {
    public var description: String { "\(first)\(Self.separator)\(second)" }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let parts = text.split(separator: Self.separator, omittingEmptySubsequences: false)
        guard parts.count == 2, let first = Int(parts[0]), let second = Int(parts[1]) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: decoder.codingPath,
                debugDescription: "expected two integers joined by \"\(Self.separator)\", got \"\(text)\""))
        }
        self.init(first, second)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
