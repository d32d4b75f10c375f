import Foundation
import Testing
import Uploader

/// The request body as Segmind's endpoint takes it.
@Suite struct KlingRequestTests {
    private func body(_ request: KlingRequest) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(request)) as? [String: Any])
    }

    @Test func bodyUsesTheAPIsNamesAndLeavesOutEmptyElements() throws {
        let fields = try body(KlingRequest(prompt: "Based on @Video1", videoURL: "https://a/v.mp4",
                                           imageURLs: ["https://a/1.png"], aspectRatio: "16:9", duration: 10, keepAudio: true))
        #expect(fields["prompt"] as? String == "Based on @Video1")
        #expect(fields["video_url"] as? String == "https://a/v.mp4")
        #expect(fields["image_urls"] as? [String] == ["https://a/1.png"])
        #expect(fields["aspect_ratio"] as? String == "16:9")
        #expect(fields["duration"] as? Int == 10)
        #expect(fields["keep_audio"] as? Bool == true)
        #expect(fields["elements"] == nil)
    }

    @Test func elementsCarryTheirFrontalAndReferenceImages() throws {
        let element = KlingElement(frontalImageURL: "https://a/f.png", referenceImageURLs: ["https://a/r1.png", "https://a/r2.png"])
        let fields = try body(KlingRequest(prompt: "@Element1", videoURL: "https://a/v.mp4", elements: [element]))
        let elements = try #require(fields["elements"] as? [[String: Any]])
        #expect(elements.count == 1)
        #expect(elements[0]["frontal_image_url"] as? String == "https://a/f.png")
        #expect(elements[0]["reference_image_urls"] as? [String] == ["https://a/r1.png", "https://a/r2.png"])
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
}
