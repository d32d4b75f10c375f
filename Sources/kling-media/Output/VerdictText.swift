import KlingRules
import MediaKit
import Support

/// The human form of a verdict: a summary line, each finding with its fix, the aspect choice.
enum VerdictText {
    static func render(_ verdict: Verdict, video: MediaInfo) -> String {
        var lines: [String] = []
        let path = video.format.filename
        let counts = [(verdict.errors.count, "error"), (verdict.warnings.count, "warning")]
            .filter { $0.0 > 0 }.map { Formatting.count($0.0, $0.1) }.joined(separator: ", ")
        if verdict.isValid {
            lines.append("\(path): valid for Kling O1 (\(summary(of: video)))" + (counts.isEmpty ? "" : "; \(counts)"))
        } else {
            lines.append("\(path): INVALID for Kling O1: \(counts)")
        }
        for finding in verdict.findings {
            let label = finding.severity == .error ? "error  " : "warning"
            let subject = [finding.reference, finding.subject == "prompt" ? nil : finding.subject]
                .compactMap { $0 }.joined(separator: " ")
            lines.append("  \(label) \(subject.isEmpty ? "" : subject + ": ")\(finding.message)")
            lines.append("          fix: \(finding.fix)")
        }
        if let aspect = verdict.aspect {
            lines.append("  aspect_ratio: \(aspect.chosen.rawValue) (\(aspect.reason))")
        }
        return lines.joined(separator: "\n")
    }

    private static func summary(of video: MediaInfo) -> String {
        var parts: [String] = []
        if let duration = video.format.duration { parts.append(Formatting.seconds(duration)) }
        if let stream = video.primaryVideo {
            if let width = stream.displayWidth, let height = stream.displayHeight { parts.append("\(width)×\(height)") }
            if let fps = stream.frameRate { parts.append("\(Formatting.rate(fps)) fps") }
        }
        parts.append(video.primaryAudio == nil ? "no audio" : "audio")
        return parts.joined(separator: ", ")
    }
}
