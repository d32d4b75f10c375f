/// A result's JSON document with one key more beside its own, when there is something under it:
/// `probe --scenes` adds "scenes" to a file's probe, `stitch` adds "seams" to its report.
struct ExtendedDocument<Base: Encodable, Extra: Encodable>: Encodable {
    let base: Base
    let key: String
    let extra: Extra?

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        try base.encode(to: encoder)
        guard let extra else { return }
        var container = encoder.container(keyedBy: Key.self)
        try container.encode(extra, forKey: Key(stringValue: key))
    }
}
