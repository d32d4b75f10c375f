import Support
/// Frame rates as an editor picks them: exact fractions, so 29.97 fps is 30000/1001 and a clip
/// made at it keeps its frames' times exactly.
extension Rational {
    /// The exact rate a decimal names: whole numbers as they are, the NTSC family (23.976, 29.97,
    /// 59.94) as n×1000/1001, anything else to the nearest thousandth.
    public static func frameRate(_ value: Double) -> Rational? {
        guard value.isFinite, value > 0, value <= 1000 else { return nil }
        if value == value.rounded() { return Rational(Int(value), 1) }
        let ntsc = (value * 1001 / 1000).rounded()
        if abs(ntsc * 1000 / 1001 - value) < 0.005 { return Rational(Int(ntsc) * 1000, 1001) }
        return Rational(Int((value * 1000).rounded()), 1000)
    }

    /// Parses "24", "29.97" or "30000/1001".
    public static func frameRate(parsing text: String) -> Rational? {
        let parts = text.split(separator: "/")
        if parts.count == 2, let numerator = Int(parts[0]), let denominator = Int(parts[1]), numerator > 0, denominator > 0 {
            return Rational(numerator, denominator)
        }
        return Double(text).flatMap { frameRate($0) }
    }

    /// "24", "23.976", "30000/1001" → shortest readable form for messages.
    public var frameRateText: String { Formatting.rate(value ?? 0) }
}

extension StreamInfo {
    /// The clip's rate when its frames come at a constant pace: the nominal rate ffprobe calls
    /// `r_frame_rate`, which is exact (30000/1001), else the average. Nil for a variable rate.
    public var constantFrameRate: Rational? {
        guard isVariableFrameRate != true else { return nil }
        if nominalFrameRate.value != nil, let average = averageFrameRate.value, let nominal = nominalFrameRate.value,
           abs(average - nominal) / nominal < 0.01 {
            return nominalFrameRate
        }
        return averageFrameRate.value == nil ? nil : averageFrameRate
    }

    /// The size the clip is shown at, as a `PixelSize`.
    var displayedSize: PixelSize? {
        guard let width = displayWidth, let height = displayHeight, width > 0, height > 0 else { return nil }
        return PixelSize(width: width, height: height)
    }

    var storedSize: PixelSize? {
        guard let width, let height, width > 0, height > 0 else { return nil }
        return PixelSize(width: width, height: height)
    }
}
