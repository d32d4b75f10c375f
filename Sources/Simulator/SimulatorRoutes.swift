import HTTPTypes
import Hummingbird
import MediaKit
import Segmind
import Support

/// The simulator's HTTP surface: Segmind's v2 API for Kling O1, the generated outputs, and the
/// `/_simulator/` controls tests use to stage faults and read what was sent.
struct SimulatorRoutes: Sendable {
    let state: SimulatorState
    let port: @Sendable () -> Int
    static let model = "kling-o1-video-to-video-reference"

    func register(on router: Router<BasicRequestContext>) {
        router.post("/v2/\(Self.model)") { request, _ in
            try await gate(request) { entry in try await submit(request, logEntry: entry) }
        }
        router.get("/v2/requests/:id/status") { request, context in
            try await gate(request) { entry in await status(id: context.parameters.get("id") ?? "", full: false, logEntry: entry) }
        }
        router.get("/v2/requests/:id") { request, context in
            try await gate(request) { entry in await status(id: context.parameters.get("id") ?? "", full: true, logEntry: entry) }
        }
        router.get("/outputs/:file") { request, context in
            let file = context.parameters.get("file") ?? ""
            await state.makeThumbnail(named: file)
            return try await serve(request, file: file, in: state.configuration.outputDirectory, refusal: await expiredLink(request))
        }
        // Segmind Storage (another host at Segmind; here beside the API).
        router.post("/upload-asset") { request, _ in
            try await gate(request, rateLimited: false) { _ in try await receiveUpload(request) }
        }
        router.get("/uploads/:file") { request, context in
            try await serve(request, file: context.parameters.get("file") ?? "", in: state.uploadDirectory)
        }
        router.post("/_simulator/faults") { request, context in
            let fault = try await request.decode(as: Fault.self, context: context)
            await state.stage(fault)
            return json(.ok, .object(["staged": .number(Double(fault.count))]))
        }
        router.post("/_simulator/hold-answers") { request, context in
            let body = try await request.decode(as: [String: Bool].self, context: context)
            await state.holdAnswers(body["hold"] ?? false)
            return json(.ok, .object(["holding_answers": .bool(body["hold"] ?? false)]))
        }
        // Every signed output link made so far is past its end (with --output-link-seconds).
        router.post("/_simulator/expire-links") { _, _ in
            await state.expireLinks()
            return json(.ok, .object(["expired": .bool(true)]))
        }
        router.post("/_simulator/hold") { request, context in
            let body = try await request.decode(as: [String: Bool].self, context: context)
            await state.hold(body["hold"] ?? false)
            return json(.ok, .object(["holding": .bool(body["hold"] ?? false)]))
        }
        // A body sink for benchmarks: reads and discards, answers with the byte count.
        router.put("/_simulator/sink") { request, _ in
            var count = 0
            for try await chunk in request.body { count += chunk.readableBytes }
            return json(.ok, .object(["bytes": .number(Double(count))]))
        }
        router.get("/_simulator/log") { _, _ in
            let body = try JSONEncoder().encode(await state.requestLog())
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
        }
    }

    // MARK: What every API request goes through, in Segmind's order: faults, auth, rate limit.

    private func gate(_ request: Request, rateLimited: Bool = true,
                      _ handler: (Int) async throws -> Response) async throws -> Response {
        let entry = await note(request)
        let response = try await admit(request, rateLimited: rateLimited) { try await handler(entry) }
        await state.recordAnswer(response.status.code, at: entry)
        return response
    }

    private func note(_ request: Request) async -> Int {
        await state.record(method: request.method.rawValue, path: request.uri.path, host: request.head.authority ?? "",
                           sentAPIKey: request.headers[HTTPField.Name("x-api-key")!] != nil, range: request.headers[.range])
    }

    private func admit(_ request: Request, rateLimited: Bool,
                       _ handler: () async throws -> Response) async throws -> Response {
        let key = request.headers[HTTPField.Name("x-api-key")!]
        let fault = await state.takeFault(for: request.uri.path)
        if let fault, let staged = try await response(for: fault) { return staged }
        if state.configuration.flakyRate > 0, Double.random(in: 0..<1) < state.configuration.flakyRate {
            return json(.badGateway, .object(["error": .string("Bad Gateway")]))
        }
        guard let key else { return json(.unauthorized, .object(["error": .string("Missing API key (x-api-key)")])) }
        guard key == state.configuration.apiKey else {
            return json(.unauthorized, .object(["error": .string("Invalid API key")]))
        }
        if rateLimited, let reset = await state.admit(key: key) {
            var headers = HTTPFields()
            headers[HTTPField.Name("x-rate-limit-reset-at-utc")!] = reset.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            return json(.tooManyRequests, .object(["error": .string("Rate limit exceeded")]), headers: headers)
        }
        var answer = try await handler()
        if rateLimited, state.configuration.statesRateLimit, let limit = state.configuration.requestsPerMinute,
           let remaining = await state.remaining(key: key) {
            answer.headers[HTTPField.Name("x-ratelimit-limit")!] = "\(limit)"
            answer.headers[HTTPField.Name("x-ratelimit-remaining")!] = "\(remaining)"
        }
        // A fault that comes after the request was acted on: the answer spoilt.
        if fault?.garble == true, (200..<300).contains(answer.status.code) {
            return Response(status: answer.status, headers: [.contentType: "text/html"],
                            body: ResponseBody(byteBuffer: ByteBuffer(string: "<html><body>Accepted</body></html>")))
        }
        return answer
    }

    /// What a staged fault does to an API answer: delay it, drop it, or replace its status.
    private func response(for fault: Fault) async throws -> Response? {
        if let delay = fault.delay { try await Task.sleep(for: .seconds(delay)) }
        if fault.drop == true {
            // Promise a body, send a little of it, then fail: the connection closes mid-answer.
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: ResponseBody(contentLength: 4096) { writer in
                                try await writer.write(ByteBuffer(string: "{\"status\": \"QUE"))
                                throw DroppedConnection()
                            })
        }
        if let status = fault.status {
            var headers = HTTPFields()
            if let resetAfter = fault.resetAfter {
                headers[HTTPField.Name("x-rate-limit-reset-at-utc")!] =
                    Date().addingTimeInterval(resetAfter).formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
            }
            return json(HTTPResponse.Status(code: status), .object(["error": .string("Simulated \(status)")]), headers: headers)
        }
        return nil
    }

    // MARK: The API

    private func submit(_ request: Request, logEntry: Int) async throws -> Response {
        let answer = try await takeSubmission(request, logEntry: logEntry)
        await state.answerWhenReleased()
        return answer
    }

    private func takeSubmission(_ request: Request, logEntry: Int) async throws -> Response {
        let contentType = request.headers[.contentType] ?? ""
        guard contentType.lowercased().hasPrefix("application/json") else {
            return json(.init(code: 406), .object(["error": .string("Invalid content type: send application/json")]))
        }
        let bytes = try await request.body.collect(upTo: 1 << 20)
        await state.recordBody(String(buffer: bytes), at: logEntry)
        let body: SubmissionBody
        do {
            body = try JSONDecoder().decode(SubmissionBody.self, from: Data(buffer: bytes))
        } catch {
            return json(.badRequest, .object(["error": .string("Request body is not valid JSON for this model")]))
        }
        let clipPath = SubmissionRules.uploadedClip(videoURL: body.videoURL ?? "", uploadDirectory: state.uploadDirectory)
        let clip = clipPath.flatMap { try? Probe.file(atPath: $0) }
        if let problem = body.encodingProblem(accepting: state.configuration.acceptedEncoding)
            ?? SubmissionRules.problem(with: body)
            ?? clip.flatMap(SubmissionRules.mediaProblem(clip:)) {
            return json(.badRequest, .object(["error": .string(problem)]))
        }
        let seconds = body.duration ?? 5
        guard await state.charge(seconds: seconds) else {
            return json(.init(code: 406), .object(["error": .string("Insufficient credits")]))
        }
        let size = SubmissionRules.outputSize(aspectRatio: body.aspectRatio ?? "auto", clip: clip)
        let blocked = (body.prompt ?? "").contains("[blocked]")
            || Double.random(in: 0..<1) < state.configuration.failRate
        let job = SimulatedJob(
            id: UUID().uuidString.lowercased(), submitted: Date(), width: size.width, height: size.height,
            seconds: seconds, audio: body.keepAudio ?? false,
            failure: blocked ? "Content blocked: the prompt or an input was flagged by the safety system (RAI)" : nil,
            sourceClip: clip == nil ? nil : clipPath)
        await state.add(job)
        await state.recordJob(job.id, status: SimulatedJob.Status.queued.rawValue, at: logEntry)
        let base = "http://127.0.0.1:\(port())/v2/requests/\(job.id)"
        return json(.ok, .object([
            "request_id": .string(job.id),
            "status": .string(SimulatedJob.Status.queued.rawValue),
            "status_url": .string(base + "/status"),
            "poll_url": .string(base + "/status"),
            "response_url": .string(base),
        ]))
    }

    private func status(id: String, full: Bool, logEntry: Int) async -> Response {
        let now = Date()
        let configuration = state.configuration
        guard let job = await state.job(id), !job.isExpired(at: now, configuration: configuration) else {
            return json(.notFound, .object(["error": .string("Request \(id) not found")]))
        }
        var status = job.status(at: now, configuration: configuration)
        if await state.holding, status.isFinal { status = .processing }
        await state.recordJob(id, status: status.rawValue, at: logEntry)
        let metrics = JSONValue.object(job.metrics(at: now, configuration: configuration).mapValues { .number($0) })
        var body: [String: JSONValue] = ["request_id": .string(id), "status": .string(status.rawValue), "metrics": metrics]
        switch status {
        case .failed:
            body["error"] = .string(job.failure ?? "failed")
            return json(.init(code: 422), .object(body))
        case .completed where full:
            for (key, value) in result(of: id, shape: configuration.resultShape) { body[key] = value }
        case .queued where full && configuration.resultWhileRunning == .notFound,
             .processing where full && configuration.resultWhileRunning == .notFound:
            return json(.notFound, .object(["error": .string("Request \(id) has no result yet")]))
        default:
            break
        }
        return json(.ok, .object(body))
    }

    /// A finished job's result fields, in the shape asked for.
    private func result(of id: String, shape: SimulatorConfiguration.ResultShape) -> [String: JSONValue] {
        let base = "http://\(state.configuration.outputHost):\(port())/outputs/\(id)"
        // Signed links carry when they were signed and their end, as a CDN's do; each answer signs them afresh.
        let now = Date().timeIntervalSince1970
        let signed = state.configuration.outputLinkSeconds.map {
            "?signed=\(Int64(now * 1000))&expires=\(Int64((now + $0).rounded(.up)))"
        } ?? ""
        let video = JSONValue.string(base + ".mp4" + signed), thumbnail = JSONValue.string(base + SimulatorState.thumbnailSuffix + signed)
        let object = JSONValue.object(["thumbnail": thumbnail, "video": video])
        switch shape {
        case .url: return ["output": video]
        case .list: return ["output": .array([video])]
        case .object: return ["output": object]
        case .jsonText: return ["output": .string(String(decoding: object.encoded(), as: UTF8.self))]
        case .video: return ["output": .null, "video": video]
        case .videoURL: return ["output": .string(""), "video_url": video]
        case .outputs: return ["output": .null, "outputs": .array([video])]
        case .decoy: return ["output": .object(["video": .string(base + "-preview.mp4" + signed), "video_hd": video])]
        case .thumbnailOnly: return ["output": .object(["thumbnail": thumbnail])]
        }
    }

    // MARK: Uploads

    private func receiveUpload(_ request: Request) async throws -> Response {
        var receiver = DataURLReceiver(directory: state.uploadDirectory)
        do {
            for try await chunk in request.body {
                try receiver.consume(chunk.readableBytesView)
            }
        } catch {
            return json(.badRequest, .object(["error": .string("data_urls must hold base64 data URLs")]))
        }
        guard !receiver.received.isEmpty, !receiver.isIncomplete else {
            return json(.badRequest, .object(["error": .string("Request body must be {\"data_urls\": [\"data:<mime>;base64,…\"]}")]))
        }
        let urls = receiver.received.map { JSONValue.string("http://\(state.configuration.outputHost):\(port())/uploads/" + ($0.path.split(separator: "/").last.map(String.init) ?? "")) }
        return json(.ok, .object(["urls": .array(urls)]))
    }

    // MARK: Files (outputs, uploads), with Range requests so downloads can resume

    /// With signed output links: 403 for a link past its end (or unsigned), with the XML body S3
    /// sends for an expired presigned URL. nil when the link is good.
    private func expiredLink(_ request: Request) async -> Response? {
        guard state.configuration.outputLinkSeconds != nil else { return nil }
        let query = request.uri.queryParameters
        let end = query.get("expires").flatMap { Double($0) }, signed = query.get("signed").flatMap { Int64($0) }
        if let end, let signed, end >= Date().timeIntervalSince1970, signed >= (await state.linksSignedBefore) { return nil }
        let body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>"
        return Response(status: .forbidden, headers: [.contentType: "application/xml"],
                        body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }

    /// The file, or `refusal` in its place; either way in the log.
    private func serve(_ request: Request, file: String, in directory: String, refusal: Response? = nil) async throws -> Response {
        let entry = await note(request)
        let response: Response
        if let refusal { response = refusal } else { response = try await serveFile(request, file: file, in: directory) }
        await state.recordAnswer(response.status.code, at: entry)
        return response
    }

    private func serveFile(_ request: Request, file: String, in directory: String) async throws -> Response {
        guard !file.contains("/"), !file.hasPrefix("."),
              let data = FileManager.default.contents(atPath: directory + "/" + file) else {
            return json(.notFound, .object(["error": .string("No such file")]))
        }
        let fault = await state.takeFault(for: request.uri.path)
        if let fault, fault.drop != true, let staged = try await response(for: fault) { return staged }
        let type = file.hasSuffix("-preview.mp4") ? "text/html"
            : ["mp4": "video/mp4", "mov": "video/quicktime", "png": "image/png", "jpg": "image/jpeg",
               "webp": "image/webp"][file.split(separator: ".").last.map(String.init) ?? ""] ?? "application/octet-stream"
        var headers: HTTPFields = [.contentType: type]
        var start = 0
        if let range = request.headers[.range], range.hasPrefix("bytes="),
           let first = Int(range.dropFirst(6).prefix { $0 != "-" }) {
            switch state.configuration.rangeSupport {
            case .honoured:
                headers[.acceptRanges] = "bytes"
                guard first < data.count else {
                    headers[.contentRange] = "bytes */\(data.count)"
                    return Response(status: .rangeNotSatisfiable, headers: headers)
                }
                start = first
            case .ignored:
                start = 0
            case .misaligned:
                start = max(0, min(first, data.count) - 1000)
            }
        }
        let partial = request.headers[.range] != nil && state.configuration.rangeSupport != .ignored
        let slice = data[start...]
        if partial { headers[.contentRange] = "bytes \(start)-\(data.count - 1)/\(data.count)" }
        let status: HTTPResponse.Status = partial ? .partialContent : .ok
        if fault?.drop == true {
            // Send half, then break the connection: what a flaky network does to a download.
            let half = slice.prefix(slice.count / 2)
            return Response(status: status, headers: headers,
                            body: ResponseBody(contentLength: slice.count) { writer in
                                try await writer.write(ByteBuffer(bytes: half))
                                throw DroppedConnection()
                            })
        }
        if fault?.overstate == true {
            // Everything, promised longer: the client has the whole file and a broken transfer.
            return Response(status: status, headers: headers,
                            body: ResponseBody(contentLength: slice.count + 1000) { writer in
                                try await writer.write(ByteBuffer(bytes: slice))
                                throw DroppedConnection()
                            })
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: slice)))
    }

    private func json(_ status: HTTPResponse.Status, _ value: JSONValue, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = "application/json"
        let body = (try? JSONEncoder().encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}

struct DroppedConnection: Error {}
