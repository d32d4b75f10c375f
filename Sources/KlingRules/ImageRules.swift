import MediaKit

extension Validator {
    /// The rules for one reference image (@Image1…, or an element's picture).
    func imageFindings(_ info: MediaInfo, reference: String) -> [Finding] {
        imageProblems(info).map { Finding(subject: info.format.filename, reference: reference, problem: $0) }
    }

    private func imageProblems(_ info: MediaInfo) -> [ValidationProblem] {
        guard info.format.isImage, let picture = info.primaryVideo else {
            return [.imageIsNotAnImage(format: info.format.formatLongName ?? info.format.formatName)]
        }
        // A HEIF photo holds HEVC or AV1 pictures: named by its container ("a HEIC image"), as its owner knows it.
        if let container = info.format.imageContainer { return [.imageFormatNotAccepted(codec: container)] }
        let codec = picture.codecName ?? "unknown"
        guard limits.imageCodecs.contains(codec) else { return [.imageFormatNotAccepted(codec: codec)] }

        var problems: [ValidationProblem] = []
        let ext = URL(fileURLWithPath: info.format.filename).pathExtension.lowercased()
        let fitting: Set<String> = codec == "png" ? ["png"] : ["jpg", "jpeg"]
        if !fitting.contains(ext) { problems.append(.imageExtensionMisleads(extension: ext, codec: codec)) }
        if info.format.size > limits.imageMaxBytes {
            problems.append(.imageFileTooLarge(bytes: info.format.size, limit: limits.imageMaxBytes))
        }
        let width = picture.displayWidth ?? picture.width ?? 0
        let height = picture.displayHeight ?? picture.height ?? 0
        if min(width, height) < limits.imageMinSide {
            problems.append(.imageTooSmall(width: width, height: height, minimum: limits.imageMinSide))
        }
        if height > 0, !limits.imageAspect.contains(Double(width) / Double(height)) {
            problems.append(.imageAspectOutOfRange(width: width, height: height, allowed: limits.imageAspect))
        }
        return problems
    }

    /// An element: its frontal image and 1 to 3 reference images, each under the image rules.
    func elementFindings(_ element: ElementImages, number: Int) -> [Finding] {
        let reference = "@Element\(number)"
        var findings = imageFindings(element.frontal, reference: reference)
        for image in element.references {
            findings += imageFindings(image, reference: reference)
        }
        if !limits.elementReferenceImages.contains(element.references.count) {
            findings.append(Finding(subject: element.frontal.format.filename, reference: reference,
                                    problem: .elementReferenceCount(element: number, count: element.references.count,
                                                                    allowed: limits.elementReferenceImages)))
        }
        return findings
    }

    func referenceCountFindings(images: Int, elements: Int) -> [Finding] {
        guard images + elements > limits.maxReferences else { return [] }
        return [Finding(subject: "request", reference: nil,
                        problem: .tooManyReferences(images: images, elements: elements, maximum: limits.maxReferences))]
    }
}
