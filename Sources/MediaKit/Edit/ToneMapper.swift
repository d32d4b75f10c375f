internal import CFFmpeg

/// Brings high-dynamic-range pictures (PQ or HLG, as an iPhone records by default) to standard
/// range BT.709, the range Kling's shots are in and every edit here writes: linear light, Hable's
/// curve, the BT.709 gamut and transfer (FFmpeg's `zscale` and `tonemap` filters, the recipe
/// FFmpeg's own documentation gives). Without it the HDR values were re-encoded as they were,
/// untagged, and showed washed out and grey beside the shot. Owns its filter graph.
final class ToneMapper {
    private var graph: UnsafeMutablePointer<AVFilterGraph>?
    private let source: UnsafeMutablePointer<AVFilterContext>
    private let sink: UnsafeMutablePointer<AVFilterContext>
    private let mapped: Frame

    /// Whether `frame` is HDR: its transfer function is PQ (SMPTE ST 2084) or HLG (ARIB STD-B67);
    /// `stream`'s, from the container, where the picture itself does not say.
    static func isHighDynamicRange(_ frame: UnsafePointer<AVFrame>, stream: AVColorTransferCharacteristic = AVCOL_TRC_UNSPECIFIED) -> Bool {
        let transfer = transfer(of: frame, stream: stream)
        return transfer == AVCOL_TRC_SMPTE2084 || transfer == AVCOL_TRC_ARIB_STD_B67
    }

    private static func transfer(of frame: UnsafePointer<AVFrame>, stream: AVColorTransferCharacteristic) -> AVColorTransferCharacteristic {
        frame.pointee.color_trc == AVCOL_TRC_UNSPECIFIED ? stream : frame.pointee.color_trc
    }

    /// A stream's transfer function by FFmpeg's name (`StreamInfo.colorTransfer`).
    static func transfer(named name: String?) -> AVColorTransferCharacteristic {
        guard let name else { return AVCOL_TRC_UNSPECIFIED }
        let value = av_color_transfer_from_name(name)
        return value < 0 ? AVCOL_TRC_UNSPECIFIED : AVColorTransferCharacteristic(rawValue: UInt32(value))
    }

    /// Whether this FFmpeg can tone-map (its libavfilter has `zscale`, built with the zimg library,
    /// and `tonemap`): Debian's and Homebrew's do; a build without them re-encodes HDR as it is.
    static let isAvailable = avfilter_get_by_name("zscale") != nil && avfilter_get_by_name("tonemap") != nil

    /// A graph for frames shaped as `frame` (size, pixel format, transfer, primaries, matrix, range).
    init(for frame: UnsafePointer<AVFrame>, stream: AVColorTransferCharacteristic = AVCOL_TRC_UNSPECIFIED,
         threads: Int32 = MediaThreads.codecThreads) throws(FFmpegError) {
        guard Self.isAvailable, let graph = avfilter_graph_alloc() else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOSYS)) }
        self.graph = graph
        graph.pointee.nb_threads = threads
        let picture = frame.pointee
        let arguments = "video_size=\(picture.width)x\(picture.height):pix_fmt=\(picture.format):time_base=1/90000:pixel_aspect=1/1"
        var source: UnsafeMutablePointer<AVFilterContext>?
        var sink: UnsafeMutablePointer<AVFilterContext>?
        mapped = try Frame()
        do {
            try FFmpegError.check(avfilter_graph_create_filter(&source, avfilter_get_by_name("buffer"), "in", arguments, nil, graph))
            try FFmpegError.check(avfilter_graph_create_filter(&sink, avfilter_get_by_name("buffersink"), "out", nil, nil, graph))
        } catch {
            avfilter_graph_free(&self.graph)
            throw error
        }
        guard let source, let sink else { avfilter_graph_free(&self.graph); throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        self.source = source
        self.sink = sink
        // The source's own description where it gives one (what was said is what is undone), BT.2020
        // where it is silent: every HDR video is BT.2020.
        let transfer = Self.transfer(of: frame, stream: stream) == AVCOL_TRC_SMPTE2084 ? "smpte2084" : "arib-std-b67"
        let primaries = picture.color_primaries == AVCOL_PRI_UNSPECIFIED ? "bt2020" : String(cString: av_color_primaries_name(picture.color_primaries))
        let matrix = picture.colorspace == AVCOL_SPC_UNSPECIFIED ? "bt2020nc" : String(cString: av_color_space_name(picture.colorspace))
        let range = picture.color_range == AVCOL_RANGE_JPEG ? "full" : "limited"
        let description = "zscale=tin=\(transfer):pin=\(primaries):min=\(matrix):rin=\(range):t=linear:npl=100,format=gbrpf32le,"
            + "zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=limited,format=yuv420p"
        // Named as FFmpeg's own example names them: the graph's open ends, "in" from the source and
        // "out" to the sink; parsing takes what it joins and leaves the rest to be freed here.
        var outputs = avfilter_inout_alloc()
        var inputs = avfilter_inout_alloc()
        defer {
            avfilter_inout_free(&outputs)
            avfilter_inout_free(&inputs)
        }
        guard let open = outputs, let close = inputs else { avfilter_graph_free(&self.graph); throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        open.pointee.name = av_strdup("in")
        open.pointee.filter_ctx = source
        close.pointee.name = av_strdup("out")
        close.pointee.filter_ctx = sink
        do {
            try FFmpegError.check(avfilter_graph_parse_ptr(graph, description, &inputs, &outputs, nil))
            try FFmpegError.check(avfilter_graph_config(graph, nil))
        } catch {
            avfilter_graph_free(&self.graph)
            throw error
        }
    }

    deinit { avfilter_graph_free(&graph) }

    /// `frame` in standard range, BT.709, yuv420p, the same size; valid until the next call.
    func map(_ frame: Frame) throws(FFmpegError) -> Frame {
        try FFmpegError.check(av_buffersrc_add_frame_flags(source, frame.raw, Int32(AV_BUFFERSRC_FLAG_KEEP_REF)))
        av_frame_unref(mapped.raw)
        try FFmpegError.check(av_buffersink_get_frame(sink, mapped.raw))
        // Tagged as what the graph made, whatever tags this FFmpeg's zscale leaves: a still reads
        // its YUV by the matrix the picture names, and an encoder writes these tags.
        mapped.raw.pointee.colorspace = AVCOL_SPC_BT709
        mapped.raw.pointee.color_primaries = AVCOL_PRI_BT709
        mapped.raw.pointee.color_trc = AVCOL_TRC_BT709
        mapped.raw.pointee.color_range = AVCOL_RANGE_MPEG
        return mapped
    }
}

/// Whether this FFmpeg can tone-map HDR clips (see `ToneMapper`), for those who tell the user.
public enum ToneMapping {
    public static var isAvailable: Bool { ToneMapper.isAvailable }
}
