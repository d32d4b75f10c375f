import Testing
@testable import MediaKit

/// A shot scan's pictures are turned into hue, saturation and value as OpenCV does it (the
/// content value PySceneDetect's threshold is set for is measured on OpenCV's HSV).
@Suite struct ComparisonPictureTests {
    /// `cv2.cvtColor(…, cv2.COLOR_RGB2HSV)` of these colours, recorded from opencv-python-headless
    /// 5.0.0 (the one PySceneDetect's bench installs): primaries, greys, near-greys whose hue
    /// turns on one level, and colours where two channels tie for the largest.
    static let opencv: [((Int, Int, Int), (UInt8, UInt8, UInt8))] = [
        ((0, 0, 0), (0, 0, 0)),
        ((255, 255, 255), (0, 0, 255)),
        ((128, 128, 128), (0, 0, 128)),
        ((255, 0, 0), (0, 255, 255)),
        ((0, 255, 0), (60, 255, 255)),
        ((0, 0, 255), (120, 255, 255)),
        ((255, 255, 0), (30, 255, 255)),
        ((0, 255, 255), (90, 255, 255)),
        ((255, 0, 255), (150, 255, 255)),
        ((200, 30, 40), (178, 217, 200)),
        ((30, 200, 40), (62, 217, 200)),
        ((40, 30, 200), (122, 217, 200)),
        ((12, 250, 251), (90, 243, 251)),
        ((251, 12, 250), (150, 243, 251)),
        ((1, 2, 3), (105, 170, 3)),
        ((250, 249, 1), (30, 254, 250)),
        ((17, 99, 180), (105, 231, 180)),
        ((180, 99, 17), (15, 231, 180)),
        ((99, 17, 180), (135, 231, 180)),
        ((77, 76, 78), (135, 7, 78)),
    ]

    @Test func huesSaturationsAndValuesAreOpenCVs() {
        let rgb = Self.opencv.flatMap { [UInt8($0.0.0), UInt8($0.0.1), UInt8($0.0.2)] }
        let picture = rgb.withUnsafeBufferPointer { ComparisonPicture(rgb: $0) }
        for (index, (colour, expected)) in Self.opencv.enumerated() {
            let made = (picture.hsv[index * 3], picture.hsv[index * 3 + 1], picture.hsv[index * 3 + 2])
            #expect(made == expected, "RGB \(colour): \(made), OpenCV \(expected)")
        }
    }
}
