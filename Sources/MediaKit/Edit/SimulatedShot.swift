internal import CFFmpeg

/// What the simulator returns for a clip it was sent: a stand-in for the model's next shot that
/// reads as one. It opens on the clip's last frame as displayed (cropped to the shot's shape, as
/// the model frames it) and moves on from it, a slow zoom drifting sideways, with a small caption
/// saying it is simulated; H.264 in MP4 at the size and rate asked, with a tone only when `audio`
/// is set. A joint stitched from it can be judged by eye, which a test pattern cannot show.
public enum SimulatedShot {
    /// How much closer the last frame is than the first (1.12: 12 %).
    static let finalZoom = 1.12

    public static func write(continuing clip: String, to path: String, width: Int, height: Int, seconds: Int,
                             framesPerSecond: Int = 24, audio: Bool = false,
                             caption: String = "SIMULATED") throws(FrameGrabError) {
        let (picture, _) = try FrameGrab.displayedPicture(of: clip, at: .last)
        do {
            try encode(picture, to: path, width: width, height: height, seconds: seconds,
                       framesPerSecond: framesPerSecond, audio: audio, caption: caption)
        } catch {
            throw .failed(path, error)
        }
    }

    private static func encode(_ picture: RGBPicture, to path: String, width: Int, height: Int, seconds: Int,
                               framesPerSecond: Int, audio: Bool, caption: String) throws(FFmpegError) {
        let camera = Camera(pictureWidth: picture.width, pictureHeight: picture.height, shotAspect: Double(width) / Double(height))
        let label = Caption(text: caption, frameHeight: height)
        var scaler: UnsafeMutableRawPointer?
        defer { CFFmpeg_scaler_free(scaler) }
        try GeneratedClip.write(to: path, width: width, height: height, seconds: seconds, framesPerSecond: framesPerSecond,
                                audio: audio, crf: 23) { frame, index, frameCount throws(FFmpegError) in
            let view = camera.view(at: Double(index) / Double(max(frameCount - 1, 1)))
            scaler = CFFmpeg_scaler(scaler, Int32(view.width), Int32(view.height), AV_PIX_FMT_RGB24,
                                    Int32(width), Int32(height), AV_PIX_FMT_YUV420P)
            guard let scaler else { throw FFmpegError(code: CFFmpeg_AVERROR(EINVAL)) }
            picture.pixels.withUnsafeBufferPointer { pixels in
                var source: [UnsafePointer<UInt8>?] = [pixels.baseAddress! + (view.y * picture.width + view.x) * 3, nil, nil, nil]
                var sourceStrides: [Int32] = [Int32(picture.width * 3), 0, 0, 0]
                var destination: [UnsafeMutablePointer<UInt8>?] = [frame.plane(0).base, frame.plane(1).base, frame.plane(2).base, nil]
                var destinationStrides: [Int32] = [Int32(frame.plane(0).stride), Int32(frame.plane(1).stride), Int32(frame.plane(2).stride), 0]
                _ = CFFmpeg_scale(scaler, &source, &sourceStrides, 0, Int32(view.height), &destination, &destinationStrides)
            }
            label.burn(into: frame)
        }
    }
}

/// Which part of the picture a frame of the shot shows: the largest crop of the shot's shape at the
/// start (centred, what the model would keep of the last frame), closing in to `finalZoom` and
/// drifting right by half the room left, so the shot moves on from where the clip stopped.
private struct Camera {
    let pictureWidth: Int
    let pictureHeight: Int
    let fullWidth: Double
    let fullHeight: Double

    init(pictureWidth: Int, pictureHeight: Int, shotAspect: Double) {
        self.pictureWidth = pictureWidth
        self.pictureHeight = pictureHeight
        let pictureAspect = Double(pictureWidth) / Double(max(pictureHeight, 1))
        if pictureAspect > shotAspect {
            fullHeight = Double(pictureHeight)
            fullWidth = fullHeight * shotAspect
        } else {
            fullWidth = Double(pictureWidth)
            fullHeight = fullWidth / shotAspect
        }
    }

    /// The crop at `progress` (0 at the first frame, 1 at the last), in whole pixels of the picture.
    func view(at progress: Double) -> (x: Int, y: Int, width: Int, height: Int) {
        // Eased, so the move starts gently from the still frame.
        let eased = progress * progress * (3 - 2 * progress)
        let zoom = 1 + (SimulatedShot.finalZoom - 1) * eased
        let width = max(2, Int((fullWidth / zoom).rounded()))
        let height = max(2, Int((fullHeight / zoom).rounded()))
        let centreX = Double(pictureWidth) / 2 + Double(pictureWidth - width) / 4 * eased
        let centreY = Double(pictureHeight) / 2
        let x = min(max(0, Int((centreX - Double(width) / 2).rounded())), pictureWidth - width)
        let y = min(max(0, Int((centreY - Double(height) / 2).rounded())), pictureHeight - height)
        return (x, y, width, height)
    }
}
