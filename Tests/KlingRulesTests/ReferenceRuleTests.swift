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

    /// An iPhone's photo (HEIC, made here by libheif's `heif-enc`) and an AVIF (made by ffmpeg) are
    /// HEIF images, which FFmpeg opens with its MP4 demuxer, if at all: each is called the image it
    /// is and refused for its format, never "a damaged QuickTime / MOV file" (fetch it again) or "a
    /// video, not an image". Whether this FFmpeg reads HEIC (7.1 and later do) is asked of ffprobe.
    @Test func heifPhotosAreCalledTheImagesTheyAre() async throws {
        let folder = try Scratch.folder("kling-heif")
        let jpeg = folder.appendingPathComponent("photo.jpg").path
        let heic = folder.appendingPathComponent("photo.heic").path
        let avif = folder.appendingPathComponent("photo.avif").path
        let made = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480", "-frames:v", "1", jpeg])
        #expect(made.status == 0, "ffmpeg: \(made.standardError)")
        let encoded = try await ProcessRunner.run("heif-enc", ["-q", "60", jpeg, "-o", heic])
        #expect(encoded.status == 0, "heif-enc (Debian's libheif-examples; scripts/setup installs it): \(encoded.standardError)")
        let avifMade = try await ProcessRunner.run("ffmpeg", ["-v", "error", "-y", "-i", jpeg, "-c:v", "libaom-av1", "-still-picture", "1", "-f", "avif", avif])
        #expect(avifMade.status == 0, "ffmpeg: \(avifMade.standardError)")

        let heicReadable = try await ProcessRunner.run("ffprobe", ["-v", "error", heic]).status == 0
        let clip = try video()
        do throws(ProbeError) {
            let info = try Probe.file(atPath: heic)
            #expect(heicReadable, "ffprobe cannot read \(heic), but we could")
            #expect(info.format.isImage && info.format.imageContainer == "HEIC")
            #expect(Validator().validate(ValidationRequest(video: clip, images: [info])).findings.map(\.problem)
                    == [.imageFormatNotAccepted(codec: "HEIC")])
        } catch {
            #expect(!heicReadable, "ffprobe reads \(heic), but we could not: \(error)")
            #expect(error == .unreadableImage(path: heic, kind: "HEIC"))
            #expect(error.description.contains("a HEIC image (what iPhones save photos as), which this system's FFmpeg cannot read"))
        }
        let avifInfo = try Probe.file(atPath: avif)
        #expect(avifInfo.format.isImage && avifInfo.format.imageContainer == "AVIF" && avifInfo.format.formatNames.contains("mov"))
        let findings = Validator().validate(ValidationRequest(video: try video(), images: [avifInfo])).findings
        #expect(findings.map(\.problem) == [.imageFormatNotAccepted(codec: "AVIF")])
        #expect(findings.first?.message.contains("is an AVIF image; Kling O1 takes JPEG or PNG only") == true, "\(findings)")
        // What an MP4 clip's own brands say is no image.
        #expect(try video().format.imageContainer == nil)
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
