import KlingRules
import Support

/// One line of a batch: a continuation to make.
public struct BatchLine: Sendable, Equatable {
    /// The line's number in the file, from 1.
    public let number: Int
    public let request: ContinuationRequest

    public init(number: Int, request: ContinuationRequest) {
        self.number = number
        self.request = request
    }
}

/// A batch file: JSON Lines, one continuation per line, with the same options as `continue`:
///
///     {"clip": "shot1.mp4", "refs": ["hero.png"], "prompt": "Based on @Video1, …", "duration": 5}
///
/// Keys: `clip` and `prompt` (or `prompt_file`) are required; `refs`, `elements` (lists of
/// [frontal, ref…]), `duration`, `aspect`, `keep_audio`, `output`, `no_stitch`, `shots`, `tail`,
/// `conform`, `crossfade` are optional. Relative paths are taken from the batch file's folder.
/// Blank lines and lines starting with `#` are skipped, and a UTF-8 byte-order mark at the start
/// (Windows editors write one). Every line is read before anything runs,
/// and all the faults found are reported together.
public enum BatchFile {
    public static func read(_ path: String, limits: KlingO1Limits = .current) throws(BatchFileError) -> [BatchLine] {
        let text: String
        do { text = try TextFile.read(path, droppingByteOrderMark: true) } catch { throw .unreadable(error) }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        var lines: [BatchLine] = []
        var faults: [String] = []
        // A line ends at LF or CR LF (a file saved on Windows): Swift takes CR LF as one character,
        // which splitting at "\n" alone never meets, and the whole file was one line.
        for (index, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            let content = String(String(raw.drop(while: \.isWhitespace).reversed()).drop(while: \.isWhitespace).reversed())
            if content.isEmpty || content.hasPrefix("#") { continue }
            do throws(Fault) {
                lines.append(try parse(content, number: index + 1, folder: folder, limits: limits))
            } catch {
                faults.append("line \(index + 1): \(error.reason)")
            }
        }
        var writers: [String: Int] = [:]
        for line in lines {
            // Default names are made unique as each continuation starts; names given must differ.
            if let path = line.request.output {
                if let other = writers[path] { faults.append("lines \(other) and \(line.number) both write \(path); give each its own output") }
                writers[path] = line.number
            }
        }
        guard faults.isEmpty else { throw .faults(path, faults) }
        guard !lines.isEmpty else { throw .faults(path, ["no continuations in it"]) }
        return lines
    }

    private struct Fault: Error { let reason: String }

    private static let keys: Set<String> = ["clip", "refs", "elements", "prompt", "prompt_file", "duration", "aspect", "keep_audio",
                                            "output", "no_stitch", "shots", "tail", "conform", "crossfade"]

    private static func parse(_ text: String, number: Int, folder: URL, limits: KlingO1Limits) throws(Fault) -> BatchLine {
        guard let object = try? JSONValue.decode(Array(text.utf8)), case .object(let fields) = object else {
            throw Fault(reason: "not a JSON object")
        }
        if let unknown = fields.keys.sorted().first(where: { !keys.contains($0) }) {
            throw Fault(reason: "unknown key \"\(unknown)\" (known: \(keys.sorted().joined(separator: ", ")))")
        }
        func resolve(_ path: String) -> String {
            URLText.isHTTP(path) || path.hasPrefix("/") ? path : folder.appendingPathComponent(path).path
        }
        func string(_ key: String) throws(Fault) -> String? {
            guard let value = fields[key] else { return nil }
            guard let text = value.string else { throw Fault(reason: "\"\(key)\" must be a string") }
            return text
        }
        func numeric(_ key: String) throws(Fault) -> Double? {
            guard let value = fields[key] else { return nil }
            if case .number(let number) = value { return number }
            if let text = value.string, let number = Double(text) { return number }
            throw Fault(reason: "\"\(key)\" must be a number")
        }
        func tail() throws(Fault) -> TailChoice? {
            guard let value = fields["tail"] else { return nil }
            if case .number(let number) = value { return .seconds(number) }
            guard let text = value.string, let choice = TailChoice(text) else {
                throw Fault(reason: "\"tail\" must be a number of seconds or \"shot\"")
            }
            return choice
        }
        func flag(_ key: String) throws(Fault) -> Bool {
            guard let value = fields[key] else { return false }
            guard case .bool(let flag) = value else { throw Fault(reason: "\"\(key)\" must be true or false") }
            return flag
        }
        func strings(_ value: JSONValue, key: String) throws(Fault) -> [String] {
            guard case .array(let items) = value else { throw Fault(reason: "\"\(key)\" must be a list of paths") }
            var texts: [String] = []
            for item in items {
                guard let text = item.string else { throw Fault(reason: "\"\(key)\" must be a list of paths") }
                texts.append(text)
            }
            return texts
        }

        guard let clip = try string("clip") else { throw Fault(reason: "\"clip\" is missing") }
        var prompt = try string("prompt")
        if let file = try string("prompt_file") {
            guard prompt == nil else { throw Fault(reason: "give \"prompt\" or \"prompt_file\", not both") }
            do {
                prompt = try TextFile.read(resolve(file), droppingByteOrderMark: false)
            } catch {
                throw Fault(reason: "the prompt file \(error)")
            }
        }
        guard let prompt else { throw Fault(reason: "\"prompt\" (or \"prompt_file\") is missing") }
        let references = try fields["refs"].map { value throws(Fault) in try strings(value, key: "refs") } ?? []
        var elements: [[String]] = []
        if let value = fields["elements"] {
            guard case .array(let items) = value else { throw Fault(reason: "\"elements\" must be a list of [frontal, ref…] lists") }
            for item in items { elements.append(try strings(item, key: "elements").map(resolve)) }
        }
        let aspectText = try string("aspect") ?? AspectRatioOption.auto.rawValue
        guard let aspect = AspectRatioOption(rawValue: aspectText) else {
            throw Fault(reason: "\"aspect\" must be \(AspectRatioOption.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let request = ContinuationRequest(
            source: resolve(clip), references: references.map(resolve), elements: elements, prompt: prompt,
            duration: Int(try numeric("duration") ?? 5), aspect: aspect, keepAudio: try flag("keep_audio"),
            shots: Int(try numeric("shots") ?? 1), tail: try tail(), conform: try flag("conform"),
            crossfade: try numeric("crossfade") ?? 0, stitch: !(try flag("no_stitch")), output: try string("output").map(resolve))
        // The same checks as `continue`'s, named as the file names them.
        if let problem = request.problems(limits: limits).first {
            throw Fault(reason: problem.message { "\"\($0.replacing("-", with: "_"))\"" })
        }
        return BatchLine(number: number, request: request)
    }
}

public enum BatchFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(TextFileError)
    case faults(String, [String])

    public var description: String {
        switch self {
        case .unreadable(let error): return error.description
        case .faults(let path, let faults): return "\(path): " + faults.joined(separator: "\n\(path): ")
        }
    }
}
