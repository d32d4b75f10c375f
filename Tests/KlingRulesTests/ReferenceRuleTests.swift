import Foundation
import KlingRules
import MediaKit
import TestSupport
import Testing

/// The rules for reference images, elements and how many references one request may carry.
@Suite struct ReferenceRuleTests {
    private func video() throws -> MediaInfo { try Probe.file(atPath: Fixtures.path("landscape.mp4")) }
    private func image(_ fixture: String) throws -> MediaInfo { try Probe.file(atPath: Fixtures.path(fixture)) }

    private func problems(images: [String] = [], elements: [[String]] = []) throws -> [ValidationProblem] {
        let request = ValidationRequest(
            video: try video(),
            images: try images.map(image),
            elements: try elements.map { ElementImages(frontal: try image($0[0]), references: try $0.dropFirst().map(image)) })
        return Validator().validate(request).findings.map(\.problem)
    }

    @Test(arguments: ["ref_ok.png", "ref_ok.jpg", "ref_wide_limit.png"])
    func acceptedImagesHaveNoFindings(fixture: String) throws {
        #expect(try problems(images: [fixture]) == [])
    }

    @Test func imageUnder300PixelsIsTooSmall() throws {
        #expect(try problems(images: ["ref_too_small.png"]) == [.imageTooSmall(width: 200, height: 200, minimum: 300)])
    }

    @Test func imageWiderThan2Point5To1IsOutOfRange() throws {
        #expect(try problems(images: ["ref_too_wide.png"])
                == [.imageAspectOutOfRange(width: 1300, height: 400, allowed: 0.4...2.5)])
    }

    @Test func imageTallerThan1To2Point5IsOutOfRange() throws {
        #expect(try problems(images: ["ref_too_tall.png"])
                == [.imageAspectOutOfRange(width: 300, height: 800, allowed: 0.4...2.5)])
    }

    @Test func webpIsNotAnAcceptedFormat() throws {
        #expect(try problems(images: ["ref.webp"]) == [.imageFormatNotAccepted(codec: "webp")])
    }

    @Test func videoGivenAsAnImageIsRefused() throws {
        #expect(try problems(images: ["video_as_image.png"]) == [.imageIsNotAnImage(format: "QuickTime / MOV")])
    }

    @Test func pngNamedJpgIsAWarning() throws {
        let misnamed = Scratch.temporary.appendingPathComponent("kling-\(UUID().uuidString).jpg")
        try FileManager.default.copyItem(atPath: Fixtures.path("ref_ok.png"), toPath: misnamed.path)
        defer { try? FileManager.default.removeItem(at: misnamed) }
        let request = ValidationRequest(video: try video(), images: [try Probe.file(atPath: misnamed.path)])
        let findings = Validator().validate(request).findings
        #expect(findings.map(\.problem) == [.imageExtensionMisleads(extension: "jpg", codec: "png")])
        #expect(findings.first?.severity == .warning)
    }

    @Test func imageOver10MegabytesIsTooLarge() throws {
        var large = try image("ref_ok.png")
        large.format.size = 10_000_001
        let findings = Validator().validate(ValidationRequest(video: try video(), images: [large])).findings
        #expect(findings.map(\.problem) == [.imageFileTooLarge(bytes: 10_000_001, limit: 10_000_000)])
        #expect(findings.first?.reference == "@Image1")
    }

    @Test func fiveImagesAreOneTooMany() throws {
        #expect(try problems(images: Array(repeating: "ref_ok.png", count: 5))
                == [.tooManyReferences(images: 5, elements: 0, maximum: 4)])
        #expect(try problems(images: Array(repeating: "ref_ok.png", count: 4)) == [])
    }

    @Test func imagesAndElementsCountTogether() throws {
        let element = ["ref_ok.png", "ref_ok.jpg"]
        #expect(try problems(images: ["ref_ok.png", "ref_ok.png", "ref_ok.png"], elements: [element, element])
                == [.tooManyReferences(images: 3, elements: 2, maximum: 4)])
    }

    @Test func elementWithoutReferenceImagesIsRefused() throws {
        #expect(try problems(elements: [["ref_ok.png"]])
                == [.elementReferenceCount(element: 1, count: 0, allowed: 1...3)])
    }

    @Test func elementWithFourReferenceImagesIsRefused() throws {
        #expect(try problems(elements: [["ref_ok.png", "ref_ok.png", "ref_ok.png", "ref_ok.png", "ref_ok.png"]])
                == [.elementReferenceCount(element: 1, count: 4, allowed: 1...3)])
    }

    @Test func elementImagesFollowTheImageRules() throws {
        let request = ValidationRequest(video: try video(),
                                        elements: [ElementImages(frontal: try image("ref_ok.png"),
                                                                 references: [try image("ref_too_small.png")])])
        let findings = Validator().validate(request).findings
        #expect(findings.map(\.problem) == [.imageTooSmall(width: 200, height: 200, minimum: 300)])
        #expect(findings.first?.reference == "@Element1")
        #expect(findings.first?.subject == Fixtures.path("ref_too_small.png"))
    }
}
