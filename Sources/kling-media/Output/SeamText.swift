import MediaKit
import Support

/// A result's joints in words: the sheet, then each joint's scores, with what they suggest.
enum SeamText {
    static func lines(_ seams: SeamReport) -> [String] {
        var lines = seams.sheet.map { ["seams: \($0) (the frames either side of each joint)"] } ?? []
        for (number, joint) in seams.joints.enumerated() {
            lines.append("  joint \(number + 1) at \(Formatting.seconds(joint.time)): SSIM \(Formatting.fixed(joint.ssim, places: 3)), "
                         + "colour shift ΔE \(Formatting.fixed(joint.deltaE, places: 1))\(verdict(joint))")
        }
        return lines
    }

    /// A word on what the numbers suggest: a continuation should look like its clip went on.
    private static func verdict(_ joint: SeamReport.Joint) -> String {
        if joint.ssim >= 0.5 && joint.deltaE < 5 { return " (continuous)" }
        if joint.deltaE >= 10 { return " (the colour jumps)" }
        return joint.ssim < 0.2 ? " (the picture changes: a cut)" : ""
    }
}
