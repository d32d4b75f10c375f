import Synchronization
internal import CFFmpeg

/// Counts the encoders opened by the work of the task it is bound in: how a caller (a test) knows
/// that an edit was a remux, with nothing encoded.
public final class EncoderCount: Sendable {
    @TaskLocal public static var current: EncoderCount?
    private let count = Atomic<Int>(0)

    public init() {}

    public var opened: Int { count.load(ordering: .relaxed) }

    func add() { count.add(1, ordering: .relaxed) }
}

/// An opened encoder: owns its `AVCodecContext` and the packet it hands out, frees them in
/// `deinit`. `MediaEncoder+H264` and `MediaEncoder+AAC` make the ones MediaKit uses.
final class MediaEncoder {
    let context: UnsafeMutablePointer<AVCodecContext>
    private let packet: Packet

    /// Allocates a context for `codec`; `configure` sets it up before it is opened.
    init(codec: UnsafePointer<AVCodec>, options: [String: String] = [:],
         configure: (UnsafeMutablePointer<AVCodecContext>) -> Void) throws(FFmpegError) {
        guard let context = avcodec_alloc_context3(codec) else { throw FFmpegError(code: CFFmpeg_AVERROR(ENOMEM)) }
        self.context = context
        packet = try Packet()
        EncoderCount.current?.add()
        configure(context)
        for (name, value) in options { av_opt_set(context.pointee.priv_data, name, value, 0) }
        try FFmpegError.check(avcodec_open2(context, codec, nil))
    }

    deinit {
        var owned: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&owned)
    }

    /// Hands a frame to the encoder; nil flushes it (after the last frame).
    func send(_ frame: Frame?) throws(FFmpegError) {
        try FFmpegError.check(avcodec_send_frame(context, frame?.raw))
    }

    /// The next encoded packet, valid until the next call. EAGAIN and EOF are states of the
    /// encoder, not failures.
    func receive() throws(FFmpegError) -> EncoderOutput {
        av_packet_unref(packet.raw)
        let result = avcodec_receive_packet(context, packet.raw)
        if result == CFFmpeg_AVERROR(EAGAIN) { return .needsInput }
        if result == CFFmpeg_AVERROR_EOF() { return .endOfStream }
        try FFmpegError.check(result)
        return .packet(packet.raw)
    }
}

/// What an encoder's `receive` found.
enum EncoderOutput {
    case packet(UnsafeMutablePointer<AVPacket>)
    case needsInput
    case endOfStream
}
