import MediaKit

extension Validator {
    /// The rules for the input clip (@Video1).
    func videoFindings(_ info: MediaInfo, keepAudio: Bool) -> [Finding] {
        let path = info.format.filename
        func finding(_ problem: ValidationProblem) -> Finding {
            Finding(subject: path, reference: "@Video1", problem: problem)
        }
        if info.format.isImage {
            return [finding(.notAVideo(format: info.format.formatLongName ?? info.format.formatName))]
        }
        guard let video = info.primaryVideo else { return [finding(.noVideoStream)] }

        var problems: [ValidationProblem] = []
        problems += containerProblems(info.format)
        if info.format.truncated == true { problems.append(.truncated) }
        problems += durationProblems(Self.measuredSeconds(info))
        if info.format.size > limits.videoMaxBytes {
            problems.append(.fileTooLarge(bytes: info.format.size, limit: limits.videoMaxBytes))
        }
        problems += sizeProblems(video)
        problems += frameRateProblems(video)
        if keepAudio && info.primaryAudio == nil { problems.append(.noAudioToKeep) }
        if let transfer = video.highDynamicRange {
            problems.append(.highDynamicRange(transfer: transfer, toneMapped: ToneMapping.isAvailable))
        }
        return problems.map(finding)
    }

    /// The length the duration rule is checked on: the container's (a clip whose audio runs past its
    /// picture is that long to whoever measures the file), else the picture's. What a user is told
    /// about a clip's length against the limit uses this too, so the numbers agree.
    public static func measuredSeconds(_ info: MediaInfo) -> Double? {
        info.format.duration ?? info.primaryVideo?.duration
    }

    /// MP4 and MOV share FFmpeg's `mov` demuxer; the name must say which, as the provider may go by it.
    private func containerProblems(_ format: FormatInfo) -> [ValidationProblem] {
        guard format.formatNames.contains("mov") else {
            return [.containerNotAccepted(format: format.formatLongName ?? format.formatName)]
        }
        let ext = URL(fileURLWithPath: format.filename).pathExtension.lowercased()
        return limits.videoExtensions.contains(ext) ? [] : [.extensionNotAccepted(extension: ext)]
    }

    private func durationProblems(_ seconds: Double?) -> [ValidationProblem] {
        guard let seconds else { return [.durationUnknown] }
        if seconds < limits.videoDuration.lowerBound { return [.tooShort(seconds: seconds, allowed: limits.videoDuration)] }
        if seconds > limits.videoDuration.upperBound { return [.tooLong(seconds: seconds, allowed: limits.videoDuration)] }
        return []
    }

    /// The size rule on both the stored and the displayed picture: an error when both fail, a
    /// warning when they disagree (which one the model checks is undocumented).
    private func sizeProblems(_ video: StreamInfo) -> [ValidationProblem] {
        guard let width = video.width, let height = video.height else { return [] }
        let stored = PixelSize(width: width, height: height)
        let displayed = PixelSize(width: video.displayWidth ?? width, height: video.displayHeight ?? height)
        switch (stored.fits(limits.videoSide), displayed.fits(limits.videoSide)) {
        case (true, true):
            return []
        case (false, false):
            return [.sizeOutOfRange(width: displayed.width, height: displayed.height, allowed: limits.videoSide)]
        default:
            return [.storedAndDisplayedSizesDisagree(stored: stored, displayed: displayed, allowed: limits.videoSide)]
        }
    }

    private func frameRateProblems(_ video: StreamInfo) -> [ValidationProblem] {
        guard let fps = video.frameRate else { return [.frameRateUnknown] }
        let allowed = limits.videoFrameRate
        if fps > allowed.upperBound { return [.frameRateTooHigh(fps: fps, allowed: allowed)] }
        guard fps < allowed.lowerBound else { return [] }
        if video.isVariableFrameRate == true {
            return [.variableFrameRateUnderMinimum(averageFPS: fps, minimum: allowed.lowerBound)]
        }
        if fps >= limits.filmRateFloor {
            return [.filmRateUnderMinimum(fps: fps, minimum: allowed.lowerBound)]
        }
        return [.frameRateTooLow(fps: fps, allowed: allowed)]
    }
}
