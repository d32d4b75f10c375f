import Pipeline

/// What a finished continuation prints: the stitched result's path (or the shots'), or JSON.
enum ContinuationOutput {
    static func print(_ outcome: ContinuationOutcome, json: Bool, simulated: Bool) {
        if json {
            JSONOutput.print(Simulated(outcome: outcome, simulated: simulated))
            return
        }
        if let output = outcome.output {
            Terminal.print(output)
        } else {
            for shot in outcome.shots { Terminal.print(shot.path) }
        }
    }

    /// The outcome with `simulated` beside it.
    struct Simulated: Encodable {
        let outcome: ContinuationOutcome
        let simulated: Bool

        enum Keys: String, CodingKey { case simulated }

        func encode(to encoder: any Encoder) throws {
            try outcome.encode(to: encoder)
            var container = encoder.container(keyedBy: Keys.self)
            try container.encode(simulated, forKey: .simulated)
        }
    }
}
