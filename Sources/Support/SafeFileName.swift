/// A file name taken from a URL, safe to create in the current folder: the last path segment, its
/// query dropped, percent escapes decoded, and anything but letters, digits, `.`, `-` and `_`
/// replaced, so `../../etc/passwd` or `%2e%2e%2f` cannot climb out.
public enum SafeFileName {
    public static func from(url: String) -> String {
        var path = Substring(url)
        if let scheme = path.firstRange(of: "://") {
            let afterScheme = path[scheme.upperBound...]
            path = afterScheme.firstIndex(of: "/").map { afterScheme[$0...] } ?? ""
        }
        path = path.prefix { $0 != "?" && $0 != "#" }
        // Decode first, then split: an encoded slash (%2F) separates like a real one.
        let decoded = percentDecoded(String(path))
        let last = decoded.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var name = String(last.map { $0.isASCII && ($0.isLetter || $0.isNumber || "._-".contains($0)) ? $0 : "_" })
        while name.hasPrefix(".") { name.removeFirst() }
        if name.isEmpty || name.allSatisfy({ $0 == "_" || $0 == "." }) { return "download.mp4" }
        return name.contains(".") ? name : name + ".mp4"
    }

    /// `%2e` → `.`; malformed escapes stay as they are.
    public static func percentDecoded(_ text: String) -> String {
        var bytes: [UInt8] = []
        var input = Array(text.utf8)[...]
        while let byte = input.popFirst() {
            if byte == UInt8(ascii: "%"), input.count >= 2,
               let value = UInt8(String(decoding: input.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                input = input.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
