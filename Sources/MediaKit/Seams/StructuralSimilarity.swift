/// The structural similarity (SSIM) of two 8-bit planes of one size, computed as FFmpeg's `ssim`
/// filter computes it (x264's method): sums over 4×4 blocks, SSIM of each 8×8 window stepping by
/// 4 with the constants scaled to the window, averaged. 1 for identical planes; near 0 for
/// unrelated ones. Same numbers as `ffmpeg -lavfi ssim` prints for the plane (its `Y:` for luma).
enum StructuralSimilarity {
    /// A plane: `width`×`height` bytes, rows `stride` apart.
    struct Plane {
        let bytes: [UInt8]
        let width: Int
        let height: Int
        let stride: Int
    }

    static func of(_ a: Plane, _ b: Plane) -> Double {
        let blocksWide = min(a.width, b.width) / 4, blocksHigh = min(a.height, b.height) / 4
        guard blocksWide > 1, blocksHigh > 1 else { return a.bytes == b.bytes ? 1 : 0 }
        // Per 4×4 block: Σa, Σb, Σa² + Σb², Σab.
        var sums = [(Int, Int, Int, Int)](repeating: (0, 0, 0, 0), count: blocksWide * blocksHigh)
        for blockY in 0..<blocksHigh {
            for blockX in 0..<blocksWide {
                var s1 = 0, s2 = 0, ss = 0, s12 = 0
                for y in 0..<4 {
                    let rowA = (blockY * 4 + y) * a.stride + blockX * 4, rowB = (blockY * 4 + y) * b.stride + blockX * 4
                    for x in 0..<4 {
                        let p = Int(a.bytes[rowA + x]), q = Int(b.bytes[rowB + x])
                        s1 += p
                        s2 += q
                        ss += p * p + q * q
                        s12 += p * q
                    }
                }
                sums[blockY * blocksWide + blockX] = (s1, s2, ss, s12)
            }
        }
        var total = 0.0
        for blockY in 1..<blocksHigh {
            for blockX in 0..<(blocksWide - 1) {
                let corners = [sums[(blockY - 1) * blocksWide + blockX], sums[(blockY - 1) * blocksWide + blockX + 1],
                               sums[blockY * blocksWide + blockX], sums[blockY * blocksWide + blockX + 1]]
                let s = corners.reduce((0, 0, 0, 0)) { ($0.0 + $1.0, $0.1 + $1.1, $0.2 + $1.2, $0.3 + $1.3) }
                total += window(s1: Double(s.0), s2: Double(s.1), ss: Double(s.2), s12: Double(s.3))
            }
        }
        return total / Double((blocksHigh - 1) * (blocksWide - 1))
    }

    /// x264's `ssim_end1` for one 8×8 window (64 pixels).
    private static func window(s1: Double, s2: Double, ss: Double, s12: Double) -> Double {
        let c1 = 0.01 * 0.01 * 255 * 255 * 64, c2 = 0.03 * 0.03 * 255 * 255 * 64 * 63
        let variances = ss * 64 - s1 * s1 - s2 * s2
        let covariance = s12 * 64 - s1 * s2
        return (2 * s1 * s2 + c1) * (2 * covariance + c2) / ((s1 * s1 + s2 * s2 + c1) * (variances + c2))
    }
}
