import MediaKit
/// Everything one Kling O1 job would send, as local facts: the clip, references and prompt.
public struct ValidationRequest: Sendable {
    public var video: MediaInfo
    public var images: [MediaInfo]
    public var elements: [ElementImages]
    public var prompt: String?
    public var keepAudio: Bool
    public var aspect: AspectRatioOption
    /// Positions (from 0) in the reference list of images given as URLs: counted, and named by the
    /// prompt, but not probed. `images` holds the others, in order.
    public var imagesGivenAsURLs: Set<Int> = []
    /// The hard cuts (seconds into the clip) in the part of it that is sent, found by the caller
    /// (`ShotDetection`); and whether only the last shot was asked for.
    public var cutsInSentPart: [Double] = []
    public var sendsLastShotOnly = false

    public init(video: MediaInfo, images: [MediaInfo] = [], elements: [ElementImages] = [],
                prompt: String? = nil, keepAudio: Bool = false, aspect: AspectRatioOption = .auto) {
        self.video = video
        self.images = images
        self.elements = elements
        self.prompt = prompt
        self.keepAudio = keepAudio
        self.aspect = aspect
    }
}

extension ValidationRequest {
    /// Probes the clip, the reference images and each element's images (frontal first). Images
    /// for which `isRemote` holds (URLs) are counted for the prompt but not probed. Every file that
    /// cannot be read is named, not only the first.
    public static func probing(video: String, images: [String], elements: [[String]], prompt: String? = nil,
                               keepAudio: Bool = false, aspect: AspectRatioOption = .auto,
                               isRemote: (String) -> Bool = { _ in false }) throws(UnreadableInputs) -> ValidationRequest {
        var failures: [ProbeError] = []
        func probe(_ path: String) -> MediaInfo? {
            do { return try Probe.file(atPath: path) } catch { failures.append(error); return nil }
        }
        let clip = probe(video)
        let probedImages = images.filter { !isRemote($0) }.map(probe)
        let probedElements = elements.map { $0.map(probe) }
        guard failures.isEmpty, let clip else { throw UnreadableInputs(errors: failures) }
        var request = ValidationRequest(
            video: clip, images: probedImages.compactMap { $0 },
            elements: probedElements.compactMap { probed in
                probed.first.flatMap { $0 }.map { ElementImages(frontal: $0, references: probed.dropFirst().compactMap { $0 }) }
            },
            prompt: prompt, keepAudio: keepAudio, aspect: aspect)
        request.imagesGivenAsURLs = Set(images.indices.filter { isRemote(images[$0]) })
        return request
    }
}

/// The inputs of a request that could not be read, each with its reason.
public struct UnreadableInputs: Error, Equatable {
    public let errors: [ProbeError]
}

/// An element (@Element1…): a frontal image of a subject plus reference images of it.
public struct ElementImages: Sendable {
    public var frontal: MediaInfo
    public var references: [MediaInfo]

    public init(frontal: MediaInfo, references: [MediaInfo]) {
        self.frontal = frontal
        self.references = references
    }
}

/// One problem found, and where.
public struct Finding: Encodable, Sendable, Equatable {
    /// The file the problem is in, or "prompt" / "request".
    public let subject: String
    /// How the prompt refers to the input: "@Video1", "@Image2", "@Element1"; nil for the request.
    public let reference: String?
    public let problem: ValidationProblem

    public init(subject: String, reference: String?, problem: ValidationProblem) {
        self.subject = subject
        self.reference = reference
        self.problem = problem
    }

    public var severity: ValidationProblem.Severity { problem.severity }
    public var message: String { problem.message }
    public var fix: String { problem.fix(for: subject) }

    enum CodingKeys: String, CodingKey { case severity, code, subject, reference, message, fix }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(severity, forKey: .severity)
        try container.encode(problem.code, forKey: .code)
        try container.encode(subject, forKey: .subject)
        try container.encodeIfPresent(reference, forKey: .reference)
        try container.encode(message, forKey: .message)
        try container.encode(fix, forKey: .fix)
    }
}

/// The outcome of validation: every finding, and the aspect ratio to request.
public struct Verdict: Encodable, Sendable, Equatable {
    public let findings: [Finding]
    /// Nil when the clip has no picture to judge.
    public let aspect: AspectChoice?

    /// Valid when nothing is an error; warnings are allowed.
    public var isValid: Bool { !findings.contains { $0.severity == .error } }
    public var errors: [Finding] { findings.filter { $0.severity == .error } }
    public var warnings: [Finding] { findings.filter { $0.severity == .warning } }
    /// Whether the clip, valid or not, is better sent re-encoded: an HDR clip this FFmpeg can
    /// tone-map (every re-encoding maps it). `continue` prepares it; `conform` has work to do.
    public var wantsToneMapping: Bool {
        warnings.contains { if case .highDynamicRange(_, toneMapped: true) = $0.problem { true } else { false } }
    }

    enum CodingKeys: String, CodingKey { case valid, findings, aspectRatio = "aspect_ratio" }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(isValid, forKey: .valid)
        try container.encode(findings, forKey: .findings)
        try container.encodeIfPresent(aspect, forKey: .aspectRatio)
    }
}

/// Checks a request against Kling O1's rules before anything is uploaded or paid for.
public struct Validator: Sendable {
    public let limits: KlingO1Limits

    public init(limits: KlingO1Limits = .current) {
        self.limits = limits
    }

    public func validate(_ request: ValidationRequest) -> Verdict {
        var findings = videoFindings(request.video, keepAudio: request.keepAudio)
        let imageCount = request.images.count + request.imagesGivenAsURLs.count
        var probed = request.images.makeIterator()
        for position in 0..<imageCount where !request.imagesGivenAsURLs.contains(position) {
            guard let image = probed.next() else { break }
            findings += imageFindings(image, reference: "@Image\(position + 1)")
        }
        for (position, element) in request.elements.enumerated() {
            findings += elementFindings(element, number: position + 1)
        }
        findings += referenceCountFindings(images: imageCount, elements: request.elements.count)
        if let prompt = request.prompt {
            findings += promptFindings(prompt, imageCount: imageCount, elementCount: request.elements.count)
        }
        let aspect = aspectChoice(for: request.video, requested: request.aspect)
        if let aspect, aspect.requestedRatioMisfits {
            findings.append(Finding(subject: request.video.format.filename, reference: "@Video1",
                                    problem: .requestedAspectMisfits(
                                        requested: aspect.requested,
                                        displayed: PixelSize(width: aspect.displayWidth, height: aspect.displayHeight))))
        }
        if !request.cutsInSentPart.isEmpty {
            findings.append(Finding(subject: request.video.format.filename, reference: "@Video1",
                                    problem: .cutsInSentPart(at: request.cutsInSentPart, lastShotOnly: request.sendsLastShotOnly)))
        }
        return Verdict(findings: findings, aspect: aspect)
    }

    /// The rules that need no media, only the request's parameters: the prompt and how many
    /// references it carries. What a server that sees only URLs can check.
    public func requestFindings(prompt: String, imageCount: Int, elementCount: Int) -> [Finding] {
        referenceCountFindings(images: imageCount, elements: elementCount)
            + promptFindings(prompt, imageCount: imageCount, elementCount: elementCount)
    }

    /// The ratio to request, judged on the clip as displayed; nil without a moving picture.
    public func aspectChoice(for video: MediaInfo, requested: AspectRatioOption) -> AspectChoice? {
        guard !video.format.isImage, let stream = video.primaryVideo, let width = stream.displayWidth, let height = stream.displayHeight,
              width > 0, height > 0 else { return nil }
        return AspectChoice(displayWidth: width, displayHeight: height, requested: requested,
                            rotation: stream.rotation, sampleAspect: stream.sampleAspectRatio)
    }
}
