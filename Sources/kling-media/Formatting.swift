import Foundation

/// Numbers as people read them in the CLI's human output.
enum Formatting {
    static func seconds(_ value: Double) -> String { String(format: "%.3f s", value) }

    /// Frame rates: whole numbers bare, others to three decimals (23.976).
    static func rate(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.3f", value)
    }

    /// Decimal units, as file managers and FFmpeg show sizes.
    static func bytes(_ value: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var scaled = Double(value)
        var unit = 0
        while scaled >= 1000, unit < units.count - 1 {
            scaled /= 1000
            unit += 1
        }
        return unit == 0 ? "\(value) B" : String(format: "%.1f %@", scaled, units[unit])
    }

    static func bitRate(_ bitsPerSecond: Int64) -> String {
        let kilobits = Double(bitsPerSecond) / 1000
        return kilobits >= 1000 ? String(format: "%.2f Mb/s", kilobits / 1000) : String(format: "%.0f kb/s", kilobits)
    }
}
