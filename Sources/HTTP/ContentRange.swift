/// A `Content-Range` header (RFC 9110 §14.4): `bytes FIRST-LAST/TOTAL` on a 206, `bytes */TOTAL` on
/// a 416; the total may be `*` (unknown).
struct ContentRange: Equatable {
    var first: Int64?
    var last: Int64?
    var total: Int64?

    init?(_ header: String?) {
        guard let header, header.lowercased().hasPrefix("bytes ") else { return nil }
        let spec = header.dropFirst(6).trimmingPrefix(" ")
        guard let slash = spec.firstIndex(of: "/") else { return nil }
        total = Int64(spec[spec.index(after: slash)...])
        let range = spec[..<slash]
        if range != "*" {
            let bounds = range.split(separator: "-", omittingEmptySubsequences: false)
            guard bounds.count == 2, let first = Int64(bounds[0]), let last = Int64(bounds[1]), first <= last else { return nil }
            self.first = first
            self.last = last
        }
    }
}
