import MediaKit

/// A whole clip's cuts found with its progress on the status line, Ctrl-C stopping it: for
/// `scenes` and `probe --scenes` alike. Its failures are `ShotDetectionError`s (`.cancelled` for Ctrl-C).
enum ShotScan {
    static func run(_ path: String, settings: ShotDetection.Settings = ShotDetection.Settings(), label: String,
                    showProgress: Bool) async throws -> ShotList {
        let line = StatusLine(wanted: showProgress)
        defer { line.finish() }
        let meter = EditMeter(label, line: line)
        return try await Interruption.cancellingOnInterrupt {
            try await ShotDetection.detect(in: path, settings: settings) { meter.update(done: $0, total: $1) }
        }
    }
}
