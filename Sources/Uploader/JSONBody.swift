import FoundationEssentials

/// Any JSON value, for answers whose shape varies (error bodies, a model's `output`).
public enum JSONBody: Codable, Sendable, Equatable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case object([String: JSONBody])
    case array([JSONBody])
    case null

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null }
        else if let value = try? container.decode(Bool.self) { self = .bool(value) }
        else if let value = try? container.decode(Double.self) { self = .number(value) }
        else if let value = try? container.decode(String.self) { self = .string(value) }
        else if let value = try? container.decode([JSONBody].self) { self = .array(value) }
        else { self = .object(try container.decode([String: JSONBody].self)) }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .null: try container.encodeNil()
        }
    }

    /// Compact JSON, keys sorted (so equal values encode equally).
    public func encoded() -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)).map(Array.init) ?? Array("null".utf8)
    }

    public static func decode(_ bytes: [UInt8]) throws -> JSONBody {
        try JSONDecoder().decode(JSONBody.self, from: Data(bytes))
    }

    /// The body as an object's fields, for `object["error"] as? String` style reading.
    static func decodeObject(_ bytes: [UInt8]) throws -> [String: Any] {
        guard case .object(let fields) = try decode(bytes) else { return [:] }
        return fields.compactMapValues(\.plainValue)
    }

    public subscript(key: String) -> JSONBody? {
        if case .object(let fields) = self { return fields[key] }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var plainValue: Any? {
        switch self {
        case .string(let value): return value
        case .number(let value): return value
        case .bool(let value): return value
        default: return nil
        }
    }

    /// Every http(s) URL in the value, depth first, in order: however a model shapes its output
    /// (a URL, a list of URLs, an object with a `url` field), its URLs are found.
    public var urls: [String] {
        switch self {
        case .string(let value):
            return value.hasPrefix("https://") || value.hasPrefix("http://") ? [value] : []
        case .array(let values):
            return values.flatMap(\.urls)
        case .object(let fields):
            // Likely names first, then the rest in a stable order.
            let preferred = ["url", "video", "video_url", "output", "file", "uri"]
            let keys = preferred.filter { fields[$0] != nil } + fields.keys.sorted().filter { !preferred.contains($0) }
            return keys.flatMap { fields[$0]?.urls ?? [] }
        default:
            return []
        }
    }
}
