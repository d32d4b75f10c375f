import Foundation

/// Clips with hard cuts at frames known without our code: each shot is one of FFmpeg's synthetic
/// sources (its own size and frame rate), brought to one size and rate by ffmpeg's own filters;
/// ffprobe counts each shot's frames alone, so the cuts fall at the running totals. The shots
/// are then joined by ffmpeg's concat filter and encoded once, as an edited clip would be.
public enum CutClip {
    public struct Made: Sendable {
        public init(path: String, cutFrames: [Int], frameCount: Int, framesPerSecond: Int) {
            self.path = path
            self.cutFrames = cutFrames
            self.frameCount = frameCount
            self.framesPerSecond = framesPerSecond
        }

        public let path: String
        /// The first frame of every shot but the first, counted from 0.
        public let cutFrames: [Int]
        public let frameCount: Int
        public let framesPerSecond: Int
    }

    /// Shots every cut test can use: a moving test card, a zoom into the Mandelbrot set, colour
    /// bars, Conway's life, a rule-30 automaton and a few still test patterns; sizes from 320×240
    /// to 1280×720, rates from 15 to 30 fps. Life and the automaton start from a seeded random
    /// fill: unseeded, every run made other pictures, and a soup of noise squeezed through a
    /// starved encoder now and then jumped enough in quality between two frames to read as a cut.
    public static let shots = [
        "testsrc2=size=640x360:rate=30:duration=2",
        "mandelbrot=size=800x600:rate=25:end_pts=100,trim=duration=2",
        "smptehdbars=size=1280x720:rate=24:duration=1.5",
        "life=size=480x480:rate=24:mold=10:ratio=0.5:seed=1:death_color=#C83232:life_color=#00ff00,trim=duration=2",
        "cellauto=size=640x480:rate=25:rule=30:seed=1,trim=duration=1.5",
        "rgbtestsrc=size=320x240:rate=15:duration=1",
    ]

    /// `shots` (lavfi source graphs) made `width`×`height` at `rate` fps (fitted, padded) and joined
    /// into `path` (H.264, yuv420p; `encoding`: more of ffmpeg's output options, x264's say). x264
    /// runs on one thread: its output depends on how many it has, and a test's clip should be the
    /// same bytes on every machine.
    public static func make(_ shots: [String], width: Int = 640, height: Int = 360, rate: Int = 24,
                            encoding: [String] = [], at path: String) async throws -> Made {
        let conformed = shots.map {
            "\($0),scale=\(width):\(height):force_original_aspect_ratio=decrease,pad=\(width):\(height):(ow-iw)/2:(oh-ih)/2,"
                + "fps=\(rate),setsar=1,format=yuv420p"
        }
        var counts: [Int] = []
        for graph in conformed {
            let probe = try await ProcessRunner.run("ffprobe", ["-v", "error", "-f", "lavfi", "-i", graph, "-count_frames",
                                                                "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0"])
            guard probe.status == 0, let count = Int(probe.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw OracleError.failed(path: graph, message: "ffprobe could not count the shot's frames: \(probe.standardError)")
            }
            counts.append(count)
        }
        let labels = conformed.indices.map { "[s\($0)]" }
        let graph = zip(conformed, labels).map { "\($0)\($1)" }.joined(separator: ";")
            + ";" + labels.joined() + "concat=n=\(conformed.count):v=1:a=0"
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-filter_complex", graph,
                                                          "-c:v", "libx264", "-threads", "1", "-preset", "veryfast",
                                                          "-pix_fmt", "yuv420p"] + encoding + [path])
        guard made.status == 0 else { throw OracleError.failed(path: path, message: made.standardError) }
        let cuts = counts.indices.dropFirst().map { counts[..<$0].reduce(0, +) }
        return Made(path: path, cutFrames: cuts, frameCount: counts.reduce(0, +), framesPerSecond: rate)
    }

    /// One continuous shot of fast motion (a test card panned back and forth and shaken, up to
    /// ~250 pixels a frame), with a two-frame white flash at frame 60 and a one-frame 80 % flash
    /// at frame 100: no cut anywhere.
    public static func makeMotionWithFlashes(at path: String, width: Int = 640, height: Int = 360) async throws {
        let filter = "crop=1280:720:x='1280+1250*sin(t*5)':y='180+150*sin(t*7)',scale=\(width):\(height),"
            + "drawbox=color=white:t=fill:enable='between(n,60,61)',drawbox=color=white@0.8:t=fill:enable='eq(n,100)',format=yuv420p"
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-nostdin", "-y", "-f", "lavfi",
                                                          "-i", "testsrc2=size=3840x1080:rate=24:duration=6", "-vf", filter,
                                                          "-c:v", "libx264", "-threads", "1", "-preset", "veryfast", path])
        guard made.status == 0 else { throw OracleError.failed(path: path, message: made.standardError) }
    }
}
