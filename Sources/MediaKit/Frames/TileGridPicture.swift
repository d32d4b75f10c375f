internal import CFFmpeg

/// A tiled picture (`TileGrid`) made whole: each tile's stream decoded, the tile laid on the canvas
/// where the grid puts it, and the part shown cut out. What the ffmpeg CLI does for such a file
/// with a filter graph, done here in memory. Planar YUV tiles only (what HEVC and AV1 decoders give).
enum TileGridPicture {
    static func decode(_ grid: TileGrid, from file: MediaFile) throws -> Frame {
        let streams = Dictionary(file.streams.map { (Int($0.pointee.index), $0) }, uniquingKeysWith: { first, _ in first })
        var placed: [Int: [TileGrid.Tile]] = [:]
        for tile in grid.tiles { placed[tile.stream, default: []].append(tile) }
        var decoders: [Int: DecoderContext] = [:]
        for stream in placed.keys {
            guard let opened = streams[stream] else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
            decoders[stream] = try DecoderContext(for: opened, threads: 1)
        }
        var canvas: Frame?
        var laid = 0
        let packet = try Packet()
        let frame = try Frame()
        func lay(_ stream: Int) throws {
            guard let decoder = decoders[stream] else { return }
            while try decoder.receive(into: frame) == .frame {
                let picture = try canvas ?? Self.canvas(for: frame, grid: grid)
                canvas = picture
                for tile in placed[stream] ?? [] {
                    try Self.copy(frame, to: picture, x: tile.x, y: tile.y)
                    laid += 1
                }
                // Each tile stream holds one picture: its decoder is done with.
                decoders[stream] = nil
                av_frame_unref(frame.raw)
                return
            }
        }
        // Every tile's packet, in file order; then whatever the decoders still hold.
        while try file.readPacket(into: packet), !decoders.isEmpty {
            let stream = Int(packet.raw.pointee.stream_index)
            guard let decoder = decoders[stream] else { continue }
            try decoder.send(packet.raw)
            try lay(stream)
        }
        for stream in Array(decoders.keys) {
            try decoders[stream]?.send(nil)
            try lay(stream)
        }
        guard let canvas, laid == grid.tiles.count else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
        // The part shown: FFmpeg's own cropping, which moves the planes' starts and sets the size.
        canvas.raw.pointee.crop_left = numericCast(grid.left)
        canvas.raw.pointee.crop_top = numericCast(grid.top)
        canvas.raw.pointee.crop_right = numericCast(max(0, grid.canvasWidth - grid.left - grid.width))
        canvas.raw.pointee.crop_bottom = numericCast(max(0, grid.canvasHeight - grid.top - grid.height))
        try FFmpegError.check(av_frame_apply_cropping(canvas.raw, Int32(AV_FRAME_CROP_UNALIGNED)))
        return canvas
    }

    /// The canvas, in the first tile's picture format and colours, black where no tile lands.
    private static func canvas(for tile: Frame, grid: TileGrid) throws -> Frame {
        let format = AVPixelFormat(rawValue: tile.raw.pointee.format)
        guard let descriptor = av_pix_fmt_desc_get(format),
              descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_PLANAR) != 0,
              descriptor.pointee.flags & UInt64(AV_PIX_FMT_FLAG_RGB | AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_PAL) == 0 else {
            throw FFmpegError(code: CFFmpeg_AVERROR(ENOSYS))
        }
        let canvas = try Frame(width: grid.canvasWidth, height: grid.canvasHeight, format: format)
        try FFmpegError.check(av_frame_copy_props(canvas.raw, tile.raw))
        var planes: [UnsafeMutablePointer<UInt8>?] = [canvas.raw.pointee.data.0, canvas.raw.pointee.data.1,
                                                      canvas.raw.pointee.data.2, canvas.raw.pointee.data.3]
        let strides = [canvas.raw.pointee.linesize.0, canvas.raw.pointee.linesize.1, canvas.raw.pointee.linesize.2,
                       canvas.raw.pointee.linesize.3].map { Int($0) }
        try FFmpegError.check(av_image_fill_black(&planes, strides, format, tile.raw.pointee.color_range,
                                                  Int32(grid.canvasWidth), Int32(grid.canvasHeight)))
        return canvas
    }

    /// Copies `tile` onto `canvas` with its top left corner at `x`, `y`, plane by plane (chroma
    /// planes at their subsampled size), clipped to the canvas.
    private static func copy(_ tile: Frame, to canvas: Frame, x: Int, y: Int) throws {
        guard tile.raw.pointee.format == canvas.raw.pointee.format else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
        let format = AVPixelFormat(rawValue: tile.raw.pointee.format)
        guard let descriptor = av_pix_fmt_desc_get(format) else { throw FFmpegError(code: CFFmpeg_AVERROR_INVALIDDATA()) }
        let width = min(Int(tile.raw.pointee.width), Int(canvas.raw.pointee.width) - x)
        let height = min(Int(tile.raw.pointee.height), Int(canvas.raw.pointee.height) - y)
        guard x >= 0, y >= 0, width > 0, height > 0 else { return }
        let planeCount = Int(av_pix_fmt_count_planes(format))
        let source = [tile.raw.pointee.data.0, tile.raw.pointee.data.1, tile.raw.pointee.data.2, tile.raw.pointee.data.3]
        let sourceStrides = [tile.raw.pointee.linesize.0, tile.raw.pointee.linesize.1, tile.raw.pointee.linesize.2,
                             tile.raw.pointee.linesize.3].map { Int($0) }
        let target = [canvas.raw.pointee.data.0, canvas.raw.pointee.data.1, canvas.raw.pointee.data.2, canvas.raw.pointee.data.3]
        let targetStrides = [canvas.raw.pointee.linesize.0, canvas.raw.pointee.linesize.1, canvas.raw.pointee.linesize.2,
                             canvas.raw.pointee.linesize.3].map { Int($0) }
        for plane in 0..<min(planeCount, 4) {
            guard let from = source[plane], let to = target[plane] else { continue }
            // Chroma planes (1 and 2) have fewer rows; their bytes across come from the format's own sums.
            let shiftY = plane == 1 || plane == 2 ? Int(descriptor.pointee.log2_chroma_h) : 0
            let rows = (height + (1 << shiftY) - 1) >> shiftY
            let bytes = Int(av_image_get_linesize(format, Int32(width), Int32(plane)))
            let offset = Int(av_image_get_linesize(format, Int32(x), Int32(plane)))
            av_image_copy_plane(to + (y >> shiftY) * targetStrides[plane] + offset, Int32(targetStrides[plane]),
                                from, Int32(sourceStrides[plane]), Int32(bytes), Int32(rows))
        }
    }
}
