import ArgumentParser
import HTTP

/// `--max-bytes`: the cap on one download, shared by the commands that download results.
struct DownloadOptions: ParsableArguments {
    @Option(name: .customLong("max-bytes"), help: ArgumentHelp(
        "The most one download may be; past it, it stops and keeps nothing. Bytes, or with K, M or G (KiB, MiB, GiB).",
        valueName: "size"))
    var maxBytesText: String = "4G"

    /// The cap, in bytes.
    var maxBytes: Int64 { Self.parse(maxBytesText) ?? Downloader.defaultMaxBytes }

    func validate() throws {
        guard Self.parse(maxBytesText) != nil else {
            throw ValidationError("--max-bytes must be a size above 0, as 1048576, 500M or 4G; got '\(maxBytesText)'")
        }
    }

    static func parse(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text.uppercased())
        if digits.hasSuffix("IB") { digits = digits.dropLast(2) } else if digits.hasSuffix("B") { digits = digits.dropLast() }
        var scale: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            scale = unit
            digits = digits.dropLast()
        }
        guard let value = Int64(digits), value > 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: scale)
        return overflow ? nil : product
    }
}
