/// The one way the CLI writes JSON, so every command's `--json` looks alike.
enum JSONOutput {
    static func encoder(pretty: Bool = true) -> JSONEncoder {
        let encoder = JSONEncoder()
        // Sorted keys: the same input always prints the same bytes, so outputs diff cleanly.
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = pretty ? [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes] : [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    static func string<T: Encodable>(_ value: T, pretty: Bool = true) -> String {
        do {
            return String(decoding: try encoder(pretty: pretty).encode(value), as: UTF8.self)
        } catch {
            // Our output types hold only strings, numbers and booleans: encoding cannot fail.
            preconditionFailure("JSON encoding of \(T.self) failed: \(error)")
        }
    }

    /// A command's JSON document on standard output.
    static func print<T: Encodable>(_ value: T) {
        FailureDocument.notePrintedDocument()
        Terminal.print(string(value))
    }
}

/// A file that could not be read, in the place its result would have had in JSON output.
struct FileErrorJSON: Encodable {
    let filename: String
    let error: String
}
