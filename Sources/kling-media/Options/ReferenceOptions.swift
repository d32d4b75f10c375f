import ArgumentParser

/// The reference images and elements of a request given as files (or, for `continue`, URLs).
struct ReferenceOptions: ParsableArguments {
    @Option(name: .long, parsing: .upToNextOption, help: "Reference images, in @Image1, @Image2… order.")
    var refs: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "An element: its frontal image, then 1 to 3 reference images, comma-separated. Repeat for @Element2….",
        valueName: "frontal,ref[,ref…]"))
    var element: [String] = []

    /// Only the form; how many images an element has is a rule of the model, which validation reports.
    func check() throws {
        for value in element where value.split(separator: ",").isEmpty {
            throw ValidationError("--element needs FRONTAL,REF[,REF…], got '\(value)'")
        }
    }

    /// Each element's images, frontal first.
    var elementImages: [[String]] { element.map { $0.split(separator: ",").map(String.init) } }
}
