import Support
internal import CFFmpeg

/// Stitching without re-encoding: when every clip's streams are alike (codec, its settings, size,
/// pixel aspect, pixel format, time base, rotation, sound format), their packets are copied one
/// clip after another, each clip's timestamps moved to where the previous one ended.
enum StreamCopier {
    enum Comparison: Equatable {
        case alike
        case different(String)
    }

    /// Whether the clips can be joined by copying, and if not, the first difference found.
    static func compare(_ clips: [StitchClip]) -> Comparison {
        guard let first = clips.first else { return .alike }
        for clip in clips {
            if let reason = soundOutOfStep(clip) { return .different(reason) }
        }
        for (position, clip) in clips.enumerated().dropFirst() {
            if let difference = difference(between: first, and: clip) {
                return .different("clip \(position + 1) (\(clip.path)) \(difference) clip 1's")
            }
        }
        return .alike
    }

    private static func difference(between first: StitchClip, and clip: StitchClip) -> String? {
        let a = first.video, b = clip.video
        if a.codecName != b.codecName { return "is \(b.codecName ?? "unknown") video, not" }
        if a.storedSize != b.storedSize {
            return "is \(b.storedSize.map(\.description) ?? "unknown"), not \(a.storedSize.map(\.description) ?? "unknown") like"
        }
        if (a.sampleAspectRatio ?? AspectRatio(1, 1)) != (b.sampleAspectRatio ?? AspectRatio(1, 1)) { return "has another pixel aspect than" }
        if a.pixelFormat != b.pixelFormat { return "has pixel format \(b.pixelFormat ?? "unknown"), not" }
        if (a.rotation ?? 0) != (b.rotation ?? 0) { return "is turned \(b.rotation ?? 0)°, unlike" }
        if a.timeBase != b.timeBase {
            if let rate = b.constantFrameRate, rate != a.constantFrameRate { return "runs at \(rate.frameRateText) fps, unlike" }
            return "has another time base than"
        }
        if a.profile != b.profile { return "has H.264 profile \(b.profile ?? "unknown"), not" }
        if first.extradata != clip.extradata { return "was encoded with other settings (codec header) than" }
        switch (first.info.primaryAudio, clip.info.primaryAudio) {
        case (nil, nil): return nil
        case (.some, nil): return "has no audio, unlike"
        case (nil, .some): return "has audio, unlike"
        case (.some(let x), .some(let y)):
            if x.codecName != y.codecName || x.profile != y.profile { return "has another audio codec than" }
            if x.sampleRate != y.sampleRate { return "has audio at \(y.sampleRate ?? 0) Hz, not" }
            if x.channels != y.channels { return "has \(y.channels ?? 0) audio channels, not" }
            return nil
        }
    }

    /// Copying keeps each clip's sound as it is: if it is shorter or longer than the picture, every
    /// later clip's sound would drift. That needs the normalising path, which pads or cuts it.
    private static func soundOutOfStep(_ clip: StitchClip) -> String? {
        guard let audio = clip.info.primaryAudio, let seconds = audio.duration else { return nil }
        let gap = seconds - clip.seconds
        guard abs(gap) > 0.05 else { return nil }
        return "\(clip.path)'s audio is \(Formatting.seconds(abs(gap))) \(gap < 0 ? "shorter" : "longer") than its video"
    }

    static func copy(_ clips: [StitchClip], to output: String, replacing: Bool,
                     progress: @escaping (Double, Double) -> Void) throws(EditError) -> StitchReport {
        let total = clips.reduce(0) { $0 + $1.seconds }
        var reports: [StitchReport.Clip] = []
        try EditRun.perform(input: clips[0].path, output: output, replacing: replacing) { writer throws in
            let template = try MediaFile(path: clips[0].path)
            try template.findStreamInfo()
            let first = clips[0]
            guard let video = template.streams.first(where: { Int($0.pointee.index) == first.video.index }) else {
                throw EditError.noVideo(first.path)
            }
            let videoOut = try writer.addStream(copying: video)
            var audioOut: Int?
            if let audioInfo = first.info.primaryAudio,
               let audio = template.streams.first(where: { Int($0.pointee.index) == audioInfo.index }) {
                audioOut = try writer.addStream(copying: audio)
            }
            try EditRun.begin(writer, output: output)
            var offset = 0.0
            for clip in clips {
                try copyPackets(of: clip, offset: offset, video: videoOut, audio: audioOut, writer: writer) { progress($0, total) }
                reports.append(.init(path: clip.path, action: .copied, reason: "same streams as clip 1", start: offset, duration: clip.seconds))
                offset += clip.seconds
            }
        }
        let video = clips[0].video
        return StitchReport(output: output, method: .streamCopy, reason: "every clip's streams are alike",
                            width: video.displayWidth ?? 0, height: video.displayHeight ?? 0,
                            frameRate: clips.allSatisfy({ $0.video.constantFrameRate == video.constantFrameRate }) ? video.constantFrameRate : nil,
                            duration: total, audio: clips[0].info.primaryAudio != nil, clips: reports)
    }

    private static func copyPackets(of clip: StitchClip, offset: Double, video: Int, audio: Int?, writer: MovieWriter,
                                    progress: (Double) -> Void) throws {
        let file = try MediaFile(path: clip.path)
        try file.findStreamInfo()
        // A late-starting container (MPEG-TS) starts at its first timestamp; MP4's audio priming
        // (a negative start) is kept, so picture and sound stay as they were relative to each other.
        let origin = max(0, file.startTime ?? 0)
        var routes: [Int32: (output: Int, timeBase: AVRational)] = [:]
        for stream in file.streams {
            let index = Int(stream.pointee.index)
            if index == clip.video.index {
                routes[stream.pointee.index] = (video, stream.pointee.time_base)
            } else if let audio, index == clip.info.primaryAudio?.index {
                routes[stream.pointee.index] = (audio, stream.pointee.time_base)
            } else {
                stream.pointee.discard = AVDISCARD_ALL
            }
        }
        let packet = try Packet()
        while try file.readPacket(into: packet) {
            try Task.checkCancellation()
            let raw = packet.raw
            guard let route = routes[raw.pointee.stream_index] else { continue }
            let shift = Int64(((offset - origin) / av_q2d(route.timeBase)).rounded())
            if raw.pointee.pts != CFFmpeg_AV_NOPTS_VALUE() { raw.pointee.pts += shift }
            if raw.pointee.dts != CFFmpeg_AV_NOPTS_VALUE() { raw.pointee.dts += shift }
            raw.pointee.pos = -1
            let time = raw.pointee.pts == CFFmpeg_AV_NOPTS_VALUE() ? offset : Double(raw.pointee.pts) * av_q2d(route.timeBase)
            try writer.write(raw, stream: route.output, timeBase: route.timeBase)
            progress(time)
        }
    }
}
