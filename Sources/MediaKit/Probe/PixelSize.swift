/// A picture's width and height in pixels.
public struct PixelSize: Hashable, Codable, Sendable, CustomStringConvertible {
    public let width: Int
    public let height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public var aspect: AspectRatio { .reduced(width, height) }
    public var description: String { "\(width)×\(height)" }

    /// Both sides within `allowed`.
    public func fits(_ allowed: ClosedRange<Int>) -> Bool {
        allowed.contains(width) && allowed.contains(height)
    }
}
