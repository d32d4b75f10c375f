import ArgumentParser
import Pipeline

/// `--tail SECONDS|shot`.
enum TailArgument {
    @Sendable static func parse(_ argument: String) throws -> TailChoice {
        guard let choice = TailChoice(argument) else {
            throw ValidationError("a number of seconds, or shot (the clip's last shot, from its last hard cut)")
        }
        return choice
    }
}
