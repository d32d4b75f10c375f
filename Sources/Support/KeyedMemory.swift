/// A small JSON file of facts learned about the world, by key (what an API host accepts, what
/// shape its results have), kept in the state folder. Best effort both ways: a memory that cannot
/// be read or written only means learning it again.
public struct KeyedMemory<Value: Codable & Equatable & Sendable>: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public func value(for key: String) -> Value? {
        all()[key]
    }

    public func remember(_ value: Value, for key: String) {
        var values = all()
        guard values[key] != value else { return }
        values[key] = value
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let bytes = try? encoder.encode(values) else { return }
        try? PrivateFolder.make(URL(fileURLWithPath: path).deletingLastPathComponent().path)
        try? AtomicFile.write(Array(bytes), to: path)
    }

    private func all() -> [String: Value] {
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return (try? JSONDecoder().decode([String: Value].self, from: data)) ?? [:]
    }
}
