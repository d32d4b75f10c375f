import Support

/// Which of the runs one command makes at once an event belongs to: a batch's line, or one of the
/// continuations `resume` goes on with. Text puts it before each step ("[line 3] "); JSON lines
/// carry it as a key, so that a script following a batch knows which line was polled or saved.
enum EventSource: Sendable {
    case batchLine(Int)
    case continuation(String)

    var prefix: String {
        switch self {
        case .batchLine(let number): "[line \(number)] "
        case .continuation(let id): "[\(id.prefix(8))] "
        }
    }

    var field: (key: String, value: JSONValue) {
        switch self {
        case .batchLine(let number): ("line", .number(Double(number)))
        case .continuation(let id): ("continuation_id", .string(id))
        }
    }
}
