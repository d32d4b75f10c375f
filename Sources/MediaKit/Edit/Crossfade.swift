internal import CFFmpeg

/// A cross-fade over a joint: the outgoing clip's last frames and the incoming clip's first ones
/// shown together, the incoming one's weight rising step by step, and likewise their sound.
///
/// Over `frames` frames, frame j (from 0) gives the incoming picture the weight (j + 1) / (frames + 1),
/// so neither end of the fade repeats a clip's own picture and the ramp is symmetric: a 1-frame
/// fade is an even mix. The sound's gain ramps linearly over the same stretch (as ffmpeg's
/// `acrossfade` does by default).
enum Crossfade {
    /// The incoming clip's weight in frame `index` of a fade `frames` long, 0 < weight < 1.
    static func pictureWeight(frame index: Int64, of frames: Int64) -> Double {
        Double(index + 1) / Double(frames + 1)
    }

    /// The incoming clip's gain at sample `index` of a fade `samples` long.
    static func soundGain(sample index: Int64, of samples: Int64) -> Float {
        Float((Double(index) + 0.5) / Double(max(samples, 1)))
    }

    /// Mixes two yuv420p pictures of one size into `output`: `outgoing` × (1 − weight) + `incoming` × weight.
    static func blend(_ outgoing: Frame, _ incoming: Frame, weight: Double, into output: Frame) throws(FFmpegError) {
        try output.makeWritable()
        let width = Int(output.raw.pointee.width), height = Int(output.raw.pointee.height)
        // 8-bit fixed point: the weight in 256ths, rounded to the nearest value.
        let incomingShare = Int(max(0, min(256, (weight * 256).rounded())))
        let outgoingShare = 256 - incomingShare
        for plane in 0..<3 {
            let shift = plane == 0 ? 0 : 1
            let (a, aStride) = outgoing.plane(plane)
            let (b, bStride) = incoming.plane(plane)
            let (out, outStride) = output.plane(plane)
            let rowLength = (width + shift) >> shift
            for row in 0..<((height + shift) >> shift) {
                let aRow = a + row * aStride, bRow = b + row * bStride, outRow = out + row * outStride
                for x in 0..<rowLength {
                    outRow[x] = UInt8(truncatingIfNeeded: (Int(aRow[x]) * outgoingShare + Int(bRow[x]) * incomingShare + 128) >> 8)
                }
            }
        }
    }
}
