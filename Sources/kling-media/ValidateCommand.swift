import ArgumentParser
import MediaKit

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "validate", abstract: "Check a clip against Kling O1's rules.")
    func run() throws {}
}
