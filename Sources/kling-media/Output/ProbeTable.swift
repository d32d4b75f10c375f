import MediaKit
import Support

/// The human form of `probe`: a heading line per file and one compact line per stream.
enum ProbeTable {
    static func render(_ info: MediaInfo) -> String {
        let format = info.format
        // A HEIF photo is read by FFmpeg's MP4 demuxer: named as the photo it is.
        var heading = ["\(format.filename): \(format.imageContainer.map { "\($0) image" } ?? format.formatLongName ?? format.formatName)"]
        if let duration = format.duration { heading.append(Formatting.seconds(duration)) }
        heading.append(Formatting.bytes(format.size))
        if let bitRate = format.bitRate { heading.append(Formatting.bitRate(bitRate)) }
        var lines = [heading.joined(separator: ", ")]
        if format.truncated == true {
            lines.append("  TRUNCATED: the container's index points past the end of the file")
        }
        // A tiled picture is one line (the picture and its tiles), not a line per tile (an iPhone
        // photo has 48); its other streams (a thumbnail) keep theirs.
        var tileStreams: Set<Int> = []
        if let grid = info.tileGrid, let picture = info.primaryVideo {
            tileStreams = Set(grid.tiles.map(\.stream))
            let tile = info.streams.first { tileStreams.contains($0.index) }
            let tileSize = tile.flatMap { tile in tile.width.flatMap { width in tile.height.map { "\(width)×\($0)" } } }
            let streams = tileStreams.sorted()
            lines.append("  tile grid: " + describe(picture, isImage: true).joined(separator: ", ")
                         + "; \(grid.tiles.count) tiles" + (tileSize.map { " of \($0)" } ?? "")
                         + " in streams #\(streams.first ?? 0)–#\(streams.last ?? 0)")
        }
        for stream in info.streams where !tileStreams.contains(stream.index) {
            let kind = stream.codecType.rawValue
            lines.append("  #\(stream.index) \(kind)\(String(repeating: " ", count: max(1, 7 - kind.count)))"
                         + describe(stream, isImage: format.isImage).joined(separator: ", "))
        }
        return lines.joined(separator: "\n")
    }

    private static func describe(_ stream: StreamInfo, isImage: Bool) -> [String] {
        var parts = [[stream.codecName ?? "unknown codec", stream.profile].compactMap { $0 }.joined(separator: " ")]
        switch stream.codecType {
        case .video:
            if let pixelFormat = stream.pixelFormat {
                parts.append(pixelFormat + (stream.bitDepth.map { " \($0)-bit" } ?? "") + (stream.highDynamicRange.map { " HDR (\($0))" } ?? ""))
            }
            if let width = stream.width, let height = stream.height {
                parts.append("\(width)×\(height)" + (stream.sampleAspectRatio.map { " SAR \($0)" } ?? ""))
            }
            if let rotation = stream.rotation, rotation != 0 { parts.append("rotated \(rotation)° clockwise") }
            if let width = stream.displayWidth, let height = stream.displayHeight {
                parts.append("displayed \(width)×\(height)" + (stream.displayAspectRatio.map { " (\($0))" } ?? ""))
            }
            if stream.isAttachedPicture {
                parts.append("cover art")
            } else if isImage {
                parts.append("still image")
            } else if let rate = stream.averageFrameRate.value ?? stream.nominalFrameRate.value {
                var timing = "\(Formatting.rate(rate)) fps"
                if let variable = stream.isVariableFrameRate {
                    timing += variable ? " variable (nominal \(Formatting.rate(stream.nominalFrameRate.value ?? 0)))" : " constant"
                }
                parts.append(timing)
            }
            if let frames = stream.frameCount { parts.append("\(frames) frames") }
        case .audio:
            if let rate = stream.sampleRate { parts.append("\(rate) Hz") }
            if let layout = stream.channelLayout ?? stream.channels.map({ "\($0) channels" }) { parts.append(layout) }
            if let format = stream.sampleFormat { parts.append(format) }
        default:
            break
        }
        if let duration = stream.duration { parts.append(Formatting.seconds(duration)) }
        return parts
    }
}
