import KlingRules
import MediaKit
import TestSupport
import Testing

/// The rules for the prompt: present, at most 2,500 characters, and naming only inputs that exist.
@Suite struct PromptRuleTests {
    private func problems(_ prompt: String, images: Int = 0, elements: Int = 0) throws -> [ValidationProblem] {
        let image = try Probe.file(atPath: Fixtures.path("ref_ok.png"))
        let request = ValidationRequest(
            video: try Probe.file(atPath: Fixtures.path("landscape.mp4")),
            images: Array(repeating: image, count: images),
            elements: Array(repeating: ElementImages(frontal: image, references: [image]), count: elements),
            prompt: prompt)
        return Validator().validate(request).findings.map(\.problem)
    }

    @Test func promptNamingTheClipAndGivenImagesPasses() throws {
        #expect(try problems("Based on @Video1, the driver from @Image1 and @Image2 walks away", images: 2) == [])
    }

    @Test func blankPromptIsEmpty() throws {
        #expect(try problems("  \n ") == [.promptEmpty])
    }

    @Test func promptOver2500CharactersIsTooLong() throws {
        let base = "Based on @Video1, "
        let exactly = base + String(repeating: "a", count: 2500 - base.utf16.count)
        #expect(try problems(exactly) == [])
        #expect(try problems(exactly + "b") == [.promptTooLong(length: 2501, maximum: 2500)])
    }

    @Test func charactersAreCountedInUTF16Units() throws {
        // 🎬 is one character to a person, two UTF-16 units to JavaScript: the stricter count wins.
        let base = "Based on @Video1, "
        let prompt = base + String(repeating: "a", count: 2499 - base.utf16.count) + "🎬"
        #expect(try problems(prompt) == [.promptTooLong(length: 2501, maximum: 2500)])
    }

    @Test func imageNumberBeyondTheImagesGivenIsMissing() throws {
        #expect(try problems("Based on @Video1, with @Image3", images: 2)
                == [.promptReferenceMissing(token: "@Image3", available: 2)])
    }

    @Test func secondVideoDoesNotExist() throws {
        #expect(try problems("Based on @Video1 and @Video2") == [.promptReferenceMissing(token: "@Video2", available: 1)])
    }

    @Test func elementWithoutElementsIsMissing() throws {
        #expect(try problems("Based on @Video1, @Element1 enters") == [.promptReferenceMissing(token: "@Element1", available: 0)])
        #expect(try problems("Based on @Video1, @Element1 enters", elements: 1) == [])
    }

    @Test func eachMissingReferenceIsReportedOnce() throws {
        #expect(try problems("Based on @Video1, @Image1 meets @Image1") == [.promptReferenceMissing(token: "@Image1", available: 0)])
    }

    @Test func promptThatNeverNamesTheClipIsAWarning() throws {
        let found = try problems("a car drives into the sunset")
        #expect(found == [.promptDoesNotMentionVideo])
        #expect(found.first?.severity == .warning)
    }
}
