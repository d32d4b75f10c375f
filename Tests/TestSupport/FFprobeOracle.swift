import Foundation

/// The ffprobe CLI as an independent oracle: what it says a file holds, as parsed JSON.
public struct FFprobeReport {
    public let format: [String: Any]
    public let streams: [[String: Any]]

    /// Runs `ffprobe -show_format -show_streams -of json` on `path`.
    public init(path: String) async throws {
        let result = try await ProcessRunner.run("ffprobe", ["-v", "error", "-show_format", "-show_streams", "-of", "json", path])
        guard result.status == 0,
              let object = try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        else { throw OracleError.failed(path: path, message: result.standardError) }
        format = object["format"] as? [String: Any] ?? [:]
        streams = object["streams"] as? [[String: Any]] ?? []
    }

    /// ffprobe prints many numbers as strings: read either.
    public static func number(_ value: Any?) -> Double? {
        switch value {
        case let number as NSNumber: return number.doubleValue
        case let text as String: return Double(text)
        default: return nil
        }
    }

    public static func integer(_ value: Any?) -> Int? {
        number(value).map { Int($0) }
    }

    /// The first column of each row of ffprobe's `-of csv=p=0` output. ffprobe 7 ends some rows with an
    /// empty column for a subsection it has nothing for (a frame's side data), so a row is not one value.
    public static func firstColumn(_ output: String) -> [Substring] {
        output.split(separator: "\n").compactMap { $0.split(separator: ",", omittingEmptySubsequences: false).first }
    }

    /// The display matrix rotation ffprobe reports (counter-clockwise degrees), if any.
    public static func rotation(of stream: [String: Any]) -> Int? {
        let sideData = stream["side_data_list"] as? [[String: Any]] ?? []
        return sideData.lazy.compactMap { integer($0["rotation"]) }.first
    }
}

public enum OracleError: Error {
    case failed(path: String, message: String)
}
