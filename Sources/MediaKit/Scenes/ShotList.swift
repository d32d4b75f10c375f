/// A cut: where one shot ends and the next begins.
public struct DetectedCut: Sendable, Equatable, Codable {
    /// The first frame of the new shot, counted from 0 in display order (ffprobe's `n`).
    public let frame: Int
    /// That frame's time from the clip's start, seconds.
    public let seconds: Double
    /// How much the picture changed there: PySceneDetect's content value (0 to 255; it calls 27 a cut).
    public let score: Double

    enum CodingKeys: String, CodingKey { case frame, seconds = "time", score }
}

/// A shot: the frames between two cuts (or the clip's ends).
public struct DetectedShot: Sendable, Equatable, Codable {
    public let firstFrame: Int
    public let lastFrame: Int
    public let startSeconds: Double
    /// Where the shot's last frame stops showing (the next shot's start, or the clip's end).
    public let endSeconds: Double
    public var seconds: Double { endSeconds - startSeconds }

    enum CodingKeys: String, CodingKey {
        case firstFrame = "first_frame", lastFrame = "last_frame", startSeconds = "start", endSeconds = "end"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(firstFrame, forKey: .firstFrame)
        try container.encode(lastFrame, forKey: .lastFrame)
        try container.encode(startSeconds, forKey: .startSeconds)
        try container.encode(endSeconds, forKey: .endSeconds)
    }
}

/// A clip's hard cuts and the shots between them.
public struct ShotList: Sendable, Equatable, Encodable {
    public let path: String
    /// The first frame looked at (0 unless only the clip's end was), and how many were.
    public let firstFrame: Int
    public let frameCount: Int
    /// Where the last frame stops showing, seconds.
    public let duration: Double
    /// The first frame's time: 0 for the whole clip, later when only its end was looked at or
    /// its first frames cannot be shown (a stream cut before a keyframe).
    public let scannedFrom: Double
    public let cuts: [DetectedCut]

    public init(path: String, firstFrame: Int = 0, frameCount: Int, duration: Double, scannedFrom: Double = 0, cuts: [DetectedCut]) {
        self.path = path
        self.firstFrame = firstFrame
        self.frameCount = frameCount
        self.duration = duration
        self.scannedFrom = scannedFrom
        self.cuts = cuts
    }

    public var shots: [DetectedShot] {
        var shots: [DetectedShot] = []
        var start = (frame: firstFrame, seconds: scannedFrom)
        for cut in cuts {
            shots.append(DetectedShot(firstFrame: start.frame, lastFrame: cut.frame - 1, startSeconds: start.seconds, endSeconds: cut.seconds))
            start = (cut.frame, cut.seconds)
        }
        shots.append(DetectedShot(firstFrame: start.frame, lastFrame: max(start.frame, firstFrame + frameCount - 1),
                                  startSeconds: start.seconds, endSeconds: max(start.seconds, duration)))
        return shots
    }

    enum CodingKeys: String, CodingKey { case path, frameCount = "frames", duration, scannedFrom = "scanned_from", cuts, shots }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(frameCount, forKey: .frameCount)
        try container.encode(duration, forKey: .duration)
        if scannedFrom > 0 { try container.encode(scannedFrom, forKey: .scannedFrom) }
        try container.encode(cuts, forKey: .cuts)
        try container.encode(shots, forKey: .shots)
    }

    /// The cuts inside the part of the clip from `seconds` on (the part that is sent, say): a cut
    /// where that part begins (half a frame either way) is its start, not inside it.
    public func cuts(after seconds: Double) -> [DetectedCut] {
        let halfFrame = frameCount > 1 ? (duration - scannedFrom) / Double(frameCount) / 2 : 0.02
        return cuts.filter { $0.seconds > seconds + halfFrame }
    }
}
