import MediaKit
import Pipeline
import Support

/// The review page: one static HTML file, one card per continuation (its state, request ids,
/// prompt, seam sheet, the clip's last frame beside the shot's first, the joints' scores, and the
/// result as a `<video>`), every file named by a path relative to the page. No script, nothing
/// fetched from the internet; one column that fits a phone.
enum ReviewPage {
    static func html(_ cards: [ReviewCard], title: String, folder: String) -> String {
        let done = cards.filter { $0.state == "done" }.count
        var body = "<h1>\(escape(title))</h1>\n<p class=\"summary\">\(done) of \(cards.count) done</p>\n"
        for card in cards { body += self.card(card, folder: folder) }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title))</title>
            <style>
            body { font: 16px/1.4 system-ui, sans-serif; margin: 0 auto; padding: 12px; max-width: 980px; background: #111; color: #eee; }
            h1 { font-size: 1.3em; word-break: break-all; }
            .card { background: #1d1d1d; border-radius: 8px; padding: 12px; margin: 0 0 16px; }
            .card h2 { font-size: 1.05em; margin: 0 0 6px; word-break: break-all; }
            .state { display: inline-block; padding: 1px 8px; border-radius: 10px; background: #555; font-size: .85em; }
            .state.done { background: #2a6b2a; } .state.stopped, .state.not-started { background: #8a2b2b; }
            .prompt { white-space: pre-wrap; color: #ccc; }
            .ids, .error { font-family: ui-monospace, monospace; font-size: .85em; word-break: break-all; }
            .error { color: #f99; }
            img, video { max-width: 100%; height: auto; display: block; border-radius: 4px; }
            .pair { display: flex; flex-wrap: wrap; gap: 8px; }
            .pair figure { flex: 1 1 240px; margin: 0; }
            figcaption { font-size: .8em; color: #aaa; }
            table { border-collapse: collapse; font-size: .9em; margin: 6px 0; }
            td, th { padding: 2px 10px 2px 0; text-align: left; }
            </style>
            </head>
            <body>
            \(body)</body>
            </html>

            """
    }

    private static func card(_ card: ReviewCard, folder: String) -> String {
        var html = "<section class=\"card\">\n"
        let heading = (card.line.map { "line \($0): " } ?? "") + card.clip
        html += "<h2>\(escape(heading)) <span class=\"state \(card.state.replacing(" ", with: "-"))\">\(escape(card.state))</span></h2>\n"
        if !card.requestIDs.isEmpty { html += "<p class=\"ids\">request \(card.requestIDs.map(escape).joined(separator: ", "))</p>\n" }
        html += "<p class=\"prompt\">\(escape(card.prompt))</p>\n"
        if let error = card.error { html += "<p class=\"error\">\(escape(error))</p>\n" }
        if let video = card.video {
            html += "<video controls preload=\"metadata\" src=\"\(link(video, from: folder))\"></video>\n"
        }
        if card.clipLastFrame != nil || card.shotFirstFrame != nil {
            html += "<div class=\"pair\">\n"
            if let still = card.clipLastFrame { html += figure(still, caption: "the clip's last frame", folder: folder) }
            if let still = card.shotFirstFrame { html += figure(still, caption: "the shot's first frame", folder: folder) }
            html += "</div>\n"
        }
        if let seams = card.seams {
            if let sheet = seams.sheet { html += figure(sheet, caption: "seam sheet: 3 frames either side of each joint", folder: folder) }
            html += "<table><tr><th>joint</th><th>at</th><th>SSIM</th><th>colour shift ΔE</th></tr>\n"
            for (number, joint) in seams.joints.enumerated() {
                html += "<tr><td>\(number + 1)</td><td>\(Formatting.seconds(joint.time))</td>"
                    + "<td>\(Formatting.fixed(joint.ssim, places: 3))</td><td>\(Formatting.fixed(joint.deltaE, places: 1))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html + "</section>\n"
    }

    private static func figure(_ path: String, caption: String, folder: String) -> String {
        "<figure><img src=\"\(link(path, from: folder))\" alt=\"\(escape(caption))\" loading=\"lazy\"><figcaption>\(escape(caption))</figcaption></figure>\n"
    }

    /// `path` relative to `folder`, percent-encoded for a URL.
    static func link(_ path: String, from folder: String) -> String {
        let target = URL(fileURLWithPath: path).standardizedFileURL.pathComponents
        let base = URL(fileURLWithPath: folder).standardizedFileURL.pathComponents
        var common = 0
        while common < min(target.count, base.count), target[common] == base[common] { common += 1 }
        let relative = Array(repeating: "..", count: base.count - common) + target[common...]
        return relative.map(encode).joined(separator: "/")
    }

    private static func encode(_ component: String) -> String {
        var encoded = ""
        for byte in component.utf8 {
            let unreserved = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E
            encoded += unreserved ? String(UnicodeScalar(byte)) : "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
        }
        return encoded
    }

    static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
