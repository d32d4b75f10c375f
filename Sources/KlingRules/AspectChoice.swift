import Support
import MediaKit

/// The values Segmind's `aspect_ratio` parameter takes.
public enum AspectRatioOption: String, Codable, Sendable, CaseIterable {
    case auto
    case landscape = "16:9"
    case portrait = "9:16"
    case square = "1:1"

    /// Width over height; nil for `auto`.
    public var value: Double? {
        switch self {
        case .auto: return nil
        case .landscape: return 16.0 / 9.0
        case .portrait: return 9.0 / 16.0
        case .square: return 1.0
        }
    }

    static let fixed: [AspectRatioOption] = [.landscape, .portrait, .square]
}

/// Which `aspect_ratio` to request for a clip, and why, judged on the picture as displayed
/// (after sample aspect ratio and rotation), never on the stored size.
public struct AspectChoice: Codable, Sendable, Equatable {
    /// How far (relative) a displayed aspect may be from 16:9, 9:16 or 1:1 and still be sent as
    /// that ratio: 5 %, about the difference between 16:9 and cinema's 1.85:1. The model then
    /// crops or pads at most about 5 % of the picture. Further away, `auto` is sent and the model
    /// decides, since any fixed choice would cut or pad visibly.
    public static let tolerance = 0.05

    /// What the user asked for.
    public let requested: AspectRatioOption
    /// What to send.
    public let chosen: AspectRatioOption
    /// The fixed ratio nearest to the displayed picture.
    public let nearest: AspectRatioOption
    /// Relative distance from the displayed aspect to `nearest` (0.04 is 4 %).
    public let deviation: Double
    public let displayWidth: Int
    public let displayHeight: Int
    /// One sentence a user can read.
    public let reason: String

    enum CodingKeys: String, CodingKey {
        case requested, chosen, nearest, deviation, reason
        case displayWidth = "display_width"
        case displayHeight = "display_height"
    }

    /// Chooses for a picture displayed at `width`×`height`. `rotation` and `sampleAspect` only
    /// explain the reason; the display size already includes them.
    public init(displayWidth width: Int, displayHeight height: Int, requested: AspectRatioOption,
                rotation: Int? = nil, sampleAspect: AspectRatio? = nil) {
        let actual = Double(width) / Double(max(height, 1))
        let distances = AspectRatioOption.fixed.map { ($0, Self.relativeDistance(actual, $0.value ?? 1)) }
        let (nearest, deviation) = distances.min { $0.1 < $1.1 } ?? (.landscape, .infinity)
        self.requested = requested
        self.nearest = nearest
        self.deviation = deviation
        self.displayWidth = width
        self.displayHeight = height

        var picture = "displayed \(width)×\(height)"
        var adjustments: [String] = []
        if let rotation, rotation != 0 { adjustments.append("rotated \(rotation)°") }
        if let sampleAspect, sampleAspect.width != sampleAspect.height { adjustments.append("pixel aspect \(sampleAspect)") }
        if !adjustments.isEmpty { picture += " (" + adjustments.joined(separator: ", ") + ")" }
        let percent = Self.percent(deviation)

        switch requested {
        case .auto where deviation <= Self.tolerance:
            chosen = nearest
            reason = deviation < 0.000_5
                ? "\(picture) is exactly \(nearest.rawValue)"
                : "\(picture) is within \(percent) of \(nearest.rawValue)"
        case .auto:
            chosen = .auto
            reason = "\(picture) is \(percent) from \(nearest.rawValue), the nearest of 16:9, 9:16 and 1:1; "
                + "auto lets the model frame it"
        default:
            chosen = requested
            let distance = Self.relativeDistance(actual, requested.value ?? 1)
            reason = distance <= Self.tolerance
                ? "\(requested.rawValue) as asked; \(picture) matches it"
                : "\(requested.rawValue) as asked, though \(picture) is \(Self.percent(distance)) from it"
        }
    }

    /// Whether the user's explicit ratio will make the model crop or pad the clip noticeably.
    public var requestedRatioMisfits: Bool {
        guard let value = requested.value else { return false }
        return Self.relativeDistance(Double(displayWidth) / Double(max(displayHeight, 1)), value) > Self.tolerance
    }

    /// Symmetric relative distance between two ratios: 16:9 is as far from 4:3 as 4:3 from 16:9.
    static func relativeDistance(_ a: Double, _ b: Double) -> Double {
        expm1(abs(log(a / b)))
    }

    private static func percent(_ fraction: Double) -> String {
        Formatting.fixed(fraction * 100, places: 1) + " %"
    }
}
