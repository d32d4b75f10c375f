internal import CFFmpeg

/// An error code returned by one of FFmpeg's libraries, with FFmpeg's own text for it.
///
/// Modelled on swift-system's `Errno`: a small value with readable static names, so callers can
/// write `catch FFmpegError.invalidData` without knowing FFmpeg's numeric tags.
public struct FFmpegError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The negative `AVERROR` value FFmpeg returned.
    public let code: Int32

    public init(code: Int32) { self.code = code }

    /// FFmpeg's description of the code (`av_strerror`).
    public var description: String {
        var buffer = [CChar](repeating: 0, count: Int(AV_ERROR_MAX_STRING_SIZE))
        if av_strerror(code, &buffer, buffer.count) < 0 {
            return "FFmpeg error \(code)"
        }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    public static let endOfFile = FFmpegError(code: CFFmpeg_AVERROR_EOF())
    public static let invalidData = FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA())
    public static let tryAgain = FFmpegError(code: CFFmpeg_AVERROR(EAGAIN))
    public static let noSuchFile = FFmpegError(code: CFFmpeg_AVERROR(ENOENT))
    public static let permissionDenied = FFmpegError(code: CFFmpeg_AVERROR(EACCES))

    /// The file system refused the bytes being written (full, over quota, too big, read-only):
    /// trouble with where the output goes, never with the input.
    public var isStorageRefusal: Bool {
        [ENOSPC, EDQUOT, EFBIG, EROFS].contains { code == CFFmpeg_AVERROR($0) }
    }

    public static func ~= (pattern: FFmpegError, value: any Error) -> Bool {
        (value as? FFmpegError)?.code == pattern.code
    }
}

extension FFmpegError {
    /// Runs an FFmpeg call that returns a negative `AVERROR` on failure and turns that into a throw.
    @discardableResult
    static func check(_ result: Int32) throws(FFmpegError) -> Int32 {
        guard result >= 0 else { throw FFmpegError(code: result) }
        return result
    }
}

/// Runs `body`, whose failures are `Failure`'s own or FFmpeg's: FFmpeg's become `wrap(error)` (and
/// anything else, which a body of FFmpeg calls cannot throw, invalid data). The one way MediaKit's
/// steps turn a C library's failure into their own error.
func catchingFFmpeg<T, Failure: Error>(_ wrap: (FFmpegError) -> Failure, _ body: () throws -> T) throws(Failure) -> T {
    do {
        return try body()
    } catch let error as Failure {
        throw error
    } catch let error as FFmpegError {
        throw wrap(error)
    } catch {
        throw wrap(FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()))
    }
}
