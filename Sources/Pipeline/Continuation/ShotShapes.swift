import KlingRules
import MediaKit
import Support

/// What shots an API host really returns, by aspect ratio and duration, learned from the shots
/// saved on this machine: a stitch made ahead predicts from it (and from the documented shape
/// until a shot has been seen). `$XDG_STATE_HOME/kling-media/shot-shapes.json`.
public struct ShotShapes: Sendable {
    private let memory: KeyedMemory<ShotPrediction>

    public init(path: String) {
        memory = KeyedMemory(path: path)
    }

    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        AppFolders.state(environment: environment) + "/shot-shapes.json"
    }

    /// The shot a request on `host` will get: as seen before, else as documented.
    public func prediction(host: String, aspect: AspectRatioOption, clip: MediaInfo?, duration: Int) -> ShotPrediction {
        let chosen = KlingO1Output.aspect(aspect, clip: clip)
        return memory.value(for: Self.key(host: host, aspect: chosen, duration: duration))
            ?? KlingO1Output.predictedShot(aspect: chosen, clip: clip, duration: duration)
    }

    /// Learns a saved shot's shape (a constant-rate picture only: a stitch can be made ahead of nothing else).
    public func remember(_ shot: MediaInfo, host: String, aspect: AspectRatioOption, clip: MediaInfo?, duration: Int) {
        guard let shape = ShotPrediction(shapeOf: shot) else { return }
        memory.remember(shape, for: Self.key(host: host, aspect: KlingO1Output.aspect(aspect, clip: clip), duration: duration))
    }

    private static func key(host: String, aspect: AspectRatioOption, duration: Int) -> String {
        "\(host) \(aspect.rawValue) \(duration)s"
    }
}

extension ShotPrediction {
    /// The shape of a shot that exists: what the next one like it will be. Nil for a picture
    /// without a constant rate (nothing can be stitched ahead of it).
    init?(shapeOf shot: MediaInfo) {
        guard let video = shot.primaryVideo, let width = video.width, let height = video.height, let rate = video.constantFrameRate,
              let seconds = video.duration ?? shot.format.duration, let perSecond = rate.value else { return nil }
        self.init(width: width, height: height, frameRate: rate, frameCount: Int((seconds * perSecond).rounded()))
    }
}
