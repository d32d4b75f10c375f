#ifndef KLING_MEDIA_CFFMPEG_SHIM_H
#define KLING_MEDIA_CFFMPEG_SHIM_H

#include <libavformat/avformat.h>
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include <libswresample/swresample.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersrc.h>
#include <libavfilter/buffersink.h>

// FFmpeg 5.1 (libavcodec 59.37) is the oldest this builds with (its channel layout API came in 5.1):
// an older one (Ubuntu 22.04's 4.4, Debian 11's 4.3) is refused here in words, not by screens of
// errors further on.
#if LIBAVCODEC_VERSION_INT < AV_VERSION_INT(59, 37, 100)
#error "kling-media needs FFmpeg 5.1 or later (libavcodec 59.37); the headers found are older: install a newer FFmpeg's development packages (Ubuntu 22.04's 4.4 is too old)"
#endif

// Function-like and expression macros that Swift's importer cannot see, and the calls whose form
// depends on the FFmpeg version (5.1 to 9.0): Swift calls these, never the versioned API, and has
// no #if on FFmpeg versions. Nothing else lives in this target.

static inline int CFFmpeg_AVERROR(int posixError) { return AVERROR(posixError); }
static inline int CFFmpeg_AVERROR_EOF(void) { return AVERROR_EOF; }
static inline int CFFmpeg_AVERROR_INVALIDDATA(void) { return AVERROR_INVALIDDATA; }
static inline int64_t CFFmpeg_AV_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }
static inline AVRational CFFmpeg_AV_TIME_BASE_Q(void) { return AV_TIME_BASE_Q; }


// MARK: Unknown profile. AV_PROFILE_UNKNOWN since libavcodec 60.26 (FFmpeg 6.1); FF_ gone in 9.0.

static inline int CFFmpeg_PROFILE_UNKNOWN(void) {
#ifdef AV_PROFILE_UNKNOWN
    return AV_PROFILE_UNKNOWN;
#else
    return FF_PROFILE_UNKNOWN;
#endif
}

// MARK: A stream's side data (the display matrix). Since libavcodec 60.30 (FFmpeg 6.1) it lives in
// codecpar->coded_side_data; av_stream_get/new_side_data are deprecated there and gone in 9.0.

#define CFFmpeg_CODED_SIDE_DATA (LIBAVCODEC_VERSION_INT >= AV_VERSION_INT(60, 30, 100))

/// The stream's side data of `type`, its size in `size`; NULL when it has none.
static inline const uint8_t *CFFmpeg_stream_side_data(const AVStream *stream, enum AVPacketSideDataType type, size_t *size) {
#if CFFmpeg_CODED_SIDE_DATA
    const AVPacketSideData *data = av_packet_side_data_get(stream->codecpar->coded_side_data,
                                                           stream->codecpar->nb_coded_side_data, type);
    if (!data) return NULL;
    *size = data->size;
    return data->data;
#else
    return av_stream_get_side_data(stream, type, size);
#endif
}

/// New side data of `type` and `size` on the stream (replacing any); NULL when out of memory.
static inline uint8_t *CFFmpeg_stream_new_side_data(AVStream *stream, enum AVPacketSideDataType type, size_t size) {
#if CFFmpeg_CODED_SIDE_DATA
    AVPacketSideData *data = av_packet_side_data_new(&stream->codecpar->coded_side_data,
                                                     &stream->codecpar->nb_coded_side_data, type, size, 0);
    return data ? data->data : NULL;
#else
    return av_stream_new_side_data(stream, type, size);
#endif
}

/// Removes the stream's side data of `type`. Before 60.30 copying codec parameters did not copy
/// side data, so there is nothing a copy could have brought along.
static inline void CFFmpeg_stream_remove_side_data(AVStream *stream, enum AVPacketSideDataType type) {
#if CFFmpeg_CODED_SIDE_DATA
    av_packet_side_data_remove(stream->codecpar->coded_side_data, &stream->codecpar->nb_coded_side_data, type);
#else
    (void)stream; (void)type;
#endif
}

// MARK: swscale. In libswscale 8 SwsContext became a public struct and the flags an enum: Swift
// would see a different type for the context, so it is handed over as an untyped pointer.

// sws_getCachedContext with the flags given as a plain int, whatever their C type in this version.
static inline void *CFFmpeg_cached_scaler(void *context, int sourceWidth, int sourceHeight, enum AVPixelFormat sourceFormat,
                                          int width, int height, enum AVPixelFormat format, int flags) {
    return sws_getCachedContext((struct SwsContext *)context, sourceWidth, sourceHeight, sourceFormat,
                                width, height, format, flags, NULL, NULL, NULL);
}

/// A bicubic scaler from one picture format and size to another, reusing `context` when it fits
/// (sws_getCachedContext); NULL on failure. Free it with CFFmpeg_scaler_free.
static inline void *CFFmpeg_scaler(void *context, int sourceWidth, int sourceHeight, enum AVPixelFormat sourceFormat,
                                   int width, int height, enum AVPixelFormat format) {
    return CFFmpeg_cached_scaler(context, sourceWidth, sourceHeight, sourceFormat, width, height, format, SWS_BICUBIC);
}

/// Like CFFmpeg_scaler, with area averaging: for pictures made much smaller to be compared, where
/// each small pixel should be the mean of the ones it covers (OpenCV's INTER_AREA).
static inline void *CFFmpeg_area_scaler(void *context, int sourceWidth, int sourceHeight, enum AVPixelFormat sourceFormat,
                                        int width, int height, enum AVPixelFormat format) {
    return CFFmpeg_cached_scaler(context, sourceWidth, sourceHeight, sourceFormat, width, height, format, SWS_AREA);
}

/// Scales a whole decoded frame into one packed picture (RGB24 and the like) at `destination`.
static inline int CFFmpeg_scale_frame_packed(void *context, const AVFrame *frame, uint8_t *destination, int destinationStride) {
    uint8_t *planes[4] = { destination, NULL, NULL, NULL };
    int strides[4] = { destinationStride, 0, 0, 0 };
    return sws_scale((struct SwsContext *)context, (const uint8_t *const *)frame->data, frame->linesize, 0, frame->height,
                     planes, strides);
}

/// Makes `context` read YUV by the matrix `colorspace` names (BT.709 for an HD clip tagged so),
/// keeping the ranges swscale chose for the formats; swscale's default, BT.601, otherwise, as
/// ffmpeg reads an untagged picture. 0, or negative when swscale will not say or take it.
static inline int CFFmpeg_scaler_read_colorspace(void *context, enum AVColorSpace colorspace) {
    switch (colorspace) {
    case AVCOL_SPC_BT709: case AVCOL_SPC_FCC: case AVCOL_SPC_BT470BG: case AVCOL_SPC_SMPTE170M:
    case AVCOL_SPC_SMPTE240M: case AVCOL_SPC_BT2020_NCL: case AVCOL_SPC_BT2020_CL:
        break;
    default:
        return 0;
    }
    int *inverse, *table, sourceRange, range, brightness, contrast, saturation;
    if (sws_getColorspaceDetails((struct SwsContext *)context, &inverse, &sourceRange, &table, &range,
                                 &brightness, &contrast, &saturation) < 0)
        return -1;
    return sws_setColorspaceDetails((struct SwsContext *)context, sws_getCoefficients(colorspace), sourceRange, table, range,
                                    brightness, contrast, saturation);
}

static inline int CFFmpeg_scale(void *context, const uint8_t *const source[], const int sourceStrides[], int sourceY,
                                int sourceHeight, uint8_t *const destination[], const int destinationStrides[]) {
    return sws_scale((struct SwsContext *)context, source, sourceStrides, sourceY, sourceHeight, destination, destinationStrides);
}

static inline void CFFmpeg_scaler_free(void *context) {
    sws_freeContext((struct SwsContext *)context);
}

// MARK: HEIF tile grids: an iPhone's photo is 48 HEVC pictures of 512×512 joined on a canvas. Since
// libavformat 61 (FFmpeg 7.0) a demuxer may expose such an image as a stream group of type
// TILE_GRID, each tile a stream of its own (the MP4 demuxer does for HEIF from 7.1); before, there
// are no stream groups, and no FFmpeg before 7.1 reads a HEIC at all.

/// The picture a tile grid makes: the part of the canvas shown, the canvas, and its tiles.
typedef struct CFFmpegTileGrid {
    int width, height;
    int canvasWidth, canvasHeight;
    int left, top;
    unsigned tiles;
    /// The grid's index among the file's stream groups.
    unsigned group;
} CFFmpegTileGrid;

/// The file's tile grid in `grid` (the default one when there are several): 1; 0 when it has none.
static inline int CFFmpeg_tile_grid(const AVFormatContext *format, CFFmpegTileGrid *grid) {
#if LIBAVFORMAT_VERSION_MAJOR >= 61
    const AVStreamGroup *chosen = NULL;
    for (unsigned i = 0; i < format->nb_stream_groups; i++) {
        const AVStreamGroup *group = format->stream_groups[i];
        if (group->type != AV_STREAM_GROUP_PARAMS_TILE_GRID || !group->params.tile_grid || group->params.tile_grid->nb_tiles == 0)
            continue;
        if (!chosen || ((group->disposition & AV_DISPOSITION_DEFAULT) && !(chosen->disposition & AV_DISPOSITION_DEFAULT))) {
            chosen = group;
            grid->group = i;
        }
    }
    if (!chosen) return 0;
    const AVStreamGroupTileGrid *tiles = chosen->params.tile_grid;
    grid->width = tiles->width;
    grid->height = tiles->height;
    grid->canvasWidth = tiles->coded_width;
    grid->canvasHeight = tiles->coded_height;
    grid->left = tiles->horizontal_offset;
    grid->top = tiles->vertical_offset;
    grid->tiles = tiles->nb_tiles;
    return 1;
#else
    (void)format; (void)grid;
    return 0;
#endif
}

/// The grid's side data of `type` (the display matrix of an `irot` turn), its size in `size`;
/// NULL when it has none. A grid carries side data since libavformat 61.9 (after FFmpeg 7.1, whose
/// grids have none; 9.0's have it); asked from 62 (FFmpeg 8.0) on.
static inline const uint8_t *CFFmpeg_tile_grid_side_data(const AVFormatContext *format, unsigned group,
                                                         enum AVPacketSideDataType type, size_t *size) {
#if LIBAVFORMAT_VERSION_MAJOR >= 62
    if (group >= format->nb_stream_groups || format->stream_groups[group]->type != AV_STREAM_GROUP_PARAMS_TILE_GRID)
        return NULL;
    const AVStreamGroupTileGrid *tiles = format->stream_groups[group]->params.tile_grid;
    const AVPacketSideData *data = av_packet_side_data_get(tiles->coded_side_data, tiles->nb_coded_side_data, type);
    if (!data) return NULL;
    *size = data->size;
    return data->data;
#else
    (void)format; (void)group; (void)type; (void)size;
    return NULL;
#endif
}

/// Tile `tile` of the grid `group`: the file's stream that holds it, and where its top left corner
/// goes on the canvas. 0, or an AVERROR.
static inline int CFFmpeg_tile_grid_tile(const AVFormatContext *format, unsigned group, unsigned tile,
                                         int *streamIndex, int *x, int *y) {
#if LIBAVFORMAT_VERSION_MAJOR >= 61
    if (group >= format->nb_stream_groups || format->stream_groups[group]->type != AV_STREAM_GROUP_PARAMS_TILE_GRID)
        return AVERROR(EINVAL);
    const AVStreamGroup *grid = format->stream_groups[group];
    const AVStreamGroupTileGrid *tiles = grid->params.tile_grid;
    if (tile >= tiles->nb_tiles) return AVERROR(EINVAL);
    if (tiles->offsets[tile].idx >= grid->nb_streams) return AVERROR_INVALIDDATA;
    *streamIndex = grid->streams[tiles->offsets[tile].idx]->index;
    *x = tiles->offsets[tile].horizontal;
    *y = tiles->offsets[tile].vertical;
    return 0;
#else
    (void)format; (void)group; (void)tile; (void)streamIndex; (void)x; (void)y;
    return AVERROR(ENOSYS);
#endif
}

#endif
