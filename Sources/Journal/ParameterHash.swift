import Segmind
import Support

/// A stable fingerprint of a job's parameters: SHA-256 of their JSON with sorted keys.
enum ParameterHash {
    static func sha256(of parameters: KlingRequest) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return ContentHash.sha256(of: Array((try? encoder.encode(parameters)) ?? Data()))
    }
}
