import Foundation

/// Debian's chromium, headless, as the oracle for pages we write: what the browser itself made of
/// a page (its DOM after loading: each image's natural size, each video's metadata), never the HTML text.
public enum HeadlessBrowser {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The browser's program, or a failure that says how to get it.
    public static func program() throws -> String {
        for candidate in ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw Failure(description: "no chromium on this machine: `scripts/setup` installs Debian's (for the tests only)")
    }

    /// Loads `page` in a 412-pixel-wide frame (a phone's width), waits until every image has
    /// loaded or failed and every video has its metadata (or an error), and returns what the
    /// browser reports: {cards, images: [{src, width}], videos: [{src, ready, duration, error}], overflow}.
    public static func inspect(_ page: String) async throws -> [String: Any] {
        let folder = URL(fileURLWithPath: page).deletingLastPathComponent()
        let harness = folder.appendingPathComponent("browser-harness-\(UUID().uuidString).html")
        let name = URL(fileURLWithPath: page).lastPathComponent
        try """
            <!DOCTYPE html><html><body><iframe id="f" src="\(name)" style="width:412px;height:3000px;border:0"></iframe>
            <pre id="result">pending</pre>
            <script>
            const frame = document.getElementById('f');
            function check(tries) {
              const d = frame.contentDocument;
              const images = [...d.images].map(i => ({src: i.getAttribute('src'), complete: i.complete, width: i.naturalWidth}));
              const videos = [...d.querySelectorAll('video')].map(v => ({src: v.getAttribute('src'), ready: v.readyState,
                                                                        duration: v.duration, error: v.error ? v.error.code : null}));
              const settled = images.every(i => i.complete) && videos.every(v => v.ready >= 1 || v.error !== null);
              if (settled || tries > 150) {
                document.getElementById('result').textContent = JSON.stringify({
                  cards: d.querySelectorAll('section.card').length, images, videos,
                  overflow: d.documentElement.scrollWidth > frame.clientWidth, scripts: d.scripts.length});
              } else { setTimeout(() => check(tries + 1), 100); }
            }
            frame.addEventListener('load', () => check(0));
            </script></body></html>
            """.write(to: harness, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: harness) }
        let result = try await ProcessRunner.run(try program(), arguments + ["--virtual-time-budget=30000", "--dump-dom", harness.absoluteString])
        guard let start = result.standardOutput.range(of: "<pre id=\"result\">"),
              let end = result.standardOutput.range(of: "</pre>", range: start.upperBound..<result.standardOutput.endIndex) else {
            throw Failure(description: "chromium printed no result (exit \(result.status)): \(result.standardError.suffix(500))")
        }
        let text = String(result.standardOutput[start.upperBound..<end.lowerBound]).replacingOccurrences(of: "&quot;", with: "\"")
            .replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
        guard let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw Failure(description: "chromium's result is not a JSON object: \(text.prefix(300))")
        }
        return object
    }

    /// A screenshot of `page` at a phone's size, written to `png`.
    public static func screenshot(_ page: String, to png: String) async throws {
        let result = try await ProcessRunner.run(try program(), arguments + ["--window-size=412,1600", "--screenshot=\(png)",
                                                                              URL(fileURLWithPath: page).absoluteString])
        guard FileManager.default.fileExists(atPath: png) else {
            throw Failure(description: "chromium wrote no screenshot (exit \(result.status)): \(result.standardError.suffix(500))")
        }
    }

    /// Headless, as root (no sandbox), no GPU; a page may read the files beside it.
    private static let arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files",
                                    "--no-first-run", "--disable-dev-shm-usage"]
}
