import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// Where a continuation's files go. The stitched result defaults to `NAME+next.mp4` beside the
/// clip; each generated shot is kept beside the result as `RESULT.shotN.mp4` (it was paid for),
/// and a clip cut or conformed before sending as `RESULT.sent.mp4`. A name already taken on disk
/// gets `-2`, `-3`…: an earlier take is never overwritten.
public enum FilePlan {
    /// `DIR/NAME+next.mp4` for the clip `DIR/NAME.ext`.
    public static func defaultOutput(for source: String) -> String {
        let url = URL(fileURLWithPath: source)
        return url.deletingLastPathComponent().appendingPathComponent(stem(of: source) + "+next.mp4").path
    }

    /// The shots' paths. Named after the result; with no stitched result, after `named` (the one
    /// shot, or numbered for several) or else the clip (`NAME.next.mp4`).
    public static func shotPaths(source: String, output: String?, named: String?, shots: Int) -> [String] {
        let (folder, base, numberedAlways): (URL, String, Bool)
        if let output {
            let url = URL(fileURLWithPath: output)
            (folder, base, numberedAlways) = (url.deletingLastPathComponent(), stem(of: output) + ".shot", true)
        } else if let named {
            let url = URL(fileURLWithPath: named)
            if shots == 1 { return [unique(url.path)] }
            (folder, base, numberedAlways) = (url.deletingLastPathComponent(), stem(of: named) + "-", true)
        } else {
            let url = URL(fileURLWithPath: source)
            (folder, base, numberedAlways) = (url.deletingLastPathComponent(), stem(of: source) + ".next", false)
        }
        var taken: Set<String> = []
        return (1...max(1, shots)).map { shot in
            let name = base + (numberedAlways || shots > 1 ? String(shot) : "") + ".mp4"
            let path = unique(folder.appendingPathComponent(name).path, besides: taken)
            taken.insert(path)
            return path
        }
    }

    /// Where the clip sent for shot 1 goes when it must be cut or conformed first.
    public static func sentPath(source: String, output: String?) -> String {
        let anchor = URL(fileURLWithPath: output ?? source)
        return unique(anchor.deletingLastPathComponent().appendingPathComponent(stem(of: output ?? source) + ".sent.mp4").path)
    }

    /// `path`, or `NAME-2.mp4`, `NAME-3.mp4`… when it is taken (on disk or in `taken`).
    public static func unique(_ path: String, besides taken: Set<String> = []) -> String {
        func free(_ candidate: String) -> Bool { access(candidate, F_OK) != 0 && !taken.contains(candidate) }
        if free(path) { return path }
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent(), name = stem(of: path), ext = url.pathExtension.isEmpty ? "mp4" : url.pathExtension
        var number = 2
        while !free(folder.appendingPathComponent("\(name)-\(number).\(ext)").path) { number += 1 }
        return folder.appendingPathComponent("\(name)-\(number).\(ext)").path
    }

    static func stem(of path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}
