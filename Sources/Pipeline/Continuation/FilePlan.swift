import Support
import Synchronization

/// Where a continuation's files go, chosen once when it is made and kept in its record. The
/// stitched result defaults to `NAME+next.mp4` beside the clip; each generated shot is kept beside
/// the result as `RESULT.shotN.mp4` (it was paid for), and a clip cut or conformed before sending
/// as `RESULT.sent.mp4`. A default name already taken (on disk, or by another continuation of this
/// process, as in a batch) gets `-2`, `-3`…: an earlier take is never overwritten.
public enum FilePlan {
    /// Names handed out by this process, not all on disk yet.
    private static let reserved = Mutex<Set<String>>([])

    /// The stitched result for `request`: as asked, or the first free default name; nil without stitching.
    public static func output(for request: ContinuationRequest, reserving: Bool = true) -> String? {
        guard request.stitch else { return nil }
        if let asked = request.output { return asked }
        return unique(defaultOutput(for: request.source), reserving: reserving)
    }

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
            if shots == 1 { return [unique(url.path, reserving: true)] }
            (folder, base, numberedAlways) = (url.deletingLastPathComponent(), stem(of: named) + "-", true)
        } else {
            let url = URL(fileURLWithPath: source)
            (folder, base, numberedAlways) = (url.deletingLastPathComponent(), stem(of: source) + ".next", false)
        }
        var taken: Set<String> = []
        return (1...max(1, shots)).map { shot in
            let name = base + (numberedAlways || shots > 1 ? String(shot) : "") + ".mp4"
            let path = unique(folder.appendingPathComponent(name).path, besides: taken, reserving: true)
            taken.insert(path)
            return path
        }
    }

    /// Where the clip sent for shot 1 goes when it must be cut or conformed first.
    public static func sentPath(source: String, output: String?, reserving: Bool = true) -> String {
        let anchor = URL(fileURLWithPath: output ?? source)
        return unique(anchor.deletingLastPathComponent().appendingPathComponent(stem(of: output ?? source) + ".sent.mp4").path,
                      reserving: reserving)
    }

    /// Where the stitch made ahead of the last shot goes: hidden beside the result (same file
    /// system, so nothing is copied across), removed once the result is made.
    public static func aheadPath(output: String) -> String {
        let url = URL(fileURLWithPath: output)
        return url.deletingLastPathComponent().appendingPathComponent("." + stem(of: output) + ".ahead.mp4").path
    }

    /// `path`, or `NAME-2.mp4`, `NAME-3.mp4`… when it is taken (on disk, in `taken`, or handed out
    /// before by this process); with `reserving`, the name is handed out.
    public static func unique(_ path: String, besides taken: Set<String> = [], reserving: Bool = false) -> String {
        reserved.withLock { reserved in
            func free(_ candidate: String) -> Bool {
                !SystemCalls.exists(candidate) && !taken.contains(candidate) && !reserved.contains(candidate)
            }
            var chosen = path
            if !free(path) {
                let url = URL(fileURLWithPath: path)
                let folder = url.deletingLastPathComponent(), name = stem(of: path), ext = url.pathExtension.isEmpty ? "mp4" : url.pathExtension
                var number = 2
                while !free(folder.appendingPathComponent("\(name)-\(number).\(ext)").path) { number += 1 }
                chosen = folder.appendingPathComponent("\(name)-\(number).\(ext)").path
            }
            if reserving { reserved.insert(chosen) }
            return chosen
        }
    }

    static func stem(of path: String) -> String {
        URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
    }
}
