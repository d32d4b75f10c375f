import MediaKit

extension ConformOptions {
    /// Options for a clip Kling O1 will take: whatever else is asked, a rate the model accepts
    /// (the clip's own when it is one).
    public static func forKling(_ limits: KlingO1Limits = .current) -> ConformOptions {
        ConformOptions(acceptedFrameRates: limits.videoFrameRate)
    }

    /// Exactly the fixes `validate` proposes for these problems (the options its advice names).
    /// Conform with them on top of `forKling` (see `keepingKlingRates`), so that what they leave
    /// alone also ends up as the model takes it.
    public static func proposed(for problems: [ValidationProblem], limits: KlingO1Limits = .current) -> ConformOptions {
        var options = ConformOptions()
        for problem in problems {
            switch problem {
            case .tooLong(_, let allowed): options.trim = .last(allowed.upperBound.rounded(.down))
            case .sizeOutOfRange(_, _, let allowed), .storedAndDisplayedSizesDisagree(_, _, let allowed): options.fit = allowed
            case .frameRateTooLow(_, let allowed): options.frameRate = .frameRate(allowed.lowerBound)
            case .filmRateUnderMinimum(_, let minimum), .variableFrameRateUnderMinimum(_, let minimum):
                options.frameRate = .frameRate(minimum)
            case .frameRateTooHigh(_, let allowed): options.frameRate = .frameRate(allowed.upperBound)
            case .frameRateUnknown: options.frameRate = .frameRate(limits.videoFrameRate.lowerBound)
            default: break
            }
        }
        return options
    }

    /// Whether re-encoding (`proposed`) fixes this problem; a clip too short, say, stays too short.
    public static func fixes(_ problem: ValidationProblem) -> Bool {
        switch problem {
        case .tooLong, .sizeOutOfRange, .storedAndDisplayedSizesDisagree, .frameRateTooLow, .filmRateUnderMinimum,
             .variableFrameRateUnderMinimum, .frameRateTooHigh, .frameRateUnknown:
            true
        default:
            false
        }
    }

    /// These options, with any rate they leave to the clip brought into the model's range.
    public func keepingKlingRates(_ limits: KlingO1Limits = .current) -> ConformOptions {
        var options = self
        options.acceptedFrameRates = limits.videoFrameRate
        return options
    }
}
