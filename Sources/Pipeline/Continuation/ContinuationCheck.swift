import KlingRules
import MediaKit
import Support

/// Step 1 of a continuation, all local: probe the clip and the reference images, check the
/// request against the model's rules, and decide what the clip needs before it is sent.
///
/// A clip over the model's length is cut to its end (`tail`, by default as much as the model
/// takes; or its last shot), since a stitched chain is longer than the model accepts by nature;
/// the re-encode that cutting needs fixes its other problems too. Cuts in the part sent are a
/// warning (`SentPart`). Other problems of the clip are fixed only with
/// `conform`; problems of the references or the prompt always stop it.
struct ContinuationCheck {
    let clip: MediaInfo
    let verdict: Verdict
    /// How the clip must be re-encoded before it is sent; nil to send it as it is.
    let preparation: ConformOptions?

    init(_ request: ContinuationRequest, limits: KlingO1Limits = .current) async throws(PipelineError) {
        guard !URLText.isHTTP(request.source) else { throw .clipIsAURL(request.source) }
        if let remote = request.elements.joined().first(where: URLText.isHTTP) {
            throw .options("\(Redaction.url(remote)): an element's images must be files, so that they are checked before sending")
        }
        var validation: ValidationRequest
        do {
            validation = try ValidationRequest.probing(
                video: request.source, images: request.references, elements: request.elements, prompt: request.prompt,
                keepAudio: request.keepAudio, aspect: request.aspect, isRemote: URLText.isHTTP)
        } catch {
            throw .unreadable(error.errors)
        }
        let clip = validation.video
        let sent = try await SentPart.find(for: request, clip: clip, limits: limits)
        validation.cutsInSentPart = sent.cuts
        validation.sendsLastShotOnly = sent.lastShotTooShort
        let verdict = Validator(limits: limits).validate(validation)
        self.clip = clip
        self.verdict = verdict

        let clipErrors = verdict.errors.filter { $0.reference == "@Video1" }
        if verdict.errors.count > clipErrors.count { throw .invalid(verdict, clip: clip, hint: nil) }
        let tooLong = clipErrors.contains { if case .tooLong = $0.problem { true } else { false } }
        let fixes = ConformOptions.proposed(for: clipErrors.map(\.problem), limits: limits)
        var preparation: ConformOptions?
        if let tail = sent.tail {
            preparation = fixes
            preparation?.trim = .last(tail)
        } else if tooLong {
            preparation = fixes
        } else if !clipErrors.isEmpty {
            // Offer --conform only for what re-encoding can fix.
            guard clipErrors.allSatisfy({ ConformOptions.fixes($0.problem) }) else {
                throw .invalid(verdict, clip: clip, hint: request.conform ? "re-encoding cannot fix this" : nil)
            }
            guard request.conform else {
                throw .invalid(verdict, clip: clip, hint: "--conform fixes the clip before sending (`kling-media conform` shows how)")
            }
            preparation = fixes
        } else if verdict.wantsToneMapping {
            // Re-encoded for no rule: an HDR clip is sent tone-mapped (every re-encoding maps it), so the
            // model continues the colours the stitch will show, not a washed-out reading of them.
            preparation = fixes
        }
        preparation?.keepAudio = clip.primaryAudio != nil
        self.preparation = preparation?.keepingKlingRates(limits)
    }

    /// The aspect_ratio to request for this clip: as asked, or chosen from the picture for auto.
    var aspectRatio: AspectRatioOption { verdict.aspect?.chosen ?? .auto }
}
