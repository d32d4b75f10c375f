import MediaKit

extension Validator {
    /// The rules for the prompt: present, not too long, and every @Video/@Image/@Element it names
    /// given. One clip is @Video1; images and elements count from 1 in the order given.
    func promptFindings(_ prompt: String, imageCount: Int, elementCount: Int) -> [Finding] {
        func finding(_ problem: ValidationProblem) -> Finding {
            Finding(subject: "prompt", reference: nil, problem: problem)
        }
        if prompt.allSatisfy(\.isWhitespace) { return [finding(.promptEmpty)] }

        var problems: [ValidationProblem] = []
        let length = prompt.utf16.count
        if length > limits.promptMaxLength {
            problems.append(.promptTooLong(length: length, maximum: limits.promptMaxLength))
        }
        let available = ["Video": 1, "Image": imageCount, "Element": elementCount]
        var mentionsVideo = false
        var reported: Set<String> = []
        for mention in PromptReference.all(in: prompt) {
            if mention.kind == "Video" && mention.number == 1 { mentionsVideo = true }
            let count = available[mention.kind] ?? 0
            if mention.number < 1 || mention.number > count, reported.insert(mention.token).inserted {
                problems.append(.promptReferenceMissing(token: mention.token, available: count))
            }
        }
        if !mentionsVideo { problems.append(.promptDoesNotMentionVideo) }
        return problems.map(finding)
    }
}

/// A mention of an input in a prompt: `@Video1`, `@Image2`, `@Element1`.
struct PromptReference: Equatable {
    let kind: String
    let number: Int

    var token: String { "@\(kind)\(number)" }

    /// Every mention, in order of appearance, in the documented spelling only (whether the model
    /// also reads `@video1` is undocumented).
    static func all(in prompt: String) -> [PromptReference] {
        let pattern = /@(Video|Image|Element)(\d+)/
        return prompt.matches(of: pattern).compactMap { match in
            Int(match.output.2).map { PromptReference(kind: String(match.output.1), number: $0) }
        }
    }
}
