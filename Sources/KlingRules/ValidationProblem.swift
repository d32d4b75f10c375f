import Support
import MediaKit

/// Something about the inputs that Kling O1 would reject (an error) or that is uncertain
/// (a warning). Each case carries the measured value and the limit, and knows its advice.
public enum ValidationProblem: Equatable, Sendable {
    // The clip
    case notAVideo(format: String)
    case noVideoStream
    case containerNotAccepted(format: String)
    case extensionNotAccepted(extension: String)
    case truncated
    case durationUnknown
    case tooShort(seconds: Double, allowed: ClosedRange<Double>)
    case tooLong(seconds: Double, allowed: ClosedRange<Double>)
    case fileTooLarge(bytes: Int64, limit: Int64)
    case sizeOutOfRange(width: Int, height: Int, allowed: ClosedRange<Int>)
    case storedAndDisplayedSizesDisagree(stored: PixelSize, displayed: PixelSize, allowed: ClosedRange<Int>)
    case frameRateTooLow(fps: Double, allowed: ClosedRange<Double>)
    case frameRateTooHigh(fps: Double, allowed: ClosedRange<Double>)
    case filmRateUnderMinimum(fps: Double, minimum: Double)
    case variableFrameRateUnderMinimum(averageFPS: Double, minimum: Double)
    case frameRateUnknown
    case noAudioToKeep
    case requestedAspectMisfits(requested: AspectRatioOption, displayed: PixelSize)
    /// Hard cuts (seconds into the clip) in the part of it that is sent: the model sees several
    /// shots. `lastShotOnly` when only the last shot was asked for, and it is shorter than the
    /// model's shortest clip, so the part sent reaches back past its cut.
    case cutsInSentPart(at: [Double], lastShotOnly: Bool)
    /// A high-dynamic-range clip ("HLG", "PQ": an iPhone records HLG by default). The model makes
    /// standard-range shots, and the stitch shows the clip beside them: it is tone-mapped.
    case highDynamicRange(transfer: String, toneMapped: Bool)
    // Reference images
    case imageIsNotAnImage(format: String)
    case imageFormatNotAccepted(codec: String)
    case imageExtensionMisleads(extension: String, codec: String)
    case imageFileTooLarge(bytes: Int64, limit: Int64)
    case imageTooSmall(width: Int, height: Int, minimum: Int)
    case imageAspectOutOfRange(width: Int, height: Int, allowed: ClosedRange<Double>)
    case tooManyReferences(images: Int, elements: Int, maximum: Int)
    case elementReferenceCount(element: Int, count: Int, allowed: ClosedRange<Int>)
    // The prompt
    case promptEmpty
    case promptTooLong(length: Int, maximum: Int)
    case promptReferenceMissing(token: String, available: Int)
    case promptDoesNotMentionVideo

    public enum Severity: String, Codable, Sendable {
        case error, warning
    }

    public var severity: Severity {
        switch self {
        case .storedAndDisplayedSizesDisagree, .filmRateUnderMinimum, .variableFrameRateUnderMinimum,
             .frameRateUnknown, .noAudioToKeep, .requestedAspectMisfits, .cutsInSentPart, .highDynamicRange, .imageExtensionMisleads,
             .promptDoesNotMentionVideo:
            return .warning
        default:
            return .error
        }
    }

    /// A stable name for scripts (`duration_too_long`), the JSON `code`.
    public var code: String {
        switch self {
        case .notAVideo: return "not_a_video"
        case .noVideoStream: return "no_video_stream"
        case .containerNotAccepted: return "container_not_accepted"
        case .extensionNotAccepted: return "extension_not_accepted"
        case .truncated: return "truncated"
        case .durationUnknown: return "duration_unknown"
        case .tooShort: return "duration_too_short"
        case .tooLong: return "duration_too_long"
        case .fileTooLarge: return "file_too_large"
        case .sizeOutOfRange: return "size_out_of_range"
        case .storedAndDisplayedSizesDisagree: return "stored_and_displayed_sizes_disagree"
        case .frameRateTooLow: return "frame_rate_too_low"
        case .frameRateTooHigh: return "frame_rate_too_high"
        case .filmRateUnderMinimum: return "film_rate_under_minimum"
        case .variableFrameRateUnderMinimum: return "variable_frame_rate_under_minimum"
        case .frameRateUnknown: return "frame_rate_unknown"
        case .noAudioToKeep: return "no_audio_to_keep"
        case .cutsInSentPart: return "cuts_in_sent_part"
        case .highDynamicRange: return "high_dynamic_range"
        case .requestedAspectMisfits: return "requested_aspect_misfits"
        case .imageIsNotAnImage: return "image_is_not_an_image"
        case .imageFormatNotAccepted: return "image_format_not_accepted"
        case .imageExtensionMisleads: return "image_extension_misleads"
        case .imageFileTooLarge: return "image_file_too_large"
        case .imageTooSmall: return "image_too_small"
        case .imageAspectOutOfRange: return "image_aspect_out_of_range"
        case .tooManyReferences: return "too_many_references"
        case .elementReferenceCount: return "element_reference_count"
        case .promptEmpty: return "prompt_empty"
        case .promptTooLong: return "prompt_too_long"
        case .promptReferenceMissing: return "prompt_reference_missing"
        case .promptDoesNotMentionVideo: return "prompt_does_not_mention_video"
        }
    }

    /// What is wrong, with the measured value and the limit.
    public var message: String {
        typealias F = Formatting
        switch self {
        case .notAVideo(let format):
            return "is a still image (\(format)), not a video clip"
        case .noVideoStream:
            return "has no video stream"
        case .containerNotAccepted(let format):
            return "is \(format); Kling O1 takes MP4 or MOV only"
        case .extensionNotAccepted(let ext):
            return "holds MP4/MOV data but is named .\(ext); Kling O1 takes .mp4 or .mov files only"
        case .truncated:
            return "is cut short: its index refers to data past the end of the file"
        case .durationUnknown:
            return "has no known duration; Kling O1 needs a clip of 3 to 10 s"
        case .tooShort(let seconds, let allowed), .tooLong(let seconds, let allowed):
            return "is \(F.seconds(seconds)) long; Kling O1 accepts \(F.range(allowed, unit: "s"))"
        case .fileTooLarge(let bytes, let limit), .imageFileTooLarge(let bytes, let limit):
            return "is \(F.megabytes(bytes)); Kling O1 accepts at most \(F.megabytes(limit))"
        case .sizeOutOfRange(let width, let height, let allowed):
            return "is \(width)×\(height); Kling O1 needs each side from \(allowed.lowerBound) to \(allowed.upperBound) px"
        case .storedAndDisplayedSizesDisagree(let stored, let displayed, let allowed):
            let storedPasses = stored.fits(allowed)
            return "is stored at \(stored) but displayed at \(displayed); the \(allowed.lowerBound)–\(allowed.upperBound) px "
                + "rule \(storedPasses ? "passes" : "fails") on the stored size and \(storedPasses ? "fails" : "passes") "
                + "on the displayed one, and which the model checks is undocumented"
        case .frameRateTooLow(let fps, let allowed), .frameRateTooHigh(let fps, let allowed):
            return "runs at \(F.rate(fps)) fps; Kling O1 accepts \(F.range(allowed, unit: "fps"))"
        case .filmRateUnderMinimum(let fps, let minimum):
            return "runs at \(F.rate(fps)) fps (film rate), just under the documented minimum of "
                + "\(F.rate(minimum)) fps; whether the model accepts it is undocumented"
        case .variableFrameRateUnderMinimum(let average, let minimum):
            return "has a variable frame rate averaging \(F.rate(average)) fps, under \(F.rate(minimum)) fps; "
                + "whether the model judges the average is undocumented"
        case .frameRateUnknown:
            return "has no known frame rate; Kling O1 needs 24 to 60 fps"
        case .noAudioToKeep:
            return "has no audio, so keep_audio keeps nothing"
        case .requestedAspectMisfits(let requested, let displayed):
            return "is displayed at \(displayed) (\(displayed.aspect)) but \(requested.rawValue) was asked for; "
                + "the model will crop or pad it"
        case .imageIsNotAnImage(let format):
            return "is a video (\(format)), not an image"
        case .imageFormatNotAccepted(let codec):
            let name = F.codecName(codec)
            return "is \("AEIOU".contains(name.prefix(1)) ? "an" : "a") \(name) image; Kling O1 takes JPEG or PNG only"
        case .imageExtensionMisleads(let ext, let codec):
            return "holds \(F.codecName(codec)) data but is named .\(ext); a service that goes by the name may refuse it"
        case .imageTooSmall(let width, let height, let minimum):
            return "is \(width)×\(height); Kling O1 needs each side to be at least \(minimum) px"
        case .imageAspectOutOfRange(let width, let height, let allowed):
            return "is \(width)×\(height), an aspect of \(F.ratio(Double(width) / Double(height))); Kling O1 accepts "
                + "\(F.ratio(allowed.lowerBound)) to \(F.ratio(allowed.upperBound))"
        case .tooManyReferences(let images, let elements, let maximum):
            return "\(F.count(images, "image")) and \(F.count(elements, "element")) make \(images + elements) references; "
                + "Kling O1 takes at most \(maximum) with a video"
        case .elementReferenceCount(let element, let count, let allowed):
            return "@Element\(element) has \(F.count(count, "reference image")); an element needs a frontal image and "
                + "\(allowed.lowerBound) to \(allowed.upperBound) reference images"
        case .promptEmpty:
            return "the prompt is empty"
        case .promptTooLong(let length, let maximum):
            return "the prompt is \(length) characters; Kling O1 takes at most \(maximum)"
        case .promptReferenceMissing(let token, let available):
            let kind = token.hasPrefix("@Video") ? "video" : token.hasPrefix("@Image") ? "reference image" : "element"
            return "the prompt mentions \(token) but \(available == 0 ? "no" : "only \(available)") "
                + "\(kind)\(available == 1 ? " is" : "s are") given"
        case .promptDoesNotMentionVideo:
            return "the prompt never mentions @Video1, so the model may not take the clip as its reference"
        case .cutsInSentPart(let times, let lastShotOnly):
            let shots = times.count == 1 ? "two shots" : "\(times.count + 1) shots"
            let cuts = times.count == 1 ? "a cut at \(Formatting.seconds(times[0]))"
                : "cuts at " + Formatting.list(times.map(Formatting.seconds))
            if lastShotOnly {
                return "the clip's last shot is shorter than the model's shortest clip; sent at that length it has \(cuts); "
                    + "the model will see \(shots)"
            }
            return "the clip has \(cuts); the model will see \(shots); `--tail shot` sends only the last one"
        case .highDynamicRange(let transfer, let toneMapped):
            guard toneMapped else {
                return "the clip is HDR (\(transfer)), and this FFmpeg cannot tone-map it (its libavfilter has no zscale): "
                    + "sent and stitched as it is, it shows washed out beside the model's standard-range shots"
            }
            return "the clip is HDR (\(transfer)); the model makes standard-range shots and the stitch shows the clip beside them, "
                + "so `continue` sends and stitches it tone-mapped to standard range (BT.709)"
        }
    }

    /// What to do about it, for a problem with the file at `path` (or the prompt).
    public func fix(for path: String) -> String {
        let conform = "kling-media conform \(Formatting.quoted(path)) -o \(Formatting.quoted(Formatting.conformedName(path)))"
        switch self {
        case .notAVideo, .noVideoStream:
            return "give the clip itself, an MP4 or MOV video"
        case .containerNotAccepted:
            return "re-encode it to MP4: `\(conform)`"
        case .extensionNotAccepted:
            return "rename it to end in .mp4"
        case .truncated:
            return "download or export it again; a cut-short clip fails at the provider"
        case .durationUnknown:
            return "re-encode it: `\(conform)`"
        case .tooShort(_, let allowed):
            return "use a clip of at least \(Formatting.seconds(allowed.lowerBound))"
        case .tooLong(_, let allowed):
            let keep = Int(allowed.upperBound.rounded(.down))
            return "keep its last \(keep) s, where the next shot continues from: `\(conform) --last \(keep)`"
        case .fileTooLarge:
            return "re-encode it smaller: `\(conform)`"
        case .sizeOutOfRange(let width, let height, let allowed):
            let longest = max(width, height), shortest = min(width, height)
            if longest * allowed.lowerBound > shortest * allowed.upperBound {
                return "no scaling brings both sides into range (aspect over \(allowed.upperBound / allowed.lowerBound):1): crop it first"
            }
            return "scale it into range, keeping its aspect: `\(conform) --fit \(allowed.lowerBound)..\(allowed.upperBound)`"
        case .storedAndDisplayedSizesDisagree(_, _, let allowed):
            return "to be safe, make square pixels at a size both pass: `\(conform) --fit \(allowed.lowerBound)..\(allowed.upperBound)`"
        case .frameRateTooLow(_, let allowed):
            return Self.constantRateFix(allowed.lowerBound, conform: conform)
        case .filmRateUnderMinimum(_, let minimum), .variableFrameRateUnderMinimum(_, let minimum):
            return Self.constantRateFix(minimum, conform: conform)
        case .frameRateTooHigh(_, let allowed):
            return "convert it to \(Formatting.rate(allowed.upperBound)) fps: `\(conform) --fps \(Formatting.rate(allowed.upperBound))`"
        case .frameRateUnknown:
            return "re-encode it at a constant rate: `\(conform) --fps 24`"
        case .noAudioToKeep:
            return "drop --keep-audio, or use a clip with sound"
        case .requestedAspectMisfits(_, let displayed):
            return "ask for --aspect auto (or the clip's own shape, \(displayed.aspect))"
        case .imageIsNotAnImage:
            return "use a still: `kling-media frame \(Formatting.quoted(path)) --at last -o frame.png` extracts one"
        case .imageFormatNotAccepted:
            return "convert it to PNG: `kling-media frame \(Formatting.quoted(path)) -o \(Formatting.quoted(Formatting.renamed(path, ending: ".png")))`"
        case .imageExtensionMisleads(_, let codec):
            return "rename it to end in .\(codec == "png" ? "png" : "jpg")"
        case .imageFileTooLarge:
            return "save it as JPEG, or smaller"
        case .imageTooSmall(_, _, let minimum):
            return "use a larger image, at least \(minimum)×\(minimum) px"
        case .imageAspectOutOfRange(_, _, let allowed):
            return "crop it to between \(Formatting.ratio(allowed.lowerBound)) and \(Formatting.ratio(allowed.upperBound))"
        case .tooManyReferences(let images, let elements, let maximum):
            return "drop \(images + elements - maximum) of them"
        case .elementReferenceCount(_, _, let allowed):
            return "give each --element as FRONTAL,REF with \(allowed.lowerBound) to \(allowed.upperBound) reference images"
        case .promptEmpty:
            return "describe the next shot, e.g. \"Based on @Video1, generate the next shot…\""
        case .promptTooLong(let length, let maximum):
            return "shorten it by \(length - maximum) characters"
        case .promptReferenceMissing(let token, _):
            return "give the missing input, or correct \(token) in the prompt"
        case .promptDoesNotMentionVideo:
            return "say how the clip is used, e.g. \"Based on @Video1, generate the next shot…\""
        case .cutsInSentPart(let times, let lastShotOnly):
            if lastShotOnly { return "end the clip on a longer shot, or accept that the model sees the cut" }
            return "`--tail shot` (\"tail\": \"shot\" in a batch) sends only the last shot, from \(Formatting.seconds(times.last ?? 0)); "
                + "the whole clip is still stitched"
        case .highDynamicRange(_, let toneMapped):
            guard toneMapped else { return "export it in standard range (BT.709) from your editor, or use an FFmpeg built with zimg" }
            return "nothing to do; to see the standard-range copy first (or grade your own): `\(conform)`"
        }
    }

    private static func constantRateFix(_ fps: Double, conform: String) -> String {
        "convert it to a constant \(Formatting.rate(fps)) fps: `\(conform) --fps \(Formatting.rate(fps))`"
    }
}
