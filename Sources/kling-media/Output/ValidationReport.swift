import KlingRules

/// `validate --json`: the verdict plus the request parameters it was judged for.
struct ValidationReport: Encodable {
    let video: String
    let verdict: Verdict
    let duration: Int
    let keepAudio: Bool

    enum CodingKeys: String, CodingKey {
        case video, valid, findings, aspectRatio = "aspect_ratio", duration, keepAudio = "keep_audio"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(video, forKey: .video)
        try container.encode(verdict.isValid, forKey: .valid)
        try container.encode(verdict.findings, forKey: .findings)
        try container.encodeIfPresent(verdict.aspect, forKey: .aspectRatio)
        try container.encode(duration, forKey: .duration)
        try container.encode(keepAudio, forKey: .keepAudio)
    }
}
