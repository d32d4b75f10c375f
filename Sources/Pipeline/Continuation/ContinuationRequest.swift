import KlingRules
import Support

/// What a continuation asks for: the inputs (absolute paths, or URLs for references) and options.
public struct ContinuationRequest: Codable, Sendable, Equatable {
    /// The clip continued, whole; stitched in front of the new shots.
    public var source: String
    public var references: [String]
    /// Each element: its frontal image, then its reference images.
    public var elements: [[String]]
    public var prompt: String
    public var duration: Int
    /// As asked; `auto` is resolved from each shot's input clip.
    public var aspect: AspectRatioOption
    public var keepAudio: Bool
    /// Shots to generate, each from the end of the one before.
    public var shots: Int
    /// The part of the source's end to send (nil: all of it when the model takes it, else as much as it does).
    public var tail: TailChoice?
    /// Conform the source when it breaks a rule other than its length.
    public var conform: Bool
    public var crossfade: Double
    /// Stitch the shots after the clip (else keep only the shots).
    public var stitch: Bool
    /// The stitched result as asked (with `stitch`), or the shot's name (without); nil for the default.
    public var output: String?

    public init(source: String, references: [String] = [], elements: [[String]] = [], prompt: String, duration: Int = 5,
                aspect: AspectRatioOption = .auto, keepAudio: Bool = false, shots: Int = 1, tail: TailChoice? = nil,
                conform: Bool = false, crossfade: Double = 0, stitch: Bool = true, output: String? = nil) {
        self.source = source
        self.references = references
        self.elements = elements
        self.prompt = prompt
        self.duration = duration
        self.aspect = aspect
        self.keepAudio = keepAudio
        self.shots = shots
        self.tail = tail
        self.conform = conform
        self.crossfade = crossfade
        self.stitch = stitch
        self.output = output
    }

    enum CodingKeys: String, CodingKey {
        case source, references, elements, prompt, duration, aspect, shots, tail, conform, crossfade, stitch, output
        case keepAudio = "keep_audio"
    }

    /// The identity of this request: its options and the content of its local files. Running the
    /// same command again (or a batch again) finds the continuation it started, instead of paying
    /// for a second one; changing the clip, a reference or an option makes a new one.
    public func key(contentHashes: [String]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let options = (try? encoder.encode(self)).map { Array($0) } ?? []
        return ContentHash.sha256(of: options + Array(contentHashes.joined(separator: ",").utf8))
    }
}

extension ContinuationRequest {
    /// The most shots one continuation chains.
    public static let shotLimit = 1...20
    /// The longest cross-fade, seconds.
    public static let crossfadeLimit = 0.0...5.0

    /// What is wrong with the options, whatever the files hold: the one check `continue` and a
    /// batch line both make, so they refuse alike.
    /// (What the inputs hold, an element's images among it, is for the model's rules: `validate`.)
    public func problems(limits: KlingO1Limits = .current) -> [RequestProblem] {
        Self.problems(duration: duration, shots: shots, tail: tail, crossfade: crossfade, stitch: stitch, limits: limits)
    }

    /// The same, for options not yet in a request (the command line, before the files are read).
    public static func problems(duration: Int, shots: Int, tail: TailChoice?, crossfade: Double, stitch: Bool,
                                limits: KlingO1Limits = .current) -> [RequestProblem] {
        var problems: [RequestProblem] = []
        if !limits.outputDurations.contains(duration) { problems.append(.duration(allowed: limits.outputDurations)) }
        if !shotLimit.contains(shots) { problems.append(.shots(allowed: shotLimit)) }
        if let tail, !tail.isUsable { problems.append(.tail) }
        if !crossfadeLimit.contains(crossfade) { problems.append(.crossfade(allowed: crossfadeLimit)) }
        if !stitch && crossfade > 0 { problems.append(.crossfadeWithoutStitching) }
        return problems
    }
}

/// An option of a continuation that cannot be used. Its words name the option as the caller's
/// user writes it (`--shots` on the command line, `"shots"` in a batch file).
public enum RequestProblem: Sendable, Equatable {
    case duration(allowed: [Int])
    case shots(allowed: ClosedRange<Int>)
    case tail
    case crossfade(allowed: ClosedRange<Double>)
    case crossfadeWithoutStitching

    /// The option's own name, as `continue` spells it (a batch file drops the dashes).
    public var option: String {
        switch self {
        case .duration: "duration"
        case .shots: "shots"
        case .tail: "tail"
        case .crossfade, .crossfadeWithoutStitching: "crossfade"
        }
    }

    /// The sentence, each option named by `name` (`--shots` for `continue`, `"shots"` in a batch file).
    public func message(naming name: (String) -> String) -> String {
        let subject = name(option)
        switch self {
        case .duration(let allowed): return "\(subject) must be \(allowed.map(String.init).joined(separator: " or "))"
        case .shots(let allowed): return "\(subject) must be \(allowed.lowerBound) to \(allowed.upperBound)"
        case .tail: return "\(subject) must be more than 0 seconds, or shot (the clip's last shot)"
        case .crossfade(let allowed):
            return "\(subject) must be \(Formatting.number(allowed.lowerBound)) to \(Formatting.number(allowed.upperBound)) seconds"
        case .crossfadeWithoutStitching: return "\(subject) is for stitching; it does nothing with \(name("no-stitch"))"
        }
    }
}
