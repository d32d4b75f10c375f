import Foundation
import HTTP
import HTTPTypes

/// The simulator's test controls, over HTTP: stage faults, read what it was sent.
public struct SimulatorControl: Sendable {
    public let baseURL: String
    private let http = HTTPClient()

    public init(baseURL: String) {
        self.baseURL = baseURL
    }

    /// The next `count` requests whose path starts with `path` get `status`.
    public func fail(_ count: Int, with status: Int, path: String) async throws {
        try await stage(["status": status, "count": count, "path": path])
    }

    /// The next `count` requests on `path` get 429 saying the window resets `seconds` later
    /// (answered `delay` seconds after they arrive: requests sent together are refused together).
    public func rateLimit(_ count: Int, resettingAfter seconds: Double, path: String, answeredAfter delay: Double? = nil) async throws {
        var fault: [String: Any] = ["status": 429, "count": count, "path": path, "reset_after": seconds]
        if let delay { fault["delay"] = delay }
        try await stage(fault)
    }

    /// The next `count` answers on `path` break off mid-body.
    public func drop(_ count: Int, path: String) async throws {
        try await stage(["drop": true, "count": count, "path": path])
    }

    /// The next `count` answers on `path` wait `seconds` first.
    public func delay(_ count: Int, by seconds: Double, path: String) async throws {
        try await stage(["delay": seconds, "count": count, "path": path])
    }

    /// The next `count` requests on `path` are acted on, and answered 2xx with a body that is not JSON.
    public func garble(_ count: Int, path: String) async throws {
        try await stage(["garble": true, "count": count, "path": path])
    }

    /// The next `count` files on `path` are sent whole but promised longer, then the connection breaks.
    public func overstate(_ count: Int, path: String) async throws {
        try await stage(["overstate": true, "count": count, "path": path])
    }

    /// While held, jobs stay PROCESSING whatever their timeline says.
    public func hold(_ holding: Bool) async throws {
        try await post("/_simulator/hold", "{\"hold\": \(holding)}")
    }

    /// While held, submissions are taken (each job exists) but not answered; released, all are.
    public func holdAnswers(_ holding: Bool) async throws {
        try await post("/_simulator/hold-answers", "{\"hold\": \(holding)}")
    }

    /// Ends every signed output link made so far (a simulator with `outputLinkSeconds`).
    public func expireLinks() async throws {
        try await post("/_simulator/expire-links", "{}")
    }

    private func post(_ path: String, _ body: String) async throws {
        let response = try await http.send(HTTPExchange(.post, url: baseURL + path, headers: [.contentType: "application/json"],
                                                        body: .bytes(Array(body.utf8))))
        guard response.status == .ok else { throw OracleError.failed(path: path, message: response.bodyText) }
    }

    /// Every request the simulator saw: method, path, host, sent_api_key.
    public func log() async throws -> [[String: Any]] {
        let response = try await http.send(HTTPExchange(url: baseURL + "/_simulator/log"))
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [[String: Any]] ?? []
    }

    /// The requests of `method` to paths starting with `path`, in order.
    public func requests(_ method: String, _ path: String) async throws -> [[String: Any]] {
        try await log().filter { $0["method"] as? String == method && ($0["path"] as? String ?? "").hasPrefix(path) }
    }

    /// How many requests of `method` went to paths starting with `path`.
    public func count(_ method: String, _ path: String) async throws -> Int {
        try await log().filter { $0["method"] as? String == method && ($0["path"] as? String ?? "").hasPrefix(path) }.count
    }

    private func stage(_ fault: [String: Any]) async throws {
        let body = try JSONSerialization.data(withJSONObject: fault)
        try await post("/_simulator/faults", String(decoding: body, as: UTF8.self))
    }
}
