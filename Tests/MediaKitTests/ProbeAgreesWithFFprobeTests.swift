import Foundation
import MediaKit
import TestSupport
import Testing

/// Every fact `probe` shares with ffprobe must agree with ffprobe's, on every readable fixture.
@Suite struct ProbeAgreesWithFFprobeTests {
    @Test(arguments: Fixtures.readable)
    func formatAgrees(fixture: String) async throws {
        let path = Fixtures.path(fixture)
        let ours = try Probe.file(atPath: path).format
        let oracle = try await FFprobeReport(path: path).format
        #expect(ours.formatName == oracle["format_name"] as? String)
        #expect(ours.formatLongName == oracle["format_long_name"] as? String)
        #expect(ours.streamCount == FFprobeReport.integer(oracle["nb_streams"]))
        #expect(ours.size == Int64(FFprobeReport.integer(oracle["size"]) ?? -1))
        #expect(ours.bitRate.map(Int.init) == FFprobeReport.integer(oracle["bit_rate"]))
        // ffprobe prints seconds to six decimals.
        #expect(close(ours.duration, FFprobeReport.number(oracle["duration"]), within: 0.000_001))
        #expect(close(ours.startTime, FFprobeReport.number(oracle["start_time"]), within: 0.000_001))
        #expect(ours.tags == oracle["tags"] as? [String: String])
    }

    @Test(arguments: Fixtures.readable)
    func streamsAgree(fixture: String) async throws {
        let path = Fixtures.path(fixture)
        let ours = try Probe.file(atPath: path).streams
        let oracle = try await FFprobeReport(path: path).streams
        #expect(ours.count == oracle.count)
        for (stream, expected) in zip(ours, oracle) {
            #expect(stream.index == expected["index"] as? Int)
            #expect(stream.codecType.rawValue == expected["codec_type"] as? String)
            #expect(stream.codecName == expected["codec_name"] as? String)
            #expect(stream.codecLongName == expected["codec_long_name"] as? String)
            #expect(stream.profile == expected["profile"] as? String)
            #expect(stream.timeBase.description == expected["time_base"] as? String)
            #expect(stream.nominalFrameRate.description == expected["r_frame_rate"] as? String)
            #expect(stream.averageFrameRate.description == expected["avg_frame_rate"] as? String)
            #expect(stream.frameCount == FFprobeReport.integer(expected["nb_frames"]))
            #expect(stream.bitRate.map(Int.init) == FFprobeReport.integer(expected["bit_rate"]))
            #expect(close(stream.duration, FFprobeReport.number(expected["duration"]), within: 0.000_001))
            #expect(stream.width == expected["width"] as? Int)
            #expect(stream.height == expected["height"] as? Int)
            #expect(stream.codedWidth == expected["coded_width"] as? Int)
            #expect(stream.codedHeight == expected["coded_height"] as? Int)
            #expect(stream.pixelFormat == expected["pix_fmt"] as? String)
            #expect(stream.colorRange == expected["color_range"] as? String)
            #expect(stream.colorSpace == expected["color_space"] as? String)
            #expect(stream.colorTransfer == expected["color_transfer"] as? String)
            #expect(stream.colorPrimaries == expected["color_primaries"] as? String)
            #expect(stream.sampleAspectRatio?.description == expected["sample_aspect_ratio"] as? String)
            #expect(stream.sampleFormat == expected["sample_fmt"] as? String)
            #expect(stream.sampleRate == FFprobeReport.integer(expected["sample_rate"]))
            #expect(stream.channels == expected["channels"] as? Int)
            #expect(stream.channelLayout == expected["channel_layout"] as? String)
            // ffprobe's names with ffprobe's meanings: the aspect before rotation, its own
            // start time, tags and flags.
            #expect(stream.storedAspectRatio?.description == expected["display_aspect_ratio"] as? String)
            #expect(close(stream.startTime, FFprobeReport.number(expected["start_time"]), within: 0.000_001))
            #expect(stream.tags == expected["tags"] as? [String: String])
            let flags = try #require(expected["disposition"] as? [String: Int])
            let ourFlags = try #require(stream.disposition)
            for (name, value) in flags { #expect(ourFlags[name] == value, "disposition.\(name)") }
        }
    }

    /// The display matrix in `side_data_list` reads as ffprobe prints it, counter-clockwise
    /// rotation included (byte for byte, as scripts parse it).
    @Test(arguments: Fixtures.readable)
    func displayMatrixIsFFprobes(fixture: String) async throws {
        let path = Fixtures.path(fixture)
        let ours = try Probe.file(atPath: path).streams
        let oracle = try await FFprobeReport(path: path).streams
        for (stream, expected) in zip(ours, oracle) {
            let theirs = (expected["side_data_list"] as? [[String: Any]] ?? []).filter { $0["side_data_type"] as? String == "Display Matrix" }
            let mine = stream.sideDataList ?? []
            #expect(mine.count == theirs.count)
            for (entry, oracleEntry) in zip(mine, theirs) {
                #expect(entry.displaymatrix == oracleEntry["displaymatrix"] as? String)
                #expect(entry.rotation == FFprobeReport.integer(oracleEntry["rotation"]))
            }
        }
    }

    /// Our `displayed` group follows from ffprobe's facts: clockwise rotation from its
    /// counter-clockwise one, size and aspect from its stored size, SAR and rotation.
    @Test(arguments: Fixtures.readable)
    func displayGeometryFollowsFromFFprobesFacts(fixture: String) async throws {
        let path = Fixtures.path(fixture)
        let ours = try Probe.file(atPath: path).streams
        let oracle = try await FFprobeReport(path: path).streams
        for (stream, expected) in zip(ours, oracle) where stream.codecType == .video {
            let counterClockwise = FFprobeReport.rotation(of: expected)
            #expect(stream.rotation == counterClockwise.map { ((-$0 % 360) + 360) % 360 } ?? 0)
            let width = try #require(expected["width"] as? Int)
            let height = try #require(expected["height"] as? Int)
            let sar = (expected["sample_aspect_ratio"] as? String)?.split(separator: ":").compactMap { Int($0) } ?? [1, 1]
            let displayedWidth = Int((Double(width) * Double(sar[0]) / Double(sar[1])).rounded())
            let turned = counterClockwise.map { abs($0) % 180 == 90 } ?? false
            #expect(stream.displayWidth == (turned ? height : displayedWidth))
            #expect(stream.displayHeight == (turned ? displayedWidth : height))
            if let aspect = expected["display_aspect_ratio"] as? String {
                let parts = aspect.split(separator: ":").compactMap { Int($0) }
                #expect(stream.displayAspectRatio == (turned ? AspectRatio(parts[1], parts[0]) : AspectRatio(parts[0], parts[1])))
            }
        }
    }

    private func close(_ a: Double?, _ b: Double?, within tolerance: Double) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (a?, b?): return abs(a - b) <= tolerance
        default: return false
        }
    }
}
