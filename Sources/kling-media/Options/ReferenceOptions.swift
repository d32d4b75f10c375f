import ArgumentParser

/// The reference images and elements of a request given as files (or, for `continue`, URLs).
struct ReferenceOptions: ParsableArguments {
    @Option(name: .long, parsing: .upToNextOption, help: "Reference images, in @Image1, @Image2… order (put the clip before them).")
    var refs: [String] = []

    @Option(name: .customLong("ref"), help: "One reference image; repeat it for @Image2… (safe anywhere on the line).")
    var ref: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "An element: its frontal image, then 1 to 3 reference images, comma-separated. Repeat for @Element2….",
        valueName: "frontal,ref[,ref…]"))
    var element: [String] = []

    /// The reference images, in order.
    var images: [String] { refs.isEmpty ? ref : refs }

    /// The clip argument, unless `--refs` took it: `--refs a.png clip.mp4` reads the clip as an
    /// image and leaves no clip, which deserves more than "missing argument".
    func clip(_ given: String?) throws -> String {
        if let given { return given }
        if let swallowed = refs.first(where: Self.looksLikeAVideo) {
            throw ValidationError("--refs took \(swallowed) as a reference image: put the clip before --refs, or use --ref for each image")
        }
        throw ValidationError("give the clip to continue (@Video1)")
    }

    /// Only the form; how many images an element has is a rule of the model, which validation reports.
    func check() throws {
        if !refs.isEmpty && !ref.isEmpty {
            throw ValidationError("give the reference images with --refs or with --ref, not both (their order would be unclear)")
        }
        for value in element where value.split(separator: ",").isEmpty {
            throw ValidationError("--element needs FRONTAL,REF[,REF…], got '\(value)'")
        }
    }

    private static func looksLikeAVideo(_ path: String) -> Bool {
        ["mp4", "mov", "m4v", "mkv", "webm", "avi"].contains(URL(fileURLWithPath: path).pathExtension.lowercased())
    }

    /// Each element's images, frontal first.
    var elementImages: [[String]] { element.map { $0.split(separator: ",").map(String.init) } }
}
