internal import CFFmpeg

/// A picture stored as a grid of tiles, each a stream of its own (an iPhone's HEIC photo: 48 HEVC
/// pictures of 512×512 on a 4096×3072 canvas, 4032×3024 of it shown). FFmpeg 7.1 and later read
/// such a file as one stream per tile and a stream group that says how they join; ffprobe lists
/// the group under `stream_groups`. In `probe --json` it is `tile_grid` (a name of our own), and
/// the picture's size is the grid's, not a tile's.
public struct TileGrid: Codable, Sendable, Equatable {
    /// The picture shown.
    public var width: Int
    public var height: Int
    /// The canvas the tiles are laid on; the picture is the part of it from `left`, `top`.
    public var canvasWidth: Int
    public var canvasHeight: Int
    public var left: Int
    public var top: Int
    public var tiles: [Tile]
    /// Degrees clockwise a viewer turns the picture (its `irot`: from FFmpeg 8.0 on as FFmpeg gives
    /// it, before as the file says it), 0 without one.
    public var rotation: Int

    /// One tile: the stream (by its index in the file) and where its top left corner goes on the canvas.
    public struct Tile: Codable, Sendable, Equatable {
        public var stream: Int
        public var x: Int
        public var y: Int
    }

    enum CodingKeys: String, CodingKey {
        case width, height
        case canvasWidth = "coded_width"
        case canvasHeight = "coded_height"
        case left = "horizontal_offset"
        case top = "vertical_offset"
        case tiles
        case rotation = "rotation_cw"
    }
}

extension MediaFile {
    /// The file's tile grid, when its demuxer gives one (FFmpeg 7.1 and later, for HEIF grids).
    var tileGrid: TileGrid? {
        var grid = CFFmpegTileGrid()
        guard CFFmpeg_tile_grid(context, &grid) == 1 else { return nil }
        var tiles: [TileGrid.Tile] = []
        for tile in 0..<grid.tiles {
            var stream: Int32 = 0, x: Int32 = 0, y: Int32 = 0
            guard CFFmpeg_tile_grid_tile(context, grid.group, tile, &stream, &x, &y) == 0 else { return nil }
            tiles.append(TileGrid.Tile(stream: Int(stream), x: Int(x), y: Int(y)))
        }
        var size = 0
        let matrix = Self.displayMatrix(CFFmpeg_tile_grid_side_data(context, grid.group, AV_PKT_DATA_DISPLAYMATRIX, &size), size: size)
        // FFmpeg 7.1 gives a grid no turn: the file's own `irot` says it then.
        let turn = matrix?.counterClockwise.map(Self.clockwise)
            ?? context.pointee.url.flatMap { HEIFTurn.clockwise(ofFileAt: String(cString: $0)) }
        return TileGrid(width: Int(grid.width), height: Int(grid.height), canvasWidth: Int(grid.canvasWidth),
                        canvasHeight: Int(grid.canvasHeight), left: Int(grid.left), top: Int(grid.top), tiles: tiles,
                        rotation: turn ?? 0)
    }
}
