import Foundation
import Segmind
import TestSupport
import Testing

/// The request body as Segmind's endpoint takes it: as its own example payload spells it, and the
/// other spelling when Segmind refuses that one.
@Suite struct KlingRequestTests {
    private func body(_ request: KlingRequest, _ encoding: RequestEncoding = .documented) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(request.wireBody(encoding))) as? [String: Any])
    }

    private let element = KlingElement(frontalImageURL: "https://a/f.png", referenceImageURLs: ["https://a/r1.png", "https://a/r2.png"])

    @Test func bodyUsesTheAPIsNamesAndSpellsTheDurationAsTheExampleDoes() throws {
        let fields = try body(KlingRequest(prompt: "Based on @Video1", videoURL: "https://a/v.mp4",
                                           imageURLs: ["https://a/1.png"], aspectRatio: .landscape, duration: 10, keepAudio: true))
        #expect(fields["prompt"] as? String == "Based on @Video1")
        #expect(fields["video_url"] as? String == "https://a/v.mp4")
        #expect(fields["image_urls"] as? [String] == ["https://a/1.png"])
        #expect(fields["aspect_ratio"] as? String == "16:9")
        #expect(fields["duration"] as? String == "10")
        #expect(fields["keep_audio"] as? Bool == true)
        #expect(fields["elements"] == nil)
    }

    @Test func emptyListsAreLeftOut() throws {
        let fields = try body(KlingRequest(prompt: "Based on @Video1", videoURL: "https://a/v.mp4"))
        #expect(fields["image_urls"] == nil && fields["elements"] == nil)
    }

    @Test func elementsAreAStringHoldingTheirList() throws {
        let fields = try body(KlingRequest(prompt: "@Element1", videoURL: "https://a/v.mp4", elements: [element]))
        let text = try #require(fields["elements"] as? String)
        let elements = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(elements.count == 1)
        #expect(elements[0]["frontal_image_url"] as? String == "https://a/f.png")
        #expect(elements[0]["reference_image_urls"] as? [String] == ["https://a/r1.png", "https://a/r2.png"])
    }

    @Test func theNativeSpellingIsAnIntegerAndAnArray() throws {
        let fields = try body(KlingRequest(prompt: "@Element1", videoURL: "https://a/v.mp4", elements: [element], duration: 5), .native)
        #expect(fields["duration"] as? Int == 5)
        #expect((fields["elements"] as? [[String: Any]])?.first?["frontal_image_url"] as? String == "https://a/f.png")
    }

    @Test func simulatorTakesElementsAndRefusesOneWithoutReferences() async throws {
        try await SimulatorHarness.with { harness in
            var request = SimulatorHarness.request
            request.prompt = "Based on @Video1, @Element1 walks in"
            request.elements = [KlingElement(frontalImageURL: "https://a/f.png", referenceImageURLs: ["https://a/r.png"])]
            _ = try await harness.client.submit(request)
            request.elements = [KlingElement(frontalImageURL: "https://a/f.png", referenceImageURLs: [])]
            await #expect(throws: APIError.badRequest(detail: "elements[0] needs 1 to 3 reference_image_urls, got 0")) {
                try await harness.client.submit(request)
            }
        }
    }

    @Test func aServerTakingOnlyTheOtherSpellingIsAnsweredAndRemembered() async throws {
        try await SimulatorHarness.with({ $0.acceptedEncoding = .native }) { harness in
            var client = harness.client
            client.encodingMemory = RequestEncodingMemory(path: harness.outputDirectory.appendingPathComponent("state/encoding.json").path)
            var request = SimulatorHarness.request
            request.prompt = "Based on @Video1, @Element1 walks in"
            request.elements = [KlingElement(frontalImageURL: "https://a/f.png", referenceImageURLs: ["https://a/r.png"])]
            _ = try await client.submit(request)
            // Refused for the duration, then for the elements, then taken: free refusals, one job.
            let first = try await harness.control.requests("POST", "/v2/kling").compactMap { $0["status"] as? Int }
            #expect(first == [400, 400, 200])
            // Remembered: the next submission is spelled right at once.
            _ = try await client.submit(request)
            let posts = try await harness.control.requests("POST", "/v2/kling")
            #expect(posts.count == 4 && posts[3]["status"] as? Int == 200)
            let sent = try #require(try JSONSerialization.jsonObject(with: Data((posts[3]["body"] as? String ?? "").utf8)) as? [String: Any])
            #expect(sent["duration"] as? Int == 5 && sent["elements"] is [Any])
            #expect(client.encodingMemory?.encoding(for: "127.0.0.1") == .native)
        }
    }

    @Test func aRefusalNamingNeitherFieldIsNotRetried() async throws {
        try await SimulatorHarness.with({ $0.acceptedEncoding = .native }) { harness in
            var request = SimulatorHarness.request
            request.prompt = "Based on @Video1 and @Image2"
            await #expect(throws: APIError.self) { try await harness.client.submit(request) }
            // The duration's refusal, then the prompt's: the second names no field spelled two ways.
            let posts = try await harness.control.count("POST", "/v2/kling")
            #expect(posts == 2)
        }
    }
}
