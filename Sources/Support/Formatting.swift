/// Numbers and names as people read them, shared by MediaKit's messages and the CLI's output.
///
/// Written without `String(format:)`, which lives in full Foundation: MediaKit and the CLI use
/// FoundationEssentials only, so the binary does not load Foundation's ICU at every start.
public enum Formatting {
    /// Seconds with no more decimals than they need: "12 s", "2.5 s", "10.05 s".
    public static func seconds(_ value: Double) -> String { compact(value) + " s" }

    /// A number with no more decimals than it needs (up to three): "5", "2.5".
    public static func number(_ value: Double) -> String { compact(value) }

    /// "a", "a and b", "a, b and c".
    public static func list(_ items: [String]) -> String {
        guard items.count > 1 else { return items.first ?? "" }
        return items.dropLast().joined(separator: ", ") + " and " + items[items.count - 1]
    }

    /// A wait as a clock shows it: "0:07", "4:02", "61:30".
    public static func clock(_ seconds: Int) -> String {
        let seconds = max(0, seconds)
        return "\(seconds / 60):\(seconds % 60 < 10 ? "0" : "")\(seconds % 60)"
    }

    /// The time since `start`, as a clock.
    public static func clock(since start: ContinuousClock.Instant) -> String {
        clock(Int(start.duration(to: .now).components.seconds))
    }

    /// Frame rates: whole numbers bare, others to three decimals (23.976).
    public static func rate(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : fixed(value, places: 3)
    }

    /// "3–10.05 s".
    public static func range(_ range: ClosedRange<Double>, unit: String) -> String {
        "\(compact(range.lowerBound))–\(compact(range.upperBound)) \(unit)"
    }

    /// Decimal megabytes, as the model's limits are stated: "200.0 MB".
    public static func megabytes(_ bytes: Int64) -> String {
        fixed(Double(bytes) / 1_000_000, places: 1) + " MB"
    }

    /// Decimal units, as file managers and FFmpeg show sizes.
    public static func bytes(_ value: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var scaled = Double(value)
        var unit = 0
        while scaled >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        return unit == 0 ? "\(value) B" : fixed(scaled, places: 1) + " " + units[unit]
    }

    public static func bitRate(_ bitsPerSecond: Int64) -> String {
        let kilobits = Double(bitsPerSecond) / 1000
        return kilobits >= 1000 ? fixed(kilobits / 1000, places: 2) + " Mb/s" : fixed(kilobits, places: 0) + " kb/s"
    }

    /// A width/height proportion as "2.5:1" or, under one, "1:2.5".
    public static func ratio(_ value: Double) -> String {
        value >= 1 ? "\(compact(value)):1" : "1:\(compact(1 / value))"
    }

    /// "1 image", "3 images".
    public static func count(_ number: Int, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }

    /// How people call the image formats FFmpeg names by codec.
    public static func codecName(_ codec: String) -> String {
        ["png": "PNG", "mjpeg": "JPEG", "webp": "WebP", "gif": "GIF", "bmp": "BMP", "tiff": "TIFF"][codec]
            ?? codec.uppercased()
    }

    /// A path as it can be pasted into a shell.
    public static func quoted(_ path: String) -> String {
        let punctuation: Set<Character> = ["/", ".", "_", "-", "+", ",", ":", "@", "%", "="]
        if !path.isEmpty, path.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || punctuation.contains($0) }) {
            return path
        }
        return "'" + path.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }

    /// Where a conformed copy of `path` goes by default: beside it, `NAME.conformed.mp4`.
    public static func conformedName(_ path: String) -> String {
        renamed(path, ending: ".conformed.mp4")
    }

    /// `path` with its extension replaced by `ending` (`photo.webp` → `photo.png`), in the same folder.
    public static func renamed(_ path: String, ending: String) -> String {
        let url = URL(fileURLWithPath: path)
        let name = url.deletingPathExtension().lastPathComponent + ending
        return path.contains("/") ? url.deletingLastPathComponent().appendingPathComponent(name).relativePath : name
    }

    /// `value` rounded to `places` decimals, always showing them ("2.50" for 2.5 at 2 places).
    public static func fixed(_ value: Double, places: Int) -> String {
        guard value.isFinite else { return String(value) }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = (abs(value) * scale).rounded()
        let whole = Int64(scaled / scale)
        let fraction = Int64(scaled - Double(whole) * scale)
        let sign = value < 0 && scaled != 0 ? "-" : ""
        guard places > 0 else { return sign + String(whole) }
        let digits = String(fraction)
        return sign + String(whole) + "." + String(repeating: "0", count: max(0, places - digits.count)) + digits
    }

    /// Up to three decimals, trailing zeros dropped.
    private static func compact(_ value: Double) -> String {
        var text = fixed(value, places: 3)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
