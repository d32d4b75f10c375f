import Support

/// The URLs in a finished job's answer that may be its video, best first.
///
/// Segmind documents that `output` is always there but that its shape varies by model, and the
/// integrations in the wild read `output`, `output.video_url`, `output.url`, and top-level `video`,
/// `video_url` or `outputs`. So every http(s) URL under those is a candidate: in a string, a list,
/// an object (a thumbnail may come first), or a string holding any of those as JSON. They are
/// ranked by the name they came under (`video`, `url`… before `thumbnail`, `image`, `poster`…), then
/// by extension (.mp4, .mov, .webm first; pictures last), then by order. A URL on the API's own host
/// is never one (a status or response URL, not a result).
public enum ResultCandidates {
    public static func urls(in answer: JSONValue, apiHost: String) -> [String] {
        var found: [(url: String, nameRank: Int, extensionRank: Int, order: Int)] = []
        func visit(_ value: JSONValue, name: String, depth: Int) {
            guard depth < 8 else { return }
            switch value {
            case .string(let text):
                let trimmed = text.trimmingWhitespace
                if URLText.isHTTP(trimmed) {
                    guard URLParts(trimmed)?.host != apiHost.lowercased(), !found.contains(where: { $0.url == trimmed }) else { return }
                    found.append((trimmed, rank(name: name), rank(extensionOf: trimmed), found.count))
                } else if let first = trimmed.first, "[{\"".contains(first), let inner = try? JSONValue.decode(Array(trimmed.utf8)) {
                    visit(inner, name: name, depth: depth + 1)
                }
            case .array(let values):
                for value in values { visit(value, name: name, depth: depth + 1) }
            case .object(let fields):
                for key in fields.keys.sorted() { visit(fields[key]!, name: key, depth: depth + 1) }
            default:
                break
            }
        }
        for root in ["output", "video", "video_url", "outputs"] {
            if let value = answer[root] { visit(value, name: root, depth: 0) }
        }
        return found.sorted { ($0.nameRank, $0.extensionRank, $0.order) < ($1.nameRank, $1.extensionRank, $1.order) }.map(\.url)
    }

    /// 0 for names that say video (or say nothing more than "the result"), 2 for names of pictures, 1 otherwise.
    static func rank(name: String) -> Int {
        let name = name.lowercased()
        if ["thumb", "image", "poster", "preview", "cover", "still", "frame", "gif"].contains(where: name.contains) { return 2 }
        if name.contains("video") || ["url", "output", "outputs", "result", "file", "uri", "mp4"].contains(name) { return 0 }
        return 1
    }

    /// 0 for video files, 2 for pictures, 1 for anything else (no extension, say).
    static func rank(extensionOf url: String) -> Int {
        let path = url.split(separator: "?", maxSplits: 1).first.map(String.init) ?? url
        let last = path.split(separator: "/").last.map { $0.lowercased() } ?? ""
        guard let dot = last.lastIndex(of: ".") else { return 1 }
        switch last[last.index(after: dot)...] {
        case "mp4", "mov", "webm", "m4v", "mkv": return 0
        case "png", "jpg", "jpeg", "webp", "gif", "bmp", "avif", "heic": return 2
        default: return 1
        }
    }
}
