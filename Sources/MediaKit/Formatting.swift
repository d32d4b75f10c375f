import Foundation

/// Numbers and names as people read them, shared by MediaKit's messages and the CLI's output.
public enum Formatting {
    /// Seconds with no more decimals than they need: "12 s", "2.5 s", "10.05 s".
    public static func seconds(_ value: Double) -> String { compact(value) + " s" }

    /// Frame rates: whole numbers bare, others to three decimals (23.976).
    public static func rate(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.3f", value)
    }

    /// "3–10.05 s".
    public static func range(_ range: ClosedRange<Double>, unit: String) -> String {
        "\(compact(range.lowerBound))–\(compact(range.upperBound)) \(unit)"
    }

    /// Decimal megabytes, as the model's limits are stated: "200.0 MB".
    public static func megabytes(_ bytes: Int64) -> String {
        String(format: "%.1f MB", Double(bytes) / 1_000_000)
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
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", scaled, units[unit])
    }

    public static func bitRate(_ bitsPerSecond: Int64) -> String {
        let kilobits = Double(bitsPerSecond) / 1000
        return kilobits >= 1000 ? String(format: "%.2f Mb/s", kilobits / 1000) : String(format: "%.0f kb/s", kilobits)
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
        let safe = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "/._-+,:@%="))
        if !path.isEmpty, path.unicodeScalars.allSatisfy(safe.contains) { return path }
        return "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Where a conformed copy of `path` goes by default: beside it, `NAME.conformed.mp4`.
    public static func conformedName(_ path: String) -> String {
        let url = URL(fileURLWithPath: path)
        let stem = url.deletingPathExtension().lastPathComponent
        let name = stem + ".conformed.mp4"
        return path.contains("/") ? url.deletingLastPathComponent().appendingPathComponent(name).relativePath : name
    }

    /// Up to three decimals, trailing zeros dropped.
    private static func compact(_ value: Double) -> String {
        var text = String(format: "%.3f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }
}
