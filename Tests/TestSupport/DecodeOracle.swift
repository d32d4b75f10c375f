import Foundation

/// What FFmpeg's own decoders make of a file: the independent check on what conform and stitch
/// write. Every fact here comes from the ffmpeg/ffprobe CLI, never from MediaKit.
public struct DecodeReport: Sendable {
    public struct Video: Sendable {
        public let width: Int
        public let height: Int
        public let sampleAspect: String?
        public let frameRate: String
        public let averageFrameRate: String
        /// Frames counted by decoding the whole stream (`-count_frames`).
        public let decodedFrames: Int
        public let duration: Double
        public let rotation: Int?
    }

    public let video: Video?
    public let audioDuration: Double?
    public let audioSampleRate: Int?
    public let audioChannels: Int?
    public let formatDuration: Double
    /// What `ffmpeg -v error -i FILE -f null -` printed: empty when the file decodes cleanly.
    public let decodeErrors: String

    public init(path: String) async throws {
        let probe = try await ProcessRunner.run("ffprobe", ["-v", "error", "-count_frames", "-show_format", "-show_streams",
                                                            "-of", "json", path])
        guard probe.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(probe.standardOutput.utf8)) as? [String: Any]
        else { throw OracleError.failed(path: path, message: probe.standardError) }
        let streams = object["streams"] as? [[String: Any]] ?? []
        let format = object["format"] as? [String: Any] ?? [:]
        formatDuration = FFprobeReport.number(format["duration"]) ?? 0
        if let stream = streams.first(where: { $0["codec_type"] as? String == "video" }) {
            video = Video(width: FFprobeReport.integer(stream["width"]) ?? 0, height: FFprobeReport.integer(stream["height"]) ?? 0,
                          sampleAspect: stream["sample_aspect_ratio"] as? String,
                          frameRate: stream["r_frame_rate"] as? String ?? "", averageFrameRate: stream["avg_frame_rate"] as? String ?? "",
                          decodedFrames: FFprobeReport.integer(stream["nb_read_frames"]) ?? -1,
                          duration: FFprobeReport.number(stream["duration"]) ?? 0, rotation: FFprobeReport.rotation(of: stream))
        } else {
            video = nil
        }
        let audio = streams.first { $0["codec_type"] as? String == "audio" }
        audioDuration = audio.flatMap { FFprobeReport.number($0["duration"]) }
        audioSampleRate = audio.flatMap { FFprobeReport.integer($0["sample_rate"]) }
        audioChannels = audio.flatMap { FFprobeReport.integer($0["channels"]) }
        let decode = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-f", "null", "-"])
        decodeErrors = decode.standardError + (decode.status == 0 ? "" : "exit \(decode.status)")
    }

    /// MD5 of each video packet's bytes, in file order (`ffprobe -show_data_hash`).
    public static func videoPacketHashes(_ path: String) async throws -> [String] {
        let result = try await ProcessRunner.run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_packets",
                                                             "-show_data_hash", "md5", "-show_entries", "packet=data_hash",
                                                             "-of", "csv=p=0", path])
        return FFprobeReport.firstColumn(result.standardOutput).map(String.init)
    }

    /// MD5 of each decoded video frame (`-f framemd5`).
    public static func videoFrameHashes(_ path: String) async throws -> [String] {
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-i", path, "-map", "0:v:0", "-f", "framemd5", "-"])
        return result.standardOutput.split(separator: "\n").filter { !$0.hasPrefix("#") }
            .compactMap { $0.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// The average luma of each decoded frame, in order (ffmpeg's `signalstats` YAVG).
    public static func lumaAverages(_ path: String) async throws -> [Double] {
        let result = try await ProcessRunner.run("ffprobe", ["-v", "error", "-f", "lavfi", "movie=\(path),signalstats",
                                                             "-show_entries", "frame_tags=lavfi.signalstats.YAVG", "-of", "csv=p=0"])
        return FFprobeReport.firstColumn(result.standardOutput).compactMap { Double($0) }
    }

    /// The loudest sample between two times, dBFS (`volumedetect`): about -91 for digital silence.
    public static func maxVolume(_ path: String, from start: Double, seconds: Double) async throws -> Double? {
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "info", "-nostdin", "-ss", "\(start)", "-t", "\(seconds)", "-i", path,
                                                            "-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-"])
        guard let line = result.standardError.split(separator: "\n").first(where: { $0.contains("max_volume:") }) else { return nil }
        return line.split(separator: " ").dropLast().last.flatMap { Double($0) }
    }

    /// SSIM of two pictures (each a video or image file, first frame), as ffmpeg's `ssim` filter reports "All".
    public static func ssim(_ first: String, _ second: String, firstArguments: [String] = [], secondArguments: [String] = []) async throws -> Double? {
        let result = try await ProcessRunner.run("ffmpeg", ["-v", "info", "-nostdin"] + firstArguments + ["-i", first]
                                                 + secondArguments + ["-i", second, "-frames:v", "1", "-lavfi", "ssim", "-f", "null", "-"])
        guard let line = result.standardError.split(separator: "\n").first(where: { $0.contains("SSIM") && $0.contains("All:") }),
              let all = line.components(separatedBy: "All:").last?.split(separator: " ").first else { return nil }
        return Double(all)
    }
}
